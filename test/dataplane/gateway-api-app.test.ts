import { buildBookinfoGatewayApi } from '../../examples/bookinfo/gateway-api';
import { HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, Mesh, MeshApp, MeshChart, MeshNamespace, MeshService, RouteAction, TrafficApi } from '../../lib';
import { routeOnService } from '../../lib/dataplane/gateway-api';
import { normalizeRequest } from '../../lib/dataplane/request';

/** The engine on the library's own apps: what `TrafficApi.GATEWAY_API` renders routes where the app says. */

const served = (r: { destinations: ReadonlyArray<{ workloads: readonly string[]; weight: number; unavailable?: string }> }) =>
  r.destinations.filter(d => d.unavailable === undefined).map(d => `${d.workloads.join('+')} ${d.weight}`);

describe('Gateway API engine on Mesh.fromApp', () => {
  describe('Bookinfo on the Gateway API (examples/bookinfo/gateway-api.ts)', () => {
    const app = new MeshApp({ outdir: '/tmp/unused' });
    buildBookinfoGatewayApi(app);
    const mesh = Mesh.fromApp(app, { files: ['gateway-api/bookinfo', 'gateway-api/bookinfo-gateway', 'gateway-api/route-reviews-90-10'] });

    test.each(['/productpage', '/static/css/style.css', '/login', '/logout', '/api/v1/products/1'])('the gateway sends %s to productpage v1', path => {
      const r = mesh.request({ gateway: 'default/bookinfo-gateway', path });
      expect([r.outcome, r.status, r.route?.name, served(r)]).toStrictEqual(['routed', 200, 'bookinfo', ['default/productpage-v1 100']]);
    });

    test('the gateway answers 404 for what the app does not route', () => {
      expect(mesh.request({ gateway: 'default/bookinfo-gateway', path: '/productpage/x' }).status).toBe(404);
      expect(mesh.request({ gateway: 'default/bookinfo-gateway', path: '/admin' }).status).toBe(404);
    });

    test('the HTTPRoute on the reviews Service splits 90/10 for meshed callers (GAMMA)', () => {
      const world = mesh.world;
      const d = routeOnService(world, world.service('default', 'reviews')!, 9080, normalizeRequest(world, { from: 'default/productpage-v1', host: 'reviews' }), 'istio');
      expect(d && served(d)).toStrictEqual(['default/reviews-v1 90', 'default/reviews-v2 10']);
    });
  });

  test('an app built with TrafficApi.GATEWAY_API: hosts, header matches and weights through its gateway', () => {
    const app = new MeshApp({ outdir: '/tmp/unused' });
    const chart = new MeshChart(app, 'shop', { trafficApi: TrafficApi.GATEWAY_API });
    const namespace = new MeshNamespace(chart, 'Namespace', { name: 'shop' });
    const reviews = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }] });
    const v1 = reviews.addVersion('v1', { image: 'example/reviews:1.0.0' });
    const v2 = reviews.addVersion('v2', { image: 'example/reviews:2.0.0' });
    const gateway = new IngressGateway(chart, 'shop-gateway', { namespace, servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
    new IngressGatewayRoute(chart, 'shop', {
      namespace,
      gateway,
      hosts: ['shop.example.com'],
      routes: [
        { match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: RouteAction.forward(v2) },
        { match: [HttpMatch.prefix('/reviews')], action: RouteAction.weightedForward([{ target: v1, weight: 80 }, { target: v2, weight: 20 }]) },
      ],
    });
    const mesh = Mesh.fromApp(app);
    const gw = mesh.gateways.find(g => g.startsWith('shop/'))!;
    expect(served(mesh.request({ gateway: gw, host: 'shop.example.com', path: '/reviews/1' }))).toStrictEqual(['shop/reviews-v1 80', 'shop/reviews-v2 20']);
    expect(served(mesh.request({ gateway: gw, host: 'shop.example.com', path: '/anything', headers: { 'end-user': 'jason' } }))).toStrictEqual(['shop/reviews-v2 100']);
    expect(mesh.request({ gateway: gw, host: 'shop.example.com', path: '/other' }).status).toBe(404);
    expect(mesh.request({ gateway: gw, host: 'elsewhere.example.com', path: '/reviews' }).status).toBe(404);
  });
});
