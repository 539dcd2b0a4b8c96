import { Duration } from 'cdk8s';
import {
  DataPlane, DelegateRoutes, Fault, HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, MeshApp, MeshChart, MeshNamespace, MeshService,
  RouteAction, ServiceRouting, TrafficApi,
} from '../../lib';
import { errorOf } from '../support/errors';
import { K8sObject, parseObjects } from '../support/shared';

/** What a test declares: reviews (v1, v2, v3 on 9080) and a gateway for shop.example.com, in chart `shop`. */
interface Shop {
  readonly app: MeshApp;
  readonly chart: MeshChart;
  readonly namespace: MeshNamespace;
  readonly reviews: MeshService;
  readonly gateway: IngressGateway;
}

function shop(settings: { trafficApi?: TrafficApi; dataPlane?: DataPlane } = {}): Shop {
  const app = new MeshApp({ analysis: { reportFile: '', printWarnings: false } });
  const chart = new MeshChart(app, 'shop', settings);
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'shop' });
  const reviews = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }] });
  for (const v of ['v1', 'v2', 'v3']) reviews.addVersion(v, { image: `example/reviews:${v}` });
  const gateway = new IngressGateway(chart, 'shop-gateway', { namespace, servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
  return { app, chart, namespace, reviews, gateway };
}

/** The gateway route 'shop' forwarding `routes`. */
function route(s: Shop, ...routes: ConstructorParameters<typeof IngressGatewayRoute>[2]['routes'] & object[]): IngressGatewayRoute {
  return new IngressGatewayRoute(s.chart, 'shop', { namespace: s.namespace, gateway: s.gateway, hosts: ['shop.example.com'], routes });
}

/** The objects of every file, and the report's findings as `code object message`. */
function synth(s: Shop): { objects: K8sObject[]; findings: string[] } {
  const files = s.app.synthFiles();
  const objects = [...files].filter(([f]) => f.endsWith('.k8s.yaml')).flatMap(([, text]) => parseObjects(text));
  return { objects, findings: s.app.report!.findings.map(f => `${f.code} ${f.object}: ${f.message}`) };
}

function the(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter(o => o.kind === kind && o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

const jason = HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'));
const dest = (subset: string | undefined, weight?: number) => ({
  destination: { host: 'reviews', port: { number: 9080 }, ...(subset ? { subset } : {}) }, ...(weight !== undefined ? { weight } : {}),
});
const backend = (name: string, weight?: number) => ({ name, port: 9080, ...(weight !== undefined ? { weight } : {}) });

describe('a gateway route to a whole service follows the service\'s routes: Istio\'s API', () => {
  test('a weighted split: the gateway route sends 90/10 as the service does', () => {
    const s = shop();
    s.reviews.addRoute({ action: RouteAction.weightedForward([{ target: s.reviews.version('v1'), weight: 90 }, { target: s.reviews.version('v2'), weight: 10 }]) });
    route(s, { match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(s.reviews) });
    const { objects, findings } = synth(s);
    expect(the(objects, 'VirtualService', 'shop').spec).toStrictEqual({
      hosts: ['shop.example.com'],
      gateways: ['shop-gateway'],
      http: [{ match: [{ uri: { prefix: '/reviews' } }], route: [dest('v1', 90), dest('v2', 10)] }],
    });
    expect(findings).toStrictEqual([]);
  });

  test('a header route and a default split, with the service\'s timeout and retries; the gateway route\'s own timeout wins', () => {
    const s = shop();
    s.reviews.addRoute({ name: 'jason', match: [jason], action: RouteAction.forward(s.reviews.version('v2')), retries: { attempts: 3 } });
    s.reviews.addRoute({ action: RouteAction.weightedForward([{ target: s.reviews.version('v1'), weight: 90 }, { target: s.reviews.version('v2'), weight: 10 }]), timeout: Duration.seconds(2) });
    route(s, { name: 'reviews', match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(s.reviews), timeout: Duration.seconds(5) });
    expect(the(synth(s).objects, 'VirtualService', 'shop').spec).toStrictEqual({
      hosts: ['shop.example.com'],
      gateways: ['shop-gateway'],
      http: [
        { name: 'reviews-jason', match: [{ uri: { prefix: '/reviews' }, headers: { 'end-user': { exact: 'jason' } } }], route: [dest('v2')], timeout: '5s', retries: { attempts: 3 } },
        { name: 'reviews', match: [{ uri: { prefix: '/reviews' } }], route: [dest('v1', 90), dest('v2', 10)], timeout: '5s' },
      ],
    });
  });

  test('matches combined: a path within the gateway\'s is kept, the narrower of two paths holds, one that cannot hold is dropped, one that may overlap is dropped with MK0020', () => {
    const s = shop();
    s.reviews.addRoute({ match: [HttpMatch.prefix('/reviews/v3')], action: RouteAction.forward(s.reviews.version('v3')) });
    s.reviews.addRoute({ match: [HttpMatch.regex('/api/v[0-9]+/.*')], action: RouteAction.forward(s.reviews.version('v2')) });
    s.reviews.addRoute({ match: [HttpMatch.prefix('/', { headers: [HeaderMatch.exact('end-user', 'jason')] })], action: RouteAction.forward(s.reviews.version('v2')) });
    s.reviews.addRoute({ action: RouteAction.forward(s.reviews.version('v1')) });
    route(s, { match: [HttpMatch.prefix('/reviews'), HttpMatch.prefix('/api')], action: RouteAction.forward(s.reviews) });
    const { objects, findings } = synth(s);
    expect(the(objects, 'VirtualService', 'shop').spec).toStrictEqual({
      hosts: ['shop.example.com'],
      gateways: ['shop-gateway'],
      http: [
        // prefix /reviews/v3 within /reviews; /api and /reviews/v3 cannot both hold: no combination
        { match: [{ uri: { prefix: '/reviews/v3' } }], route: [dest('v3')] },
        // the regex cannot meet /reviews (it starts with /api/v), and may overlap /api without one containing the other: MK0020
        // prefix / and the gateway's prefixes: the gateway's, narrower, with the header
        {
          match: [{ uri: { prefix: '/reviews' }, headers: { 'end-user': { exact: 'jason' } } }, { uri: { prefix: '/api' }, headers: { 'end-user': { exact: 'jason' } } }],
          route: [dest('v2')],
        },
        { match: [{ uri: { prefix: '/reviews' } }, { uri: { prefix: '/api' } }], route: [dest('v1')] },
      ],
    });
    expect(findings).toStrictEqual([
      'MK0020 VirtualService shop/shop: [MK0020] VirtualService \'shop\' routes[0] match (path prefix /api) and reviews\'s routes[1] match (path regex /api/v[0-9]+/.*) '
      + 'could both hold, but prefix /api and regex /api/v[0-9]+/.* overlap without one containing the other, and one match holds one condition on it: '
      + 'gateway requests that match both skip that route of \'reviews\' (mesh-kit MK0020); '
      + 'make the gateway route\'s match (path prefix /api) contain, or fall within, reviews\'s routes[1] match (path regex /api/v[0-9]+/.*), or say so with followServiceRoutes: false',
    ]);
    // where: the first route the gateway route became; what: the gateway route's match (the combination is not in the object)
    expect(s.app.report!.findings.filter(f => f.code === 'MK0020').map(f => [f.field, f.value])).toStrictEqual([['spec.http[0].match', '(path prefix /api)']]);
  });

  test('a gateway route to one version keeps sending to that version', () => {
    const s = shop();
    s.reviews.addRoute({ match: [jason], action: RouteAction.forward(s.reviews.version('v2')) });
    s.reviews.addRoute({ action: RouteAction.forward(s.reviews.version('v1')) });
    route(s, { match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(s.reviews.version('v3')) });
    expect(the(synth(s).objects, 'VirtualService', 'shop').spec).toStrictEqual({
      hosts: ['shop.example.com'],
      gateways: ['shop-gateway'],
      http: [{ match: [{ uri: { prefix: '/reviews' } }], route: [dest('v3')] }],
    });
  });

  test('followServiceRoutes: false keeps the gateway route as written, and Istio\'s IST0140 says the service\'s routes do not apply', () => {
    const s = shop();
    s.reviews.addRoute({ match: [jason], action: RouteAction.forward(s.reviews.version('v2')) });
    s.reviews.addRoute({ action: RouteAction.forward(s.reviews.version('v1')) });
    route(s, { match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(s.reviews, { followServiceRoutes: false }) });
    const { objects, findings } = synth(s);
    expect(the(objects, 'VirtualService', 'shop').spec).toStrictEqual({
      hosts: ['shop.example.com'],
      gateways: ['shop-gateway'],
      http: [{ match: [{ uri: { prefix: '/reviews' } }], route: [dest(undefined)] }],
    });
    expect(findings.filter(f => f.startsWith('IST0140'))).toStrictEqual([
      'IST0140 VirtualService shop/shop: [IST0140] VirtualService \'shop\' routes gateway traffic to \'reviews\' without a subset, so the subset rules of VirtualService \'shop/reviews\' do not apply to it; '
        + 'route the gateway\'s traffic by subset as VirtualService \'shop/reviews\' does, or bind that VirtualService to the gateway as well',
    ]);
  });

  test('a service without routes: the gateway route is unchanged (the default is documented: followServiceRoutes true)', () => {
    const s = shop();
    route(s, { match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(s.reviews) });
    expect((the(synth(s).objects, 'VirtualService', 'shop').spec as { http: unknown }).http).toStrictEqual([{ match: [{ uri: { prefix: '/reviews' } }], route: [dest(undefined)] }]);
  });

  test('a weighted split between the service and another target: the service\'s weights scaled by its share, in whole percent', () => {
    const s = shop();
    const ratings = new MeshService(s.chart, 'ratings', { namespace: s.namespace, ports: [{ port: 9080 }] });
    ratings.addVersion('v1', { image: 'example/ratings:v1' });
    s.reviews.addRoute({ match: [jason], action: RouteAction.forward(s.reviews.version('v3')) });
    s.reviews.addRoute({ action: RouteAction.weightedForward([{ target: s.reviews.version('v1'), weight: 33 }, { target: s.reviews.version('v2'), weight: 67 }]) });
    route(s, { action: RouteAction.weightedForward([{ target: s.reviews, weight: 50 }, { target: ratings.version('v1'), weight: 50 }]) });
    const ratingsV1 = { destination: { host: 'ratings', port: { number: 9080 }, subset: 'v1' }, weight: 50 };
    expect((the(synth(s).objects, 'VirtualService', 'shop').spec as { http: unknown }).http).toStrictEqual([
      { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [dest('v3', 50), ratingsV1] },
      // 16.5 and 33.5: the larger remainder first, ties to the first
      { route: [dest('v1', 17), dest('v2', 33), ratingsV1] },
    ]);
  });

  test('a split whose service route sets a policy of its own cannot be carried: the route is kept as written, with MK0020', () => {
    const s = shop();
    const ratings = new MeshService(s.chart, 'ratings', { namespace: s.namespace, ports: [{ port: 9080 }] });
    ratings.addVersion('v1', { image: 'example/ratings:v1' });
    s.reviews.addRoute({ action: RouteAction.forward(s.reviews.version('v1')), fault: Fault.abort(503, 10) });
    route(s, { action: RouteAction.weightedForward([{ target: s.reviews, weight: 80 }, { target: ratings.version('v1'), weight: 20 }]) });
    const { objects, findings } = synth(s);
    expect((the(objects, 'VirtualService', 'shop').spec as { http: unknown }).http).toStrictEqual([
      { route: [dest(undefined, 80), { destination: { host: 'ratings', port: { number: 9080 }, subset: 'v1' }, weight: 20 }] },
    ]);
    expect(findings).toStrictEqual([
      'IST0140 VirtualService shop/shop: [IST0140] VirtualService \'shop\' routes gateway traffic to \'reviews\' without a subset, so the subset rules of VirtualService \'shop/reviews\' do not apply to it; '
        + 'route the gateway\'s traffic by subset as VirtualService \'shop/reviews\' does, or bind that VirtualService to the gateway as well',
      'MK0020 VirtualService shop/shop: [MK0020] VirtualService \'shop\' routes[0] sends to \'reviews\' without its routes: its routes[0] sets fault, which would apply to every '
      + 'target of the gateway route\'s split (mesh-kit MK0020); forward to its versions, or say so with followServiceRoutes: false',
    ]);
    expect(s.app.report!.findings.filter(f => f.code === 'MK0020').map(f => [f.field, f.value, f.fix])).toStrictEqual([[
      'spec.http[0].route', JSON.stringify([{ destination: { host: 'reviews', port: { number: 9080 } }, weight: 80 }, { destination: { host: 'ratings', port: { number: 9080 }, subset: 'v1' }, weight: 20 }]),
      'forward to its versions, or say so with followServiceRoutes: false',
    ]]);
  });

  test('a path rewrite at the gateway: the service\'s path conditions are read through it, and its rewrite follows', () => {
    const s = shop();
    s.reviews.addRoute({ match: [HttpMatch.prefix('/api/v2')], action: RouteAction.forward(s.reviews.version('v2')), rewrite: { uri: '/v2' } });
    s.reviews.addRoute({ match: [HttpMatch.prefix('/legacy')], action: RouteAction.forward(s.reviews.version('v3')) });
    s.reviews.addRoute({ action: RouteAction.forward(s.reviews.version('v1')) });
    route(s, { match: [HttpMatch.prefix('/reviews/')], action: RouteAction.forward(s.reviews), rewrite: { uri: '/api/' } });
    expect((the(synth(s).objects, 'VirtualService', 'shop').spec as { http: unknown }).http).toStrictEqual([
      // /reviews/v2/x → /api/v2/x (the gateway) → /v2/x (the service)
      { match: [{ uri: { prefix: '/reviews/v2' } }], route: [dest('v2')], rewrite: { uri: '/v2' } },
      // /legacy is never what the gateway's rewrite makes of a path (it starts with /api/): no route
      { match: [{ uri: { prefix: '/reviews/' } }], route: [dest('v1')], rewrite: { uri: '/api/' } },
    ]);
  });

  test('a header the gateway sets is read by the service\'s header conditions', () => {
    const s = shop();
    s.reviews.addRoute({ match: [HttpMatch.headers(HeaderMatch.exact('x-version', 'v3'))], action: RouteAction.forward(s.reviews.version('v3')) });
    s.reviews.addRoute({ action: RouteAction.forward(s.reviews.version('v1')) });
    route(s, { match: [HttpMatch.prefix('/beta')], action: RouteAction.forward(s.reviews), headers: { request: { set: { 'x-version': 'v3' } } } });
    route2(s, { match: [HttpMatch.prefix('/')], action: RouteAction.forward(s.reviews), headers: { request: { set: { 'x-version': 'v1' } } } });
    const { objects } = synth(s);
    const headers = { request: { set: { 'x-version': 'v3' } } };
    expect((the(objects, 'VirtualService', 'shop').spec as { http: unknown }).http).toStrictEqual([{ match: [{ uri: { prefix: '/beta' } }], route: [dest('v3')], headers }]);
    expect((the(objects, 'VirtualService', 'other').spec as { http: unknown }).http).toStrictEqual([
      { match: [{ uri: { prefix: '/' } }], route: [dest('v1')], headers: { request: { set: { 'x-version': 'v1' } } } },
    ]);
  });

  test('the routing carried: a ServiceRouting in the gateway route\'s chart, else the service\'s own; a scenario in another chart is not', () => {
    const s = shop();
    s.reviews.addRoute({ action: RouteAction.forward(s.reviews.version('v1')) });
    new ServiceRouting(new MeshChart(s.app, 'reviews-v3'), 'reviews', { service: s.reviews, routes: [{ action: RouteAction.forward(s.reviews.version('v3')) }] });
    const edge = new MeshChart(s.app, 'edge');
    new IngressGatewayRoute(s.chart, 'shop', { namespace: s.namespace, gateway: s.gateway, hosts: ['shop.example.com'], routes: [{ action: RouteAction.forward(s.reviews) }] });
    new ServiceRouting(edge, 'reviews-edge', { service: s.reviews, namespace: s.namespace, routes: [{ action: RouteAction.forward(s.reviews.version('v2')) }] });
    new IngressGatewayRoute(edge, 'edge', { namespace: s.namespace, gateway: s.gateway, hosts: ['shop.example.com'], routes: [{ action: RouteAction.forward(s.reviews) }] });
    const files = s.app.synthFiles();
    const routeIn = (file: string, name: string) => (the(parseObjects(files.get(file)!), 'VirtualService', name).spec as { http: unknown }).http;
    expect(routeIn('shop.k8s.yaml', 'shop')).toStrictEqual([{ route: [dest('v1')] }]);
    expect(routeIn('edge.k8s.yaml', 'edge')).toStrictEqual([{ route: [dest('v2')] }]);
  });

  test('fails if followServiceRoutes is set on a route that is not a gateway\'s, or is not a boolean', () => {
    const s = shop();
    new ServiceRouting(s.chart, 'pinned', { service: s.reviews, routes: [{ action: RouteAction.forward(s.reviews.version('v1'), { followServiceRoutes: true }) }] });
    expect(errorOf(() => s.app.synthFiles())).toContain(
      '[shop/pinned] \'routes[0].action.followServiceRoutes\' applies to the routes of an IngressGatewayRoute only (what a gateway sends to a whole service): got true; remove it');
    const d = shop();
    new DelegateRoutes(d.chart, 'team', { routes: [{ action: RouteAction.forward(d.reviews, { followServiceRoutes: false }) }] });
    expect(errorOf(() => d.app.synthFiles())).toContain(
      '[shop/team] \'routes[0].action.followServiceRoutes\' applies to the routes of an IngressGatewayRoute only (what a gateway sends to a whole service): got false; remove it');
    expect(errorOf(() => RouteAction.forward(d.reviews, { followServiceRoutes: 'no' as unknown as boolean }))).toBe(
      '[shop/reviews] RouteAction.forward: \'options.followServiceRoutes\' must be true or false: got \'no\'; write false, without quotes');
  });
});

/** A second gateway route, 'other'. */
function route2(s: Shop, ...routes: ConstructorParameters<typeof IngressGatewayRoute>[2]['routes'] & object[]): IngressGatewayRoute {
  return new IngressGatewayRoute(s.chart, 'other', { namespace: s.namespace, gateway: s.gateway, hosts: ['shop.example.com'], routes });
}

describe('a gateway route to a whole service follows the service\'s routes: the Gateway API', () => {
  const gatewayApi = () => shop({ trafficApi: TrafficApi.GATEWAY_API });
  const rules = (objects: K8sObject[]) => (the(objects, 'HTTPRoute', 'shop').spec as { rules: unknown }).rules;

  test('a weighted split: backendRefs to the per-version Services, with the service\'s weights', () => {
    const s = gatewayApi();
    s.reviews.addRoute({ action: RouteAction.weightedForward([{ target: s.reviews.version('v1'), weight: 90 }, { target: s.reviews.version('v2'), weight: 10 }]) });
    route(s, { match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(s.reviews) });
    const { objects } = synth(s);
    expect(the(objects, 'HTTPRoute', 'shop').spec).toStrictEqual({
      parentRefs: [{ name: 'shop-gateway' }],
      hostnames: ['shop.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/reviews' } }], backendRefs: [backend('reviews-v1', 90), backend('reviews-v2', 10)] }],
    });
  });

  test('a header route and a default split', () => {
    const s = gatewayApi();
    s.reviews.addRoute({ match: [jason], action: RouteAction.forward(s.reviews.version('v2')) });
    s.reviews.addRoute({ action: RouteAction.weightedForward([{ target: s.reviews.version('v1'), weight: 90 }, { target: s.reviews.version('v2'), weight: 10 }]) });
    route(s, { match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(s.reviews) });
    expect(rules(synth(s).objects)).toStrictEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/reviews' }, headers: [{ name: 'end-user', value: 'jason' }] }], backendRefs: [backend('reviews-v2')] },
      { matches: [{ path: { type: 'PathPrefix', value: '/reviews' } }], backendRefs: [backend('reviews-v1', 90), backend('reviews-v2', 10)] },
    ]);
  });

  test('matches combined: the narrower path holds, one that cannot hold is dropped, one that may overlap is dropped with MK0020', () => {
    const s = gatewayApi();
    s.reviews.addRoute({ match: [HttpMatch.prefix('/reviews/v3')], action: RouteAction.forward(s.reviews.version('v3')) });
    s.reviews.addRoute({ match: [HttpMatch.regex('/api/v[0-9]+/.*')], action: RouteAction.forward(s.reviews.version('v2')) });
    s.reviews.addRoute({ match: [HttpMatch.prefix('/')], action: RouteAction.forward(s.reviews.version('v1')) });
    route(s, { match: [HttpMatch.prefix('/reviews'), HttpMatch.prefix('/api')], action: RouteAction.forward(s.reviews) });
    const { objects, findings } = synth(s);
    expect(rules(objects)).toStrictEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/reviews/v3' } }], backendRefs: [backend('reviews-v3')] },
      { matches: [{ path: { type: 'PathPrefix', value: '/reviews' } }, { path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [backend('reviews-v1')] },
    ]);
    expect(findings.map(f => f.slice(0, f.indexOf(':')))).toStrictEqual(['MK0020 HTTPRoute shop/shop']);
  });

  test('a gateway route to one version keeps its backend; followServiceRoutes: false keeps the Service as the backend', () => {
    const s = gatewayApi();
    s.reviews.addRoute({ action: RouteAction.weightedForward([{ target: s.reviews.version('v1'), weight: 90 }, { target: s.reviews.version('v2'), weight: 10 }]) });
    route(s, { match: [HttpMatch.prefix('/v3')], action: RouteAction.forward(s.reviews.version('v3')) }, {
      match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(s.reviews, { followServiceRoutes: false }),
    });
    expect(rules(synth(s).objects)).toStrictEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/v3' } }], backendRefs: [backend('reviews-v3')] },
      { matches: [{ path: { type: 'PathPrefix', value: '/reviews' } }], backendRefs: [backend('reviews')] },
    ]);
  });

  test('a combined route that rewrites the path is written as one rule per match (a prefix rewrite takes one path match)', () => {
    const s = gatewayApi();
    s.reviews.addRoute({ action: RouteAction.forward(s.reviews.version('v1')) });
    const on = (header: string) => HttpMatch.prefix('/reviews', { headers: [HeaderMatch.exact(header, '1')] });
    route(s,
      { name: 'reviews', match: [on('x-a'), on('x-b')], action: RouteAction.forward(s.reviews), rewrite: { uri: '/' } },
      { name: 'reviews-2', action: RouteAction.forward(s.reviews.version('v2')) });
    const rewrite = [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }];
    expect(rules(synth(s).objects)).toStrictEqual([
      { name: 'reviews', matches: [{ path: { type: 'PathPrefix', value: '/reviews' }, headers: [{ name: 'x-a', value: '1' }] }], backendRefs: [backend('reviews-v1')], filters: rewrite },
      { name: 'reviews-3', matches: [{ path: { type: 'PathPrefix', value: '/reviews' }, headers: [{ name: 'x-b', value: '1' }] }], backendRefs: [backend('reviews-v1')], filters: rewrite },
      { name: 'reviews-2', backendRefs: [backend('reviews-v2')] },
    ]);
  });

  test('fails if a carried route holds what the Gateway API cannot express, naming the gateway route and the service route', () => {
    const s = gatewayApi();
    new ServiceRouting(s.chart, 'reviews-routes', { service: s.reviews, routes: [{ action: RouteAction.forward(s.reviews.version('v1')), fault: Fault.abort(500, 50) }] });
    route(s, { match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(s.reviews) });
    expect(errorOf(() => s.app.synthFiles())).toContain('[shop/shop] \'routes[0].fault\' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): it has no fault injection: '
      + 'got \'abort\'; remove it, or render this chart with TrafficApi.ISTIO; it comes from routes[0] of service \'reviews\', which the gateway route carries '
      + '(followServiceRoutes: false sends to the service without its routes)');
  });
});

