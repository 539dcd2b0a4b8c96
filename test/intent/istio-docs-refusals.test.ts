import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  ClientTls,
  DestinationPolicy,
  GatewayProtocol,
  GatewayTls,
  HttpMatch,
  IngressGateway,
  IngressGatewayRoute,
  LoadBalancer,
  MeshApp,
  MeshChart,
  MeshNamespace,
  MeshService,
  Protocol,
  RouteAction,
  SchemaValidation,
  ServiceEntry,
  ServiceRouting,
  TrafficApi,
} from '../../lib';
import { Manifest } from '../../lib/render/model';
import { errorOf } from '../support/errors';
import { describeWithShared, K8sObject, loadObjects, SHARED_DIR } from '../support/shared';
import { only, synthError, synthFiles, synthObjects } from '../support/synth';

/** Configuration of Istio's documentation tasks that mesh-kit refused (issue 33): each built from upstream's object. */
const DOCS = path.join(SHARED_DIR, 'reference', 'istio', 'docs-tasks');
const docsObject = (task: string, snip: string, kind: string, name?: string): K8sObject => only(loadObjects(path.join(DOCS, task, `${snip}.yaml`)), kind, name);
const schemas = SchemaValidation.pinned();
const valid = (o: K8sObject) => expect(schemas.validate(o as unknown as Manifest).problems).toStrictEqual([]);

interface DocsServer {
  readonly port: { readonly number: number; readonly name: string; readonly protocol: string };
  readonly hosts: string[];
  readonly tls?: { readonly mode: string; readonly credentialName?: string };
}

describeWithShared('Istio docs configuration mesh-kit refused', () => {
  test('secure ingress for several hosts: two HTTPS servers on port 443, one per host, each with its own certificate', () => {
    const upstream = docsObject('secure-ingress', 'snip_configure_a_tls_ingress_gateway_for_multiple_hosts_4', 'Gateway');
    const servers = (upstream.spec as { servers: DocsServer[] }).servers;
    const objects = synthObjects(app => {
      const gw = new IngressGateway(new MeshChart(app, 'c'), upstream.metadata.name, { selector: { istio: 'ingressgateway' } });
      for (const s of servers) {
        const tls = GatewayTls.simple(s.tls!.credentialName!);
        gw.addServer({ port: s.port.number, name: s.port.name, protocol: s.port.protocol as GatewayProtocol, hosts: s.hosts, tls });
      }
    });
    const gw = only(objects, 'Gateway');
    expect(gw.spec).toStrictEqual(upstream.spec);
    valid(gw);
  });

  test('egress gateway: a DestinationRule subset without labels (every endpoint of the gateway\'s Service)', () => {
    const upstream = docsObject('egress-gateway', 'snip_egress_gateway_for_http_traffic_3', 'DestinationRule');
    const objects = synthObjects(app => {
      const egress = MeshService.fromAttributes({ name: 'istio-egressgateway', namespace: 'istio-system', ports: [{ port: 80 }], versions: ['cnn'] });
      // kubectl's namespace: the rule applies to the sleep client there
      new DestinationPolicy(new MeshChart(app, 'c', { namespace: 'default' }), upstream.metadata.name, {
        service: egress, name: upstream.metadata.name, namespace: MeshNamespace.fromName('default'), subsets: [{ name: 'cnn', labels: {} }], trafficPolicy: { tls: ClientTls.auto() },
      });
    });
    const dr = only(objects, 'DestinationRule');
    expect(dr.spec).toStrictEqual(upstream.spec);
    valid(dr);
  });

  test('TLS origination by subset: a subset of a ServiceEntry host, routed to by the entry\'s version()', () => {
    const file = (kind: string) => docsObject('egress-tls-origination', 'snip_apply_origination', kind);
    const entry = docsObject('egress-tls-origination', 'snip_apply_simple', 'ServiceEntry');
    const build = (app: App) => {
      const c = new MeshChart(app, 'c', { namespace: 'default' });
      const cnn = new ServiceEntry(c, 'cnn', {
        name: entry.metadata.name,
        hosts: ['edition.cnn.com'],
        ports: [{ number: 80, protocol: Protocol.HTTP, name: 'http-port' }, { number: 443, protocol: Protocol.HTTPS, name: 'https-port' }],
        exportTo: ['*'],
      });
      new ServiceRouting(c, 'route', {
        service: cnn,
        name: file('VirtualService').metadata.name,
        routes: [{ match: [HttpMatch.where({ port: 80 })], action: RouteAction.forward(cnn.version('tls-origination'), { port: 443 }) }],
      });
      new DestinationPolicy(c, 'tls', {
        service: cnn,
        name: file('DestinationRule').metadata.name,
        subsets: [{ name: 'tls-origination', trafficPolicy: { loadBalancer: LoadBalancer.roundRobin(), ports: [{ port: 443, tls: ClientTls.simple() }] } }],
        trafficPolicy: { tls: ClientTls.auto() },
      });
    };
    const objects = synthObjects(build);
    // the synth-time analysis finds the subset the route names (no IST0101)
    expect([...synthFiles(build, outdir => new MeshApp({ outdir })).keys()]).toStrictEqual(['c.k8s.yaml']);
    for (const kind of ['VirtualService', 'DestinationRule']) {
      const o = only(objects, kind);
      expect(o.spec).toStrictEqual(file(kind).spec);
      valid(o);
    }
  });

  test('egress gateway under the Gateway API: a route attached to a ServiceEntry, a route to a Hostname backend', () => {
    const upstream = loadObjects(path.join(DOCS, 'egress-gateway', 'snip_egress_gateway_for_http_traffic_6.yaml'));
    const build = (app: App) => {
      const c = new MeshChart(app, 'c', { namespace: 'default', trafficApi: TrafficApi.GATEWAY_API });
      const cnn = new ServiceEntry(c, 'cnn', {
        hosts: ['edition.cnn.com'], ports: [{ number: 80, protocol: Protocol.HTTP, name: 'http-port' }, { number: 443, protocol: Protocol.HTTPS, name: 'https' }],
      });
      const gw = new IngressGateway(c, 'cnn-egress-gateway', { servers: [{ port: 80, name: 'http', hosts: ['edition.cnn.com'] }] });
      // the Service Istio deploys for the Gateway: `<gateway>-istio`
      const gatewayService = MeshService.fromAttributes({ name: 'cnn-egress-gateway-istio', namespace: 'default', ports: [{ port: 80 }] });
      new ServiceRouting(c, 'to-gateway', { service: cnn, name: 'direct-cnn-to-egress-gateway', routes: [{ action: RouteAction.forward(gatewayService, { port: 80 }) }] });
      new IngressGatewayRoute(c, 'out', {
        gateway: gw,
        name: 'forward-cnn-from-egress-gateway',
        hosts: ['edition.cnn.com'],
        // not the entry's own route (to this gateway): out to the host
        routes: [{ action: RouteAction.forward(cnn, { port: 80, followServiceRoutes: false }) }],
      });
    };
    const objects = synthObjects(build);
    // the synth-time analysis resolves the ServiceEntry parent and the Hostname backend
    expect([...synthFiles(build, outdir => new MeshApp({ outdir })).keys()]).toStrictEqual(['c.k8s.yaml']);
    for (const u of upstream) {
      const o = only(objects, 'HTTPRoute', u.metadata.name);
      expect(o.spec).toStrictEqual(u.spec);
      valid(o);
    }
  });

  test('a subset of an external host under the Gateway API: refused, a Hostname backend has none', () => {
    expect(synthError(app => {
      const c = new MeshChart(app, 'c', { namespace: 'default', trafficApi: TrafficApi.GATEWAY_API });
      const cnn = new ServiceEntry(c, 'cnn', { hosts: ['edition.cnn.com'], ports: [{ number: 80, protocol: Protocol.HTTP }] });
      new ServiceRouting(c, 'r', { service: cnn, routes: [{ action: RouteAction.forward(cnn.version('tls-origination')) }] });
    })).toContain("[c/r] 'routes[0].destination' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): a Hostname backend (an external host) has no subsets: "
      + "got 'edition.cnn.com subset tls-origination'; route to the host as a whole, or render this chart with TrafficApi.ISTIO");
  });

  test('mutual TLS at a Gateway API gateway: Istio\'s listener option gateway.istio.io/tls-terminate-mode', () => {
    const upstream = docsObject('secure-ingress', 'snip_configure_a_mutual_tls_ingress_gateway_3', 'Gateway');
    const objects = synthObjects(app => {
      const c = new MeshChart(app, 'c', { namespace: 'istio-system', trafficApi: TrafficApi.GATEWAY_API });
      new IngressGateway(c, 'mygateway', {
        servers: [{ port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['httpbin.example.com'], tls: GatewayTls.mutual('httpbin-credential') }],
      });
    });
    const listener = (only(objects, 'Gateway').spec as { listeners: Array<{ tls: unknown }> }).listeners[0];
    expect(listener.tls).toStrictEqual((upstream.spec as { listeners: Array<{ tls: unknown }> }).listeners[0].tls);
    valid(only(objects, 'Gateway'));
  });
});

