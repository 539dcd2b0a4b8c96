import * as fc from 'fast-check';
import { Locality, LocalityLoadBalancing, MeshValidationError } from '../../lib';
import { failoversWithoutOutlierDetection } from '../../lib/render/istio/locality';
import { loadBalancerProblems } from '../../lib/schema/rules/istio-traffic-policy';
import { propertyRuns } from '../support/tier';

const RUNS = propertyRuns(200, 5_000, 'PROPERTY_RUNS_LOCALITY');
const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);

/** What the object rules (lib/schema, Istio's webhook) say of a distribute setting. */
function webhookProblems(from: string, to: { [locality: string]: number }): string[] {
  const out: string[] = [];
  loadBalancerProblems(out, 'spec/trafficPolicy/loadBalancer', { localityLbSetting: { distribute: [{ from, to }] } });
  return out;
}

describe('property: locality load balancing', () => {
  beforeAll(() => process.stdout.write(`locality property: seed ${SEED}, ${RUNS} cases\n`));

  test(`${RUNS} random distributions: the typed API accepts exactly what Istio's webhook rules accept, and writes it unchanged`, () => {
    const destinations = fc.uniqueArray(fc.constantFrom('r0/*', 'r1/*', 'r2/z1', 'r2/z2', 'r3/z1/s1', 'r3/z1/s2'), { minLength: 1, maxLength: 5 });
    let accepted = 0;
    const shares = fc.array(fc.integer({ min: -5, max: 120 }), { minLength: 5, maxLength: 5 });
    fc.assert(fc.property(destinations, shares, fc.boolean(), (locs, raw, fill) => {
      // half the cases fill the last share up to 100, so that the accepting side is explored too
      const weights = locs.map((_, i) => raw[i]);
      if (fill && locs.length > 1) weights[locs.length - 1] = 100 - weights.slice(0, -1).reduce((a, b) => a + b, 0);
      const to = Object.fromEntries(locs.map((l, i) => [l, weights[i]]));
      let typed: LocalityLoadBalancing | undefined;
      try {
        typed = LocalityLoadBalancing.distribute([{ from: Locality.of('r0/*'), to: locs.map((l, i) => ({ locality: Locality.of(l), weight: weights[i] })) }]);
      } catch (e) {
        if (!(e instanceof MeshValidationError)) throw e;
      }
      const webhook = webhookProblems('r0/*', to);
      expect({ to, accepted: typed !== undefined }).toStrictEqual({ to, accepted: webhook.length === 0 });
      if (typed) {
        accepted++;
        expect(typed._model).toStrictEqual({ localityLbSetting: { distribute: [{ from: 'r0/*', to }] } });
        expect(typed.failsOver).toBe(false);
      }
    }), { numRuns: RUNS, seed: SEED });
    expect(accepted).toBeGreaterThan(0);
  });

  test(`${RUNS} random DestinationRules: a failover is reported without outlier detection exactly where Istio's merge leaves none`, () => {
    const lb = fc.constantFrom(undefined, { localityLbSetting: { failoverPriority: ['x'] } }, { localityLbSetting: { distribute: [{ from: '*', to: { '*': 100 } }] } });
    const od = fc.constantFrom(undefined, { consecutive5xxErrors: 1 });
    const ports = fc.array(fc.record({ port: fc.constant({ number: 80 }), loadBalancer: lb, outlierDetection: od }), { maxLength: 1 });
    const policy = fc.option(fc.record({ loadBalancer: lb, outlierDetection: od, portLevelSettings: ports }), { nil: undefined });
    fc.assert(fc.property(policy, policy, (host, subset) => {
      const spec = { trafficPolicy: host, subsets: [{ name: 'v1', trafficPolicy: subset }] };
      // Istio's merge (util.go MergeSubsetTrafficPolicy), written out for each of the four clusters: host or subset, any port or 80
      const level = (p: typeof host, port: boolean) => {
        const pp = port ? p?.portLevelSettings?.[0] : undefined;
        if (p === undefined) return undefined;
        return pp ? { lb: pp.loadBalancer, od: pp.outlierDetection, hasPort: true } : { lb: p.loadBalancer, od: p.outlierDetection, hasPort: false };
      };
      const failsWithout = (inSubset: boolean, port: boolean) => {
        const h = level(host, port);
        const s = inSubset ? level(subset, port) : undefined;
        const lbOf = s && (s.lb !== undefined || s.hasPort) ? s.lb : h?.lb;
        const odOf = s && (s.od !== undefined || s.hasPort) ? s.od : h?.od;
        return lbOf?.localityLbSetting && 'failoverPriority' in lbOf.localityLbSetting && odOf === undefined;
      };
      const expected = [false, true].some(sub => [false, true].some(port => failsWithout(sub, port)));
      expect(failoversWithoutOutlierDetection(spec).length > 0).toBe(expected);
    }), { numRuns: RUNS, seed: SEED });
  });
});
