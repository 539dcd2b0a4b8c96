import * as YAML from 'yaml';
import {
  ClientTls, DestinationPolicy, GatewayProtocol, GatewayTls, HttpMatch, IngressGateway, IngressGatewayRoute, MatchGateway, Mesh, MeshChart,
  MeshNamespace, MeshService, Protocol, RouteAction, ServiceEntry, TlsMatch,
} from '../../lib';
import { expectSchemaValid } from '../support/schemas';
import { only, synthError, synthObjects } from '../support/synth';
import { routing } from '../support/traffic';

/**
 * Istio's egress gateway task (tasks/traffic-management/egress/egress-gateway) written with a user's own names: one
 * VirtualService for the external host bound to the egress gateway and the mesh, one route per gateway
 * (`match.gateways`): the mesh's calls to the gateway's subset, the gateway's on to the host.
 */
const CNN = 'edition.cnn.com';
const EGRESS_SERVICE = 'istio-egressgateway.istio-system.svc.cluster.local';

interface TaskOptions { meshFirst?: boolean; mesh?: boolean; outGateway?: IngressGateway; exportTo?: string[] }

function egressTask(chart: MeshChart, tls: boolean, options: TaskOptions = {}) {
  const ns = MeshNamespace.fromName('shop');
  const port = tls ? 443 : 80;
  const cnn = new ServiceEntry(chart, 'cnn', {
    name: 'cnn', exportTo: options.exportTo, hosts: [CNN], ports: [tls ? { number: 443, name: 'tls', protocol: Protocol.TLS } : { number: 80, name: 'http-port', protocol: Protocol.HTTP }],
  });
  const gateway = new IngressGateway(chart, 'egressgateway', {
    namespace: ns,
    selector: { istio: 'egressgateway' },
    servers: [tls
      ? { port: 443, name: 'tls', protocol: GatewayProtocol.TLS, hosts: [CNN], tls: GatewayTls.passthrough() }
      : { port: 80, name: 'http', protocol: GatewayProtocol.HTTP, hosts: [CNN] }],
  });
  const egress = MeshService.fromAttributes(chart, 'egress', { name: 'istio-egressgateway', namespace: 'istio-system', ports: [{ port: 80 }, { port: 443 }], versions: ['cnn'] });
  new DestinationPolicy(chart, 'egress-cnn', { service: egress, name: 'egressgateway-for-cnn', namespace: ns, subsets: [{ name: 'cnn', labels: {} }], trafficPolicy: { tls: ClientTls.auto() } });
  const out = MatchGateway.of(options.outGateway ?? gateway);
  const common = { gateway, mesh: options.mesh ?? true, meshFirst: options.meshFirst, namespace: ns, hosts: [CNN] };
  if (tls) {
    new IngressGatewayRoute(chart, 'through-egress', {
      ...common,
      tlsRoutes: [
        { match: [TlsMatch.sni([CNN], { gateways: [MatchGateway.mesh()], port })], action: RouteAction.forward(egress.version('cnn'), { port }) },
        { match: [TlsMatch.sni([CNN], { gateways: [out], port })], action: RouteAction.forward(cnn, { port }) },
      ],
    });
  } else {
    new IngressGatewayRoute(chart, 'through-egress', {
      ...common,
      routes: [
        { match: [HttpMatch.where({ gateways: [MatchGateway.mesh()], port })], action: RouteAction.forward(egress.version('cnn'), { port }) },
        { match: [HttpMatch.where({ gateways: [out], port })], action: RouteAction.forward(cnn, { port }) },
      ],
    });
  }
}

const build = (tls: boolean, options?: TaskOptions) => synthObjects(app => egressTask(new MeshChart(app, 'c', { namespace: 'shop' }), tls, options));

