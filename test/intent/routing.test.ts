import { App, Chart } from 'cdk8s';
import {
  CanaryPlan,
  CanaryRelease,
  MeshApp,
  MeshProvider,
  Protocol,
  findingLine,
  HeaderMatch,
  HttpMatch,
  MeshChart,
  MeshNamespace,
  MeshService,
  RouteAction,
  ServiceRouting,
} from '../../lib';
import { errorOf } from '../support/errors';
import { only, synthError, synthObjects } from '../support/synth';

const IMAGE = 'example/app:1.0.0';

function reviewsIn(chart: Chart, props: { ports?: number[]; namespace?: string } = {}) {
  const svc = new MeshService(chart, 'reviews', {
    ports: (props.ports ?? [9080]).map((port, i) => ({ port, name: i === 0 ? 'http' : `http-${port}` })),
    namespace: props.namespace ? MeshNamespace.fromName(props.namespace) : undefined,
  });
  for (const v of ['v1', 'v2', 'v3']) svc.addVersion(v, { image: IMAGE });
  return svc;
}


describe('ServiceRouting', () => {
  test('pins all traffic to a version', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c');
      const reviews = reviewsIn(chart);
      new ServiceRouting(chart, 'pin', { service: reviews, routes: [{ action: RouteAction.forward(reviews.version('v3')) }] });
    });
    expect(only(objects, 'VirtualService').spec).toStrictEqual({ hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }] });
  });

  test('routes by header, then everything else; matches combine URI and headers', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c');
      const reviews = reviewsIn(chart);
      const r = new ServiceRouting(chart, 'r', { service: reviews, name: 'reviews-routing' });
      r.addRoute({
        match: [
          HttpMatch.headers(HeaderMatch.exact('end-user', 'jason')),
          HttpMatch.prefix('/beta', { headers: [HeaderMatch.regex('x-group', '^qa-.*$'), HeaderMatch.prefix('cookie', 'a=')], ignoreUriCase: true }),
          HttpMatch.regex('^/v[0-9]+/.*'),
        ],
        action: RouteAction.forward(reviews.version('v2'), { port: 9080 }),
      });
      r.addRoute({ action: RouteAction.forward(reviews) });
    });
    const vs = only(objects, 'VirtualService');
    expect(vs.metadata.name).toBe('reviews-routing');
    expect(vs.spec).toStrictEqual({
      hosts: ['reviews'],
      http: [
        {
          match: [
            { headers: { 'end-user': { exact: 'jason' } } },
            { uri: { prefix: '/beta' }, headers: { 'x-group': { regex: '^qa-.*$' }, 'cookie': { prefix: 'a=' } }, ignoreUriCase: true },
            { uri: { regex: '^/v[0-9]+/.*' } },
          ],
          route: [{ destination: { host: 'reviews', subset: 'v2', port: { number: 9080 } } }],
        },
        { route: [{ destination: { host: 'reviews' } }] },
      ],
    });
  });

  test('addresses a service in another namespace by its FQDN', () => {
    const objects = synthObjects(app => {
      const reviews = reviewsIn(new Chart(app, 'platform'), { namespace: 'bookinfo' });
      new ServiceRouting(new Chart(app, 'routing', { namespace: 'frontend' }), 'r', {
        service: reviews,
        namespace: MeshNamespace.fromName('frontend'),
        routes: [{ action: RouteAction.forward(reviews.version('v1')) }],
      });
    });
    const vs = only(objects, 'VirtualService');
    expect(vs.metadata.namespace).toBe('frontend');
    // the route's host fully qualified too: a short host would be read as reviews.frontend and never apply
    expect(vs.spec).toStrictEqual({
      hosts: ['reviews.bookinfo.svc.cluster.local'],
      http: [{ route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' } }] }],
    });
  });

  test('lives in the service\'s namespace by default', () => {
    const objects = synthObjects(app => {
      const reviews = reviewsIn(new Chart(app, 'platform'), { namespace: 'bookinfo' });
      new ServiceRouting(new Chart(app, 'routing'), 'r', { service: reviews, routes: [{ action: RouteAction.forward(reviews) }] });
    });
    expect(only(objects, 'VirtualService').metadata).toStrictEqual({ name: 'reviews', namespace: 'bookinfo' });
  });

  describe('fails', () => {
    const setup = () => reviewsIn(new Chart(new App(), 'c'));

    test('fails if a weight is outside 0 to 1,000,000 (the Gateway API\'s maximum, which every back-end\'s weights fit)', () => {
      const reviews = setup();
      expect(errorOf(() => RouteAction.weightedForward([{ target: reviews.version('v1'), weight: 1_000_001 }, { target: reviews.version('v2'), weight: -20 }])))
        .toBe('RouteAction.weightedForward: the weights of the targets:\n'
          + "  'weightedForward[0].weight' must be a whole number between 0 and 1000000: got 1000001; lower it to 1000000 at most, scaling the other weights alike to keep the shares\n"
          + "  'weightedForward[1].weight' must be a whole number between 0 and 1000000: got -20; write 0 to send this destination nothing, or a positive share");
    });

    test('fails if every weight is 0', () => {
      const reviews = setup();
      expect(errorOf(() => RouteAction.weightedForward([{ target: reviews.version('v1'), weight: 0 }, { target: reviews.version('v2'), weight: 0 }])))
        .toBe("RouteAction.weightedForward: 'weightedForward.weight' must not all be 0: the route would send its requests nowhere: got '0 + 0'; give at least one destination a weight");
    });

    test('fails at synth under Istio\'s API if the weights do not add up to 100 (a VirtualService\'s are percentages), naming the back-end', () => {
      expect(synthError(app => {
        const reviews = reviewsIn(new MeshChart(app, 'c'));
        new ServiceRouting(reviews.node.scope as Chart, 'r', {
          service: reviews,
          routes: [{ action: RouteAction.weightedForward([{ target: reviews.version('v1'), weight: 90 }, { target: reviews.version('v2'), weight: 20 }]) }],
        });
      })).toBe('Validation failed with the following errors:\n  [c/r] \'routes[0].weight\' must add up to 100 under Istio\'s API (TrafficApi.ISTIO): a VirtualService\'s weights are '
        + 'percentages (Istio before 1.15 refuses any other total): got \'90 + 20 = 110\'; adjust the weights so that they total 100, or render this chart with '
        + 'TrafficApi.GATEWAY_API or for MeshProvider.LINKERD, which read weights as proportions');
    });

    test('fails if a weighted route names a target twice', () => {
      const reviews = setup();
      expect(errorOf(() => RouteAction.weightedForward([{ target: reviews.version('v1'), weight: 50 }, { target: reviews.version('v1'), weight: 50 }])))
        .toBe("RouteAction.weightedForward: 'weightedForward.target' must name each target once: got 'v1'; add their weights together instead");
    });

    test('fails if a weighted route has no target', () => {
      expect(errorOf(() => RouteAction.weightedForward([]))).toBe("RouteAction.weightedForward: 'targets' must name at least one target: got '[]'; give at least one { target, weight }, or answer without forwarding with RouteAction.redirect()");
    });

    test('fails if routing to a version the service does not have', () => {
      const reviews = setup();
      expect(errorOf(() => RouteAction.forward(reviews.version('v4'))))
        .toBe("[c/reviews] 'version' must be a version of service 'reviews': got 'v4'; its versions are 'v1', 'v2', 'v3'");
    });

    test('a route after a catch-all route is reported as Istio\'s IST0130 warning, not an error; a routing without routes fails', () => {
      const app = new MeshApp();
      const chart = new Chart(app, 'c');
      const reviews = reviewsIn(chart);
      new ServiceRouting(chart, 'r', {
        service: reviews,
        routes: [{ action: RouteAction.forward(reviews.version('v1')) }, { name: 'jason', match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: RouteAction.forward(reviews.version('v2')) }],
      });
      app.synthFiles();
      expect(app.report!.findings.map(f => `${f.level} ${findingLine(f)}`)).toStrictEqual([
        "Warning [c/r/VirtualService] [IST0130] VirtualService 'reviews' rule http[1] 'jason' is never used: rule http[0] before it matches every request; move rule http[0], which has no match, after rule http[1], or give it a match",
      ]);
      expect(synthError(a => {
        const c = new Chart(a, 'c');
        new ServiceRouting(c, 'empty', { service: reviewsIn(c), name: 'reviews-empty' });
      })).toBe([
        'Validation failed with the following errors:',
        "  [c/empty] 'routes' must hold at least one route: got 0; call addRoute()",
      ].join('\n'));
    });

    test('fails at synth if a route names a port the service does not expose', () => {
      expect(synthError(app => {
        const chart = new Chart(app, 'c');
        const reviews = reviewsIn(chart);
        new ServiceRouting(chart, 'r', { service: reviews, routes: [{ action: RouteAction.forward(reviews.version('v1'), { port: 8080 }) }] });
      })).toBe("Validation failed with the following errors:\n  [c/r] 'routes[0].port' must be a port of service 'reviews': got 8080; it exposes 9080");
    });

    test('fails at synth if two routes share a name', () => {
      expect(synthError(app => {
        const chart = new Chart(app, 'c');
        const reviews = reviewsIn(chart);
        const r = new ServiceRouting(chart, 'r', { service: reviews });
        r.addRoute({ name: 'a', match: [HttpMatch.prefix('/a')], action: RouteAction.forward(reviews) });
        r.addRoute({ name: 'a', action: RouteAction.forward(reviews) });
      })).toBe("Validation failed with the following errors:\n  [c/r] 'routes.name' must be unique within a VirtualService: got 'a'");
    });

    test('fails if the VirtualService name is invalid', () => {
      const reviews = setup();
      expect(errorOf(() => new ServiceRouting(reviews.node.scope as Chart, 'r', { service: reviews, name: 'Reviews' })))
        .toMatch(/^\[c\/r\] 'name' must be a DNS-1123 subdomain .*: got 'Reviews'; write it as 'reviews'$/);
    });
  });
});

