import { App, Duration } from 'cdk8s';
import {
  ClientTls, DestinationPolicy, HttpMatch, LoadBalancer, Mesh, MeshApp, MeshChart, MeshNamespace, MeshService, Protocol, RouteAction, ServiceEntry,
  ServiceRouting, SidecarScoping, TcpMatch, TrafficApi,
} from '../../lib';
import { analyze } from '../../lib/analysis';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { only, synthError, synthFiles, synthObjects } from '../support/synth';

const CNN = 'edition.cnn.com';

/** Istio's egress TLS origination task: the app calls http://edition.cnn.com, the route sends to 443, a DestinationRule opens TLS. */
function originate(chart: MeshChart) {
  const cnn = new ServiceEntry(chart, 'cnn', { hosts: [CNN], ports: [{ number: 80, protocol: Protocol.HTTP, name: 'http-port' }, { number: 443, name: 'https-port' }] });
  new ServiceRouting(chart, 'rewrite', {
    service: cnn,
    name: 'rewrite-port-for-edition-cnn-com',
    exportTo: ['.'],
    routes: [{ match: [HttpMatch.where({ port: 80 })], action: RouteAction.forward(cnn, { port: 443 }) }],
  });
  new DestinationPolicy(chart, 'tls', {
    service: cnn,
    name: 'originate-tls-for-edition-cnn-com',
    trafficPolicy: { ports: [{ port: 443, tls: ClientTls.simple({ sni: CNN, caCertificates: '/etc/certs/ca.pem' }) }] },
  });
  return cnn;
}

