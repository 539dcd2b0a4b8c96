/**
 * Generated mesh configurations for the property tests: a plain description (what fast-check
 * shrinks and prints) and the program that builds it with the library's constructs.
 */
import { ApiObject, App, Duration, JsonPatch } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AuthorizationAction, AuthorizationPolicy, CanaryPlan, CanaryRelease, HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, MeshChart,
  MeshNamespace, MeshService, PeerAuthentication, Protocol, RequestSource, RouteAction, ServiceRouting, TrafficApi, WorkloadSelector,
} from '../../lib';

export interface ServiceCfg {
  readonly name: string;
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: 'http' | 'grpc' | 'http2' }>;
  readonly versions: readonly string[];
  readonly replicas: number;
}

export interface RouteCfg {
  readonly match?: { readonly kind: 'prefix' | 'exact' | 'header'; readonly value: string };
  /** Version index and weight; weights add to 100. */
  readonly split: ReadonlyArray<{ readonly version: number; readonly weight: number }>;
  readonly timeoutMs?: number;
  readonly attempts?: number;
}

export interface MeshCfg {
  readonly api: 'istio' | 'gateway-api';
  readonly createNamespace: boolean;
  readonly services: readonly ServiceCfg[];
  /** Routes of a service (by index); the last route of each has no match. */
  readonly routing: ReadonlyArray<{ readonly service: number; readonly routes: readonly RouteCfg[] }>;
  readonly canary?: { readonly service: number; readonly stages: readonly number[] };
  readonly gateway?: { readonly hosts: readonly string[]; readonly service: number };
  readonly authz?: { readonly target: number; readonly from: number; readonly methods: readonly string[] };
  readonly peerAuthentication: boolean;
}

const NAMES = ['web', 'api', 'cart', 'ratings', 'search'];
const PORTS = [80, 8080, 9080, 9090, 3000];

/** Weights of `n` targets adding to 100. */
const weights = (n: number) => fc.array(fc.integer({ min: 0, max: 100 }), { minLength: n - 1, maxLength: n - 1 }).map(cuts => {
  const sorted = [...cuts].sort((a, b) => a - b);
  const bounds = [0, ...sorted, 100];
  return bounds.slice(1).map((b, i) => b - bounds[i]);
});

const service = (name: string) => fc.record({
  name: fc.constant(name),
  ports: fc.uniqueArray(fc.constantFrom(...PORTS), { minLength: 1, maxLength: 2 }).chain(ports =>
    fc.tuple(...ports.map(p => fc.record({ port: fc.constant(p), protocol: fc.constantFrom('http' as const, 'grpc' as const, 'http2' as const) })))),
  versions: fc.integer({ min: 1, max: 3 }).map(n => ['v1', 'v2', 'v3'].slice(0, n)),
  replicas: fc.integer({ min: 1, max: 3 }),
});

const routeOf = (versions: number, last: boolean): fc.Arbitrary<RouteCfg> => fc.record({
  match: last ? fc.constant(undefined) : fc.oneof(
    fc.record({ kind: fc.constant('prefix' as const), value: fc.constantFrom('/api', '/v2/', '/static') }),
    fc.record({ kind: fc.constant('exact' as const), value: fc.constantFrom('/', '/login', '/health') }),
    fc.record({ kind: fc.constant('header' as const), value: fc.constantFrom('jason', 'beta', 'qa') }),
  ),
  split: fc.integer({ min: 1, max: versions })
    .chain(n => fc.tuple(fc.shuffledSubarray([...Array(versions).keys()], { minLength: n, maxLength: n }), weights(n)))
    .map(([vs, ws]) => vs.map((version, i) => ({ version, weight: ws[i] }))),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 30_000 }), { nil: undefined }),
  attempts: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
}, { requiredKeys: last ? ['split'] : ['split', 'match'] });

