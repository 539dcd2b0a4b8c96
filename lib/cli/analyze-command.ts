import * as fs from 'fs';
import { runDiff } from './diff-command';
import { runTest } from './test-command';
import { runTrace } from './trace-command';
import { ANALYZERS } from '../analysis/codes';
import { analyzeManifests, inputFiles, readText } from '../analysis/files';
import { Finding, FindingLevel } from '../analysis/model';
import { findingText, levelNamed } from '../analysis/report';
import { MeshValidationError } from '../core/errors';

/** Where the command writes, and what it reads for `-` (replaceable in tests). */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly stdin?: () => string;
}

export const USAGE = `Usage: mesh-kit analyze [options] FILE|DIR|- ...

Analyzes Kubernetes and Istio manifests (Helm output, kustomize build, cdk8s dist) as
'istioctl analyze --use-kube=false' does: the input is the whole world, Istio's default
ingress gateway added. Prints one line per finding; exits 1 when a finding reaches the
failure level, 2 on bad input.

Options:
  -o, --output text|json     output format (default: text)
  --fail-on error|warning|info
                             lowest level that fails the run (default: error)
  --suppress 'CODE=Kind [namespace/]name'
                             set findings aside (repeatable; '*' matches anything),
                             e.g. --suppress 'IST0102=Namespace default'
  --crds FILE                validate objects against these CRDs (OpenAPI and CEL; repeatable)
                             instead of the pinned Istio, Gateway API and Linkerd schemas
  --no-schemas               no schema validation (IST0106) unless --crds
  --mesh-config FILE         Istio mesh config (rootNamespace, defaultProviders, proxyMetadata),
                             or Istio's 'istio' ConfigMap (its 'mesh' key)
  --strict-input             a YAML file that is not Kubernetes objects (Chart.yaml, values.yaml,
                             kustomization.yaml, CI workflows, templates) is an error (exit 2)
                             instead of skipped with a note
  --list-checks              print every check (code, level, analyzer) and exit
  -h, --help                 print this help

Also: mesh-kit diff OLD NEW         what changed between two outputs, in the mesh's terms (mesh-kit diff --help)
      mesh-kit trace [options] DIR  where one request goes: route, rule, versions, verdict (mesh-kit trace --help)
      mesh-kit test SPEC.yaml       requests with what each must do, checked against manifests (mesh-kit test --help)
`;


/** A finding as istioctl prints it: `Error [IST0101] (VirtualService default/reviews file.yaml:12) message`. */
export function istioLine(f: Finding): string {
  const where = f.line !== undefined ? ` ${f.file}:${f.line}` : '';
  return `${f.level} [${f.code}] (${f.object}${where}) ${findingText(f)}`;
}

class UsageError extends Error {}

interface Parsed {
  inputs: string[];
  output: 'text' | 'json';
  failOn: FindingLevel;
  suppress: string[];
  crds: string[];
  schemas: boolean;
  meshConfig?: string;
  list: boolean;
  help: boolean;
  strictInput: boolean;
}