describe('a ServiceEntry is a route target', () => {
  test('port rewrite and TLS origination as Istio\'s egress task writes them: host as is, port 80 to 443, SIMPLE TLS with SNI and CA', () => {
    const objects = expectSchemaValid(synthObjects(app => originate(new MeshChart(app, 'c', { namespace: 'shop' }))));
    expect(only(objects, 'VirtualService').spec).toStrictEqual({
      hosts: [CNN],
      exportTo: ['.'],
      http: [{ match: [{ port: 80 }], route: [{ destination: { host: CNN, port: { number: 443 } } }] }],
    });
    // no ISTIO_MUTUAL default for a host outside the mesh: the TLS it is given, on the port it is given
    expect(only(objects, 'DestinationRule').spec).toStrictEqual({
      host: CNN,
      trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE', sni: CNN, caCertificates: '/etc/certs/ca.pem' } }] },
    });
  });

  test('the synth-time analysis finds the entry the route names (a VirtualService exported to \'.\' sees its own namespace)', () => {
    const files = synthFiles(app => originate(new MeshChart(app, 'c', { namespace: 'shop' })), outdir => new MeshApp({ outdir }));
    expect([...files.keys()]).toStrictEqual(['c.k8s.yaml']);
  });

  test('an external host written as is from another namespace; another host of the entry by host()', () => {
    const objects = synthObjects(app => {
      const egress = new MeshChart(app, 'egress', { namespace: 'egress' });
      const apis = new ServiceEntry(egress, 'apis', { hosts: ['a.example.com', 'b.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP }], exportTo: ['*'] });
      const shop = new MeshChart(app, 'shop', { namespace: 'shop' });
      new ServiceRouting(shop, 'b', { service: apis.host('b.example.com'), routes: [{ action: RouteAction.forward(apis.host('b.example.com')) }] });
    });
    expect(only(objects, 'VirtualService').spec).toStrictEqual({ hosts: ['b.example.com'], http: [{ route: [{ destination: { host: 'b.example.com' } }] }] });
  });

  test('a TCP route to an external database', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const db = new ServiceEntry(chart, 'db', { hosts: ['db.example.com'], addresses: ['10.0.0.7'], ports: [{ number: 5432, protocol: Protocol.TCP }] });
      new ServiceRouting(chart, 'db-route', { service: db, tcpRoutes: [{ match: [TcpMatch.of({ port: 5432 })], action: RouteAction.forward(db, { port: 5432 }) }] });
    }));
    expect((only(objects, 'VirtualService').spec as { tcp: unknown }).tcp).toStrictEqual([
      { match: [{ port: 5432 }], route: [{ destination: { host: 'db.example.com', port: { number: 5432 } } }] },
    ]);
  });

  test('through the egress gateway: HTTPS passed through by SNI (Istio\'s egress gateway task), TCP by port', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      new ServiceEntry(chart, 'cnn', { hosts: [CNN], egressGateway: {} });
      new ServiceEntry(chart, 'db', { hosts: ['db.example.com'], ports: [{ number: 5432, protocol: Protocol.TCP }], egressGateway: { port: 15432 } });
    }));
    expect(only(objects, 'Gateway', 'cnn-egress').spec).toStrictEqual({
      selector: { istio: 'egressgateway' },
      servers: [{ port: { number: 443, name: 'tls-443', protocol: 'TLS' }, hosts: [CNN], tls: { mode: 'PASSTHROUGH' } }],
    });
    const egress = { destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', port: { number: 443 } } };
    expect(only(objects, 'VirtualService', 'cnn-through-egress').spec).toStrictEqual({
      hosts: [CNN],
      gateways: ['mesh', 'cnn-egress'],
      exportTo: ['.', 'istio-system'],
      tls: [
        { match: [{ gateways: ['mesh'], port: 443, sniHosts: [CNN] }], route: [egress] },
        { match: [{ gateways: ['cnn-egress'], port: 443, sniHosts: [CNN] }], route: [{ destination: { host: CNN, port: { number: 443 } } }] },
      ],
    });
    expect(only(objects, 'Gateway', 'db-egress').spec).toStrictEqual({
      selector: { istio: 'egressgateway' }, servers: [{ port: { number: 15432, name: 'tcp-15432', protocol: 'TCP' }, hosts: ['db.example.com'] }],
    });
    expect((only(objects, 'VirtualService', 'db-through-egress').spec as { tcp: unknown }).tcp).toStrictEqual([
      { match: [{ gateways: ['mesh'], port: 5432 }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', port: { number: 15432 } } }] },
      { match: [{ gateways: ['db-egress'], port: 15432 }], route: [{ destination: { host: 'db.example.com', port: { number: 5432 } } }] },
    ]);
  });

  test('a scoped sidecar keeps the external hosts its service depends on, by the entry\'s namespace', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const cnn = new ServiceEntry(chart, 'cnn', { hosts: [CNN] });
      const web = new MeshService(chart, 'web', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 80 }], dependsOn: [cnn] });
      new SidecarScoping(chart, 'scoping', { services: [web], extraHosts: ['shop/edition.cnn.com'] });
    });
    expect((only(objects, 'Sidecar').spec as { egress: unknown }).egress).toStrictEqual([{ hosts: ['shop/edition.cnn.com', 'istio-system/*'] }]);
  });

  test('the external analysis workloads: an egress gateway installed with the mesh is a workload its Gateway selects', () => {
    const gw = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'egress', namespace: 'shop' },
      spec: { selector: { istio: 'egressgateway' }, servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: [CNN], tls: { mode: 'PASSTHROUGH' } }] },
    };
    const codes = (workloads?: string[]) => analyze([{ manifest: gw, file: 'x.yaml', mesh: 'istio' }], { world: 'partial', externals: { workloads } }).findings.map(f => f.code);
    expect(codes()).toContain('IST0101');
    expect(codes(['istio-system/istio=egressgateway'])).toStrictEqual([]);
    expect(errorOf(() => codes(['egressgateway']))).toBe(
      '\'externals.workloads[0]\' must be \'namespace/key=value[,key=value]\': got \'egressgateway\'; e.g. \'istio-system/istio=egressgateway\'');
  });
});

