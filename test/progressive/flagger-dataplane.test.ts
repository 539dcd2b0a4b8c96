import {
  CanaryAnalysis, CanaryDriver, CanaryOverride, CanaryPlan, CanaryRelease, DataPlane, HeaderMatch, MeshApp, MeshChart, MeshNamespace, MeshService,
  MetricsSource,
} from '../../lib';
import { Mesh } from '../../lib/dataplane';
import { parseObjects } from '../support/shared';

type Obj = { [k: string]: any };

/**
 * What each step of a Flagger rollout leaves in the cluster: the objects mesh-kit writes (the target Deployment with the
 * canary's template, the Service as Flagger's apex), and what Flagger adds at a weight, as its routers write it — the
 * primary Deployment (the target's copy under `app: <app>-primary`, running the stable version), the `-primary` and
 * `-canary` Services (pkg/router/kubernetes_default.go), and the route: Istio's VirtualService (pkg/router/istio.go,
 * SetRoutes) or the Gateway API's HTTPRoute on the Service (pkg/router/gateway_api.go, SetRoutes; an A/B test puts the
 * match on rule 0 with the canary at 100 and sends the rest to the primary). The data-plane model then says where
 * requests go: each step's split must be the plan's.
 */
function written(dataPlane: DataPlane, build: (release: { svc: MeshService; v1: ReturnType<MeshService['addVersion']>; v2: ReturnType<MeshService['addVersion']> }, app: MeshApp) => void): Obj[] {
  const app = new MeshApp({ analysis: { printWarnings: false } });
  const chart = new MeshChart(app, 'shop', { dataPlane });
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'shop' });
  const svc = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }] });
  const client = new MeshService(chart, 'client', { namespace, ports: [{ port: 8080 }] });
  client.addVersion('v1', { image: 'client:1.0' });
  build({ svc, v1: svc.addVersion('v1', { image: 'reviews:1.0' }), v2: svc.addVersion('v2', { image: 'reviews:2.0' }) }, app);
  return parseObjects(app.synthFiles().get('shop.k8s.yaml')!) as Obj[];
}

/** Flagger's own objects for Canary `reviews` in `shop` at canary weight `w` (an A/B test: `match` to the canary). */
function flaggerAt(objects: Obj[], provider: 'istio' | 'gatewayapi', w: number, match?: Obj): Obj[] {
  const target = objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'reviews')!;
  // the primary runs the stable version: the template of the previous release
  const primaryLabels = { ...target.spec.template.metadata.labels, app: 'reviews-primary', version: 'v1' };
  const primary = {
    ...target,
    metadata: { ...target.metadata, name: 'reviews-primary', labels: { app: 'reviews-primary' } },
    spec: { ...target.spec, selector: { matchLabels: { app: 'reviews-primary' } }, template: { ...target.spec.template, metadata: { labels: primaryLabels } } },
  };
  const service = (name: string, app: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { selector: { app }, ports: [{ name: 'http', port: 9080 }] } });
  const route = provider === 'istio'
    ? {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'shop' },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews-primary' }, weight: 100 - w }, { destination: { host: 'reviews-canary' }, weight: w }] }] },
    }
    : {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'reviews', namespace: 'shop' },
      spec: {
        parentRefs: [{ group: 'core', kind: 'Service', name: 'reviews', namespace: 'shop', port: 9080 }],
        rules: [
          ...(match ? [{ matches: [match], backendRefs: [{ name: 'reviews-primary', port: 9080, weight: 0 }, { name: 'reviews-canary', port: 9080, weight: 100 }] }] : []),
          { backendRefs: [{ name: 'reviews-primary', port: 9080, weight: 100 - w }, { name: 'reviews-canary', port: 9080, weight: w }] },
        ],
      },
    };
  return [primary, service('reviews-primary', 'reviews-primary'), service('reviews-canary', 'reviews'), route];
}

const shares = (mesh: Mesh, headers?: { [k: string]: string }) =>
  mesh.request({ from: 'shop/client-v1', host: 'reviews', headers }).destinations.map(d => [d.workloads.join(','), d.version, d.weight]);
const analysis = CanaryAnalysis.meshMetrics({ metrics: MetricsSource.prometheus('http://prometheus.istio-system:9090') });

describe('each step of a Flagger rollout splits as the plan says (the data-plane model)', () => {
  test('under Istio\'s sidecars: 10, 20, 30 through Flagger\'s VirtualService; before the first step, every request to the primary', () => {
    const objects = written(DataPlane.SIDECAR, ({ svc, v1, v2 }, app) => {
      new CanaryRelease(app, 'reviews-canary', { service: svc, stable: v1, canary: v2, plan: CanaryPlan.linear({ stepWeight: 10, maxWeight: 30 }), driver: CanaryDriver.flagger(), analysis });
    });
    const canary = objects.find(o => o.kind === 'Canary')!.spec.analysis;
    const steps: number[] = [];
    for (let w = canary.stepWeight; w <= canary.maxWeight; w += canary.stepWeight) steps.push(w);
    expect(steps).toStrictEqual([10, 20, 30]);
    for (const w of steps) {
      expect(shares(Mesh.fromObjects([...objects, ...flaggerAt(objects, 'istio', w)]))).toStrictEqual([['shop/reviews-primary', 'v1', 100 - w], ['shop/reviews', 'v2', w]]);
    }
    // Flagger initialized, no step yet: the Service mesh-kit writes selects the primary alone
    const initialized = flaggerAt(objects, 'istio', 0).filter(o => o.kind !== 'VirtualService');
    expect(shares(Mesh.fromObjects([...objects, ...initialized]))).toStrictEqual([['shop/reviews-primary', 'v1', 100]]);
  });

  test('under ambient: the A/B test through the waypoint sends jason to the canary, everyone else to the primary', () => {
    const objects = written(DataPlane.AMBIENT, ({ svc, v1, v2 }, app) => {
      new CanaryRelease(app, 'reviews-canary', {
        service: svc,
        stable: v1,
        canary: v2,
        plan: CanaryPlan.stages([50, 100]),
        override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')),
        driver: CanaryDriver.flagger({ iterations: 10 }),
        analysis,
      });
    });
    const match = objects.find(o => o.kind === 'Canary')!.spec.analysis.match[0];
    // Flagger's HTTPRoute match from the Canary's (pkg/router/gateway_api.go, mapRouteMatches)
    const routeMatch = { headers: Object.entries(match.headers).map(([name, m]: [string, any]) => ({ name, type: 'Exact', value: m.exact })) };
    const mesh = Mesh.fromObjects([...objects, ...flaggerAt(objects, 'gatewayapi', 0, routeMatch)]);
    expect(shares(mesh, { 'end-user': 'jason' })).toStrictEqual([['shop/reviews', 'v2', 100]]);
    expect(shares(mesh)).toStrictEqual([['shop/reviews-primary', 'v1', 100]]);
    expect(mesh.request({ from: 'shop/client-v1', host: 'reviews' }).hops.map(h => h.at)).toStrictEqual(['ztunnel', 'waypoint']);
  });
});
