import { ANNOTATION_ANALYZERS } from './analyzers/annotations';
import { DESTINATION_RULE_ANALYZERS } from './analyzers/destination-rule';
import { KUBERNETES_ANALYZERS } from './analyzers/kubernetes';
import { POLICY_ANALYZERS } from './analyzers/policy';
import { VIRTUAL_SERVICE_ANALYZERS } from './analyzers/virtual-service';
import { contextOf, idOf } from './context';
import { AnalyzedObject, Analyzer, Finding, FindingLevel } from './model';
import { AnalysisReport } from './report';
import { Suppressions } from '../core/suppressions';

/** Every check of the catalogue, in code order. */
export const ANALYZERS: readonly Analyzer[] = [
  ...VIRTUAL_SERVICE_ANALYZERS, ...DESTINATION_RULE_ANALYZERS, ...KUBERNETES_ANALYZERS, ...ANNOTATION_ANALYZERS, ...POLICY_ANALYZERS,
].sort((a, b) => a.code.localeCompare(b.code));

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /** Report Istio's warnings as errors. */
  readonly warningsAsErrors?: boolean;
  /** Findings found before the catalogue ran (e.g. schema validation, IST0106). */
  readonly extra?: Array<{ analyzer: Pick<Analyzer, 'code' | 'name' | 'level'>; object: AnalyzedObject; message: string }>;
  /** Notes for the report (what was validated against what, what could not be). */
  readonly notes?: string[];
}

/**
 * Runs the catalogue over the app's objects. Findings on an object whose construct (or an
 * ancestor) suppresses the code are set aside with the reason; the rest are reported at Istio's
 * level (warnings as errors when asked). Deterministic: same objects, same report.
 */
export function analyze(objects: readonly AnalyzedObject[], options: AnalyzeOptions = {}): AnalysisReport {
  const ctx = contextOf(objects);
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const raw = [
    ...(options.extra ?? []).map(e => ({ analyzer: e.analyzer, object: e.object, message: e.message })),
    ...ANALYZERS.flatMap(a => a.run(ctx).map(f => ({ analyzer: a as Pick<Analyzer, 'code' | 'name' | 'level'>, object: f.object, message: f.message }))),
  ];
  const seen = new Set<string>();
  for (const { analyzer, object, message } of raw) {
    const level = analyzer.level === FindingLevel.WARNING && options.warningsAsErrors ? FindingLevel.ERROR : analyzer.level;
    const f: Finding = {
      code: analyzer.code,
      name: analyzer.name,
      level,
      object: idOf(object),
      path: object.construct?.node.path ?? idOf(object),
      file: object.file,
      message: `[${analyzer.code}] ${message}`,
    };
    const key = `${f.path}|${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const s = object.construct ? Suppressions.find(object.construct, analyzer.code) : undefined;
    if (s) suppressed.push({ ...f, suppressedBecause: s.reason });
    else findings.push(f);
  }
  return new AnalysisReport(findings, suppressed, ['IST0106', ...ANALYZERS.map(a => a.code)].filter((c, i, all) => all.indexOf(c) === i).sort(), options.notes ?? []);
}
