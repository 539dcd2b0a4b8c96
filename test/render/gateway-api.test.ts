import { App, Chart, Duration } from 'cdk8s';
import {
  CanaryPlan,
  CanaryRelease,
  ClientTls,
  Fault,
  GatewayProtocol,
  GatewayTls,
  HeaderMatch,
  HttpMatch,
  IngressGateway,
  IngressGatewayRoute,
  LoadBalancer,
  MeshApp,
  MeshChart,
  MeshNamespace,
  MeshService,
  RetryOn,
  RouteAction,
  ServiceRouting,
  StringMatch,
  TrafficApi,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { parseObjects } from '../support/shared';
import { only, synthError, synthObjects } from '../support/synth';

const valid = expectSchemaValid;

const gwChart = (app: App, id = 'c', props: { namespace?: string } = {}) => new MeshChart(app, id, { trafficApi: TrafficApi.GATEWAY_API, ...props });

function shop(chart: Chart, ports = [8080]) {
  const svc = new MeshService(chart, 'shop', { ports: ports.map((port, i) => ({ port, name: i === 0 ? 'http' : `http-${port}` })) });
  svc.addVersion('v1', { image: 'shop:1.0' });
  svc.addVersion('v2', { image: 'shop:2.0' });
  svc.addExternalVersion('v3');
  return svc;
}

describe('Gateway API back-end', () => {
  test('a MeshService gets a Service per deployed version and no DestinationRule', () => {
    const objects = valid(synthObjects(app => { shop(gwChart(app)); }));
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Service/shop', 'ServiceAccount/shop', 'Deployment/shop-v1', 'Service/shop-v1', 'Deployment/shop-v2', 'Service/shop-v2',
    ]);
    expect(only(objects, 'Service', 'shop-v2').spec).toStrictEqual({ ports: [{ name: 'http', port: 8080 }], selector: { app: 'shop', version: 'v2' } });
  });

  test('a version\'s Service exposes the containers\' ports, and routes and mirrors to the version name them (Istio\'s mirroring task: httpbin 8000 → 80, httpbin-v1 80)', () => {
    const objects = valid(synthObjects(app => {
      const chart = gwChart(app);
      const svc = new MeshService(chart, 'httpbin', { ports: [{ port: 8000, targetPort: 80, name: 'http' }] });
      const v1 = svc.addVersion('v1', { image: 'httpbin:1' });
      const v2 = svc.addVersion('v2', { image: 'httpbin:2' });
      new ServiceRouting(chart, 'r', { service: svc, routes: [{ action: RouteAction.forward(v1), mirror: { target: v2 } }] });
    }));
    expect(only(objects, 'Service', 'httpbin').spec).toStrictEqual(expect.objectContaining({ ports: [{ name: 'http', port: 8000, targetPort: 80 }] }));
    expect(only(objects, 'Service', 'httpbin-v1').spec).toStrictEqual({ ports: [{ name: 'http', port: 80 }], selector: { app: 'httpbin', version: 'v1' } });
    expect(only(objects, 'HTTPRoute').spec).toStrictEqual(expect.objectContaining({
      rules: [{
        backendRefs: [{ name: 'httpbin-v1', port: 80 }],
        filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'httpbin-v2', port: 80 } } }],
      }],
    }));
  });

  test('a version\'s Service has one port per container port, named as the first service port targeting it', () => {
    const objects = valid(synthObjects(app => {
      const chart = gwChart(app);
      const svc = new MeshService(chart, 'httpbin', {
        ports: [{ port: 8000, targetPort: 80, name: 'http' }, { port: 9000, targetPort: 80, name: 'http-alt' }, { port: 9090, name: 'http-admin' }],
      });
      const v1 = svc.addVersion('v1', { image: 'httpbin:1' });
      new ServiceRouting(chart, 'r', { service: svc, routes: [{ action: RouteAction.forward(v1, { port: 9000 }) }] });
    }));
    expect(only(objects, 'Service', 'httpbin-v1').spec).toStrictEqual({
      ports: [{ name: 'http', port: 80 }, { name: 'http-admin', port: 9090 }], selector: { app: 'httpbin', version: 'v1' },
    });
    expect(only(objects, 'HTTPRoute').spec).toStrictEqual(expect.objectContaining({ rules: [{ backendRefs: [{ name: 'httpbin-v1', port: 80 }] }] }));
  });

  test('mesh routes attach to the Service; matches, filters, timeouts and retries map to HTTPRoute', () => {
    const objects = valid(synthObjects(app => {
      const chart = gwChart(app);
      const svc = shop(chart);
      new ServiceRouting(chart, 'r', {
        service: svc,
        routes: [
          {
            name: 'beta',
            match: [HttpMatch.prefix('/v2/', { headers: [HeaderMatch.exact('x-beta', '1'), HeaderMatch.regex('x-group', 'qa-.*')] })],
            timeout: Duration.seconds(5),
            retries: { attempts: 2, perTryTimeout: Duration.millis(1500) },
            mirror: { target: svc.version('v2'), percentage: 10 },
            rewrite: { uri: '/api', authority: 'shop.internal' },
            headers: { request: { set: { 'x-mesh': 'kit' }, add: { 'x-hop': '1' }, remove: ['x-debug'] }, response: { remove: ['server'] } },
            cors: { allowOrigins: [StringMatch.exact('https://shop.example.com')], allowMethods: ['GET'], maxAge: Duration.minutes(10), allowCredentials: true },
            action: RouteAction.weightedForward([{ target: svc.version('v1'), weight: 80 }, { target: svc.version('v2'), weight: 20 }]),
          },
          { name: 'versioned', match: [HttpMatch.regex('^/v[12]/.*')], action: RouteAction.forward(svc.version('v1')) },
          { action: RouteAction.forward(svc) },
        ],
      });
    }));
    expect(only(objects, 'HTTPRoute').spec).toStrictEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'shop', port: 8080 }],
      rules: [
        {
          name: 'beta',
          matches: [{
            path: { type: 'PathPrefix', value: '/v2/' },
            headers: [{ name: 'x-beta', value: '1' }, { name: 'x-group', type: 'RegularExpression', value: 'qa-.*' }],
          }],
          backendRefs: [{ name: 'shop-v1', port: 8080, weight: 80 }, { name: 'shop-v2', port: 8080, weight: 20 }],
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-mesh', value: 'kit' }], add: [{ name: 'x-hop', value: '1' }], remove: ['x-debug'] } },
            { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['server'] } },
            { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shop-v2', port: 8080 }, percent: 10 } },
            { type: 'URLRewrite', urlRewrite: { hostname: 'shop.internal', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/api' } } },
            { type: 'CORS', cors: { allowOrigins: ['https://shop.example.com'], allowMethods: ['GET'], maxAge: 600, allowCredentials: true } },
          ],
          timeouts: { request: '5s', backendRequest: '1500ms' },
          retry: { attempts: 2 },
        },
        { name: 'versioned', matches: [{ path: { type: 'RegularExpression', value: '^/v[12]/.*' } }], backendRefs: [{ name: 'shop-v1', port: 8080 }] },
        // after a regular expression, the rest: `matches: []`, not defaulted to PathPrefix / (which Istio ranks before
        // any regular expression), and ranked after every match
        { matches: [], backendRefs: [{ name: 'shop', port: 8080 }] },
      ],
    });
  });

  test('gateway routes: hostnames, listener port, redirects, cross-namespace parents and backends', () => {
    const objects = valid(synthObjects(app => {
      const platform = gwChart(app, 'platform', { namespace: 'shop' });
      const svc = shop(platform);
      const edge = gwChart(app, 'edge', { namespace: 'edge' });
      const gateway = new IngressGateway(edge, 'gw', {
        namespace: MeshNamespace.fromName('infra'),
        servers: [{ port: 80, hosts: ['*.example.com'] }, { port: 443, protocol: GatewayProtocol.HTTPS, hosts: ['shop.example.com'], tls: GatewayTls.simple('shop-cert') }],
      });
      new IngressGatewayRoute(edge, 'https', { gateway, hosts: ['shop.example.com'], gatewayPort: 443, routes: [{ action: RouteAction.forward(svc.version('v1')) }] });
      new IngressGatewayRoute(edge, 'http', {
        gateway,
        hosts: ['shop.example.com'],
        gatewayPort: 80,
        routes: [{ action: RouteAction.redirect({ scheme: 'https', redirectCode: 308, uri: '/' }) }],
      });
    }));
    const [https, http] = objects.filter(o => o.kind === 'HTTPRoute');
    expect(https.spec).toStrictEqual({
      parentRefs: [{ name: 'gw', namespace: 'infra', port: 443 }],
      hostnames: ['shop.example.com'],
      rules: [{ backendRefs: [{ name: 'shop-v1', namespace: 'shop', port: 8080 }] }],
    });
    expect((http.spec as any).rules).toStrictEqual([{
      filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 308, path: { type: 'ReplaceFullPath', replaceFullPath: '/' } } }],
    }]);
    // the routes of 'edge' attach to the gateway of 'infra': its listeners admit 'edge' by name, and no more (no route of 'infra' attaches)
    const admitted = { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } } } };
    expect(only(objects, 'Gateway').spec).toStrictEqual({
      gatewayClassName: 'istio',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: admitted },
        { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: { mode: 'Terminate', certificateRefs: [{ name: 'shop-cert' }] }, allowedRoutes: admitted },
      ],
    });
    // the backend in 'shop' is granted to the HTTPRoutes of 'edge', that Service only
    expect(only(objects, 'ReferenceGrant')).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'ReferenceGrant',
      metadata: { name: 'edge-https', namespace: 'shop' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }], to: [{ group: '', kind: 'Service', name: 'shop-v1' }] },
    });
  });

  test('a listener per host, TLS passthrough and another GatewayClass', () => {
    const objects = valid(synthObjects(app => {
      new IngressGateway(gwChart(app), 'gw', {
        gatewayClassName: 'istio-waypoint',
        servers: [{ port: 80, hosts: ['a.example.com', 'b.example.com'] }, { port: 9443, protocol: GatewayProtocol.TLS, hosts: ['db.example.com'], tls: GatewayTls.passthrough() }],
      });
    }));
    const spec = only(objects, 'Gateway').spec as any;
    expect(spec.gatewayClassName).toBe('istio-waypoint');
    expect(spec.listeners.map((l: any) => [l.name, l.hostname, l.tls?.mode])).toStrictEqual([
      ['http-1', 'a.example.com', undefined], ['http-2', 'b.example.com', undefined], ['tls', 'db.example.com', 'Passthrough'],
    ]);
  });

  test('a CanaryRelease of a Gateway API service renders each stage as an HTTPRoute, without DestinationRules', () => {
    const app = new MeshApp();
    const svc = shop(gwChart(app, 'platform'));
    new CanaryRelease(app, 'shop-canary', { service: svc, stable: svc.version('v1'), canary: svc.version('v2'), plan: CanaryPlan.stages([25, 100]) });
    const files = app.synthFiles();
    const stage = valid(parseObjects(files.get('shop-canary.stage-25.k8s.yaml')!));
    expect(stage.map(o => o.kind)).toStrictEqual(['HTTPRoute']);
    expect((stage[0].spec as any).rules).toStrictEqual([
      { name: 'canary-split', backendRefs: [{ name: 'shop-v1', port: 8080, weight: 75 }, { name: 'shop-v2', port: 8080, weight: 25 }] },
    ]);
  });

  describe('fails when the Gateway API cannot express a feature', () => {
    const FIX = 'remove it, or render this chart with TrafficApi.ISTIO';
    const routeError = (route: object, ports?: number[]) => synthError(app => {
      const chart = gwChart(app);
      const svc = shop(chart, ports);
      new ServiceRouting(chart, 'r', { service: svc, routes: [{ action: RouteAction.forward(svc.version('v1')), ...route }] });
    });
    test.each([
      ['fault injection', { fault: Fault.delay(Duration.seconds(7)) },
        `'routes[0].fault' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): it has no fault injection: got 'delay'; ${FIX}`],
      ['retry conditions', { retries: { attempts: 2, retryOn: [RetryOn.FIVE_XX] } },
        `'routes[0].retries.retryOn' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): it retries on HTTP status codes only: got '5xx'; ${FIX}`],
      ['case-insensitive paths', { match: [HttpMatch.prefix('/a', { ignoreUriCase: true })] },
        `'routes[0].match.ignoreUriCase' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): path matches are case-sensitive: got true; ${FIX}`],
      ['header prefix matches', { match: [HttpMatch.headers(HeaderMatch.prefix('x-user', 'a.b'))] },
        "'routes[0].match.headers' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): header matches are exact or regular expressions: got 'x-user prefix a.b'; use HeaderMatch.regex('x-user', '^a\\.b')"],
      ['a prefix rewrite without exactly one prefix match (the HTTPRoute CRD\'s CEL rule)', { match: [HttpMatch.exact('/a'), HttpMatch.prefix('/b')], rewrite: { uri: '/c' } },
        '\'routes[0].rewrite.uri\' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API) on this route: a prefix rewrite needs exactly one match, on a path prefix: '
        + 'got [\'exact path\', \'path prefix\']; match HttpMatch.prefix(...) alone on the rewriting route, or render this chart with TrafficApi.ISTIO'],
      ['regex CORS origins', { cors: { allowOrigins: [StringMatch.regex('https://.*')] } },
        `'routes[0].cors.allowOrigins' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): origins are exact strings: got 'https://.*'; ${FIX}`],
    ])('fails if a route uses %s', (_name, route, message) => {
      expect(routeError(route)).toBe(`Validation failed with the following errors:\n  [c/r] ${message}`);
    });

    test('fails if a backend has several ports and none is chosen (a Service backend needs one)', () => {
      expect(routeError({}, [80, 81])).toContain("[c/r] 'routes[0].port' must be given for the Gateway API back-end: service 'shop' exposes several ports: got 'none'; pass RouteAction.forward(target, { port })");
    });

    test('fails if a service or a version has a traffic policy (a DestinationRule setting)', () => {
      expect(synthError(app => {
        const s = new MeshService(gwChart(app), 'shop', { ports: [{ port: 80 }], trafficPolicy: { loadBalancer: LoadBalancer.random() } });
        s.addVersion('v1', { image: 'shop:1', trafficPolicy: { tls: ClientTls.disable() } });
      })).toBe([
        'Validation failed with the following errors:',
        `  [c/shop] 'trafficPolicy' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): it is a DestinationRule setting: got 'loadBalancer'; ${FIX}`,
        `  [c/shop] 'versions[v1].trafficPolicy' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): it is a DestinationRule setting: got 'tls'; ${FIX}`,
      ].join('\n'));
    });

    test('fails if a gateway sets a selector, an HTTPS redirect, namespaced hosts or gRPC', () => {
      expect(synthError(app => {
        new IngressGateway(gwChart(app), 'gw', {
          selector: { istio: 'ingressgateway' },
          servers: [
            { port: 80, hosts: ['shop/a.com'], httpsRedirect: true },
            { port: 9000, protocol: GatewayProtocol.GRPC, hosts: ['g.com'] },
          ],
        });
      })).toBe([
        'Validation failed with the following errors:',
        "  [c/gw] 'selector' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): the GatewayClass deploys the gateway: got 'istio=ingressgateway'; set gatewayClassName instead",
        "  [c/gw] 'servers[port 80].httpsRedirect' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): got true; route the HTTP listener with RouteAction.redirect({ scheme: 'https' }) instead",
        "  [c/gw] 'servers[port 80].hosts' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): listeners admit routes by allowedRoutes, not per host: got 'shop/a.com'; drop the namespace part",
        `  [c/gw] 'servers[port 9000].protocol' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API) by HTTPRoute listeners: got 'GRPC'; ${FIX}`,
      ].join('\n'));
    });

    test('fails if a canary of a Gateway API service asks for sticky sessions', () => {
      expect(errorOf(() => {
        const app = new App();
        const svc = shop(gwChart(app));
        new CanaryRelease(app, 'canary', { service: svc, stable: svc.version('v1'), canary: svc.version('v2'), plan: CanaryPlan.stages([50, 100]), stickySessions: LoadBalancer.consistentHashBySourceIp() });
      })).toBe("[canary] 'stickySessions' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): it is a DestinationRule setting: got 'consistentHash'; remove it, or render the service with TrafficApi.ISTIO");
    });
  });

  test('the traffic API is a setting of the chart or the app, validated', () => {
    expect(() => new MeshChart(new App(), 'c', { trafficApi: 'linkerd' as TrafficApi })).toThrow("[c] MeshChart: 'props.trafficApi' must be one of 'gateway-api', 'istio': got 'linkerd'");
  });
});

