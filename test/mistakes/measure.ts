import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MeshApp, MeshValidationError } from '../../lib';
import { runCommand } from '../../lib/cli/analyze-command';

/**
 * Issue 37's measure: a realistic mistake, as a user makes it — a typed program with a wrong prop (run as `app.synth()`
 * into a fresh folder), or YAML given to `mesh-kit analyze` — and what the library should do about it.
 */
export interface Mistake {
  /** A short name: `istio/weights-over-100`. */
  readonly id: string;
  /** The mesh or API it concerns, for the breakdown. */
  readonly area: 'istio-sidecar' | 'istio-ambient' | 'gateway-api' | 'linkerd' | 'app';
  /** A program: builds its charts into the app (the measure synthesizes it). */
  readonly program?: (app: MeshApp) => void;
  /** YAML given to `mesh-kit analyze`. */
  readonly yaml?: string;
  /** The codes of a finding that names the mistake (any one of them), when a warning (or an error finding) is the answer. */
  readonly codes?: readonly string[];
  /** One of issue 37's quiet mistakes: quiet until the quiet and linkerd parts land. */
  readonly quietList?: boolean;
}

/**
 * The codes the quiet part of issue 37 gives its Istio findings: the ones after the highest code on main when the work
 * began (MK0024), below this part's Linkerd ones (MK0040, MK0041).
 */
export const QUIET_PART: readonly string[] = Array.from({ length: 15 }, (_, i) => `MK00${25 + i}`);

/** What the library did. */
export type Outcome = 'refused clearly' | 'refused unclearly' | 'warned by name' | 'quiet' | 'crashed';

export interface Classified {
  readonly mistake: Mistake;
  readonly outcome: Outcome;
  /** Files written although the synth was refused. */
  readonly partialWrite: boolean;
  /** What was said (the error's message or the findings' codes), to read when the class is not the expected one. */
  readonly said: string;
}

/**
 * A refusal is clear when each problem names where it is (the construct path, or the public call for a value made
 * before any construct: `HttpMatch.prefix`), the field, the value and a fix.
 */
function clear(e: MeshValidationError): boolean {
  return e.problems.length > 0 && e.problems.every(p => (p.path !== undefined || p.call !== undefined) && !!p.field && 'value' in p && !!p.fix);
}

/** Runs a program mistake: synth into a fresh folder. */
function runProgram(m: Mistake): Classified {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-mistake-')), 'dist');
  try {
    const app = new MeshApp({ outdir, analysis: { printWarnings: false } });
    try {
      m.program!(app);
      app.synth();
    } catch (e) {
      const partialWrite = fs.existsSync(outdir);
      if (MeshValidationError.isMeshValidationError(e)) {
        const codes = e.problems.map(p => p.code).filter((c): c is string => c !== undefined);
        const byCode = m.codes !== undefined && codes.some(c => m.codes!.includes(c));
        return { mistake: m, outcome: clear(e) || byCode ? 'refused clearly' : 'refused unclearly', partialWrite, said: e.message };
      }
      return { mistake: m, outcome: 'crashed', partialWrite, said: String((e as Error)?.stack ?? e) };
    }
    const codes = (app.report?.findings ?? []).map(f => f.code);
    const warned = m.codes !== undefined && codes.some(c => m.codes!.includes(c));
    return { mistake: m, outcome: warned ? 'warned by name' : 'quiet', partialWrite: false, said: codes.join(' ') || '(no finding)' };
  } finally {
    fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  }
}

/** Runs a YAML mistake through `mesh-kit analyze -o json`. */
function runYaml(m: Mistake): Classified {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-mistake-'));
  try {
    const file = path.join(dir, 'mistake.yaml');
    fs.writeFileSync(file, m.yaml!);
    let out = '';
    let err = '';
    let status: number;
    try {
      status = runCommand(['analyze', '-o', 'json', file], { out: t => (out += t), err: t => (err += t) });
    } catch (e) {
      return { mistake: m, outcome: 'crashed', partialWrite: false, said: String((e as Error)?.stack ?? e) };
    }
    if (status > 1) return { mistake: m, outcome: 'refused unclearly', partialWrite: false, said: `exit ${status}: ${err}` };
    const report = JSON.parse(out) as { findings?: Array<{ code: string }> };
    const codes = (report.findings ?? []).map(f => f.code);
    const warned = m.codes !== undefined && codes.some(c => m.codes!.includes(c));
    return { mistake: m, outcome: warned ? 'warned by name' : 'quiet', partialWrite: false, said: codes.join(' ') || '(no finding)' };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one mistake and classifies what the library did. */
export function classify(m: Mistake): Classified {
  return m.program ? runProgram(m) : runYaml(m);
}