describe('several servers on one port of an Istio Gateway', () => {
  const https = (name: string | undefined, host: string) => ({ port: 443, name, protocol: GatewayProtocol.HTTPS, hosts: [host], tls: GatewayTls.simple(`${host.split('.')[0]}-cert`) });
  // the first server takes the default name, the protocol's
  const gw = () => new IngressGateway(new Chart(new App(), 'c'), 'gw', { servers: [https(undefined, 'a.example.com')] });

  test('under the Gateway API, one listener per server, named after it', () => {
    const objects = synthObjects(app => {
      new IngressGateway(new MeshChart(app, 'c', { trafficApi: TrafficApi.GATEWAY_API }), 'gw', {
        servers: [https('https-a', 'a.example.com'), https('https-b', 'b.example.com')],
      });
    });
    const listeners = (only(objects, 'Gateway').spec as { listeners: { name: string; port: number; hostname: string }[] }).listeners;
    expect(listeners.map(l => [l.name, l.port, l.hostname])).toStrictEqual([['https-a', 443, 'a.example.com'], ['https-b', 443, 'b.example.com']]);
  });

  test('fails if two servers share a name (Istio keys servers by port name), with a name to give', () => {
    expect(errorOf(() => gw().addServer(https(undefined, 'b.example.com')))).toBe(
      "[c/gw] 'servers.name' must be unique within a gateway (Istio keys servers by port name): got 'https'; give each server its own name, e.g. 'https-b'");
  });

  test('fails if servers of one port disagree on the protocol', () => {
    expect(errorOf(() => gw().addServer({ port: 443, name: 'tls-b', protocol: GatewayProtocol.TLS, hosts: ['b.example.com'], tls: GatewayTls.passthrough() }))).toBe(
      "[c/gw] 'servers.protocol' must be the protocol of the other servers on port 443 ('https': HTTPS): got 'TLS'; use another port, or the same protocol");
  });

  test('fails if a host is served twice on one port', () => {
    expect(errorOf(() => gw().addServer(https('https-b', 'a.example.com')))).toBe(
      "[c/gw] 'servers.hosts' must not be served twice on port 443 (server 'https' serves it): got 'a.example.com'; serve each host of a port from one server");
  });
});
