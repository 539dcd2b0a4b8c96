import { App, Duration } from 'cdk8s';
import {
  CanaryPlan, CanaryRelease, DelegateRoutes, GatewayProtocol, GatewayTls, HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, MeshApp,
  MatchGateway, MeshChart, MeshProvider, MeshService, Protocol, RetryOn, RouteAction, ServiceRouting, TlsMatch, TrafficApi,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { parseObjects } from '../support/shared';
import { only, synthError, synthObjects } from '../support/synth';

const IMAGE = 'docker.io/istio/tcp-echo-server:1.3';

/** Istio's TCP traffic shifting sample: tcp-echo v1 and v2 behind a gateway's TCP listener on 31400. */
function tcpEcho(app: App, trafficApi = TrafficApi.ISTIO) {
  const chart = new MeshChart(app, 'echo', { namespace: 'istio-io-tcp-traffic-shifting', trafficApi });
  const gateway = new IngressGateway(chart, 'gw', { name: 'tcp-echo-gateway', servers: [{ port: 31400, protocol: GatewayProtocol.TCP, hosts: ['*'] }] });
  const echo = new MeshService(chart, 'tcp-echo', { ports: [{ port: 9000, protocol: Protocol.TCP }] });
  const v1 = echo.addVersion('v1', { image: IMAGE, args: ['9000', 'one'] });
  const v2 = echo.addVersion('v2', { image: IMAGE, args: ['9000', 'two'] });
  return { chart, gateway, echo, v1, v2 };
}

function greeter(chart: MeshChart) {
  const g = new MeshService(chart, 'greeter', { ports: [{ port: 50051, protocol: Protocol.GRPC }] });
  g.addVersion('v1', { image: 'docker.io/example/greeter:1.0' });
  g.addVersion('v2', { image: 'docker.io/example/greeter:2.0' });
  return g;
}

describe('TCP routes on a gateway\'s TCP listener, and TCP canary stages', () => {
  test('Istio: each stage a VirtualService of tcp routes on the listener\'s port, as Istio\'s tcp-echo sample writes it', () => {
    const app = new MeshApp();
    const { gateway, echo, v1, v2 } = tcpEcho(app);
    new CanaryRelease(app, 'tcp-echo', { service: echo, stable: v1, canary: v2, plan: CanaryPlan.stages([20, 100]), ingress: { gateway, hosts: ['*'], gatewayPort: 31400 } });
    const stage = expectSchemaValid(parseObjects(app.synthFiles().get('tcp-echo.stage-20.k8s.yaml')!));
    expect(only(stage, 'VirtualService').spec).toStrictEqual({
      hosts: ['*'],
      gateways: ['tcp-echo-gateway'],
      tcp: [{
        match: [{ port: 31400 }],
        route: [
          { destination: { host: 'tcp-echo', port: { number: 9000 }, subset: 'v1' }, weight: 80 },
          { destination: { host: 'tcp-echo', port: { number: 9000 }, subset: 'v2' }, weight: 20 },
        ],
      }],
    });
  });

  test('the Gateway API: a TCPRoute on the listener, to the per-version Services', () => {
    const app = new MeshApp();
    const { gateway, echo, v1, v2 } = tcpEcho(app, TrafficApi.GATEWAY_API);
    new CanaryRelease(app, 'tcp-echo', { service: echo, stable: v1, canary: v2, plan: CanaryPlan.stages([20, 100]), ingress: { gateway, hosts: ['*'], gatewayPort: 31400 } });
    const stage = expectSchemaValid(parseObjects(app.synthFiles().get('tcp-echo.stage-20.k8s.yaml')!));
    expect(stage.map(o => o.kind)).toStrictEqual(['TCPRoute']);
    expect(stage[0].spec).toStrictEqual({
      parentRefs: [{ name: 'tcp-echo-gateway', port: 31400 }],
      rules: [{ backendRefs: [{ name: 'tcp-echo-v1', port: 9000, weight: 80 }, { name: 'tcp-echo-v2', port: 9000, weight: 20 }] }],
    });
  });

  test('mesh TCP routes under the Gateway API: a TCPRoute attached to the Service (GAMMA), no HTTPRoute', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const { chart, echo, v1, v2 } = tcpEcho(app, TrafficApi.GATEWAY_API);
      const r = new ServiceRouting(chart, 'shift', { service: echo });
      r.addTcpRoute({ action: RouteAction.weightedForward([{ target: v1, weight: 50 }, { target: v2, weight: 50 }]) });
    }));
    expect(objects.filter(o => o.kind.endsWith('Route')).map(o => o.kind)).toStrictEqual(['TCPRoute']);
    expect(only(objects, 'TCPRoute').spec).toStrictEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'tcp-echo', port: 9000 }],
      rules: [{ backendRefs: [{ name: 'tcp-echo-v1', port: 9000, weight: 50 }, { name: 'tcp-echo-v2', port: 9000, weight: 50 }] }],
    });
  });

  test('a TCP service\'s rollout refuses HTTP-only options; a TCP route on an HTTP listener, an HTTP route on a TCP listener are errors', () => {
    const app = new MeshApp();
    const { gateway, echo, v1, v2, chart } = tcpEcho(app);
    expect(errorOf(() => new CanaryRelease(app, 'c', { service: echo, stable: v1, canary: v2, plan: CanaryPlan.stages([50, 100]), mirrorPercentage: 10 }))).toBe(
      '[c] \'mirrorPercentage\' cannot be used in the rollout of a TCP service: it is an HTTP feature (tcp-echo is routed by TCP routes): got \'mirrorPercentage\'; '
      + 'remove it: a TCP rollout shifts connections by weight');
    const web = new IngressGateway(chart, 'web', { servers: [{ port: 80, hosts: ['echo.example.com'] }] });
    new IngressGatewayRoute(chart, 'tcp-on-http', { gateway: web, hosts: ['echo.example.com'], tcpRoutes: [{ action: RouteAction.forward(v1) }] });
    new IngressGatewayRoute(chart, 'http-on-tcp', { gateway, hosts: ['*'], routes: [{ action: RouteAction.forward(v1) }] });
    const err = errorOf(() => app.synthFiles());
    expect(err).toContain('[echo/tcp-on-http] \'gateway\' must be a TCP listener of gateway \'web\' for TCP routes: got \'80 HTTP\'; '
      + 'Istio applies TCP routes to TCP listeners only: add a TCP listener (GatewayProtocol.TCP) and bind to it with gatewayPort');
    expect(err).toContain('[echo/http-on-tcp] \'gateway\' must be an HTTP, HTTPS, HTTP2 or GRPC listener of gateway \'tcp-echo-gateway\' for HTTP routes: got \'31400 TCP\'');
  });
});

