import { Finding, FindingLevel } from './model';

const RANK: { [level: string]: number } = { [FindingLevel.INFO]: 0, [FindingLevel.WARNING]: 1, [FindingLevel.ERROR]: 2 };

/** The level a failure threshold names (`error`, `warning`, `info`, any case), or undefined for anything else. */
export function levelNamed(text: unknown): FindingLevel | undefined {
  return Object.values(FindingLevel).find(l => typeof text === 'string' && l.toLowerCase() === text.toLowerCase());
}

/** What a finding says without its code before it (`message` is `[IST0101] <text>`): istioctl prints the code apart. */
export function findingText(f: Finding): string {
  const head = `[${f.code}] `;
  return f.message.startsWith(head) ? f.message.slice(head.length) : f.message;
}

/** The line of a finding: `[construct path] [IST0101] message`. */
export function findingLine(f: Finding): string {
  return `[${f.path}] ${f.message}`;
}

/**
 * What the synth-time analysis found: errors (which stopped synth, unless there are none),
 * warnings, information, and the findings suppressed with `Suppressions.add` (with their reasons).
 * Written by `MeshApp` as JSON under the output folder; warnings are also printed.
 */
export class AnalysisReport {
  /** Findings in force (not suppressed), in catalogue order. */
  public readonly findings: readonly Finding[];
  /** Findings suppressed on their construct, each with its reason. */
  public readonly suppressed: readonly Finding[];
  /** The codes of the checks that ran. */
  public readonly checks: readonly string[];
  /** Notes on the run (what schemas objects were validated against, what could not be checked). */
  public readonly notes: readonly string[];

  public constructor(findings: Finding[], suppressed: Finding[], checks: string[], notes: string[] = []) {
    this.findings = findings;
    this.suppressed = suppressed;
    this.checks = checks;
    this.notes = notes;
  }

  /** The findings at a level. */
  public at(level: FindingLevel): Finding[] {
    return this.findings.filter(f => f.level === level);
  }

  /** The findings at a level or above it (warnings and errors for `WARNING`): what fails a run with that threshold. */
  public reaching(threshold: FindingLevel): Finding[] {
    return this.findings.filter(f => RANK[f.level] >= RANK[threshold]);
  }

  /** The report as JSON-ready data (stable key order, for diffs in review). */
  public toJson(): { checks: string[]; notes: string[]; summary: { [level: string]: number }; findings: Finding[]; suppressed: Finding[] } {
    return {
      checks: [...this.checks],
      notes: [...this.notes],
      summary: {
        errors: this.at(FindingLevel.ERROR).length,
        warnings: this.at(FindingLevel.WARNING).length,
        info: this.at(FindingLevel.INFO).length,
        suppressed: this.suppressed.length,
      },
      findings: [...this.findings],
      suppressed: [...this.suppressed],
    };
  }

  /** One line per finding, `warning [path] [IST0132] …`, suppressed ones with their reason. */
  public toText(): string {
    return [
      ...this.findings.map(f => `${f.level.toLowerCase()} ${findingLine(f)}`),
      ...this.suppressed.map(f => `suppressed ${findingLine(f)} (reason: ${f.suppressedBecause})`),
    ].join('\n');
  }
}