test('Gateway API redirects write the documented default status, 301', () => {
  const objects = valid(synthObjects(app => {
    const chart = gwChart(app);
    const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 80, hosts: ['*'] }] });
    new IngressGatewayRoute(chart, 'r', { gateway, hosts: ['a.example.com'], routes: [{ action: RouteAction.redirect({ scheme: 'https' }) }] });
  }));
  expect((only(objects, 'HTTPRoute').spec as any).rules[0].filters).toStrictEqual([{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }]);
});

test('fails if a route and its gateway are rendered with different traffic APIs', () => {
  expect(synthError(app => {
    const gateway = new IngressGateway(gwChart(app, 'edge'), 'gw', { servers: [{ port: 80, hosts: ['*'] }] });
    const chart = new MeshChart(app, 'routes');
    const svc = new MeshService(chart, 'shop', { ports: [{ port: 80 }] });
    svc.addVersion('v1', { image: 'shop:1' });
    new IngressGatewayRoute(chart, 'r', { gateway, hosts: ['a.example.com'], routes: [{ action: RouteAction.forward(svc) }] });
  })).toBe("Validation failed with the following errors:\n  [routes/r] 'gateway' must be rendered with the route's traffic API (istio), or the route binds to a gateway that does not exist: got 'gw (gateway-api)'; set the same trafficApi on both charts");
});