describe('TLS routes by SNI', () => {
  function passthrough(app: App, trafficApi = TrafficApi.ISTIO) {
    const chart = new MeshChart(app, 'c', { namespace: 'shop', trafficApi });
    const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 443, protocol: GatewayProtocol.TLS, hosts: ['nginx.example.com'], tls: GatewayTls.passthrough() }] });
    const nginx = new MeshService(chart, 'my-nginx', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 443, protocol: Protocol.HTTPS }] });
    new IngressGatewayRoute(chart, 'nginx', { gateway, hosts: ['nginx.example.com'], tlsRoutes: [{ match: [TlsMatch.sni(['nginx.example.com'])], action: RouteAction.forward(nginx) }] });
    return { chart, nginx };
  }

  test('a passthrough listener: Istio\'s tls route (its ingress SNI passthrough task), the Gateway API\'s TLSRoute', () => {
    const istio = expectSchemaValid(synthObjects(app => passthrough(app)));
    expect(only(istio, 'VirtualService').spec).toStrictEqual({
      hosts: ['nginx.example.com'],
      gateways: ['gw'],
      tls: [{ match: [{ sniHosts: ['nginx.example.com'] }], route: [{ destination: { host: 'my-nginx', port: { number: 443 } } }] }],
    });
    const gw = expectSchemaValid(synthObjects(app => passthrough(app, TrafficApi.GATEWAY_API)));
    expect(only(gw, 'TLSRoute').spec).toStrictEqual({
      parentRefs: [{ name: 'gw' }], hostnames: ['nginx.example.com'], rules: [{ backendRefs: [{ name: 'my-nginx', port: 443 }] }],
    });
  });

  test('in the mesh, weighted, by SNI and port', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const api = new MeshService(chart, 'api', { ports: [{ port: 443, protocol: Protocol.TLS }] });
      const v1 = api.addVersion('v1', { image: 'docker.io/example/api:1' });
      const v2 = api.addVersion('v2', { image: 'docker.io/example/api:2' });
      new ServiceRouting(chart, 'r', {
        service: api,
        tlsRoutes: [{ match: [TlsMatch.sni(['api'], { port: 443 })], action: RouteAction.weightedForward([{ target: v1, weight: 90 }, { target: v2, weight: 10 }]) }],
      });
    }));
    expect((only(objects, 'VirtualService').spec as { tls: unknown }).tls).toStrictEqual([{
      match: [{ sniHosts: ['api'], port: 443 }],
      route: [{ destination: { host: 'api', port: { number: 443 }, subset: 'v1' }, weight: 90 }, { destination: { host: 'api', port: { number: 443 }, subset: 'v2' }, weight: 10 }],
    }]);
  });

  test('bad input: SNI hosts on a non-TLS port, an SNI host outside the route\'s hosts, a TLS route on a terminating listener, no SNI', () => {
    expect(synthError(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const web = new MeshService(chart, 'web', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 80 }] });
      new ServiceRouting(chart, 'r', { service: web, tlsRoutes: [{ match: [TlsMatch.sni(['web'], { port: 80 })], action: RouteAction.forward(web) }] });
    })).toContain('[c/r] \'tlsRoutes[0]\' is a TLS route (by SNI), but port 80 of service \'web\' is http: Istio would ignore the route: got 80; '
      + 'SNI is only seen on TLS and HTTPS ports: use addRoute() for HTTP ports, addTcpRoute() for TCP ports');
    const err = synthError(app => {
      const { chart } = passthrough(app);
      const gateway = new IngressGateway(chart, 'gw2', { servers: [{ port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['a.example.com'], tls: GatewayTls.simple('cert') }] });
      const svc = new MeshService(chart, 'a', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 443, protocol: Protocol.HTTPS }] });
      new IngressGatewayRoute(chart, 'a-route', { gateway, hosts: ['a.example.com'], tlsRoutes: [{ match: [TlsMatch.sni(['b.example.com'])], action: RouteAction.forward(svc) }] });
    });
    expect(err).toContain('[c/a-route] \'gateway\' must be a TLS passthrough listener of gateway \'gw2\' for TLS routes: got \'443 HTTPS\'; '
      + 'SNI routes apply where the gateway passes TLS through: a listener with GatewayTls.passthrough()');
    expect(err).toContain('[c/a-route] \'tlsRoutes[0].match.sniHosts\' must be within the route\'s hosts (a.example.com): Istio refuses an SNI host outside them: '
      + 'got \'b.example.com\'; route \'b.example.com\' with the hosts it belongs to (a ServiceEntry or gateway route for \'b.example.com\')');
    expect(errorOf(() => TlsMatch.sni([]))).toBe('TlsMatch.sni: \'sniHosts\' must hold at least one server name: got []; e.g. TlsMatch.sni([\'api.example.com\'])');
    const chart = new MeshChart(new App(), 'c');
    const svc = new MeshService(chart, 'a', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 443, protocol: Protocol.TLS }] });
    const r = new ServiceRouting(chart, 'r', { service: svc });
    expect(errorOf(() => r.addTlsRoute({ match: [], action: RouteAction.forward(svc) }))).toBe(
      '[c/r] \'tlsRoutes[0].match\' must hold at least one TlsMatch.sni(...): Istio routes TLS by the server name: got []');
  });
});