describe('a VirtualService with a route per gateway: the mesh to the egress gateway, the gateway out', () => {
  test('HTTP: bound to the gateway and then the mesh (the default order), each route restricted to one of them', () => {
    const objects = expectSchemaValid(build(false));
    expect(only(objects, 'VirtualService').spec).toStrictEqual({
      hosts: [CNN],
      gateways: ['egressgateway', 'mesh'],
      http: [
        { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: EGRESS_SERVICE, subset: 'cnn', port: { number: 80 } } }] },
        { match: [{ gateways: ['egressgateway'], port: 80 }], route: [{ destination: { host: CNN, port: { number: 80 } } }] },
      ],
    });
  });

  test('TLS by SNI, meshFirst: the mesh first among the gateways, as the task\'s HTTPS step writes it', () => {
    const objects = expectSchemaValid(build(true, { meshFirst: true }));
    expect(only(objects, 'VirtualService').spec).toStrictEqual({
      hosts: [CNN],
      gateways: ['mesh', 'egressgateway'],
      tls: [
        { match: [{ gateways: ['mesh'], port: 443, sniHosts: [CNN] }], route: [{ destination: { host: EGRESS_SERVICE, subset: 'cnn', port: { number: 443 } } }] },
        { match: [{ gateways: ['egressgateway'], port: 443, sniHosts: [CNN] }], route: [{ destination: { host: CNN, port: { number: 443 } } }] },
      ],
    });
  });

  test('meshFirst without mesh is refused', () => {
    expect(synthError(app => egressTask(new MeshChart(app, 'c', { namespace: 'shop' }), true, { mesh: false, meshFirst: true }))).toBe(
      '[c/through-egress] \'meshFirst\' needs mesh: true: it orders the mesh among the gateways the route binds to: got true; set mesh: true, or leave out meshFirst');
  });

  test('a route through a gateway the VirtualService does not bind to is refused (Istio\'s match gateways must be among its gateways)', () => {
    const message = synthError(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const other = new IngressGateway(chart, 'other', { selector: { istio: 'egressgateway' }, servers: [{ port: 443, name: 'tls', protocol: GatewayProtocol.TLS, hosts: ['x.example.com'], tls: GatewayTls.passthrough() }] });
      egressTask(chart, true, { outGateway: other });
    });
    expect(message).toContain('\'tlsRoutes[1].match.gateways\' must be a gateway the route binds to (shop/egressgateway, MatchGateway.mesh()): a match through another never applies: got \'shop/other\'');
  });
});

describe('the data-plane model follows a request: mesh → the egress gateway\'s subset → the external host', () => {
  const CLUSTER = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: sleep, namespace: shop }
spec: { selector: { matchLabels: { app: sleep } }, template: { metadata: { labels: { app: sleep } }, spec: { containers: [{ name: c, image: 'x:1' }] } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: istio-egressgateway, namespace: istio-system }
spec:
  selector: { matchLabels: { istio: egressgateway } }
  template: { metadata: { labels: { istio: egressgateway } }, spec: { containers: [{ name: istio-proxy, image: 'istio/proxyv2:1.28.0' }] } }
---
apiVersion: v1
kind: Service
metadata: { name: istio-egressgateway, namespace: istio-system }
spec: { selector: { istio: egressgateway }, ports: [{ name: http2, port: 80, targetPort: 8080 }, { name: https, port: 443, targetPort: 8443 }] }`;
  // the entry visible to the gateway's namespace as well (the egress gateway's pods run in istio-system)
  const meshOf = (tls: boolean, exportTo = ['.', 'istio-system']) => Mesh.fromYaml([CLUSTER, ...build(tls, { meshFirst: tls, exportTo }).map(o => YAML.stringify(o))].join('\n---\n'));

  test.each([
    ['HTTP', false, 80, {}],
    ['TLS by SNI', true, 443, { protocol: 'tls' as const }],
  ])('%s: the sidecar sends to the gateway\'s subset cnn; the gateway sends on to edition.cnn.com', (_, tls, port, extra) => {
    const mesh = meshOf(tls);
    const fromSleep = mesh.request({ from: 'shop/sleep', host: CNN, port, ...extra });
    expect(fromSleep.outcome).toBe('routed');
    expect(fromSleep.route).toMatchObject({ kind: 'VirtualService', namespace: 'shop', name: 'through-egress', rule: 0 });
    expect(routing(fromSleep.destinations)).toMatchObject([{ service: 'istio-system/istio-egressgateway', subset: 'cnn', port, workloads: ['istio-system/istio-egressgateway'] }]);
    const atGateway = mesh.request({ gateway: 'shop/egressgateway', host: CNN, port, ...extra });
    expect(atGateway.outcome).toBe('routed');
    expect(atGateway.reason).toContain(`to outbound|${port}||${CNN}`);
    // the rule named by its section: a TLS route is tls[1], not http[1]
    if (tls) expect(atGateway.reason).toContain('VirtualService shop/through-egress tls[1] sends the connection to');
    expect(atGateway.route).toMatchObject({ kind: 'VirtualService', namespace: 'shop', name: 'through-egress', rule: 1 });
    expect(routing(atGateway.destinations)).toMatchObject([{ port }]);
    expect(JSON.stringify(routing(atGateway.destinations))).toContain(CNN);
  });

  test('the entry exported to its own namespace only: the gateway has no cluster of the host (503), as Envoy would have none', () => {
    const atGateway = meshOf(false, ['.']).request({ gateway: 'shop/egressgateway', host: CNN, port: 80 });
    expect([atGateway.outcome, atGateway.reason]).toStrictEqual(['unavailable',
      'no service of host \'edition.cnn.com\' is visible to the proxy, so Envoy has no cluster outbound|80||edition.cnn.com (503)']);
  });
});
