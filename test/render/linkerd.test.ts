import { ApiObject, App, Chart, Duration, JsonPatch } from 'cdk8s';
import {
  CanaryPlan,
  CanaryRelease,
  Fault,
  HeaderMatch,
  HttpMatch,
  IngressGateway,
  IngressGatewayRoute,
  LinkerdVersion,
  LoadBalancer,
  MeshApp,
  MeshChart,
  MeshNamespace,
  MeshProvider,
  MeshService,
  NamespaceInjection,
  Protocol,
  RetryOn,
  RouteAction,
  ServiceRouting,
  SidecarInjection,
  StringMatch,
  TrafficApi,
  TrafficPolicy,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectLinkerdValid, expectSchemaValid } from '../support/schemas';
import { only, synthError, synthFiles, synthObjects } from '../support/synth';

const valid = expectSchemaValid;
const ERRORS = 'Validation failed with the following errors:\n  ';
const l5d = (app: App, id = 'c') => new MeshChart(app, id, { mesh: MeshProvider.LINKERD });

function shop(chart: Chart, ports = [8080], props: { sidecarInjection?: SidecarInjection; trafficPolicy?: TrafficPolicy } = {}) {
  const svc = new MeshService(chart, 'shop', { ports: ports.map((port, i) => ({ port, name: i === 0 ? 'http' : `http-${port}` })), ...props });
  svc.addVersion('v1', { image: 'shop:1.0' });
  svc.addVersion('v2', { image: 'shop:2.0' });
  return svc;
}