/** Valid configurations: every one must synthesize, schema-valid, with no error or warning of the analysis. */
export const validMesh: fc.Arbitrary<MeshCfg> = fc.integer({ min: 1, max: 3 })
  .chain(n => fc.tuple(...NAMES.slice(0, n).map(service)))
  .chain(services => {
    const idx = fc.integer({ min: 0, max: services.length - 1 });
    // a second route with the same match is never used (Istio's IST0130): valid meshes have distinct matches
    const distinctMatches = (routes: RouteCfg[]) => routes.filter((r, i) => r.match === undefined
      || routes.findIndex(o => JSON.stringify(o.match) === JSON.stringify(r.match)) === i);
    const routesOf = (s: number) => fc.integer({ min: 1, max: 3 })
      .chain(k => fc.tuple(...[...Array(k).keys()].map(i => routeOf(services[s].versions.length, i === k - 1))))
      .map(distinctMatches);
    return fc.record({
      api: fc.constantFrom('istio' as const, 'gateway-api' as const),
      createNamespace: fc.boolean(),
      services: fc.constant(services),
      routing: fc.uniqueArray(idx, { maxLength: services.length })
        .chain(ss => fc.tuple(...ss.map(s => routesOf(s).map(routes => ({ service: s, routes }))))),
      canary: fc.option(idx.chain(s => fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 3 })
        .map(st => ({ service: s, stages: [...[...st].sort((a, b) => a - b), 100] }))), { nil: undefined }),
      gateway: fc.option(fc.record({ hosts: fc.uniqueArray(fc.constantFrom('shop.example.com', 'api.example.com', 'm.example.com'), { minLength: 1, maxLength: 2 }), service: idx }),
        { nil: undefined }),
      authz: fc.option(fc.record({ target: idx, from: idx, methods: fc.subarray(['GET', 'POST', 'DELETE']) }), { nil: undefined }),
      peerAuthentication: fc.boolean(),
    }, { requiredKeys: ['api', 'createNamespace', 'services', 'routing', 'peerAuthentication'] });
  })
  // a canary needs two versions of a service without routes of its own
  .map(c => {
    const canaryOk = !c.canary || (c.services[c.canary.service].versions.length >= 2 && !c.routing.some(r => r.service === c.canary!.service));
    return canaryOk ? c : { ...c, canary: undefined };
  });

/** One mistake a user can make, applied to a valid configuration. */
export type Mistake =
  | 'weights-not-100' | 'unknown-version' | 'duplicate-service' | 'port-out-of-range' | 'unpinned-image' | 'host-not-served'
  | 'upper-case-header' | 'canary-same-version' | 'gateway-route-without-routes' | 'deny-without-rules' | 'escape-hatch-subset';

export const MISTAKES: readonly Mistake[] = [
  'weights-not-100', 'unknown-version', 'duplicate-service', 'port-out-of-range', 'unpinned-image', 'host-not-served',
  'upper-case-header', 'canary-same-version', 'gateway-route-without-routes', 'deny-without-rules', 'escape-hatch-subset',
];

/** Whether a mistake can be made in a configuration (an escape-hatch patch needs a VirtualService to patch). */
export function applicable(cfg: MeshCfg, mistake: Mistake): boolean {
  if (mistake === 'escape-hatch-subset') return cfg.api === 'istio' && cfg.routing.length > 0;
  // weights are percentages under Istio's API only (the Gateway API reads proportions), and a split needs two destinations
  if (mistake === 'weights-not-100') return cfg.api === 'istio' && cfg.routing.some(r => r.routes.some(rt => rt.split.length > 1));
  if (mistake === 'unknown-version') return cfg.routing.length > 0;
  if (mistake === 'upper-case-header') return cfg.routing.some(r => r.routes.some(rt => rt.match?.kind === 'header'));
  return true;
}

const IMAGE = 'registry.example.com/app:1.0.0';

