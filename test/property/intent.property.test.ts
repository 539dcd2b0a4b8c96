import { App } from 'cdk8s';
import * as fc from 'fast-check';
import { BACKENDS, Backend, appliedFiles, buildIntent, intentArb, probesOf } from './intent';
import { Mesh } from '../../lib';
import { propertyRuns } from '../support/tier';

const RUNS = propertyRuns(150, 3_000, 'PROPERTY_RUNS_INTENT');
const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);

describe('property: intent equals behaviour', () => {
  beforeAll(() => {
    // printed so that a failure can be replayed: PROPERTY_SEED=<seed> npx jest test/property/intent
    process.stdout.write(`intent property: seed ${SEED}, ${RUNS} apps\n`);
  });

  test(`${RUNS} random apps: every request the intent names gets the outcome it promises, on every back-end`, () => {
    const probes = new Map<Backend, number>(BACKENDS.map(b => [b, 0]));
    fc.assert(fc.property(intentArb, fc.record({ path: fc.nat(), user: fc.nat() }), (cfg, pick) => {
      const app = new App();
      buildIntent(app, cfg);
      const mesh = Mesh.fromApp(app, { files: appliedFiles(cfg) });
      for (const probe of probesOf(cfg, pick)) {
        const differences = mesh.check(probe.request, probe.expect);
        probes.set(cfg.backend, probes.get(cfg.backend)! + 1);
        if (differences.length > 0) throw new Error(`${cfg.backend}: ${probe.what}:\n  ${differences.join('\n  ')}`);
      }
    }), { numRuns: RUNS, seed: SEED });
    process.stdout.write(`intent property: ${RUNS} apps, requests checked per back-end: ${[...probes].map(([b, n]) => `${b} ${n}`).join(', ')}\n`);
  }, 300_000);
});