describe('HttpMatch and HeaderMatch', () => {
  test.each([
    [HttpMatch.exact('/productpage'), { uri: { exact: '/productpage' } }],
    [HttpMatch.prefix('/static'), { uri: { prefix: '/static' } }],
    [HttpMatch.regex('^/api/v[12]/.*'), { uri: { regex: '^/api/v[12]/.*' } }],
    [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason')), { headers: { 'end-user': { exact: 'jason' } } }],
  ])('%# renders as Istio\'s HTTPMatchRequest', (match, expected) => {
    expect(JSON.parse(JSON.stringify(match._model))).toStrictEqual(expected);
  });

  test.each([
    [() => HttpMatch.exact('productpage'), "HttpMatch.exact: 'uri' must start with '/': got 'productpage'; use '/productpage'"],
    [() => HttpMatch.regex(''), "HttpMatch.regex: 'uri.regex' must not be empty: got ''"],
    [() => HttpMatch.headers(), "HttpMatch.headers: 'headers' must hold at least one HeaderMatch: got '[]'"],
    [() => HeaderMatch.exact('End-User', 'jason'), "HeaderMatch.exact: 'header' must be a lower-case header name (Istio matches header names in lower case with '-' as separator): got 'End-User'; use 'end-user'"],
    [() => HttpMatch.prefix('/', { headers: [HeaderMatch.exact('a', '1'), HeaderMatch.prefix('a', '2')] }), "HttpMatch.prefix: 'headers' must name each header once per match: got 'a'"],
  ])('fails if %# is malformed', (fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });
});

describe('ServiceRouting port (the Service port its routes attach to)', () => {
  const grpcAndMetrics = (chart: Chart) => {
    const svc = new MeshService(chart, 'voting', {
      ports: [{ port: 8080, protocol: Protocol.GRPC }, { port: 8801, name: 'prom' }],
      namespace: MeshNamespace.fromName('emojivoto'),
    });
    svc.addVersion('v1', { image: IMAGE });
    return svc;
  };
  const linkerd = (routing: (chart: Chart, svc: MeshService) => void) => synthObjects(app => {
    const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD });
    routing(chart, grpcAndMetrics(chart));
  });
  test('by default a multi-port service\'s routes attach to every port (an HTTPRoute: not every port is gRPC)', () => {
    const objects = linkerd((chart, svc) => new ServiceRouting(chart, 'r', { service: svc, routes: [{ action: RouteAction.forward(svc, { port: 8080 }) }] }));
    const route = only(objects, 'HTTPRoute', 'voting');
    expect((route.spec as any).parentRefs).toStrictEqual([{ group: 'core', kind: 'Service', name: 'voting' }]);
  });
  test('port: the routes attach to that port only, a GRPCRoute when it is gRPC', () => {
    const objects = linkerd((chart, svc) => new ServiceRouting(chart, 'r', {
      service: svc, port: 8080, routes: [{ match: [HttpMatch.grpc('emojivoto.v1.VotingService', 'Results')], action: RouteAction.forward(svc, { port: 8080 }) }],
    }));
    const route = only(objects, 'GRPCRoute', 'voting');
    expect((route.spec as any).parentRefs).toStrictEqual([{ group: 'core', kind: 'Service', name: 'voting', port: 8080 }]);
  });
  test('a canary\'s port is the port its stages attach to', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD });
      const svc = grpcAndMetrics(chart);
      svc.addVersion('v2', { image: IMAGE });
      new CanaryRelease(app, 'canary', { service: svc, stable: svc.version('v1'), canary: svc.version('v2'), plan: CanaryPlan.stages([50, 100]), port: 8080 });
    });
    expect(objects.filter(o => o.kind === 'GRPCRoute').map(o => (o.spec as any).parentRefs[0].port)).toStrictEqual([8080, 8080, 8080]);
  });
  test('fails if port is not a port of the service', () => {
    expect(synthError(app => {
      const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD });
      const svc = grpcAndMetrics(chart);
      new ServiceRouting(chart, 'r', { service: svc, port: 9090, routes: [{ action: RouteAction.forward(svc, { port: 8080 }) }] });
    })).toContain("[c/r] 'port' must be a port of service 'voting': got 9090; its ports are 8080, 8801");
  });
  test('fails if port is combined with everyPort', () => {
    expect(errorOf(() => {
      const chart = new MeshChart(new MeshApp(), 'c', { mesh: MeshProvider.LINKERD });
      const svc = grpcAndMetrics(chart);
      new ServiceRouting(chart, 'r', { service: svc, port: 8080, everyPort: true, routes: [] });
    })).toBe("[c/r] 'port' cannot be combined with everyPort: the routes attach to one port or to every port: got 8080; leave out one of them");
  });
});