/** Builds the configuration (with at most one mistake) into `app`. */
export function build(app: App, cfg: MeshCfg, mistake?: Mistake): void {
  const chart = new MeshChart(app, 'mesh', { namespace: 'shop', trafficApi: cfg.api === 'istio' ? TrafficApi.ISTIO : TrafficApi.GATEWAY_API });
  if (cfg.createNamespace) new MeshNamespace(chart, 'ns', { name: 'shop' });
  const services = cfg.services.map((s, i) => {
    const svc = new MeshService(chart, s.name, {
      ports: s.ports.map((p, j) => ({
        port: mistake === 'port-out-of-range' && i === 0 && j === 0 ? 70_000 : p.port,
        protocol: p.protocol as Protocol,
        name: s.ports.length > 1 ? `${p.protocol}-${p.port}` : undefined,
      })),
      replicas: s.replicas,
    });
    s.versions.forEach(v => svc.addVersion(v, { image: mistake === 'unpinned-image' && i === 0 ? 'registry.example.com/app' : `${IMAGE}-${v}` }));
    return svc;
  });
  if (mistake === 'duplicate-service') new MeshService(chart, `${cfg.services[0].name}-again`, { name: cfg.services[0].name, ports: [{ port: 80 }] });
  const portOf = (i: number) => (cfg.services[i].ports.length > 1 ? cfg.services[i].ports[0].port : undefined);
  for (const r of cfg.routing) {
    const svc = services[r.service];
    const versions = cfg.services[r.service].versions;
    const routing = new ServiceRouting(chart, `${svc.name}-routing`, {
      service: svc,
      // the generated routes use paths, timeouts and retries: an HTTPRoute for gRPC services as well (a GRPCRoute has none)
      grpcRoute: false,
      routes: r.routes.map((rt, k) => ({
        name: `r${k}`,
        match: rt.match === undefined ? undefined : [
          rt.match.kind === 'prefix' ? HttpMatch.prefix(rt.match.value)
            : rt.match.kind === 'exact' ? HttpMatch.exact(rt.match.value)
              : HttpMatch.headers(HeaderMatch.exact(mistake === 'upper-case-header' ? 'X-User' : 'x-user', rt.match.value)),
        ],
        action: RouteAction.weightedForward(rt.split.map((t, j) => ({
          target: svc.version(mistake === 'unknown-version' ? 'v9' : versions[t.version]),
          weight: mistake === 'weights-not-100' && j === 0 && rt.split.length > 1 ? t.weight + 1 : t.weight,
        })), { port: portOf(r.service) }),
        timeout: rt.timeoutMs !== undefined ? Duration.millis(rt.timeoutMs) : undefined,
        retries: rt.attempts !== undefined ? { attempts: rt.attempts } : undefined,
      })),
    });
    if (mistake === 'escape-hatch-subset' && cfg.api === 'istio') {
      ApiObject.of(routing.resource).addJsonPatch(JsonPatch.replace('/spec/http/0/route/0/destination/subset', 'v9'));
    }
  }
  if (cfg.canary) {
    const c = cfg.canary;
    const svc = services[c.service];
    new CanaryRelease(app, `${svc.name}-canary`, {
      service: svc, stable: svc.version('v1'), canary: svc.version(mistake === 'canary-same-version' ? 'v1' : 'v2'), plan: CanaryPlan.stages([...c.stages]), port: portOf(c.service),
    });
  } else if (mistake === 'canary-same-version') {
    new CanaryRelease(app, 'canary', { service: services[0], stable: services[0].version('v1'), canary: services[0].version('v1'), plan: CanaryPlan.stages([50]) });
  }
  if (cfg.gateway || mistake === 'host-not-served' || mistake === 'gateway-route-without-routes') {
    const g = cfg.gateway ?? { hosts: ['shop.example.com'], service: 0 };
    const gateway = new IngressGateway(chart, 'gateway', { servers: [{ port: 80, hosts: [...g.hosts] }] });
    const route = new IngressGatewayRoute(chart, 'ingress', { gateway, hosts: [mistake === 'host-not-served' ? 'other.example.org' : g.hosts[0]] });
    if (mistake !== 'gateway-route-without-routes') route.addRoute({ action: RouteAction.forward(services[g.service], { port: portOf(g.service) ?? cfg.services[g.service].ports[0].port }) });
  }
  if (cfg.authz) {
    const { target, from, methods } = cfg.authz;
    new AuthorizationPolicy(chart, 'authz', {
      workload: WorkloadSelector.service(services[target]),
      rules: [{ from: [RequestSource.service(services[from])], ...(methods.length > 0 ? { to: [{ methods: [...methods] }] } : {}) }],
    });
  }
  if (mistake === 'deny-without-rules') new AuthorizationPolicy(chart, 'deny', { action: AuthorizationAction.DENY });
  if (cfg.peerAuthentication) new PeerAuthentication(chart, 'mtls');
}
