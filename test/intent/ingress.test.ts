import { App, Chart } from 'cdk8s';
import {
  GatewayProtocol,
  GatewayTls,
  HttpMatch,
  IngressGateway,
  IngressGatewayRoute,
  MeshChart,
  MeshNamespace,
  MeshService,
  RouteAction,
  ServiceRouting,
} from '../../lib';
import { errorOf } from '../support/errors';
import { only, synthError, synthObjects } from '../support/synth';

const IMAGE = 'nginx:1.17.9';

function nginxIn(chart: Chart, ports: number[] = [80]) {
  const svc = new MeshService(chart, 'nginx', { ports: ports.map((port, i) => ({ port, name: i === 0 ? 'http' : `http-${port}` })) });
  svc.addVersion('v1', { image: IMAGE });
  return svc;
}


describe('IngressGateway', () => {
  test('defaults: Istio\'s ingress gateway selector, HTTP, port named after the protocol', () => {
    const objects = synthObjects(app => {
      new IngressGateway(new MeshChart(app, 'c'), 'web-gateway', { servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
    });
    expect(only(objects, 'Gateway')).toStrictEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'web-gateway' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }],
      },
    });
  });

  test('selector, name, namespace, protocols and namespaced hosts', () => {
    const objects = synthObjects(app => {
      const gw = new IngressGateway(new Chart(app, 'c'), 'gw', {
        name: 'public',
        namespace: MeshNamespace.fromName('istio-ingress'),
        selector: { istio: 'ingress' },
      });
      gw.addServer({ port: 443, protocol: GatewayProtocol.HTTPS, name: 'https-main', hosts: ['shop/*.example.com'], tls: GatewayTls.simple('shop-cert') });
      gw.addServer({ port: 15443, protocol: GatewayProtocol.TLS, hosts: ['*'], tls: GatewayTls.passthrough() });
      gw.addServer({ port: 80, hosts: ['*.example.com'], httpsRedirect: true });
    });
    const gw = only(objects, 'Gateway');
    expect(gw.metadata).toStrictEqual({ name: 'public', namespace: 'istio-ingress' });
    expect(gw.spec).toStrictEqual({
      selector: { istio: 'ingress' },
      servers: [
        { port: { number: 443, name: 'https-main', protocol: 'HTTPS' }, hosts: ['shop/*.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert' } },
        { port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['*'], tls: { mode: 'PASSTHROUGH' } },
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'], tls: { httpsRedirect: true } },
      ],
    });
  });

  describe('fails', () => {
    const gw = () => new IngressGateway(new Chart(new App(), 'c'), 'gw', { servers: [{ port: 80, hosts: ['a.example.com'] }] });
    test('fails if a server exposes no host (nothing is exposed by default)', () => {
      expect(errorOf(() => gw().addServer({ port: 81, hosts: [] })))
        .toBe("[c/gw] 'servers.hosts' must hold at least one host: got '[]'; name the hosts to expose, or '*' to expose every host");
    });
    test('fails if two servers share a name (the default name of a port is its protocol\'s)', () => {
      expect(errorOf(() => gw().addServer({ port: 80, hosts: ['b.example.com'] }))).toBe(
        "[c/gw] 'servers.name' must be unique within a gateway (Istio keys servers by port name): got 'http'; give each server its own name, e.g. 'http-b'");
    });
    test('fails if a port is out of range', () => {
      expect(errorOf(() => gw().addServer({ port: 0, hosts: ['b.example.com'] }))).toBe("[c/gw] 'servers.port' must be a whole number between 1 and 65535: got 0; give the port the gateway listens on, e.g. 80 for HTTP or 443 for HTTPS");
    });
    test('fails if a host carries a port (what a browser sends through a NodePort)', () => {
      expect(errorOf(() => gw().addServer({ port: 81, hosts: ['nginx.example.com:31380'] }))).toBe(
        "[c/gw] 'servers.hosts' must be a DNS name, optionally starting with a '*.' wildcard label, or '*': got 'nginx.example.com:31380'; hosts never carry a port: reach the gateway on its service port (a LoadBalancer, or port-forward) so that clients send a Host header without the NodePort");
    });
    test('fails if the selector is empty', () => {
      expect(errorOf(() => new IngressGateway(new Chart(new App(), 'c'), 'gw', { selector: {} })))
        .toBe("[c/gw] 'selector' must select the gateway workload by at least one label: got '{}'; e.g. { istio: 'ingressgateway' }");
    });
    test('fails at synth if the gateway has no server', () => {
      expect(synthError(app => new IngressGateway(new Chart(app, 'c'), 'gw')))
        .toBe("Validation failed with the following errors:\n  [c/gw] 'servers' must hold at least one server: got '[]'; call addServer()");
    });
  });
});