function parse(argv: readonly string[]): Parsed {
  const p: Parsed = { inputs: [], output: 'text', failOn: FindingLevel.ERROR, suppress: [], crds: [], schemas: true, list: false, help: false, strictInput: false };
  const args = [...argv];
  const value = (flag: string) => {
    const v = args.shift();
    if (v === undefined || (v.startsWith('-') && v !== '-')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  while (args.length > 0) {
    const a = args.shift()!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const next = () => inline ?? value(flag);
    switch (flag) {
      case '-o': case '--output': {
        const o = next();
        if (o !== 'text' && o !== 'json') throw new UsageError(`--output must be text or json: got '${o}'`);
        p.output = o;
        break;
      }
      case '--fail-on': {
        const t = next();
        const level = levelNamed(t);
        if (!level) throw new UsageError(`--fail-on must be error, warning or info: got '${t}'`);
        p.failOn = level;
        break;
      }
      case '--suppress': p.suppress.push(next()); break;
      case '--crds': p.crds.push(next()); break;
      case '--no-schemas': p.schemas = false; break;
      case '--mesh-config': p.meshConfig = next(); break;
      case '--list-checks': p.list = true; break;
      case '--strict-input': p.strictInput = true; break;
      case '-h': case '--help': p.help = true; break;
      default:
        if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option '${flag}'`);
        p.inputs.push(flag);
    }
  }
  return p;
}

/**
 * The mesh config of `--mesh-config`: the mesh config itself (`istioctl analyze --meshConfigFile`), or Istio's `istio`
 * ConfigMap, whose `mesh` key holds it as istiod reads it (istio/istio `pkg/config/mesh/kubemesh/watcher.go`, `MeshConfigKey`).
 */
function readMeshConfig(file: string): unknown {
  if (!fs.existsSync(file)) throw new MeshValidationError(`--mesh-config ${file}: no such file`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as { parse(s: string, options?: object): unknown };
  const parseYaml = (text: string, what: string) => {
    try {
      return YAML.parse(text, { version: '1.1' });
    } catch (e) {
      throw new MeshValidationError(`--mesh-config ${file}${what} is not valid YAML: ${String((e as Error).message).split('\n')[0]}`);
    }
  };
  const value = parseYaml(readText(file), '');
  const isMap = (v: unknown): v is { [k: string]: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(value) || value.kind !== 'ConfigMap') return value;
  const mesh = isMap(value.data) ? value.data.mesh : undefined;
  if (typeof mesh !== 'string') {
    throw new MeshValidationError(`--mesh-config ${file}: a ConfigMap without a 'mesh' key: give Istio's 'istio' ConfigMap (its 'mesh' key holds the mesh config) or the mesh config itself`);
  }
  return parseYaml(mesh, ' (its mesh key)');
}

/** Runs `mesh-kit ...`: returns the exit status (0 clean, 1 findings at the failure level, 2 bad input). */
/** Objects per second, rounded, with thousands separated as the figures of the progress lines (`12,345`). */
function perSecond(objects: number, ms: number): string {
  return Math.round(objects / (Math.max(ms, 1) / 1000)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function runCommand(argv: readonly string[], io: CommandIo): number {
  try {
    const [command, ...rest] = argv;
    if (command === '-h' || command === '--help' || command === undefined) {
      (command === undefined ? io.err : io.out)(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'diff') return runDiff(rest, io);
    if (command === 'trace') return runTrace(rest, io);
    if (command === 'test') return runTest(rest, io);
    if (command !== 'analyze') throw new UsageError(`unknown command '${command}': the commands are 'analyze', 'diff', 'trace' and 'test'`);
    const opts = parse(rest);
    if (opts.help) {
      io.out(USAGE);
      return 0;
    }
    if (opts.list) {
      io.out(`${ANALYZERS.map(a => `${a.code} ${a.level.padEnd(7)} ${a.name} (${a.analyzer})`).join('\n')}\n`);
      return 0;
    }
    if (opts.inputs.length === 0) throw new UsageError('name at least one file, folder, or - for standard input');
    const meshConfig = opts.meshConfig ? readMeshConfig(opts.meshConfig) : undefined;
    for (const crd of opts.crds) if (!fs.existsSync(crd)) throw new MeshValidationError(`--crds ${crd}: no such file`);
    const started = Date.now();
    const inputNotes: string[] = [];
    const files = inputFiles(opts.inputs, n => inputNotes.push(n));
    let skipped = 0;
    const { report, objects } = analyzeManifests(files, {
      meshConfig,
      suppress: opts.suppress,
      crds: opts.crds,
      schemas: opts.schemas,
      stdin: io.stdin,
      skipNonManifests: !opts.strictInput,
      inputNotes,
      onRead: (n, read, skips) => {
        skipped = skips;
        if (n >= 1000) {
          const ms = Date.now() - started;
          io.err(`read ${n} objects from ${read} file${read === 1 ? '' : 's'} in ${ms} ms (${perSecond(n, ms)} objects/s); analyzing...\n`);
        }
      },
    });
    // the notes about the input (links, skipped files) go to standard error; the JSON report carries them all
    if (opts.output === 'text') {
      for (const note of report.notes.filter(n => inputNotes.includes(n) || n.includes(': skipped, '))) io.err(`mesh-kit: note: ${note}\n`);
    }
    if (objects.length === 0) {
      throw new MeshValidationError(`no Kubernetes object in the input (${files.length} file${files.length === 1 ? '' : 's'} read, ${skipped} skipped): `
        + 'name the manifests (Helm output, kustomize build, cdk8s dist)');
    }
    const failing = report.reaching(opts.failOn);
    if (opts.output === 'json') {
      io.out(`${JSON.stringify({ objects: objects.length, ...report.toJson() }, undefined, 2)}\n`);
    } else if (report.findings.length === 0) {
      io.out(`No validation issues found when analyzing ${objects.length} object${objects.length === 1 ? '' : 's'}`
        + `${report.suppressed.length > 0 ? ` (${report.suppressed.length} suppressed)` : ''}.\n`);
    } else {
      io.out(`${report.findings.map(istioLine).join('\n')}\n`);
    }
    if (objects.length >= 1000) {
      const ms = Date.now() - started;
      io.err(`analyzed ${objects.length} objects in ${ms} ms (${perSecond(objects.length, ms)} objects/s)\n`);
    }
    return failing.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`mesh-kit: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof MeshValidationError) {
      io.err(`mesh-kit: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
