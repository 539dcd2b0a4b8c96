import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { SHARED_DIR } from './shared';
import { analyze, ANALYZERS } from '../../lib/analysis';
import { objectsOfYaml } from '../../lib/analysis/load';
import { AnalyzedObject } from '../../lib/analysis/model';

/** Istio's analyzer test suite (`../shared/reference/istio/analyzer-suite`). */
export const SUITE_DIR = path.join(SHARED_DIR, 'reference', 'istio', 'analyzer-suite');

export interface SuiteCase {
  name: string;
  inputFiles: string[];
  analyzerKey: string;
  analyzerCodes: string[];
  skipAll: boolean;
  meshConfigFile?: string;
  meshNetworksFile?: string;
  expected: Array<{ type: string; code: string; origin: string }>;
}

export interface SuiteTable {
  catalogue: Array<{ code: string; name: string; level: string }>;
  defaults: object[];
  cases: SuiteCase[];
}

export function loadTable(): SuiteTable {
  return JSON.parse(fs.readFileSync(path.join(SUITE_DIR, 'table.json'), 'utf8')) as SuiteTable;
}

/** One (case, code) pair: Istio's expected origins and ours, with multiplicity. */
export interface PairResult {
  case: string;
  index: number;
  code: string;
  expected: string[];
  actual: string[];
  passed: boolean;
}

const fileOf = (f: string) => path.join(SUITE_DIR, f.replace(/^testdata\//, ''));

/** The objects of a case, as `istioctl analyze --use-kube=false` reads its files. */
export function caseObjects(c: SuiteCase): AnalyzedObject[] {
  return c.inputFiles.flatMap(f => objectsOfYaml(fs.readFileSync(fileOf(f), 'utf8'), f));
}

/** Runs every case and compares, for each code the library claims, its findings with Istio's. */
export function runSuite(claimed: ReadonlySet<string> = new Set(['IST0106', ...ANALYZERS.map(a => a.code)])): PairResult[] {
  const table = loadTable();
  const results: PairResult[] = [];
  table.cases.forEach((c, index) => {
    const codes = c.analyzerCodes.filter(code => claimed.has(code));
    if (codes.length === 0) return;
    const meshConfig = c.meshConfigFile ? YAML.parse(fs.readFileSync(fileOf(c.meshConfigFile), 'utf8')) as unknown : undefined;
    const report = analyze(caseObjects(c), { world: 'closed', istioDefaults: true, meshConfig, analyzers: [c.analyzerKey] });
    for (const code of codes) {
      const expected = c.expected.filter(e => e.code === code).map(e => e.origin).sort();
      const actual = [...report.findings, ...report.suppressed].filter(f => f.code === code).map(f => f.object).sort();
      results.push({ case: c.name, index, code, expected, actual, passed: JSON.stringify(expected) === JSON.stringify(actual) });
    }
  });
  return results;
}

/** Pairs passed and failed, and message-level precision and recall (multisets). */
export function summarize(results: PairResult[]): { pairs: number; passed: number; failed: number; precision: number; recall: number } {
  let matched = 0;
  let reported = 0;
  let wanted = 0;
  for (const r of results) {
    const left = [...r.expected];
    for (const a of r.actual) {
      const i = left.indexOf(a);
      if (i >= 0) {
        left.splice(i, 1);
        matched++;
      }
    }
    reported += r.actual.length;
    wanted += r.expected.length;
  }
  return {
    pairs: results.length,
    passed: results.filter(r => r.passed).length,
    failed: results.filter(r => !r.passed).length,
    precision: reported === 0 ? 1 : matched / reported,
    recall: wanted === 0 ? 1 : matched / wanted,
  };
}
