import { App, Chart, Duration } from 'cdk8s';
import {
  ClientTls,
  Fault,
  GatewayProtocol,
  GatewayTls,
  HeaderMatch,
  HttpMatch,
  HttpRouteOptions,
  IngressGateway,
  IngressGatewayRoute,
  LoadBalancer,
  MeshChart,
  MeshService,
  RetryOn,
  RouteAction,
  ServiceRouting,
  StringMatch,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { only, synthObjects } from '../support/synth';

const valid = expectSchemaValid;

function ratingsIn(chart: Chart, props: ConstructorParameters<typeof MeshService>[2] = {}) {
  const svc = new MeshService(chart, 'ratings', { ports: [{ port: 9080 }], ...props });
  svc.addVersion('v1', { image: 'ratings:1.0' });
  svc.addVersion('v2', { image: 'ratings:2.0' });
  return svc;
}

/** The `http` routes of the VirtualService for `ratings` with the routes `routesOf(ratings)`, schema-checked. */
function ratingsHttp(routesOf: (ratings: MeshService) => HttpRouteOptions[]): any[] {
  const objects = valid(synthObjects(app => {
    const chart = new MeshChart(app, 'c');
    const ratings = ratingsIn(chart);
    new ServiceRouting(chart, 'r', { service: ratings, routes: routesOf(ratings) });
  }));
  return (only(objects, 'VirtualService').spec as any).http;
}

describe('route policies', () => {
  test('Bookinfo\'s ratings delay: jason waits 7s, everyone goes to v1', () => {
    const http = ratingsHttp(ratings => [
      { match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], fault: Fault.delay(Duration.seconds(7)), action: RouteAction.forward(ratings.version('v1')) },
      { action: RouteAction.forward(ratings.version('v1')) },
    ]);
    expect(http[0]).toStrictEqual({
      match: [{ headers: { 'end-user': { exact: 'jason' } } }],
      fault: { delay: { fixedDelay: '7s', percentage: { value: 100 } } },
      route: [{ destination: { host: 'ratings', subset: 'v1' } }],
    });
  });

  test('abort, combined faults, timeout, retries, mirror, rewrite, CORS and headers', () => {
    const http = ratingsHttp(ratings => [
      { name: 'abort', match: [HttpMatch.prefix('/abort')], fault: Fault.abort(500, 50), action: RouteAction.forward(ratings.version('v1')) },
      { name: 'both', match: [HttpMatch.prefix('/both')], fault: Fault.combine(Fault.delay(Duration.millis(500), 10), Fault.abort(503, 5)), action: RouteAction.forward(ratings.version('v1')) },
      {
        name: 'main',
        timeout: Duration.seconds(10),
        retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] },
        mirror: { target: ratings.version('v2'), percentage: 25 },
        rewrite: { uri: '/v1' },
        cors: {
          allowOrigins: [StringMatch.exact('https://shop.example.com'), StringMatch.regex('https://.*\\.example\\.org')],
          allowMethods: ['GET', 'POST'],
          allowHeaders: ['x-request-id'],
          exposeHeaders: ['x-trace'],
          maxAge: Duration.hours(24),
          allowCredentials: true,
        },
        headers: { request: { set: { 'x-mesh': 'kit' }, remove: ['x-debug'] }, response: { add: { 'x-served-by': 'ratings' } } },
        action: RouteAction.forward(ratings.version('v1')),
      },
    ]);
    expect(http[0].fault).toStrictEqual({ abort: { httpStatus: 500, percentage: { value: 50 } } });
    expect(http[1].fault).toStrictEqual({ delay: { fixedDelay: '500ms', percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 5 } } });
    expect(http[2]).toStrictEqual({
      name: 'main',
      route: [{ destination: { host: 'ratings', subset: 'v1' } }],
      timeout: '10s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure' },
      mirror: { host: 'ratings', subset: 'v2' },
      mirrorPercentage: { value: 25 },
      rewrite: { uri: '/v1' },
      corsPolicy: {
        allowOrigins: [{ exact: 'https://shop.example.com' }, { regex: 'https://.*\\.example\\.org' }],
        allowMethods: ['GET', 'POST'],
        allowHeaders: ['x-request-id'],
        exposeHeaders: ['x-trace'],
        maxAge: '24h',
        allowCredentials: true,
      },
      headers: { request: { set: { 'x-mesh': 'kit' }, remove: ['x-debug'] }, response: { add: { 'x-served-by': 'ratings' } } },
    });
  });

  test('a gateway route can redirect (HTTP to HTTPS, or a moved path) instead of forwarding', () => {
    const objects = valid(synthObjects(app => {
      const chart = new MeshChart(app, 'c');
      const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: ['shop.example.com'] }] });
      new IngressGatewayRoute(chart, 'r', {
        gateway,
        hosts: ['shop.example.com'],
        routes: [{ match: [HttpMatch.prefix('/old')], action: RouteAction.redirect({ uri: '/new', scheme: 'https', redirectCode: 308 }) }],
      });
    }));
    expect((only(objects, 'VirtualService').spec as any).http).toStrictEqual([
      { match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new', scheme: 'https', redirectCode: 308 } },
    ]);
  });

  describe('fails', () => {
    const ratings = () => ratingsIn(new Chart(new App(), 'c'));
    const route = (extra: object) => () => new ServiceRouting(new Chart(new App(), 'x'), 'r', { service: ratings(), routes: [{ action: RouteAction.redirect({ uri: '/x' }), ...extra }] }).model();
    test.each([
      ['a duration under 1ms', () => Fault.delay(Duration.millis(0)), "Fault.delay: 'fault.delay' must be a whole number of milliseconds, at least 1ms: got '0ms'"],
      ['a percentage over 100', () => Fault.delay(Duration.seconds(1), 120), "Fault.delay: 'fault.delay.percentage' must be a percentage between 0 and 100: got 120"],
      ['an abort status that is not an HTTP status', () => Fault.abort(700), "Fault.abort: 'fault.abort.httpStatus' must be an HTTP status between 200 and 599: got 700"],
      ['combine() given two delays', () => Fault.combine(Fault.delay(Duration.seconds(1)), Fault.delay(Duration.seconds(2))), "Fault.combine: 'fault' combine() takes one Fault.delay() and one Fault.abort(): got 'other faults'"],
      ['a redirect that changes nothing', () => RouteAction.redirect({}), "RouteAction.redirect: 'redirect' must change at least one of uri, authority, scheme, port: got '{}'"],
      ['a redirect code that is not a redirect', () => RouteAction.redirect({ uri: '/a', redirectCode: 200 }), "RouteAction.redirect: 'redirect.redirectCode' must be 301, 302, 303, 307 or 308: got 200"],
      ['a redirect with a timeout', route({ timeout: Duration.seconds(1) }), "[x/r] routes[0]: 'timeout' cannot be combined with a redirect (nothing is forwarded): got 'timeout'"],
      ['retries with negative attempts', route({ action: RouteAction.forward(ratings()), retries: { attempts: -1 } }), "[x/r] routes[0]: 'retries.attempts' must be a whole number of at least 0: got -1; write the number of retries, 0 for none"],
      ['retries disabled but tuned', route({ action: RouteAction.forward(ratings()), retries: { attempts: 0, retryOn: [RetryOn.FIVE_XX] } }),
        "[x/r] routes[0]: 'retries' must not set perTryTimeout or retryOn when attempts is 0: got 0; remove them, or allow at least one attempt"],
      ['an empty rewrite', route({ action: RouteAction.forward(ratings()), rewrite: {} }), "[x/r] routes[0]: 'rewrite' must change uri or authority: got '{}'"],
      ['CORS credentials for any origin', route({ action: RouteAction.forward(ratings()), cors: { allowOrigins: [StringMatch.exact('*')], allowCredentials: true } }),
        "[x/r] routes[0]: 'cors.allowOrigins' must not be '*' when allowCredentials is true (browsers refuse it): got '*'"],
      ['a CORS method that is not one', route({ action: RouteAction.forward(ratings()), cors: { allowOrigins: [StringMatch.prefix('https://')], allowMethods: ['FETCH'] } }),
        "[x/r] routes[0]: 'cors.allowMethods' must be HTTP methods (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, *): got 'FETCH'"],
      ['a header name with a space', route({ action: RouteAction.forward(ratings()), headers: { request: { set: { 'x bad': '1' } } } }), "[x/r] routes[0]: 'headers' must be valid HTTP header names: got 'x bad'"],
      ['a mirror percentage over 100', route({ action: RouteAction.forward(ratings()), mirror: { target: ratings(), percentage: 101 } }), "[x/r] routes[0]: 'mirror.percentage' must be a percentage between 0 and 100: got 101"],
    ])('fails if %s', (_name, fn, message) => {
      expect(errorOf(fn)).toBe(message);
    });
  });
});