describe('gRPC', () => {
  test('Istio: HTTP routes on the gRPC port by method path, retried on gRPC status codes', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const g = greeter(chart);
      new ServiceRouting(chart, 'r', {
        service: g,
        routes: [
          { match: [HttpMatch.grpc('helloworld.Greeter', 'SayHelloAgain', { headers: [HeaderMatch.exact('x-tenant', 'beta')] })], action: RouteAction.forward(g.version('v2')) },
          {
            match: [HttpMatch.grpc('helloworld.Greeter')],
            action: RouteAction.forward(g.version('v1')),
            timeout: Duration.seconds(2),
            retries: { attempts: 3, retryOn: [RetryOn.UNAVAILABLE, RetryOn.RESOURCE_EXHAUSTED, RetryOn.DEADLINE_EXCEEDED] },
          },
        ],
      });
    }));
    expect((only(objects, 'VirtualService').spec as { http: unknown }).http).toStrictEqual([
      { match: [{ uri: { exact: '/helloworld.Greeter/SayHelloAgain' }, headers: { 'x-tenant': { exact: 'beta' } } }], route: [{ destination: { host: 'greeter', subset: 'v2' } }] },
      {
        match: [{ uri: { prefix: '/helloworld.Greeter/' } }],
        route: [{ destination: { host: 'greeter', subset: 'v1' } }],
        timeout: '2s',
        retries: { attempts: 3, retryOn: 'unavailable,resource-exhausted,deadline-exceeded' },
      },
    ]);
  });

  test('the Gateway API: a GRPCRoute with method and header matches', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop', trafficApi: TrafficApi.GATEWAY_API });
      const g = greeter(chart);
      new ServiceRouting(chart, 'r', {
        service: g,
        routes: [
          { match: [HttpMatch.grpc('helloworld.Greeter', 'SayHelloAgain', { headers: [HeaderMatch.regex('x-tenant', 'beta-.*')] })], action: RouteAction.forward(g.version('v2')) },
          { action: RouteAction.forward(g.version('v1')) },
        ],
      });
    }));
    expect(objects.filter(o => o.kind.endsWith('Route')).map(o => o.kind)).toStrictEqual(['GRPCRoute']);
    expect(only(objects, 'GRPCRoute').spec).toStrictEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'greeter', port: 50051 }],
      rules: [
        {
          matches: [{ method: { type: 'Exact', service: 'helloworld.Greeter', method: 'SayHelloAgain' }, headers: [{ name: 'x-tenant', type: 'RegularExpression', value: 'beta-.*' }] }],
          backendRefs: [{ name: 'greeter-v2', port: 50051 }],
        },
        { backendRefs: [{ name: 'greeter-v1', port: 50051 }] },
      ],
    });
  });

  test('grpcRoute: false keeps an HTTPRoute for a gRPC service (timeouts and path matches then render)', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop', trafficApi: TrafficApi.GATEWAY_API });
      const g = greeter(chart);
      new ServiceRouting(chart, 'r', {
        service: g,
        grpcRoute: false,
        routes: [{ match: [HttpMatch.grpc('helloworld.Greeter', 'SayHello')], action: RouteAction.forward(g.version('v1')), timeout: Duration.seconds(2) }],
      });
    }));
    expect(objects.filter(o => o.kind.endsWith('Route')).map(o => o.kind)).toStrictEqual(['HTTPRoute']);
    expect((only(objects, 'HTTPRoute').spec as { rules: unknown }).rules).toStrictEqual([{
      matches: [{ path: { type: 'Exact', value: '/helloworld.Greeter/SayHello' } }], backendRefs: [{ name: 'greeter-v1', port: 50051 }], timeouts: { request: '2s' },
    }]);
  });

  test('bad input: a GRPCRoute has no timeouts or paths; a method match on a service without an HTTP/2 port; bad names', () => {
    const err = synthError(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop', trafficApi: TrafficApi.GATEWAY_API });
      const g = greeter(chart);
      new ServiceRouting(chart, 'r', { service: g, routes: [{ match: [HttpMatch.prefix('/x')], action: RouteAction.forward(g.version('v1')), timeout: Duration.seconds(1) }] });
    });
    expect(err).toContain('[c/r] \'routes[0].timeout\' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API) on a gRPC service (its routes are a GRPCRoute): '
      + 'a GRPCRoute has no timeout: got \'timeout\'; remove it, set grpcRoute: false (an HTTPRoute, which Istio applies to gRPC too), or render this chart with TrafficApi.ISTIO');
    expect(err).toContain('\'routes[0].match\' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API) on a gRPC service (its routes are a GRPCRoute): '
      + 'it matches gRPC methods, not paths: got \'/x\'; match with HttpMatch.grpc(service, method), or set grpcRoute: false');
    expect(synthError(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const web = new MeshService(chart, 'web', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 80 }] });
      new ServiceRouting(chart, 'r', { service: web, routes: [{ match: [HttpMatch.grpc('a.B', 'C')], action: RouteAction.forward(web) }] });
    })).toContain('[c/r] \'routes[0].match\' is a gRPC method match, but service \'web\' has no gRPC or HTTP/2 port (80/http): got \'/a.B/C\'; declare the port with Protocol.GRPC');
    expect(errorOf(() => HttpMatch.grpc('hello world'))).toBe('HttpMatch.grpc: \'grpc.service\' must be a fully qualified gRPC service name (package.Service): got \'hello world\'; e.g. \'helloworld.Greeter\'');
    expect(errorOf(() => HttpMatch.grpc('a.B', 'Say/Hello'))).toBe('HttpMatch.grpc: \'grpc.method\' must be a gRPC method name (letters, digits, \'_\'): got \'Say/Hello\'; e.g. \'SayHello\'');
  });
});