describe('TLS to a backend under the Gateway API: BackendTLSPolicy', () => {
  const payments = () => MeshService.fromAttributes({ name: 'payments', namespace: 'payments', ports: [{ port: 8443, protocol: Protocol.HTTPS, name: 'https' }, { port: 9090 }] });
  const gwChart = (app: App) => new MeshChart(app, 'c', { namespace: 'shop', trafficApi: TrafficApi.GATEWAY_API });

  test('SIMPLE TLS to one port: a policy on that port of the Service, in its namespace, verifying the SNI with the system\'s CAs', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      new DestinationPolicy(gwChart(app), 'payments-tls', { service: payments(), trafficPolicy: { ports: [{ port: 8443, tls: ClientTls.simple({ sni: 'payments.example.com' }) }] } });
    }));
    expect(objects.map(o => o.kind)).toStrictEqual(['BackendTLSPolicy']);
    expect(only(objects, 'BackendTLSPolicy')).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'BackendTLSPolicy',
      metadata: { name: 'payments', namespace: 'payments' },
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: 'payments', sectionName: 'https' }],
        validation: { hostname: 'payments.example.com', wellKnownCACertificates: 'System' },
      },
    });
  });

  test('SIMPLE TLS to the whole service without an SNI verifies its cluster name', () => {
    const objects = synthObjects(app => { new DestinationPolicy(gwChart(app), 'p', { service: payments(), trafficPolicy: { tls: ClientTls.simple() } }); });
    expect((only(objects, 'BackendTLSPolicy').spec as { targetRefs: unknown; validation: unknown })).toStrictEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'payments' }],
      validation: { hostname: 'payments.payments.svc.cluster.local', wellKnownCACertificates: 'System' },
    });
  });

  test('what a BackendTLSPolicy cannot say is refused: DestinationRule settings, Istio\'s CA files, other TLS modes, no TLS at all', () => {
    const err = errorOf(() => new DestinationPolicy(gwChart(new App()), 'p', {
      service: payments(),
      trafficPolicy: { loadBalancer: LoadBalancer.leastRequest(), tls: ClientTls.simple({ caCertificates: '/etc/ca.pem' }) },
    }));
    expect(err).toContain('[c/p] \'trafficPolicy.loadBalancer\' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): it is a DestinationRule setting');
    expect(err).toContain('\'trafficPolicy.tls.caCertificates\' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): a BackendTLSPolicy verifies with CA ConfigMaps '
      + 'or the system\'s CAs, not Istio\'s files or Secrets: got \'/etc/ca.pem\'');
    expect(errorOf(() => new DestinationPolicy(gwChart(new App()), 'p', { service: payments(), trafficPolicy: { tls: ClientTls.istioMutual() } }))).toContain(
      '\'trafficPolicy.tls\' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): a BackendTLSPolicy originates SIMPLE TLS');
    expect(errorOf(() => new DestinationPolicy(gwChart(new App()), 'p', { service: payments() }))).toBe(
      '[c/p] \'trafficPolicy.tls\' must be ClientTls.simple(...) under the Gateway API back-end: TLS to the backend is all a BackendTLSPolicy says: got \'none\'; '
      + 'give the service or a port ClientTls.simple({ sni }), or render this chart with TrafficApi.ISTIO');
  });

  test('TLS originated at the egress gateway from a Secret: the rule in the gateway\'s namespace, selecting its pods (IST0129)', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      new ServiceEntry(new MeshChart(app, 'c', { namespace: 'shop' }), 'cnn', { hosts: [CNN], tlsOrigination: { credentialName: 'cnn-ca' }, egressGateway: {} });
    }));
    expect(only(objects, 'DestinationRule')).toStrictEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'cnn-tls', namespace: 'istio-system' },
      spec: {
        host: CNN,
        workloadSelector: { matchLabels: { istio: 'egressgateway' } },
        trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE', sni: CNN, credentialName: 'cnn-ca' } }] },
      },
    });
  });
});