describe('IngressGatewayRoute', () => {
  test('binds to its gateway and writes the destination\'s only port', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c');
      const nginx = nginxIn(chart);
      const gateway = new IngressGateway(chart, 'nginx-gateway', { servers: [{ port: 80, hosts: ['*.example.com'] }] });
      new IngressGatewayRoute(chart, 'nginx-route', {
        gateway,
        hosts: ['nginx.example.com'],
        routes: [{ match: [HttpMatch.prefix('/')], action: RouteAction.forward(nginx.version('v1')) }],
      });
    });
    expect(only(objects, 'VirtualService')).toStrictEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'nginx-route' },
      spec: {
        hosts: ['nginx.example.com'],
        gateways: ['nginx-gateway'],
        http: [{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'nginx', subset: 'v1', port: { number: 80 } } }] }],
      },
    });
  });

  test('gatewayPort restricts every route to that listener; gateways in other namespaces are named ns/name', () => {
    const objects = synthObjects(app => {
      const chart = new Chart(app, 'c', { namespace: 'shop' });
      const nginx = nginxIn(chart, [80, 8080]);
      const gateway = new IngressGateway(chart, 'gw', {
        namespace: MeshNamespace.fromName('istio-ingress'),
        servers: [{ port: 80, hosts: ['*'] }, { port: 8080, name: 'http-alt', hosts: ['shop.example.com'] }],
      });
      new IngressGatewayRoute(chart, 'r', {
        gateway,
        hosts: ['shop.example.com'],
        gatewayPort: 8080,
        routes: [
          { match: [HttpMatch.prefix('/api')], action: RouteAction.forward(nginx, { port: 8080 }) },
          { action: RouteAction.forward(nginx, { port: 80 }) },
        ],
      });
    });
    expect(only(objects, 'VirtualService').metadata).toStrictEqual({ name: 'r', namespace: 'shop' });
    expect(only(objects, 'VirtualService').spec).toStrictEqual({
      hosts: ['shop.example.com'],
      gateways: ['istio-ingress/gw'],
      http: [
        { match: [{ uri: { prefix: '/api' }, port: 8080 }], route: [{ destination: { host: 'nginx', port: { number: 8080 } } }] },
        { match: [{ port: 8080 }], route: [{ destination: { host: 'nginx', port: { number: 80 } } }] },
      ],
    });
  });

  describe('fails', () => {
    function build(app: App, hosts: string[], serverHosts: string[], extra: { gatewayPort?: number; ports?: number[] } = {}) {
      const chart = new Chart(app, 'c');
      const nginx = nginxIn(chart, extra.ports);
      const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: serverHosts }] });
      new IngressGatewayRoute(chart, 'r', { gateway, hosts, gatewayPort: extra.gatewayPort, routes: [{ action: RouteAction.forward(nginx) }] });
    }

    test.each([
      [['nginx.example.com'], ['*.example.com']],
      [['nginx.example.com'], ['*']],
      [['*'], ['*.example.com']],
      [['*.example.com'], ['nginx.example.com']],
      [['a.b.example.com'], ['*.example.com']],
      [['nginx.example.com'], ['*/nginx.example.com']],
    ])('accepts route hosts %j on a gateway serving %j', (hosts, served) => {
      expect(synthObjects(app => build(app, hosts, served)).filter(o => o.kind === 'VirtualService')).toHaveLength(1);
    });

    test('fails if a route host is not served by the gateway (a silent 404 otherwise)', () => {
      expect(synthError(app => build(app, ['nginx.example.org', 'shop.example.com'], ['*.example.com', 'api.example.org'])))
        .toBe("Validation failed with the following errors:\n  [c/r] 'hosts' must be served by gateway 'gw': got 'nginx.example.org'; the gateway serves ['*.example.com', 'api.example.org']: add the host to a gateway server or use a host it serves");
    });

    test('fails if the server host admits only another namespace\'s routes', () => {
      expect(synthError(app => build(app, ['nginx.example.com'], ['shop/nginx.example.com']))).toBe(
        "Validation failed with the following errors:\n  [c/r] 'hosts' must be served by gateway 'gw' to the route's namespace '(none)': got 'nginx.example.com'; the gateway serves it only to ['shop/nginx.example.com']: move the route there or widen the server host to '*/nginx.example.com'");
    });

    test('fails if a wildcard host does not match the bare domain', () => {
      expect(synthError(app => build(app, ['example.com'], ['*.example.com']))).toContain("'hosts' must be served by gateway 'gw': got 'example.com'");
    });

    test('fails if gatewayPort is not a listener of the gateway', () => {
      expect(synthError(app => build(app, ['a.example.com'], ['*'], { gatewayPort: 443 })))
        .toBe("Validation failed with the following errors:\n  [c/r] 'gatewayPort' must be a port of gateway 'gw': got 443; its listeners are on 80");
    });

    test('fails if the destination exposes several ports and none is chosen (IST0112)', () => {
      expect(synthError(app => build(app, ['a.example.com'], ['*'], { ports: [80, 8080] })))
        .toBe("Validation failed with the following errors:\n  [c/r] [IST0112] 'routes[0].port' must be given: service 'nginx' exposes several ports: got 'none'; pass RouteAction.forward(target, { port }) with one of 80, 8080, or Suppressions.add(route, 'IST0112', reason)");
    });

    test('fails if a route host is malformed or there are none', () => {
      const chart = new Chart(new App(), 'c');
      const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: ['*'] }] });
      expect(errorOf(() => new IngressGatewayRoute(chart, 'r', { gateway, hosts: ['nginx.example.com:31380'] })))
        .toBe("[c/r] 'hosts' must be a DNS name, optionally starting with a '*.' wildcard label, or '*': got 'nginx.example.com:31380'; hosts never carry a port: reach the gateway on its service port (a LoadBalancer, or port-forward) so that clients send a Host header without the NodePort");
      expect(errorOf(() => new IngressGatewayRoute(chart, 'r2', { gateway, hosts: [] }))).toBe("[c/r2] 'hosts' must hold at least one host: got '[]'");
      expect(errorOf(() => new IngressGatewayRoute(chart, 'r3', { gateway, hosts: ['a.*.com'] }))).toMatch(/^\[c\/r3\] 'hosts' must be a DNS name.*: got 'a\.\*\.com'; a wildcard is only the whole first label: write '\*\.' and a DNS name \('\*\.example\.com'\), or '\*' alone$/);
    });
  });
});

