import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import { MISTAKES, MeshCfg, Mistake, applicable, build, validMesh } from './model';
import { FindingLevel, MeshApp, MeshValidationError, SchemaValidation, analyzeCharts, renderApp } from '../../lib';
import { propertyRuns } from '../support/tier';

const VALID_RUNS = propertyRuns(300, 10_000);
const INVALID_RUNS = Math.max(100, Math.round(VALID_RUNS / 5));
const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);

// the pinned schemas: the pinned CRD files as generated into the package (compiled once for every test file)
const schemas = SchemaValidation.pinned();

/** Renders and analyzes a configuration as MeshApp does, without writing YAML. */
function synthesize(cfg: MeshCfg, mistake?: Mistake) {
  const app = new App();
  build(app, cfg, mistake);
  const charts = renderApp(app);
  return { charts, report: analyzeCharts(charts, { schemaValidation: schemas }) };
}

describe('property: generated meshes', () => {
  beforeAll(() => {
    // printed so that a failure can be replayed: PROPERTY_SEED=<seed> npx jest test/property
    process.stdout.write(`property tests: seed ${SEED}, ${VALID_RUNS} valid and ${INVALID_RUNS} invalid configurations (schemas: ${schemas.description})\n`);
  });

  test(`${VALID_RUNS} valid configurations synthesize to schema-valid objects that pass every analyzer (IST0140 and KIA1301 aside)`, () => {
    let objects = 0;
    fc.assert(fc.property(validMesh, cfg => {
      const { charts, report } = synthesize(cfg);
      objects += charts.reduce((n, c) => n + c.objects.length, 0);
      // IST0140 is Istio's true warning for a gateway route to a service whose own routes split by subset: those
      // rules do not apply to ingress traffic (istioctl reports the same of upstream Bookinfo); KIA1301 is Kiali's true
      // warning for a service left without an authorization policy where others have one (the generator authorizes some
      // services, not all); everything else is an error
      const serious = report.findings.filter(f => f.level !== FindingLevel.INFO && f.code !== 'IST0140' && f.code !== 'KIA1301');
      if (serious.length > 0) throw new Error(serious.map(f => `${f.level} ${f.message}`).join('\n'));
    }), { numRuns: VALID_RUNS, seed: SEED });
    process.stdout.write(`property tests: ${VALID_RUNS} valid configurations, ${objects} objects, all schema-valid and clean\n`);
  }, 120_000);

  test(`${INVALID_RUNS} invalid configurations all fail with one of the library's errors, writing nothing`, () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-property-')), 'dist');
    // every mistake in turn, each with its share of the runs: a mistake applicable to few configurations (an upper-case
    // header needs a header match) is still tried whatever the seed
    const seen = new Set<Mistake>();
    const perMistake = Math.max(5, Math.ceil(INVALID_RUNS / MISTAKES.length));
    for (const [i, m] of MISTAKES.entries()) {
      fc.assert(fc.property(validMesh.filter(c => applicable(c, m)), cfg => {
        const mistake: Mistake = m;
        seen.add(mistake);
        let error: unknown;
        try {
          const app = new MeshApp({ outdir, analysis: { schemaValidation: schemas, printWarnings: false } });
          build(app, cfg, mistake);
          app.synth();
        } catch (e) {
          error = e;
        }
        if (!(error instanceof MeshValidationError)) {
          throw new Error(`mistake '${mistake}' gave ${error === undefined ? 'no error' : `${(error as Error).name}: ${(error as Error).message}`}`);
        }
        if (fs.existsSync(outdir)) throw new Error(`mistake '${mistake}' left output in ${outdir}`);
      }), { numRuns: perMistake, seed: SEED + i });
    }
    expect([...seen].sort()).toStrictEqual([...MISTAKES].sort());
  }, 120_000);
});
