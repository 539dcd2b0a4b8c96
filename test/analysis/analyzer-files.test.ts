import * as fs from 'fs';
import * as path from 'path';
import { ANALYZERS } from '../../lib/analysis/codes';
import { Analyzer } from '../../lib/analysis/model';

const DIR = path.resolve(__dirname, '..', '..', 'lib', 'analysis', 'analyzers');

/** Istio's analyzer packages (istio/istio pkg/config/analysis/analyzers/<package>/) by the prefix of their analyzers' names. */
const ISTIO_PACKAGES: { readonly [prefix: string]: string } = {
  ...Object.fromEntries(['annotations', 'authz', 'deployment', 'deprecation', 'destinationrule', 'envoyfilter', 'gateway', 'injection', 'k8sgateway',
    'service', 'serviceentry', 'sidecar', 'telemetry', 'virtualservice'].map(p => [p, p])),
  // the schema package's analyzer is named schemaValidation.CollectionValidationAnalyzer
  schemaValidation: 'schema',
};

const isAnalyzer = (v: unknown): v is Analyzer => typeof v === 'object' && v !== null && typeof (v as Analyzer).analyzer === 'string'
  && typeof (v as Analyzer).code === 'string' && typeof (v as Analyzer).run === 'function';

/** The analyzers each file of lib/analysis/analyzers exports (in its exported lists), by file name without `.ts`. */
function analyzersByFile(): Map<string, Analyzer[]> {
  const files = fs.readdirSync(DIR).filter(f => f.endsWith('.ts'));
  return new Map(files.map(f => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(path.join(DIR, f)) as { [name: string]: unknown };
    const lists = Object.values(exports).filter((v): v is unknown[] => Array.isArray(v));
    return [f.replace(/\.ts$/, ''), lists.flat().filter(isAnalyzer)];
  }));
}

describe('lib/analysis/analyzers: one file per Istio analyzer package, as Istio names it', () => {
  const byFile = analyzersByFile();

  test('each of Istio\'s analyzers is in the file named after its package, and each such file holds only that package\'s', () => {
    for (const [file, analyzers] of byFile) {
      for (const a of analyzers) {
        const istioPackage = ISTIO_PACKAGES[a.analyzer.split('.')[0]];
        if (istioPackage !== undefined) expect(`${a.analyzer} in ${file}.ts`).toBe(`${a.analyzer} in ${istioPackage}.ts`);
        else expect(`${a.analyzer} (${a.code}) in ${file}.ts`).not.toMatch(new RegExp(` in (${Object.values(ISTIO_PACKAGES).join('|')})\\.ts$`));
      }
    }
  });

  test('every check the analysis runs is exported by exactly one file, and nothing else is', () => {
    const where = new Map<Analyzer, string[]>();
    for (const [file, analyzers] of byFile) for (const a of analyzers) where.set(a, [...(where.get(a) ?? []), file]);
    expect([...where.keys()].filter(a => !ANALYZERS.includes(a)).map(a => a.analyzer)).toStrictEqual([]);
    expect(ANALYZERS.filter(a => where.get(a)?.length !== 1).map(a => `${a.code} ${a.analyzer}: ${where.get(a)?.join(', ') ?? 'no file'}`)).toStrictEqual([]);
  });

  test('Kiali\'s checks are in kiali.ts, mesh-kit\'s own in files of their own', () => {
    expect(byFile.get('kiali')!.map(a => a.analyzer.split('.')[0])).toStrictEqual(['kiali', 'kiali', 'kiali', 'kiali']);
    const own = [...byFile].filter(([, l]) => l.some(a => a.analyzer.startsWith('meshkit.') || a.analyzer.startsWith('installation.'))).map(([f]) => f).sort();
    expect(own).toStrictEqual(['ambient', 'argo-rollouts', 'flagger', 'gateway-service-routes', 'installation', 'linkerd-quiet', 'locality', 'mesh-route-conflicts', 'policy-selectors',
      'quiet-mistakes', 'route-conflicts', 'route-policies', 'sidecar-mtls']);
  });
});