describe('Linkerd back-end (MeshProvider.LINKERD)', () => {
  test('a MeshService gets a Service per version, no DestinationRule; injection by annotation on the namespace or the pods', () => {
    const objects = valid(synthObjects(app => {
      const chart = l5d(app);
      new MeshNamespace(chart, 'ns', { name: 'shop' });
      new MeshNamespace(chart, 'off', { name: 'legacy', injection: NamespaceInjection.disabled() });
      shop(chart, [8080], { sidecarInjection: SidecarInjection.ENABLED });
    }));
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Namespace/shop', 'Namespace/legacy', 'Service/shop', 'ServiceAccount/shop', 'Deployment/shop-v1', 'Service/shop-v1', 'Deployment/shop-v2', 'Service/shop-v2',
    ]);
    expect(only(objects, 'Namespace', 'shop').metadata).toStrictEqual({ name: 'shop', annotations: { 'linkerd.io/inject': 'enabled' } });
    expect(only(objects, 'Namespace', 'legacy').metadata).toStrictEqual({ name: 'legacy', annotations: { 'linkerd.io/inject': 'disabled' } });
    const pod = (only(objects, 'Deployment', 'shop-v1').spec as any).template.metadata;
    expect(pod).toStrictEqual({ labels: { app: 'shop', version: 'v1' }, annotations: { 'linkerd.io/inject': 'enabled' } });
  });

  test.each([
    [LinkerdVersion.V2_20, 'gateway.networking.k8s.io/v1'],
    [LinkerdVersion.V2_16, 'policy.linkerd.io/v1beta3'],
  ])('routes for Linkerd %s: %s HTTPRoute on the Service, header matches, weights, timeouts, retries as annotations', (linkerdVersion, apiVersion) => {
    const objects = valid(synthObjects(app => {
      const svc = shop(new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, linkerdVersion }));
      const retries = { attempts: 3, perTryTimeout: Duration.millis(500), retryOn: [RetryOn.GATEWAY_ERROR] };
      new ServiceRouting(svc.node.scope as Chart, 'r', {
        service: svc,
        routes: [
          {
            name: 'api-v2',
            match: [HttpMatch.prefix('/api', { headers: [HeaderMatch.exact('x-world-version', 'v2')] })],
            action: RouteAction.forward(svc.version('v2')),
            headers: { request: { set: { 'x-mesh': 'kit' } } },
            timeout: Duration.seconds(5),
            retries,
          },
          { action: RouteAction.weightedForward([{ target: svc.version('v1'), weight: 90 }, { target: svc.version('v2'), weight: 10 }]), retries },
        ],
      });
    }));
    if (linkerdVersion === LinkerdVersion.V2_20) expectLinkerdValid(objects);
    const route = only(objects, 'HTTPRoute');
    expect(route.apiVersion).toBe(apiVersion);
    expect(route.metadata).toStrictEqual({
      name: 'shop',
      annotations: { 'retry.linkerd.io/http': 'gateway-error', 'retry.linkerd.io/limit': '3', 'retry.linkerd.io/timeout': '500ms' },
    });
    // no rule names, no retry field: neither is in Gateway API v1.2.1
    expect(route.spec).toStrictEqual({
      parentRefs: [{ group: 'core', kind: 'Service', name: 'shop', port: 8080 }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x-world-version', value: 'v2' }] }],
          backendRefs: [{ name: 'shop-v2', port: 8080 }],
          filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-mesh', value: 'kit' }] } }],
          timeouts: { request: '5s' },
        },
        { backendRefs: [{ name: 'shop-v1', port: 8080, weight: 90 }, { name: 'shop-v2', port: 8080, weight: 10 }] },
      ],
    });
  });

  test('a gRPC service on Linkerd 2.20: a GRPCRoute with method matches, retries on gRPC statuses and the timeout as annotations', () => {
    const objects = expectLinkerdValid(synthObjects(app => {
      const chart = l5d(app);
      const g = new MeshService(chart, 'greeter', { ports: [{ port: 50051, protocol: Protocol.GRPC }] });
      const v1 = g.addVersion('v1', { image: 'docker.io/example/greeter:1' });
      const v2 = g.addVersion('v2', { image: 'docker.io/example/greeter:2' });
      const retries = { attempts: 2, retryOn: [RetryOn.UNAVAILABLE, RetryOn.INTERNAL] };
      new ServiceRouting(chart, 'r', {
        service: g,
        routes: [
          { match: [HttpMatch.grpc('helloworld.Greeter', 'SayHelloAgain')], action: RouteAction.forward(v2), timeout: Duration.seconds(3), retries },
          { action: RouteAction.weightedForward([{ target: v1, weight: 80 }, { target: v2, weight: 20 }]), timeout: Duration.seconds(3), retries },
        ],
      });
    }));
    const route = only(objects, 'GRPCRoute');
    expect(route.metadata.annotations).toStrictEqual({
      'retry.linkerd.io/grpc': 'unavailable,internal', 'retry.linkerd.io/limit': '2', 'timeout.linkerd.io/request': '3s',
    });
    expect(route.spec).toStrictEqual({
      parentRefs: [{ group: 'core', kind: 'Service', name: 'greeter', port: 50051 }],
      rules: [
        { matches: [{ method: { type: 'Exact', service: 'helloworld.Greeter', method: 'SayHelloAgain' } }], backendRefs: [{ name: 'greeter-v2', port: 50051 }] },
        { backendRefs: [{ name: 'greeter-v1', port: 50051, weight: 80 }, { name: 'greeter-v2', port: 50051, weight: 20 }] },
      ],
    });
  });

  test('what a GRPCRoute on Linkerd cannot say: per-route timeouts, HTTP retry conditions, paths', () => {
    const err = synthError(app => {
      const chart = l5d(app);
      const g = new MeshService(chart, 'greeter', { ports: [{ port: 50051, protocol: Protocol.GRPC }] });
      const v1 = g.addVersion('v1', { image: 'docker.io/example/greeter:1' });
      new ServiceRouting(chart, 'r', {
        service: g,
        routes: [
          { match: [HttpMatch.prefix('/helloworld.Greeter/')], action: RouteAction.forward(v1), timeout: Duration.seconds(1), retries: { attempts: 1, retryOn: [RetryOn.FIVE_XX] } },
          { action: RouteAction.forward(v1), retries: { attempts: 1, retryOn: [RetryOn.FIVE_XX] } },
        ],
      });
    });
    expect(err).toContain('[c/r] \'routes.timeout\' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD) per route on a gRPC service: '
      + 'Linkerd sets the timeout of a whole GRPCRoute (timeout.linkerd.io/request): got \'1s / none\'');
    expect(err).toContain('\'routes[0].retries.retryOn\' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): Linkerd retries gRPC calls on the statuses '
      + 'cancelled, deadline-exceeded, internal, resource-exhausted, unavailable (retry.linkerd.io/grpc): got \'5xx\'');
    expect(err).toContain('\'routes[0].match\' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD) on a gRPC service (its routes are a GRPCRoute): '
      + 'it matches gRPC methods, not paths: got \'/helloworld.Greeter/\'');
  });

  test('circuit breaking: outlier detection becomes failure accrual on the Service and each version\'s', () => {
    const objects = expectLinkerdValid(synthObjects(app => {
      shop(l5d(app), [8080], { trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5, baseEjectionTime: Duration.seconds(10) } } });
    }));
    const accrual = {
      'balancer.linkerd.io/failure-accrual': 'consecutive',
      'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '5',
      'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '10s',
    };
    for (const name of ['shop', 'shop-v1', 'shop-v2']) expect(only(objects, 'Service', name).metadata.annotations).toStrictEqual(accrual);
    const err = synthError(app => {
      shop(l5d(app), [8080], { trafficPolicy: { outlierDetection: { consecutiveGatewayErrors: 3, maxEjectionPercent: 50 } } });
    });
    expect(err).toContain('[c/shop] \'trafficPolicy.outlierDetection.consecutiveGatewayErrors\' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): '
      + 'Linkerd\'s circuit breaking counts consecutive 5xx responses (consecutive5xxErrors) and backs off from a minimum penalty (baseEjectionTime): got 3');
    expect(err).toContain('\'trafficPolicy.outlierDetection.maxEjectionPercent\' cannot be expressed with the Linkerd back-end');
    // Linkerd has defaults for what is not given: no error for a missing consecutive5xxErrors
    expect(err).not.toContain('\'trafficPolicy.outlierDetection.consecutive5xxErrors\'');
  });

  describe('failure accrual that Linkerd\'s policy controller accepts (it drops an invalid one whole)', () => {
    const accrualOf = (outlierDetection: object) => {
      const objects = expectLinkerdValid(synthObjects(app => { shop(l5d(app), [8080], { trafficPolicy: { outlierDetection } }); }));
      const annotations = ['shop', 'shop-v1', 'shop-v2'].map(n => only(objects, 'Service', n).metadata.annotations);
      expect(annotations[1]).toStrictEqual(annotations[0]);
      expect(annotations[2]).toStrictEqual(annotations[0]);
      return annotations[0];
    };
    const mode = { 'balancer.linkerd.io/failure-accrual': 'consecutive' };

    test('a base ejection time above Linkerd\'s default maximum penalty (60s) writes the maximum too, equal to it', () => {
      expect(accrualOf({ consecutive5xxErrors: 5, baseEjectionTime: Duration.minutes(2) })).toStrictEqual({
        ...mode,
        'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '5',
        'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': '2m',
        'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '2m',
      });
      expect(accrualOf({ baseEjectionTime: Duration.millis(60_001) })).toStrictEqual({
        ...mode,
        'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': '60001ms',
        'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '60001ms',
      });
    });

    test('up to 60s the minimum alone: Linkerd\'s maximum (60s) holds', () => {
      expect(accrualOf({ baseEjectionTime: Duration.seconds(60) })).toStrictEqual({ ...mode, 'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '60s' });
    });

    test('outlierDetection: {} is failure accrual with Linkerd\'s defaults (7 failures, 1s to 60s): the mode alone', () => {
      expect(accrualOf({})).toStrictEqual(mode);
      expect(accrualOf({ consecutive5xxErrors: 1 })).toStrictEqual({ ...mode, 'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '1' });
    });

    test('fails if consecutive5xxErrors is 0 (Linkerd\'s breaker never trips) or past a 32-bit count (Linkerd cannot read it)', () => {
      expect(synthError(app => { shop(l5d(app), [8080], { trafficPolicy: { outlierDetection: { consecutive5xxErrors: 0 } } }); })).toBe(
        ERRORS + '[c/shop] \'trafficPolicy.outlierDetection.consecutive5xxErrors\' must be at least 1 under the Linkerd back-end: its breaker trips when the consecutive '
        + 'failures reach this count, which 0 never does: got 0; remove outlierDetection to turn circuit breaking off, or leave consecutive5xxErrors out for '
        + 'Linkerd\'s default (7)');
      expect(synthError(app => { shop(l5d(app), [8080], { trafficPolicy: { outlierDetection: { consecutive5xxErrors: 2 ** 32 } } }); })).toBe(
        ERRORS + '[c/shop] \'trafficPolicy.outlierDetection.consecutive5xxErrors\' must be at most 4294967295 under the Linkerd back-end: its policy controller reads a '
        + '32-bit count and applies no failure accrual at all when the annotation does not parse: got 4294967296');
    });
  });

  describe('port names and appProtocol', () => {
    test('Linkerd\'s own port names (prom, service, one) are accepted: Istio\'s naming convention does not apply', () => {
      const objects = expectLinkerdValid(synthObjects(app => {
        const svc = new MeshService(l5d(app), 'emoji', { ports: [{ port: 8080, name: 'one', protocol: Protocol.GRPC }, { port: 8801, name: 'prom' }, { port: 9090, name: 'service' }] });
        svc.addVersion('v1', { image: 'docker.io/buoyantio/emojivoto-emoji-svc:v11' });
      }));
      expect((only(objects, 'Service', 'emoji').spec as any).ports).toStrictEqual([{ name: 'one', port: 8080 }, { name: 'prom', port: 8801 }, { name: 'service', port: 9090 }]);
    });

    test('under Istio the same names are refused, as before', () => {
      expect(synthError(app => {
        new MeshService(new MeshChart(app, 'c'), 'emoji', { ports: [{ port: 8801, name: 'prom' }] }).addVersion('v1', { image: 'example/emoji:1' });
      })).toBe(ERRORS + '[c/emoji] \'ports.name\' breaks Istio\'s port naming convention \'<protocol>[-<suffix>]\' for a http port: got \'prom\'; '
        + 'name it \'http\' or \'http-<suffix>\', or set \'appProtocol: true\' to keep the name');
    });

    test.each([
      [Protocol.HTTP, 'http'],
      [Protocol.HTTP2, 'kubernetes.io/h2c'],
      [Protocol.GRPC, 'kubernetes.io/h2c'],
      [Protocol.TCP, 'linkerd.io/opaque'],
      [Protocol.MYSQL, 'linkerd.io/opaque'],
      [Protocol.HTTPS, undefined],
      [Protocol.GRPC_WEB, undefined],
    ])('appProtocol: true on a %s port writes what Linkerd reads as that protocol: %s', (protocol, appProtocol) => {
      const objects = synthObjects(app => {
        new MeshService(l5d(app), 's', { ports: [{ port: 8080, name: 'main', protocol, appProtocol: true }] }).addVersion('v1', { image: 'example/s:1' });
      });
      for (const name of ['s', 's-v1']) {
        expect((only(objects, 'Service', name).spec as any).ports).toStrictEqual([{ name: 'main', port: 8080, ...(appProtocol ? { appProtocol } : {}) }]);
      }
    });

    test('under Istio appProtocol is Istio\'s protocol name, as before', () => {
      const objects = synthObjects(app => {
        new MeshService(new MeshChart(app, 'c'), 's', { ports: [{ port: 8080, name: 'main', protocol: Protocol.GRPC, appProtocol: true }] }).addVersion('v1', { image: 'example/s:1' });
      });
      expect((only(objects, 'Service', 's').spec as any).ports).toStrictEqual([{ name: 'main', port: 8080, appProtocol: 'grpc' }]);
    });
  });

  test('an escape-hatch annotation wins over a rendered one, and both reach the output', () => {
    const objects = synthObjects(app => {
      const svc = shop(l5d(app));
      svc.addRoute({ action: RouteAction.forward(svc.version('v1')), retries: { attempts: 2 } });
      const routing = svc.node.findChild('Routing') as ServiceRouting;
      routing.resource.metadata.addAnnotation('retry.linkerd.io/limit', '5');
      routing.resource.metadata.addAnnotation('team', 'shop');
    });
    expect(only(objects, 'HTTPRoute').metadata.annotations).toStrictEqual({ 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '5', 'team': 'shop' });
  });

  test('a CanaryRelease renders a weighted HTTPRoute per stage and no DestinationRule', () => {
    const objects = valid(synthObjects(app => {
      const svc = shop(l5d(app));
      new CanaryRelease(app, 'canary', { service: svc, stable: svc.version('v1'), canary: svc.version('v2'), plan: CanaryPlan.stages([25, 100]) });
    }));
    const routes = objects.filter(o => o.kind === 'HTTPRoute');
    expect(routes.map(r => (r.spec as any).rules.at(-1).backendRefs.map((b: any) => `${b.name}=${b.weight}`).join(','))).toStrictEqual([
      // files in name order: rollback, stage-100, stage-25
      // the stable share to shop itself, which selects v1 alone (Linkerd's traffic-shifting task: backendRefs bb and bb-v2)
      'shop=100,shop-v2=0', 'shop=0,shop-v2=100', 'shop=75,shop-v2=25',
    ]);
    expect(objects.some(o => o.kind === 'DestinationRule')).toBe(false);
  });

  test('a CanaryRelease\'s base: the Service selects the stable version only, the per-version Services their own', () => {
    const objects = valid(synthObjects(app => {
      const svc = shop(l5d(app));
      new CanaryRelease(app, 'canary', { service: svc, stable: svc.version('v1'), canary: svc.version('v2'), plan: CanaryPlan.stages([25, 100]) });
    }));
    expect((only(objects, 'Service', 'shop').spec as any).selector).toStrictEqual({ app: 'shop', version: 'v1' });
    expect((only(objects, 'Service', 'shop-v1').spec as any).selector).toStrictEqual({ app: 'shop', version: 'v1' });
    expect((only(objects, 'Service', 'shop-v2').spec as any).selector).toStrictEqual({ app: 'shop', version: 'v2' });
    // the previous output, through the escape hatch the CHANGELOG names
    const old = synthObjects(app => {
      const svc = shop(l5d(app));
      new CanaryRelease(app, 'canary', { service: svc, stable: svc.version('v1'), canary: svc.version('v2'), plan: CanaryPlan.stages([50, 100]) });
      svc.serviceResource.addJsonPatch(JsonPatch.remove('/spec/selector/version'));
    });
    expect((only(old, 'Service', 'shop').spec as any).selector).toStrictEqual({ app: 'shop' });
  });

  test('without a CanaryRelease, and under Istio, the Service selects every version', () => {
    const linkerd = synthObjects(app => { shop(l5d(app)); });
    expect((only(linkerd, 'Service', 'shop').spec as any).selector).toStrictEqual({ app: 'shop' });
    const istio = synthObjects(app => {
      const svc = shop(new MeshChart(app, 'c'));
      new CanaryRelease(app, 'canary', { service: svc, stable: svc.version('v1'), canary: svc.version('v2'), plan: CanaryPlan.stages([50, 100]) });
    });
    expect(istio.filter(o => o.kind === 'Service').map(o => (o.spec as any).selector)).toStrictEqual([{ app: 'shop' }]);
  });

  test('fails if two CanaryReleases of a service under Linkerd have different stable versions', () => {
    expect(synthError(app => {
      const svc = shop(l5d(app));
      new CanaryRelease(app, 'a', { service: svc, stable: svc.version('v1'), canary: svc.version('v2'), plan: CanaryPlan.stages([50, 100]) });
      new CanaryRelease(app, 'b', { service: svc, stable: svc.version('v2'), canary: svc.version('v1'), plan: CanaryPlan.stages([50, 100]) });
    })).toBe(ERRORS + '[c/shop] \'stable\' must be the same version in every CanaryRelease of a service under Linkerd: its Service selects the stable version\'s pods: '
      + 'got \'v1 (a), v2 (b)\'; give every CanaryRelease of the service the same stable version');
  });

  describe('fails when Linkerd cannot express a feature', () => {
    test('fault injection, mirroring, rewrites, CORS and response headers', () => {
      const fault = synthError(app => {
        const svc = shop(l5d(app));
        svc.addRoute({
          action: RouteAction.forward(svc.version('v1')),
          fault: Fault.abort(503, 10),
          mirror: { target: svc.version('v2') },
          rewrite: { uri: '/v2' },
          cors: { allowOrigins: [StringMatch.exact('https://a.example.com')] },
          headers: { response: { set: { 'x-served-by': 'shop' } } },
        });
      });
      expect(fault).toContain("[c/shop/Routing] 'routes[0].fault' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): it has no fault injection: got 'abort'; remove it, or render this chart for MeshProvider.ISTIO");
      expect(fault).toContain("'routes[0].mirror' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): it does not mirror requests: got 'shop'");
      expect(fault).toContain("'routes[0].rewrite' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): its HTTPRoute has no URL rewrite filter: got '/v2'");
      expect(fault).toContain("'routes[0].cors' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): its HTTPRoute has no CORS filter");
      expect(fault).toContain("'routes[0].headers.response' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): its route rules modify request headers only: got 'x-served-by'");
    });
    test('retry conditions Linkerd does not know, and retries that differ between routes', () => {
      expect(synthError(app => {
        const svc = shop(l5d(app));
        svc.addRoute({ match: [HttpMatch.prefix('/a')], action: RouteAction.forward(svc.version('v2')), retries: { attempts: 2, retryOn: [RetryOn.RESET] } });
        svc.addRoute({ action: RouteAction.forward(svc.version('v1')) });
      })).toContain("'routes[0].retries.retryOn' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): Linkerd retries on 5xx or gateway-error: got 'reset'; use RetryOn.FIVE_XX or RetryOn.GATEWAY_ERROR");
      expect(synthError(app => {
        const svc = shop(l5d(app));
        svc.addRoute({ match: [HttpMatch.prefix('/a')], action: RouteAction.forward(svc.version('v2')), retries: { attempts: 2 } });
        svc.addRoute({ action: RouteAction.forward(svc.version('v1')) });
      })).toContain("'routes.retries' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD) per route: Linkerd sets retries on the whole HTTPRoute");
    });
    test('header prefixes, case-insensitive paths, and a multi-port backend without a port', () => {
      const err = synthError(app => {
        const svc = shop(l5d(app), [8080, 9090]);
        svc.addRoute({
          match: [HttpMatch.prefix('/A', { ignoreUriCase: true, headers: [HeaderMatch.prefix('x-user', 'qa')] })],
          action: RouteAction.forward(svc.version('v1'), { port: 8080 }),
        });
        svc.addRoute({ action: RouteAction.forward(svc.version('v1')) });
      });
      expect(err).toContain("'routes[0].match.ignoreUriCase' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): path matches are case-sensitive");
      expect(err).toContain("'routes[0].match.headers' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): header matches are exact or regular expressions: got 'x-user prefix qa'; use HeaderMatch.regex('x-user', '^qa')");
      expect(err).toContain("'routes[1].port' must be given for the Linkerd back-end: service 'shop' exposes several ports");
    });
    test('traffic policies, sticky sessions, revisions and ingress gateways', () => {
      expect(synthError(app => { shop(l5d(app), [8080], { trafficPolicy: { loadBalancer: LoadBalancer.leastRequest() } }); }))
        .toContain("[c/shop] 'trafficPolicy' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): it is an Istio DestinationRule setting (Linkerd balances by latency itself): got 'loadBalancer'");
      expect(errorOf(() => {
        const app = new App();
        const svc = shop(l5d(app));
        new CanaryRelease(app, 'canary', { service: svc, stable: svc.version('v1'), canary: svc.version('v2'), plan: CanaryPlan.stages([50, 100]), stickySessions: LoadBalancer.consistentHashBySourceIp() });
      })).toBe("[canary] 'stickySessions' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): it is a DestinationRule setting: got 'consistentHash'; remove it, or render the service for MeshProvider.ISTIO");
      expect(errorOf(() => new MeshNamespace(l5d(new App()), 'ns', { injection: NamespaceInjection.revision('1-24') })))
        .toBe("[c/ns] 'injection' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): revisions are Istio's: got '1-24'; use NamespaceInjection.enabled() or disabled()");
      expect(errorOf(() => new IngressGateway(l5d(new App()), 'gw', { servers: [{ port: 80, hosts: ['*'] }] }))).toBe(
        "[c/gw] 'mesh' IngressGateway cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): Linkerd has no ingress gateway of its own: got 'linkerd'; "
        + 'put it in a chart for MeshProvider.ISTIO, or route ingress with your ingress controller to the meshed Service');
      expect(errorOf(() => {
        const app = new App();
        const gateway = new IngressGateway(new MeshChart(app, 'istio'), 'gw', { servers: [{ port: 80, hosts: ['*'] }] });
        new IngressGatewayRoute(l5d(app), 'r', { gateway, hosts: ['a.example.com'] });
      })).toMatch(/^\[c\/r\] 'mesh' IngressGatewayRoute cannot be expressed with the Linkerd back-end/);
    });
    test('a route of 17 rules (Linkerd takes 16)', () => {
      expect(synthError(app => {
        const svc = shop(l5d(app));
        for (let i = 0; i < 17; i++) svc.addRoute({ match: i < 16 ? [HttpMatch.exact(`/p${i}`)] : [], action: RouteAction.forward(svc.version('v1')) });
      })).toContain("'routes' must hold at most 16 routes in a Linkerd HTTPRoute (its rules, with those that keep the declared order): got 17; split them");
    });
  });
});

describe('MeshProvider.NONE', () => {
  test('workloads and Services only: no injection, no DestinationRule, no per-version Services', () => {
    const objects = valid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { mesh: MeshProvider.NONE });
      new MeshNamespace(chart, 'ns', { name: 'shop' });
      shop(chart, [8080], { sidecarInjection: SidecarInjection.ENABLED });
    }));
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual(['Namespace/shop', 'Service/shop', 'ServiceAccount/shop', 'Deployment/shop-v1', 'Deployment/shop-v2']);
    expect(only(objects, 'Namespace').metadata).toStrictEqual({ name: 'shop' });
    expect((only(objects, 'Deployment', 'shop-v1').spec as any).template.metadata).toStrictEqual({ labels: { app: 'shop', version: 'v1' } });
  });

  test('fails on routing: it needs a mesh', () => {
    expect(errorOf(() => {
      const svc = shop(new MeshChart(new App(), 'c', { mesh: MeshProvider.NONE }));
      svc.addRoute({ action: RouteAction.forward(svc.version('v1')) });
    })).toBe("[c/shop/Routing] 'mesh' Routing needs a mesh: this chart is rendered for MeshProvider.NONE: got 'none'; render the chart for MeshProvider.ISTIO or LINKERD");
  });
});

