import { buildBookinfo } from '../../examples/bookinfo/app';
import { buildNginxSplit } from '../../examples/nginx-split/app';
import {
  DelegateRoutes, HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, InstallOutput, IstioInstallation, Mesh, MeshApp, MeshChart,
  MeshNamespace, MeshService, OutboundTrafficPolicyMode, RouteAction, SidecarScoping,
} from '../../lib';
import { routing } from '../support/traffic';

/**
 * The Istio engine at the user level, through `Mesh.fromApp` on the library's own apps: sidecars route by the mesh
 * VirtualServices, gateways by theirs, as the Envoy configuration istiod generates routes them.
 */

const RETRIES = { attempts: 2, retryOn: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes' };

/** The README quick start (examples/quickstart/main.ts), built in memory. */
function quickstart(): Mesh {
  const app = new MeshApp();
  const chart = new MeshChart(app, 'shop');
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'shop' });
  const reviews = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }] });
  const v1 = reviews.addVersion('v1', { image: 'example/reviews:1.0.0' });
  const v2 = reviews.addVersion('v2', { image: 'example/reviews:2.0.0' });
  reviews.addRoute({ match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: RouteAction.forward(v2) });
  reviews.addRoute({ action: RouteAction.weightedForward([{ target: v1, weight: 90 }, { target: v2, weight: 10 }]) });
  const gateway = new IngressGateway(chart, 'shop-gateway', { namespace, servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
  new IngressGatewayRoute(chart, 'shop', {
    namespace, gateway, hosts: ['shop.example.com'], routes: [{ match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(reviews) }],
  });
  return Mesh.fromApp(app);
}

describe('the README quick start', () => {
  const mesh = quickstart();

  test('from a reviews pod (an Istio sidecar), jason reaches v2 by reviews\' first rule', () => {
    const r = mesh.request({ from: 'shop/reviews-v1', host: 'reviews', headers: { 'end-user': 'jason' } });
    expect(r.dataPlane).toBe('istio-sidecar');
    expect(r.outcome).toBe('routed');
    expect(r.status).toBe(200);
    expect(r.route).toStrictEqual({ kind: 'VirtualService', namespace: 'shop', name: 'reviews', rule: 0, match: 0 });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'shop/reviews', port: 9080, subset: 'v2', version: 'v2', workloads: ['shop/reviews-v2'], weight: 100 }]);
    expect(r.envoy).toStrictEqual({
      listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'reviews.shop.svc.cluster.local:9080', cluster: 'outbound|9080|v2|reviews.shop.svc.cluster.local',
    });
    expect(r.requestHeaders).toStrictEqual({ 'end-user': 'jason', 'host': 'reviews' });
    expect(r.filters).toStrictEqual({ timeout: '0s', retries: RETRIES });
  });

  test('everyone else is split 90/10 by the second rule', () => {
    const r = mesh.request({ from: 'shop/reviews-v2', host: 'reviews.shop.svc.cluster.local' });
    expect(r.route).toStrictEqual({ kind: 'VirtualService', namespace: 'shop', name: 'reviews', rule: 1 });
    expect(routing(r.destinations)).toStrictEqual([
      { service: 'shop/reviews', port: 9080, subset: 'v1', version: 'v1', workloads: ['shop/reviews-v1'], weight: 90 },
      { service: 'shop/reviews', port: 9080, subset: 'v2', version: 'v2', workloads: ['shop/reviews-v2'], weight: 10 },
    ]);
    expect(r.envoy?.cluster).toBeUndefined(); // weighted clusters
  });

  // The gateway's route carries reviews' own routes (followServiceRoutes, the default): jason reaches v2 through the
  // gateway as from inside the mesh, everyone else is split 90/10.
  test('through the gateway: jason reaches v2 by the gateway route\'s first rule, which carries reviews\' first', () => {
    const r = mesh.request({ gateway: 'shop/shop-gateway', host: 'shop.example.com', path: '/reviews/1', headers: { 'end-user': 'jason' } });
    expect(r.dataPlane).toBe('istio-gateway');
    expect(r.outcome).toBe('routed');
    expect(r.listener).toStrictEqual({ kind: 'Gateway', namespace: 'shop', name: 'shop-gateway', listener: 'http', port: 8080, protocol: 'HTTP', hostnames: ['shop.example.com'] });
    expect(r.route).toStrictEqual({ kind: 'VirtualService', namespace: 'shop', name: 'shop', rule: 0, match: 0 });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'shop/reviews', port: 9080, subset: 'v2', version: 'v2', workloads: ['shop/reviews-v2'], weight: 100 }]);
    expect(r.envoy).toStrictEqual({ listener: '0.0.0.0_8080', routeConfig: 'http.8080', virtualHost: 'shop.example.com:8080', cluster: 'outbound|9080|v2|reviews.shop.svc.cluster.local' });
    expect(r.notes).toStrictEqual([
      'no pods of Gateway shop/shop-gateway are in the configuration: taken as Istio\'s default istio-ingressgateway (istio-system, ServiceAccount istio-ingressgateway-service-account)',
    ]);
  });

  test('through the gateway: everyone else is split 90/10 by the second rule, as inside the mesh', () => {
    const r = mesh.request({ gateway: 'shop/shop-gateway', host: 'shop.example.com', path: '/reviews/1' });
    expect(r.route).toStrictEqual({ kind: 'VirtualService', namespace: 'shop', name: 'shop', rule: 1, match: 0 });
    expect(routing(r.destinations)).toStrictEqual([
      { service: 'shop/reviews', port: 9080, subset: 'v1', version: 'v1', workloads: ['shop/reviews-v1'], weight: 90 },
      { service: 'shop/reviews', port: 9080, subset: 'v2', version: 'v2', workloads: ['shop/reviews-v2'], weight: 10 },
    ]);
  });

  test('through the gateway: another host has no virtual host (404), another path no route (404)', () => {
    const host = mesh.request({ gateway: 'shop/shop-gateway', host: 'other.example.com', path: '/reviews' });
    expect([host.outcome, host.status, host.reason]).toStrictEqual(['no-route', 404, 'route configuration http.8080 has no virtual host for \'other.example.com\' (404)']);
    const path = mesh.request({ gateway: 'shop/shop-gateway', host: 'shop.example.com', path: '/ratings' });
    expect([path.outcome, path.status, path.reason]).toStrictEqual(['no-route', 404, 'virtual host shop.example.com:8080 has no route for GET /ratings (404)']);
  });

  test('a port the gateway has no server on: no listener', () => {
    const r = mesh.request({ gateway: 'shop/shop-gateway', host: 'shop.example.com', port: 443 });
    expect([r.outcome, r.status, r.reason]).toStrictEqual(['no-route', undefined, 'no listener of the proxy takes port 443: the connection is refused']);
  });

  test('an unknown port of a known Service: the sidecar passes the connection on, and the Service refuses it', () => {
    const r = mesh.request({ from: 'shop/reviews-v1', host: 'reviews', port: 8080 });
    expect(r.outcome).toBe('no-route');
    expect(r.status).toBeUndefined();
    expect(r.envoy).toStrictEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: 'PassthroughCluster' });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'shop/reviews', port: 8080, workloads: [], weight: 100, unavailable: 'shop/reviews has no port 8080: the connection is refused' }]);
  });
});

