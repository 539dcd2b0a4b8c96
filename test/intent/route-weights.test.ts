import { App } from 'cdk8s';
import {
  DelegateRoutes, HttpMatch, IngressGateway, IngressGatewayRoute, Mesh, MeshApp, MeshChart, MeshNamespace, MeshProvider, MeshService,
  RouteAction, ServiceRouting, TrafficApi,
} from '../../lib';
import { expectLinkerdValid, expectSchemaValid } from '../support/schemas';
import { only, synthError, synthObjects } from '../support/synth';

/**
 * Route weights as each back-end reads them: the Gateway API's backendRef weight is a proportion (weight / sum of the
 * rule's weights, 0 to 1,000,000: "Weight is not a percentage and the sum of weights does not need to equal 100", its
 * HTTPRoute CRD), and Linkerd reads Gateway API routes; under Istio's API mesh-kit writes percentages adding up to 100.
 */
const ERRORS = 'Validation failed with the following errors:\n  ';

function split(app: App, props: { mesh?: MeshProvider; trafficApi?: TrafficApi }, weights: [number, number]) {
  const chart = new MeshChart(app, 'c', { namespace: 'shop', ...props });
  new MeshNamespace(chart, 'Namespace', { name: 'shop' });
  new MeshService(chart, 'client', { image: 'docker.io/curlimages/curl:8.11.0', ports: [{ port: 8080 }] });
  const api = new MeshService(chart, 'api', { ports: [{ port: 8080 }] });
  const v1 = api.addVersion('v1', { image: 'example/api:1.0.0' });
  const v2 = api.addVersion('v2', { image: 'example/api:2.0.0' });
  new ServiceRouting(chart, 'r', { service: api, routes: [{ action: RouteAction.weightedForward([{ target: v1, weight: weights[0] }, { target: v2, weight: weights[1] }]) }] });
}

describe('weights as proportions where the back-end reads them so', () => {
  test.each<[string, { mesh?: MeshProvider; trafficApi?: TrafficApi }]>([
    ['Linkerd', { mesh: MeshProvider.LINKERD }],
    ['the Gateway API', { trafficApi: TrafficApi.GATEWAY_API }],
  ])('%s: 40 and 50051 are written as given, valid against the CRDs', (_, props) => {
    const objects = synthObjects(app => split(app, props, [40, 50051]));
    (props.mesh ? expectLinkerdValid : expectSchemaValid)(objects);
    expect((only(objects, 'HTTPRoute').spec as { rules: Array<{ backendRefs: unknown }> }).rules[0].backendRefs).toStrictEqual([
      { name: 'api-v1', port: 8080, weight: 40 }, { name: 'api-v2', port: 8080, weight: 50051 },
    ]);
  });

  test('the data-plane model under Linkerd splits 1 : 3 as 25% and 75%', () => {
    const app = new MeshApp({ outdir: '/tmp/mesh-kit-weights-test' });
    split(app, { mesh: MeshProvider.LINKERD }, [1, 3]);
    const r = Mesh.fromApp(app).request({ from: 'shop/client', host: 'api', port: 8080 });
    expect(r.destinations.map(d => [d.service, d.weight])).toStrictEqual([['shop/api-v1', 25], ['shop/api-v2', 75]]);
  });

  test('Linkerd 1,000,000 and 0 (the Gateway API\'s largest weight) pass', () => {
    expectLinkerdValid(synthObjects(app => split(app, { mesh: MeshProvider.LINKERD }, [1_000_000, 0])));
  });
});

describe('percentages adding up to 100 under Istio\'s API (TrafficApi.ISTIO)', () => {
  test('90 and 10 pass', () => {
    const objects = expectSchemaValid(synthObjects(app => split(app, {}, [90, 10])));
    expect((only(objects, 'VirtualService').spec as { http: Array<{ route: Array<{ weight: number }> }> }).http[0].route.map(d => d.weight)).toStrictEqual([90, 10]);
  });

  test('fails if they add up to anything else, and says which back-end needs it', () => {
    expect(synthError(app => split(app, {}, [40, 50051]))).toBe(ERRORS + '[c/r] \'routes[0].weight\' must add up to 100 under Istio\'s API (TrafficApi.ISTIO): a VirtualService\'s '
      + 'weights are percentages (Istio before 1.15 refuses any other total): got \'40 + 50051 = 50091\'; adjust the weights so that they total 100, or render this chart '
      + 'with TrafficApi.GATEWAY_API or for MeshProvider.LINKERD, which read weights as proportions');
  });

  test('fails in a gateway\'s route and in a delegate VirtualService too', () => {
    expect(synthError(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const api = new MeshService(chart, 'api', { ports: [{ port: 8080 }] });
      const v1 = api.addVersion('v1', { image: 'example/api:1.0.0' });
      const v2 = api.addVersion('v2', { image: 'example/api:2.0.0' });
      const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: ['shop.example.com'] }] });
      const routes = new DelegateRoutes(chart, 'team', { routes: [{ match: [HttpMatch.prefix('/api/v2')], action: RouteAction.weightedForward([{ target: v1, weight: 1 }, { target: v2, weight: 3 }]) }] });
      new IngressGatewayRoute(chart, 'root', {
        gateway,
        hosts: ['shop.example.com'],
        routes: [
          { match: [HttpMatch.prefix('/api')], action: RouteAction.delegate(routes) },
          { action: RouteAction.weightedForward([{ target: v1, weight: 40 }, { target: v2, weight: 70 }]) },
        ],
      });
    })).toBe(ERRORS + [
      '[c/team] \'routes[0].weight\' must add up to 100 under Istio\'s API (TrafficApi.ISTIO): a VirtualService\'s weights are percentages (Istio before 1.15 refuses '
      + 'any other total): got \'1 + 3 = 4\'; adjust the weights so that they total 100, or render this chart with TrafficApi.GATEWAY_API or for MeshProvider.LINKERD, which '
      + 'read weights as proportions',
      '[c/root] \'routes[1].weight\' must add up to 100 under Istio\'s API (TrafficApi.ISTIO): a VirtualService\'s weights are percentages (Istio before 1.15 refuses '
      + 'any other total): got \'40 + 70 = 110\'; adjust the weights so that they total 100, or render this chart with TrafficApi.GATEWAY_API or for MeshProvider.LINKERD, which '
      + 'read weights as proportions',
    ].join('\n  '));
  });
});