describe('timeouts and retries of every request to a service (requestPolicy)', () => {
  test('Linkerd: the Service\'s timeout.linkerd.io and retry.linkerd.io annotations, gRPC retries for a gRPC service', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD });
      new MeshService(chart, 'api', {
        image: 'docker.io/example/api:1',
        ports: [{ port: 8080 }],
        requestPolicy: {
          timeout: Duration.seconds(10),
          responseTimeout: Duration.seconds(5),
          idleTimeout: Duration.minutes(1),
          retries: { attempts: 2, retryOn: [RetryOn.FIVE_XX] },
        },
      });
      new MeshService(chart, 'grpc', { image: 'docker.io/example/grpc:1', ports: [{ port: 9090, protocol: Protocol.GRPC }], requestPolicy: { retries: { attempts: 3 } } });
    });
    expect(only(objects, 'Service', 'api').metadata.annotations).toStrictEqual({
      'timeout.linkerd.io/request': '10s',
      'timeout.linkerd.io/response': '5s',
      'timeout.linkerd.io/idle': '1m',
      'retry.linkerd.io/http': '5xx',
      'retry.linkerd.io/limit': '2',
    });
    expect(only(objects, 'Service', 'grpc').metadata.annotations).toStrictEqual({ 'retry.linkerd.io/grpc': 'cancelled,unavailable', 'retry.linkerd.io/limit': '3' });
  });

  test('bad input: a retry condition Linkerd has not, a request policy under Istio', () => {
    expect(errorOf(() => new MeshService(l5d(new App()), 'api', {
      image: 'docker.io/example/api:1', ports: [{ port: 8080 }], requestPolicy: { retries: { attempts: 2, retryOn: [RetryOn.CONNECT_FAILURE] } },
    }))).toBe('[c/api] \'requestPolicy.retries.retryOn\' cannot be expressed with the Linkerd back-end: it retries requests on 5xx, gateway-error: got \'connect-failure\'; '
      + 'use RetryOn.FIVE_XX or RetryOn.GATEWAY_ERROR');
    expect(errorOf(() => new MeshService(new MeshChart(new App(), 'c'), 'api', {
      image: 'docker.io/example/api:1', ports: [{ port: 8080 }], requestPolicy: { timeout: Duration.seconds(1) },
    }))).toBe('[c/api] \'requestPolicy\' cannot be expressed without Linkerd: Istio and the Gateway API set timeouts and retries on routes: got [\'timeout\']; '
      + 'set timeout and retries on the routes (ServiceRouting), or render this chart for MeshProvider.LINKERD');
  });
});