describe('DestinationRule traffic policy', () => {
  test.each([
    [LoadBalancer.roundRobin(), { simple: 'ROUND_ROBIN' }],
    [LoadBalancer.leastRequest(), { simple: 'LEAST_REQUEST' }],
    [LoadBalancer.random(), { simple: 'RANDOM' }],
    [LoadBalancer.consistentHashByHeader('x-user'), { consistentHash: { httpHeaderName: 'x-user' } }],
    [LoadBalancer.consistentHashByCookie('session', Duration.minutes(30)), { consistentHash: { httpCookie: { name: 'session', ttl: '30m' } } }],
    [LoadBalancer.consistentHashBySourceIp(), { consistentHash: { useSourceIp: true } }],
  ])('load balancer %#', (loadBalancer, expected) => {
    const objects = valid(synthObjects(app => { ratingsIn(new MeshChart(app, 'c'), { trafficPolicy: { loadBalancer } }); }));
    expect((only(objects, 'DestinationRule').spec as any).trafficPolicy).toStrictEqual({ loadBalancer: expected, tls: { mode: 'ISTIO_MUTUAL' } });
  });

  test('circuit breaking, outlier detection, client TLS, and a subset\'s own policy', () => {
    const objects = valid(synthObjects(app => {
      const svc = new MeshService(new MeshChart(app, 'c'), 'ratings', {
        ports: [{ port: 9080 }],
        trafficPolicy: {
          connectionPool: {
            maxConnections: 100,
            connectTimeout: Duration.millis(250),
            http1MaxPendingRequests: 10,
            maxRequestsPerConnection: 1,
            idleTimeout: Duration.minutes(5),
          },
          outlierDetection: {
            consecutive5xxErrors: 3, interval: Duration.seconds(5), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50,
          },
          tls: ClientTls.istioMutual(),
        },
      });
      svc.addVersion('v1', { image: 'ratings:1.0' });
      svc.addVersion('v2', { image: 'ratings:2.0', trafficPolicy: { loadBalancer: LoadBalancer.random(), tls: ClientTls.disable() } });
      svc.addExternalVersion('v3', { trafficPolicy: { tls: ClientTls.simple({ sni: 'ratings.example.com', caCertificates: '/etc/certs/ca.pem' }) } });
    }));
    const spec = only(objects, 'DestinationRule').spec as any;
    expect(spec.trafficPolicy).toStrictEqual({
      connectionPool: { tcp: { maxConnections: 100, connectTimeout: '250ms' }, http: { http1MaxPendingRequests: 10, maxRequestsPerConnection: 1, idleTimeout: '5m' } },
      outlierDetection: { consecutive5xxErrors: 3, interval: '5s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      tls: { mode: 'ISTIO_MUTUAL' },
    });
    expect(spec.subsets.map((s: any) => s.trafficPolicy)).toStrictEqual([
      undefined,
      { loadBalancer: { simple: 'RANDOM' }, tls: { mode: 'DISABLE' } },
      { tls: { mode: 'SIMPLE', sni: 'ratings.example.com', caCertificates: '/etc/certs/ca.pem' } },
    ]);
  });

  test('by default only ISTIO_MUTUAL is written (secure by default, Istio\'s defaults for the rest); ClientTls.auto() writes nothing', () => {
    const objects = synthObjects(app => { ratingsIn(new MeshChart(app, 'c'), { trafficPolicy: {} }); });
    expect((only(objects, 'DestinationRule').spec as any).trafficPolicy).toStrictEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
    const auto = synthObjects(app => { ratingsIn(new MeshChart(app, 'c'), { trafficPolicy: { tls: ClientTls.auto() } }); });
    expect((only(auto, 'DestinationRule').spec as any).trafficPolicy).toBeUndefined();
  });

  test.each([
    ['mutual TLS without certificates', () => ClientTls.mutual({}), "ClientTls.mutual: 'tls' MUTUAL needs clientCertificate and privateKey, or credentialName: got 'neither'"],
    ['an upper-case hash header', () => LoadBalancer.consistentHashByHeader('X-User'), "LoadBalancer.consistentHashByHeader: 'consistentHash.httpHeaderName' must be a lower-case header name: got 'X-User'"],
    ['a zero connection limit', () => ratingsIn(new Chart(new App(), 'c'), { trafficPolicy: { connectionPool: { maxConnections: 0 } } }),
      "'connectionPool.maxConnections' must be a whole number of at least 1: got 0"],
  ])('fails if %s', (_name, fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });
});

describe('gateway TLS', () => {
  test('SIMPLE, MUTUAL and PASSTHROUGH listeners and an HTTPS redirect', () => {
    const objects = valid(synthObjects(app => {
      new IngressGateway(new MeshChart(app, 'c'), 'gw', {
        servers: [
          { port: 80, hosts: ['shop.example.com'], httpsRedirect: true },
          { port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['shop.example.com'], tls: GatewayTls.simple('shop-cert') },
          { port: 8443, protocol: GatewayProtocol.HTTPS, name: 'https-partners', hosts: ['partners.example.com'], tls: GatewayTls.mutual('partners-ca') },
          { port: 9443, protocol: GatewayProtocol.TLS, hosts: ['db.example.com'], tls: GatewayTls.passthrough() },
        ],
      });
    }));
    expect((only(objects, 'Gateway').spec as any).servers.map((s: any) => s.tls)).toStrictEqual([
      { httpsRedirect: true },
      { mode: 'SIMPLE', credentialName: 'shop-cert' },
      { mode: 'MUTUAL', credentialName: 'partners-ca' },
      { mode: 'PASSTHROUGH' },
    ]);
  });

  const gw = () => new IngressGateway(new Chart(new App(), 'c'), 'gw');
  test.each([
    ['an HTTPS listener has no TLS', { port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['a.com'] },
      "[c/gw] 'servers.tls' must be given for a HTTPS listener: got 'none'; e.g. GatewayTls.simple('my-cert-secret')"],
    ['a plain listener has TLS', { port: 80, hosts: ['a.com'], tls: GatewayTls.simple('c') },
      "[c/gw] 'servers.tls' is only for HTTPS and TLS listeners, not HTTP: got 'SIMPLE'; use protocol HTTPS (terminate) or TLS (passthrough)"],
    ['a TLS listener terminates', { port: 443, protocol: GatewayProtocol.TLS, hosts: ['a.com'], tls: GatewayTls.simple('c') },
      "[c/gw] 'servers.tls' must be PASSTHROUGH on a TLS listener (terminating listeners are HTTPS): got 'SIMPLE'"],
    ['an HTTPS listener redirects to HTTPS', { port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['a.com'], tls: GatewayTls.simple('c'), httpsRedirect: true },
      "[c/gw] 'servers.httpsRedirect' is only for plain HTTP listeners: got 'HTTPS'"],
  ])('fails if %s', (_name, server, message) => {
    expect(errorOf(() => gw().addServer(server))).toBe(message);
  });

  test('fails if a credential name is not a Secret name', () => {
    expect(errorOf(() => GatewayTls.simple('My Cert'))).toMatch(/^\w+\.\w+: 'tls.credentialName' must be a DNS-1123 subdomain .*: got 'My Cert'; write it as 'my-cert'$/);
  });
});

describe('documented defaults of route policies', () => {
  test('abort percentage 100; mirror percentage 100 (not written); retryOn and perTryTimeout not written; redirect code not written (Istio: 301)', () => {
    const [a, b] = ratingsHttp(ratings => [
      { match: [HttpMatch.prefix('/a')], fault: Fault.abort(503), retries: { attempts: 1 }, mirror: { target: ratings.version('v2') }, action: RouteAction.forward(ratings.version('v1')) },
      { action: RouteAction.redirect({ authority: 'other.example.com' }) },
    ]);
    expect(a.fault).toStrictEqual({ abort: { httpStatus: 503, percentage: { value: 100 } } });
    expect(a.retries).toStrictEqual({ attempts: 1 });
    expect(a.mirror).toStrictEqual({ host: 'ratings', subset: 'v2' });
    expect(a.mirrorPercentage).toBeUndefined();
    expect(b.redirect).toStrictEqual({ authority: 'other.example.com' });
  });
});