describe('external destinations: bad input', () => {
  const chart = () => new MeshChart(new App(), 'c', { namespace: 'shop' });
  test('an external host named as a Service: the fix is a ServiceEntry', () => {
    expect(errorOf(() => MeshService.fromAttributes({ name: 'api.example.com', ports: [{ port: 443 }] }))).toBe(
      'MeshService.fromAttributes: \'name\' must be the name of a Service of the cluster: an external host is declared by a ServiceEntry, which routes target as they target a service: '
      + 'got \'api.example.com\'; const api = new ServiceEntry(scope, id, { hosts: [\'api.example.com\'] }); RouteAction.forward(api)');
  });

  test('a subset of an external host that is no DNS label, a host the entry does not have: both at the entry\'s path', () => {
    const cnn = new ServiceEntry(chart(), 'cnn', { hosts: [CNN] });
    expect(errorOf(() => cnn.version('TLS'))).toBe('[c/cnn] \'version\' must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters): got \'TLS\'; write it as \'tls\'');
    expect(errorOf(() => cnn.host('other.example.com'))).toBe('[c/cnn] \'host\' must be a host of the ServiceEntry: got \'other.example.com\'; its hosts are \'edition.cnn.com\'');
  });

  test('a route to a port the entry does not have', () => {
    expect(synthError(app => {
      const c = new MeshChart(app, 'c', { namespace: 'shop' });
      const cnn = new ServiceEntry(c, 'cnn', { hosts: [CNN] });
      new ServiceRouting(c, 'r', { service: cnn, routes: [{ action: RouteAction.forward(cnn, { port: 8443 }) }] });
    })).toContain('[c/r] \'routes[0].port\' must be a port of service \'edition.cnn.com\': got 8443; it exposes 443');
  });

  test('an external route under the Gateway API back-end: a Hostname backend (Istio\'s backend kind for an external host)', () => {
    const objects = synthObjects(app => {
      const c = new MeshChart(app, 'c', { namespace: 'shop', trafficApi: TrafficApi.GATEWAY_API });
      const cnn = new ServiceEntry(c, 'cnn', { hosts: [CNN], ports: [{ number: 80, protocol: Protocol.HTTP }] });
      new ServiceRouting(c, 'r', { service: MeshService.fromAttributes({ name: 'web', namespace: 'shop', ports: [{ port: 80 }] }), routes: [{ action: RouteAction.forward(cnn) }] });
    });
    expect((only(objects, 'HTTPRoute').spec as { rules: unknown[] }).rules)
      .toStrictEqual([{ backendRefs: [{ group: 'networking.istio.io', kind: 'Hostname', name: CNN, port: 80 }] }]);
  });

  describe('a route attached to a single-port ServiceEntry under the Gateway API', () => {
    const build = (port?: number) => (app: App) => {
      const c = new MeshChart(app, 'c', { namespace: 'shop', trafficApi: TrafficApi.GATEWAY_API });
      const web = new MeshService(c, 'web', { namespace: new MeshNamespace(c, 'ns', { name: 'shop' }), image: 'docker.io/library/nginx:1.27', ports: [{ port: 80 }] });
      const httpbin = new ServiceEntry(c, 'httpbin-ext', { hosts: ['httpbin.org'], ports: [{ number: 80, protocol: Protocol.HTTP, name: 'http' }], exportTo: [] });
      new ServiceRouting(c, 'r', { service: httpbin, ...(port ? { port } : {}), routes: [{ action: RouteAction.forward(httpbin, { port: 80 }), timeout: Duration.seconds(3) }] });
      return web;
    };

    test('names no port on its parent (Istio holds it on every port of the entry: that one), as Istio\'s egress-control task writes it', () => {
      expect((only(synthObjects(build()), 'HTTPRoute').spec as { parentRefs: unknown[] }).parentRefs)
        .toStrictEqual([{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'httpbin-ext' }]);
    });

    test('names the port when the routing names one', () => {
      expect((only(synthObjects(build(80)), 'HTTPRoute').spec as { parentRefs: unknown[] }).parentRefs)
        .toStrictEqual([{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'httpbin-ext', port: 80 }]);
    });

    test.each([[undefined], [80]])('the data-plane model applies it to calls on the entry\'s port (parent port %s)', port => {
      const app = new MeshApp({ outdir: '/tmp/mesh-kit-external-destinations-test' });
      build(port)(app);
      const r = Mesh.fromApp(app).request({ from: 'shop/web', host: 'httpbin.org', port: 80 });
      expect([r.outcome, r.route?.kind, r.route?.name]).toStrictEqual(['routed', 'HTTPRoute', 'httpbin.org']);
    });
  });

  test('a Sidecar egress host that no declared service has', () => {
    const err = synthError(app => {
      const c = new MeshChart(app, 'c', { namespace: 'shop' });
      const web = new MeshService(c, 'web', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 80 }] });
      new ServiceEntry(c, 'declared', { hosts: ['declared.example.com'] });
      // a wildcard, '.' (the sidecar's own namespace) and '*' (any) naming a declared host pass; '.' of another host does not
      new SidecarScoping(c, 'scoping', {
        services: [web], extraHosts: ['shop/api.example.com', 'shop/*.example.org', './declared.example.com', '*/declared.example.com', './other.example.com'],
      });
    });
    expect(err.match(/'extraHosts\[\d\]'/g)).toStrictEqual(['\'extraHosts[0]\'', '\'extraHosts[4]\'']);
    expect(err).toContain('[c/scoping] \'extraHosts[0]\' must be a host that a MeshService or ServiceEntry of the app declares (a sidecar keeps nothing for a host nobody declares): '
      + 'got \'shop/api.example.com\'; declare it (new ServiceEntry(scope, id, { hosts: [\'api.example.com\'] }) for an external host), or name it as \'<its namespace>/<host>\'');
  });
});