describe('Linkerd 2.20 reads Gateway API v1.2.1: a newer field is caught at synth', () => {
  test('an escape hatch adding a rule name (not in v1.2.1) to a Linkerd route fails synth, naming the field and the release', () => {
    const err = synthError(app => {
      const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop' });
      const svc = shop(chart);
      const routing = new ServiceRouting(chart, 'r', { service: svc, routes: [{ action: RouteAction.forward(svc.version('v1')) }] });
      ApiObject.of(routing.resource).addJsonPatch(JsonPatch.add('/spec/rules/0/name', 'all-v1'));
    }, outdir => new MeshApp({ outdir }));
    expect(err).toContain('[IST0106] HTTPRoute \'shop\' does not match its schema (Gateway API v1.2.1, which Linkerd 2.20 reads: it ignores a route with a field newer than '
      + 'the Gateway API installed): spec.rules[0].name: \'name\' is not a field of the schema here: got \'all-v1\'; remove the field \'name\', or move it to where the schema has it');
  });

  test('the same route name is valid where the pinned Gateway API (v1.6.0) is read: Istio\'s Gateway API back-end', () => {
    const files = synthFiles(app => {
      const chart = new MeshChart(app, 'c', { trafficApi: TrafficApi.GATEWAY_API, namespace: 'shop' });
      const svc = shop(chart);
      new ServiceRouting(chart, 'r', { service: svc, routes: [{ name: 'all-v1', action: RouteAction.forward(svc.version('v1')) }] });
    }, outdir => new MeshApp({ outdir }));
    expect(files.get('c.k8s.yaml')).toContain('name: all-v1');
  });
});