describe('gateways per match', () => {
  test('a route bound to a gateway and the mesh routes each differently (Istio)', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: ['web.example.com', 'web.shop.svc.cluster.local'] }] });
      const web = new MeshService(chart, 'web', { ports: [{ port: 80 }] });
      const v1 = web.addVersion('v1', { image: 'docker.io/library/nginx:1.27' });
      const v2 = web.addVersion('v2', { image: 'docker.io/library/nginx:1.27' });
      new IngressGatewayRoute(chart, 'web-route', {
        gateway,
        hosts: ['web.example.com', 'web.shop.svc.cluster.local'],
        mesh: true,
        routes: [
          { match: [HttpMatch.where({ gateways: [MatchGateway.mesh()] })], action: RouteAction.forward(v2) },
          { match: [HttpMatch.prefix('/', { gateways: [MatchGateway.of(gateway)] })], action: RouteAction.forward(v1) },
        ],
      });
    }));
    const spec = only(objects, 'VirtualService').spec as { gateways: unknown; http: Array<{ match: unknown }> };
    expect(spec.gateways).toStrictEqual(['gw', 'mesh']);
    expect(spec.http.map(r => r.match)).toStrictEqual([[{ gateways: ['mesh'] }], [{ uri: { prefix: '/' }, gateways: ['gw'] }]]);
  });

  test('a match through a gateway the route does not bind to never applies: an error; the Gateway API refuses per-match gateways', () => {
    const build = (app: App, trafficApi = TrafficApi.ISTIO) => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop', trafficApi });
      const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: ['web.example.com'] }] });
      const web = new MeshService(chart, 'web', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 80 }] });
      new IngressGatewayRoute(chart, 'web-route', {
        gateway, hosts: ['web.example.com'], routes: [{ match: [HttpMatch.where({ gateways: [MatchGateway.mesh()] })], action: RouteAction.forward(web) }],
      });
    };
    expect(synthError(app => build(app))).toContain('[c/web-route] \'routes[0].match.gateways\' must be a gateway the route binds to (shop/gw): a match through another never applies: '
      + 'got \'mesh\'; bind the route to the mesh as well (IngressGatewayRoute mesh: true)');
    expect(synthError(app => build(app, TrafficApi.GATEWAY_API))).toContain('\'routes[0].match.gateways\' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): '
      + 'a route\'s rules apply to all its parents: got [\'mesh\']');
  });
});