describe('Bookinfo (examples/bookinfo) with sidecars', () => {
  const app = new MeshApp();
  const ns = new MeshNamespace(new MeshChart(app, 'ns'), 'Namespace', { name: 'bookinfo' });
  buildBookinfo(app, { namespace: ns });
  const mesh = Mesh.fromApp(app, { files: ['ns', 'bookinfo', 'bookinfo-gateway', 'virtual-service-reviews-test-v2'] });

  test('jason reaches reviews v2 (virtual-service-reviews-test-v2), everyone else v1', () => {
    const jason = mesh.request({ from: 'bookinfo/productpage-v1', host: 'reviews', headers: { 'end-user': 'jason' } });
    expect(routing(jason.destinations)).toStrictEqual([{ service: 'bookinfo/reviews', port: 9080, subset: 'v2', version: 'v2', workloads: ['bookinfo/reviews-v2'], weight: 100 }]);
    expect(jason.route).toStrictEqual({ kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews', rule: 0, match: 0 });
    for (const user of [undefined, 'alice']) {
      const r = mesh.request({ from: 'bookinfo/productpage-v1', host: 'reviews', ...(user ? { headers: { 'end-user': user } } : {}) });
      expect(routing(r.destinations)).toStrictEqual([{ service: 'bookinfo/reviews', port: 9080, subset: 'v1', version: 'v1', workloads: ['bookinfo/reviews-v1'], weight: 100 }]);
      expect(r.route).toStrictEqual({ kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews', rule: 1 });
    }
  });

  test('a service without a VirtualService: its default route, over its pods', () => {
    const r = mesh.request({ from: 'bookinfo/reviews-v2', host: 'ratings.bookinfo', path: '/ratings/0' });
    expect(r.route).toBeNull();
    expect(r.envoy).toStrictEqual({
      listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'ratings.bookinfo.svc.cluster.local:9080', route: 'default', cluster: 'outbound|9080||ratings.bookinfo.svc.cluster.local',
    });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'bookinfo/ratings', port: 9080, version: 'v1', workloads: ['bookinfo/ratings-v1'], weight: 100 }]);
  });

  test('an external host leaves through the PassthroughCluster (ALLOW_ANY, Istio\'s default)', () => {
    const r = mesh.request({ from: 'bookinfo/productpage-v1', host: 'www.google.com', protocol: 'tls' });
    expect(r.outcome).toBe('routed');
    expect(r.status).toBeUndefined();
    expect(r.envoy).toStrictEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: 'PassthroughCluster' });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'www.google.com', port: 443, workloads: [], weight: 100 }]);
  });
});