describe('a gateway route to a whole service follows the service\'s routes: ambient mode', () => {
  const ambient = () => shop({ dataPlane: DataPlane.AMBIENT });
  const labels = (objects: K8sObject[]) => the(objects, 'Service', 'reviews').metadata.labels as { [key: string]: string } | undefined;

  test('the Service gets istio.io/ingress-use-waypoint, so that the gateway sends through the waypoint that applies the routes; the gateway route is unchanged', () => {
    const s = ambient();
    route(s, { match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(s.reviews) });
    // routes declared after the gateway route count as well
    s.reviews.addRoute({ match: [jason], action: RouteAction.forward(s.reviews.version('v2')) });
    s.reviews.addRoute({ action: RouteAction.weightedForward([{ target: s.reviews.version('v1'), weight: 90 }, { target: s.reviews.version('v2'), weight: 10 }]) });
    const { objects, findings } = synth(s);
    expect(labels(objects)).toStrictEqual({ 'app': 'reviews', 'service': 'reviews', 'istio.io/use-waypoint': 'reviews-waypoint', 'istio.io/ingress-use-waypoint': 'true' });
    expect((the(objects, 'HTTPRoute', 'shop').spec as { rules: unknown }).rules).toStrictEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/reviews' } }], backendRefs: [backend('reviews')] },
    ]);
    expect(findings).toStrictEqual([]);
  });

  test('no label when the gateway route sends to one version, opts out, the service has no routes, or ingressUseWaypoint: false says so', () => {
    const cases: Array<(s: Shop) => void> = [
      s => {
        s.reviews.addRoute({ action: RouteAction.forward(s.reviews.version('v1')) });
        route(s, { action: RouteAction.forward(s.reviews.version('v2')) });
      },
      s => {
        s.reviews.addRoute({ action: RouteAction.forward(s.reviews.version('v1')) });
        route(s, { action: RouteAction.forward(s.reviews, { followServiceRoutes: false }) });
      },
      s => {
        route(s, { action: RouteAction.forward(s.reviews) });
      },
    ];
    for (const build of cases) {
      const s = ambient();
      build(s);
      expect(labels(synth(s).objects)?.['istio.io/ingress-use-waypoint']).toBeUndefined();
    }
    const app = new MeshApp({ analysis: { reportFile: '', printWarnings: false } });
    const chart = new MeshChart(app, 'shop', { dataPlane: DataPlane.AMBIENT });
    const namespace = new MeshNamespace(chart, 'Namespace', { name: 'shop' });
    const reviews = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }], ingressUseWaypoint: false });
    reviews.addVersion('v1', { image: 'example/reviews:v1' });
    reviews.addRoute({ action: RouteAction.forward(reviews.version('v1')) });
    const gateway = new IngressGateway(chart, 'shop-gateway', { namespace, servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
    new IngressGatewayRoute(chart, 'shop', { namespace, gateway, hosts: ['shop.example.com'], routes: [{ action: RouteAction.forward(reviews) }] });
    expect(labels(parseObjects(app.synthFiles().get('shop.k8s.yaml')!))?.['istio.io/ingress-use-waypoint']).toBeUndefined();
  });
});