describe('services and gateways this app does not own (fromAttributes)', () => {
  test('a route binds to an imported gateway and targets an imported service version, with the same checks', () => {
    const objects = synthObjects(app => {
      const chart = new Chart(app, 'c', { namespace: 'shop' });
      const gateway = IngressGateway.fromAttributes({ name: 'public', namespace: 'istio-ingress', servers: [{ port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['*.example.com'], tls: GatewayTls.simple('cert') }] });
      const reviews = MeshService.fromAttributes({ name: 'reviews', namespace: 'bookinfo', ports: [{ port: 9080 }], versions: ['v1'] });
      new IngressGatewayRoute(chart, 'r', { gateway, hosts: ['reviews.example.com'], routes: [{ action: RouteAction.forward(reviews.version('v1')) }] });
    });
    expect(only(objects, 'VirtualService').spec).toStrictEqual({
      hosts: ['reviews.example.com'],
      gateways: ['istio-ingress/public'],
      http: [{ route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1', port: { number: 9080 } } }] }],
    });
    expect(synthError(app => {
      const gateway = IngressGateway.fromAttributes({ name: 'public', namespace: 'istio-ingress', servers: [{ port: 80, hosts: ['*.example.com'] }] });
      const reviews = MeshService.fromAttributes({ name: 'reviews', ports: [{ port: 9080 }] });
      new IngressGatewayRoute(new Chart(app, 'c'), 'r', { gateway, hosts: ['reviews.example.org'], routes: [{ action: RouteAction.forward(reviews) }] });
    })).toContain("[c/r] 'hosts' must be served by gateway 'public': got 'reviews.example.org'");
  });

  test('fails if an imported service has no such version, no port, or bad names', () => {
    const reviews = MeshService.fromAttributes({ name: 'reviews', ports: [{ port: 9080 }], versions: ['v1', 'v2'] });
    expect(errorOf(() => reviews.version('v3'))).toBe("'version' must be a version of service 'reviews': got 'v3'; its versions are 'v1', 'v2'");
    expect(errorOf(() => MeshService.fromAttributes({ name: 'x', ports: [{ port: 1 }] }).version('v1')))
      .toBe("'version' must be a version of service 'x': got 'v1'; it was imported without versions");
    expect(errorOf(() => MeshService.fromAttributes({ name: 'x', ports: [] }))).toBe("MeshService.fromAttributes: 'ports' must hold at least one port: got '[]'");
    expect(errorOf(() => MeshService.fromAttributes({ name: 'X', ports: [{ port: 1 }] }))).toMatch(/^\w+\.\w+: 'name' must be a DNS-1035 label/);
    expect(errorOf(() => IngressGateway.fromAttributes({ name: 'gw', namespace: 'istio-system', servers: [{ port: 80, hosts: ['a.com:80'] }] }))).toMatch(/^\w+\.\w+: 'servers.hosts' must be a DNS name/);
  });

  test('imported values are copies', () => {
    const reviews = MeshService.fromAttributes({ name: 'reviews', ports: [{ port: 9080 }], versions: ['v1'] });
    reviews.ports.pop();
    reviews.versionNames.pop();
    expect([reviews.ports.length, reviews.versionNames.length]).toStrictEqual([1, 1]);
    const gw = IngressGateway.fromAttributes({ name: 'gw', namespace: 'istio-system', servers: [{ port: 80, hosts: ['a.com'] }] });
    gw.servers[0].hosts.pop();
    expect(gw.servers[0]).toStrictEqual({ port: 80, portName: 'http', protocol: 'HTTP', hosts: ['a.com'] });
  });
});

describe('no silent breakage the library would cause itself', () => {
  test('fails if an imported gateway has no namespace (a route would bind to a gateway in its own namespace)', () => {
    const attrs = { name: 'public', servers: [{ port: 80, hosts: ['*.example.com'] }] } as unknown as Parameters<typeof IngressGateway.fromAttributes>[0];
    expect(errorOf(() => IngressGateway.fromAttributes(attrs))).toBe("IngressGateway.fromAttributes: 'attrs.namespace' is required: got undefined; give a string "
      + '(Its namespace (required: a route that names a gateway without a namespace means the one in its own namespace, which is rarely where an imported '
      + 'gateway runs))');
  });

  test('fails if an HTTP route binds to a TCP, TLS or TLS-passthrough listener, which Istio ignores', () => {
    const build = (servers: ConstructorParameters<typeof IngressGateway>[2], gatewayPort?: number) => synthError(app => {
      const chart = new MeshChart(app, 'c');
      const gateway = new IngressGateway(chart, 'gw', servers);
      new IngressGatewayRoute(chart, 'r', { gateway, hosts: ['shop.example.com'], gatewayPort, routes: [{ action: RouteAction.forward(nginxIn(chart)) }] });
    });
    expect(build({ servers: [{ port: 31400, protocol: GatewayProtocol.TCP, hosts: ['*'] }] })).toContain(
      "[c/r] 'gateway' must be an HTTP, HTTPS, HTTP2 or GRPC listener of gateway 'gw' for HTTP routes: got '31400 TCP'; Istio ignores HTTP routes on TCP, "
      + 'TLS and TLS-passthrough listeners (the route would never apply): bind to an HTTP listener, or terminate TLS at the gateway');
    expect(build({ servers: [{ port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['shop.example.com'], tls: GatewayTls.passthrough() }] }))
      .toContain("got '443 HTTPS (PASSTHROUGH)'");
    expect(build({ servers: [{ port: 80, hosts: ['shop.example.com'] }, { port: 15443, protocol: GatewayProtocol.TLS, hosts: ['shop.example.com'], tls: GatewayTls.passthrough() }] }, 15443))
      .toContain("[c/r] 'gatewayPort' must be an HTTP, HTTPS, HTTP2 or GRPC listener of gateway 'gw' for HTTP routes: got '15443 TLS (PASSTHROUGH)'");
    // an HTTP listener beside a TCP one: the route binds to the HTTP one
    expect(() => synthObjects(app => {
      const chart = new MeshChart(app, 'c');
      const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: ['shop.example.com'] }, { port: 31400, protocol: GatewayProtocol.TCP, hosts: ['*'] }] });
      new IngressGatewayRoute(chart, 'r', { gateway, hosts: ['shop.example.com'], routes: [{ action: RouteAction.forward(nginxIn(chart)) }] });
    })).not.toThrow();
  });

  test('a route in another namespace than its service names the service fully qualified (a short host would be read in the route\'s namespace)', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const nginx = nginxIn(chart);
      new ServiceRouting(chart, 'r', { service: nginx, namespace: MeshNamespace.fromName('routes'), routes: [{ action: RouteAction.forward(nginx.version('v1')) }] });
    });
    const vs = objects.find(o => o.kind === 'VirtualService' && o.metadata.namespace === 'routes') as any;
    expect(vs.spec.hosts).toStrictEqual(['nginx.shop.svc.cluster.local']);
    expect(vs.spec.http[0].route[0].destination.host).toBe('nginx.shop.svc.cluster.local');
  });

  test('fails if a route is put in another namespace than a service whose namespace is not known', () => {
    expect(synthError(app => {
      const chart = new MeshChart(app, 'c');
      const nginx = nginxIn(chart);
      new ServiceRouting(chart, 'r', { service: nginx, namespace: MeshNamespace.fromName('routes'), routes: [{ action: RouteAction.forward(nginx.version('v1')) }] });
    })).toBe("[c/r] 'namespace' must be the namespace of the service when the service's namespace is not known: got 'routes'; give service 'nginx' a namespace "
      + "(its chart's 'namespace', or a MeshNamespace) so that the route can name it fully qualified from 'routes', or leave out 'namespace'");
  });
});