describe('VirtualService delegation', () => {
  function shop(app: App, catalogPrefix = '/catalog') {
    const platform = new MeshChart(app, 'platform', { namespace: 'platform' });
    const gateway = new IngressGateway(platform, 'gw', { name: 'shop-gateway', servers: [{ port: 80, hosts: ['shop.example.com'] }] });
    const team = new MeshChart(app, 'catalog', { namespace: 'catalog' });
    const catalog = new MeshService(team, 'catalog', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 8080 }] });
    const routes = new DelegateRoutes(team, 'catalog-routes', {
      routes: [{ match: [HttpMatch.prefix(`${catalogPrefix}/v2`)], action: RouteAction.forward(catalog) }, { match: [HttpMatch.exact('/catalog')], action: RouteAction.forward(catalog) }],
    });
    new IngressGatewayRoute(platform, 'root', { gateway, hosts: ['shop.example.com'], routes: [{ match: [HttpMatch.prefix('/catalog')], action: RouteAction.delegate(routes) }] });
    return { team, catalog, routes };
  }

  test('a root on the shared host delegates a prefix to a team\'s VirtualService in its namespace: no hosts, hosts in full', () => {
    const objects = expectSchemaValid(synthObjects(app => shop(app)));
    expect(only(objects, 'VirtualService', 'root').spec).toStrictEqual({
      hosts: ['shop.example.com'],
      gateways: ['shop-gateway'],
      http: [{ match: [{ uri: { prefix: '/catalog' } }], delegate: { name: 'catalog-routes', namespace: 'catalog' } }],
    });
    expect(only(objects, 'VirtualService', 'catalog-routes')).toStrictEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'catalog-routes', namespace: 'catalog' },
      spec: {
        http: [
          { match: [{ uri: { prefix: '/catalog/v2' } }], route: [{ destination: { host: 'catalog.catalog.svc.cluster.local', port: { number: 8080 } } }] },
          { match: [{ uri: { exact: '/catalog' } }], route: [{ destination: { host: 'catalog.catalog.svc.cluster.local', port: { number: 8080 } } }] },
        ],
      },
    });
  });

  test('bad input: a delegate route outside the root\'s prefix, delegating further, a delegate with hosts, delegation under the Gateway API', () => {
    expect(synthError(app => shop(app, '/orders'))).toContain('[platform/root] \'routes[0].action.delegate\' must only hold routes within the delegating route\'s paths (prefix /catalog): '
      + 'Istio drops the delegate\'s routes[0], whose path conflicts with them: got \'prefix /orders/v2\'; match a path under prefix /catalog in delegate \'catalog-routes\', or widen the root\'s match');
    const { team, routes } = shop(new App());
    expect(errorOf(() => new DelegateRoutes(team, 'nested', { routes: [{ action: RouteAction.delegate(routes) }] }))).toBe(
      '[catalog/nested] \'routes[0].action\' must not delegate: Istio supports one level of delegation (a delegate\'s delegation is ignored): got \'catalog-routes\'; '
      + 'route to services here, or delegate from the root instead');
    const tcpChart = new MeshChart(new App(), 't');
    const echo = new MeshService(tcpChart, 'echo', { image: IMAGE, ports: [{ port: 9000, protocol: Protocol.TCP }] });
    expect(errorOf(() => new ServiceRouting(tcpChart, 'r', { service: echo, tcpRoutes: [{ action: RouteAction.delegate(routes) }] }))).toBe(
      '[t/r] \'tcpRoutes[0].action\' must forward: delegation is for HTTP routes: got \'catalog-routes\'; use RouteAction.forward() or weightedForward()');
    expect(errorOf(() => new DelegateRoutes(team, 'with-hosts', { hosts: ['shop.example.com'] } as never))).toMatch(
      /^\[catalog\/with-hosts\] DelegateRoutes: 'props.hosts' is not a property of DelegateRoutesProps: got \['shop.example.com'\]/);
    expect(errorOf(() => new DelegateRoutes(new MeshChart(new App(), 'c', { trafficApi: TrafficApi.GATEWAY_API }), 'd'))).toBe(
      '[c/d] \'trafficApi\' must be Istio\'s API: VirtualService delegation has no Gateway API or Linkerd equivalent: got \'gateway-api\'; '
      + 'attach each team\'s route to the gateway or service directly, or render this chart with TrafficApi.ISTIO');
    expect(errorOf(() => new DelegateRoutes(new MeshChart(new App(), 'c', { mesh: MeshProvider.LINKERD }), 'd'))).toContain('\'trafficApi\' must be Istio\'s API');
  });
});