describe('nginx-split (examples/nginx-split)', () => {
  const app = new MeshApp();
  buildNginxSplit(app);
  const mesh = Mesh.fromApp(app, { files: ['nginx-split'] });

  test('the gateway splits 50/50 between the two versions\' subsets', () => {
    const r = mesh.request({ gateway: 'default/nginx-gateway', host: 'nginx.hung.org.hk' });
    expect(r.outcome).toBe('routed');
    expect(r.listener).toMatchObject({ name: 'nginx-gateway', port: 80, hostnames: ['*.hung.org.hk'] });
    expect(routing(r.destinations)).toStrictEqual([
      { service: 'default/nginx-svc', port: 80, subset: 'v117', version: '1.17', workloads: ['default/nginx-v117'], weight: 50 },
      { service: 'default/nginx-svc', port: 80, subset: 'v116', version: '1.16', workloads: ['default/nginx-v116'], weight: 50 },
    ]);
    expect(r.envoy).toStrictEqual({ listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'nginx.hung.org.hk:80' });
  });
});

describe('delegation and REGISTRY_ONLY', () => {
  const app = new MeshApp();
  const platform = new MeshChart(app, 'platform', { namespace: 'platform' });
  const gateway = new IngressGateway(platform, 'gw', { name: 'shop-gateway', servers: [{ port: 80, hosts: ['shop.example.com'] }] });
  const team = new MeshChart(app, 'catalog', { namespace: 'catalog' });
  const namespace = new MeshNamespace(team, 'Namespace', { name: 'catalog' });
  const orders = new MeshService(team, 'orders', { namespace, image: 'docker.io/library/nginx:1.27', ports: [{ port: 8080 }] });
  const catalog = new MeshService(team, 'catalog', { namespace, image: 'docker.io/library/nginx:1.27', ports: [{ port: 8080 }], dependsOn: [orders] });
  const routes = new DelegateRoutes(team, 'catalog-routes', {
    namespace,
    routes: [{ match: [HttpMatch.prefix('/catalog/v2')], action: RouteAction.forward(catalog) }, { match: [HttpMatch.exact('/catalog')], action: RouteAction.forward(catalog) }],
  });
  new IngressGatewayRoute(platform, 'root', { gateway, hosts: ['shop.example.com'], routes: [{ match: [HttpMatch.prefix('/catalog')], action: RouteAction.delegate(routes) }] });
  new SidecarScoping(team, 'scoping', { services: [catalog], registryOnly: true });
  const mesh = Mesh.fromApp(app);

  test('the root hands /catalog to the team\'s delegate, whose rule names the root', () => {
    const r = mesh.request({ gateway: 'platform/shop-gateway', host: 'shop.example.com', path: '/catalog/v2/items' });
    expect(r.route).toStrictEqual({
      kind: 'VirtualService',
      namespace: 'catalog',
      name: 'catalog-routes',
      rule: 0,
      match: 0,
      delegatedFrom: { kind: 'VirtualService', namespace: 'platform', name: 'root', rule: 0 },
    });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'catalog/catalog', port: 8080, workloads: ['catalog/catalog'], weight: 100 }]);
    expect(mesh.request({ gateway: 'platform/shop-gateway', host: 'shop.example.com', path: '/catalog' }).route).toMatchObject({ name: 'catalog-routes', rule: 1 });
  });

  test('a path of the root\'s prefix no delegate rule takes: 404', () => {
    const r = mesh.request({ gateway: 'platform/shop-gateway', host: 'shop.example.com', path: '/catalog/v3' });
    expect([r.outcome, r.status, r.route]).toStrictEqual(['no-route', 404, null]);
  });

  test('the Sidecar keeps what catalog depends on: orders, by its default route', () => {
    const r = mesh.request({ from: 'catalog/catalog', host: 'orders', port: 8080 });
    expect(routing(r.destinations)).toStrictEqual([{ service: 'catalog/orders', port: 8080, workloads: ['catalog/orders'], weight: 100 }]);
    expect(r.envoy).toMatchObject({ listener: '0.0.0.0_8080', virtualHost: 'orders.catalog.svc.cluster.local:8080', route: 'default' });
  });

  test('REGISTRY_ONLY: an HTTP call to an unknown host on a port with a listener meets block_all (502)', () => {
    const r = mesh.request({ from: 'catalog/catalog', host: 'api.example.com', port: 8080 });
    expect(r.outcome).toBe('no-route');
    expect(r.status).toBe(502);
    expect(r.envoy).toStrictEqual({ listener: '0.0.0.0_8080', routeConfig: '8080', virtualHost: 'block_all', route: 'block_all' });
    expect(r.reason).toBe('outboundTrafficPolicy REGISTRY_ONLY: \'api.example.com\' is not a host the proxy knows, so virtual host block_all answers 502');
  });

  test('REGISTRY_ONLY: a connection to an unknown host and port goes to the BlackHoleCluster', () => {
    const r = mesh.request({ from: 'catalog/catalog', host: 'api.example.com', protocol: 'tls' });
    expect(r.outcome).toBe('no-route');
    expect(r.status).toBeUndefined();
    expect(r.envoy).toStrictEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: 'BlackHoleCluster' });
    expect(r.reason).toBe('outboundTrafficPolicy REGISTRY_ONLY: api.example.com:443 is not a service the proxy knows, so the connection goes to BlackHoleCluster and is dropped');
  });
});

describe('the mesh config of an IstioInstallation', () => {
  function shopWith(output: InstallOutput | undefined): Mesh {
    const app = new MeshApp();
    const istio = new MeshChart(app, 'istio', { namespace: 'istio-system' });
    new IstioInstallation(istio, 'istio', { version: '1.28.0', ...(output ? { output } : {}), meshConfig: { outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY } });
    const shop = new MeshChart(app, 'shop', { namespace: 'shop' });
    const namespace = new MeshNamespace(shop, 'Namespace', { name: 'shop' });
    new MeshService(shop, 'web', { namespace, ports: [{ port: 8080 }], image: 'ghcr.io/example/web:1.4.2' });
    return Mesh.fromApp(app);
  }

  test.each([
    ['Helm values (the istio ConfigMap its istiod creates)', undefined],
    ['Argo CD Applications', InstallOutput.argoCd({ project: 'platform' })],
  ])('REGISTRY_ONLY from an installation written as %s', (_name, output) => {
    const r = shopWith(output).request({ from: 'shop/web', host: 'api.example.com', protocol: 'tls' });
    expect([r.outcome, r.envoy?.cluster]).toStrictEqual(['no-route', 'BlackHoleCluster']);
  });
});
