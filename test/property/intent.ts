/**
 * "Intent equals behaviour": random apps built through the public API, each with the requests its intent names and the
 * outcome the intent promises, computed here from the declaration alone (routes in the order added, first match wins,
 * a weighted split per route, the service's rules at the gateway too, only named callers allowed). The data-plane model
 * then says what the rendered objects do; the property is that the two agree.
 */
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AuthorizedClient, CanaryPlan, CanaryRelease, DataPlane, HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, MeshChart, MeshNamespace,
  MeshProvider, MeshService, RouteAction, ServiceAuthorization, ServiceRouting, TrafficApi, TrafficExpectation, TrafficRequest, Waypoint,
} from '../../lib';

/** The back-ends an intent is rendered for. */
export type Backend = 'istio' | 'gateway-api' | 'ambient' | 'linkerd';
export const BACKENDS: readonly Backend[] = ['istio', 'gateway-api', 'ambient', 'linkerd'];

export interface IntentMatch {
  /** `prefix`: HttpMatch.prefix (each API's own prefix); `pathPrefix`: HttpMatch.pathPrefix (by path element everywhere). */
  readonly kind: 'prefix' | 'pathPrefix' | 'exact' | 'header';
  readonly value: string;
}

export interface IntentRoute {
  /** Undefined: every request (the last route). */
  readonly match?: IntentMatch;
  /** Version index and weight; weights add to 100. */
  readonly split: ReadonlyArray<{ readonly version: number; readonly weight: number }>;
}

export interface IntentService {
  readonly name: string;
  readonly port: number;
  readonly versions: readonly string[];
  readonly replicas: readonly number[];
  /** Routes in the order added (the last one without a match); none: the Service's pods, by replicas. */
  readonly routes: readonly IntentRoute[];
}

export interface IntentCfg {
  readonly backend: Backend;
  readonly services: readonly IntentService[];
  /** A gateway route forwarding every request of its host to one service (not under Linkerd). */
  readonly gateway?: { readonly service: number };
  /** A canary of one service without routes of its own, v1 → v2, and the stage applied (undefined: the base alone). */
  readonly canary?: { readonly service: number; readonly stages: readonly number[]; readonly applied?: number };
  /** Only the first caller may call this service. */
  readonly authz?: { readonly service: number };
}

const NAMES = ['web', 'api', 'cart'];
const PATHS = ['/', '/api', '/api/x', '/apis', '/login', '/login/x', '/health', '/v2/', '/v2/x', '/static', '/static/a.css'];
const USERS = ['jason', 'beta', 'qa'];
export const NAMESPACE = 'shop';
export const GATEWAY_HOST = 'shop.example.com';
/** The callers: both meshed, in the app's namespace; only the first is authorized where a service asks. */
export const CALLERS = ['client', 'other'];

const weights = (n: number) => fc.array(fc.integer({ min: 0, max: 100 }), { minLength: n - 1, maxLength: n - 1 }).map(cuts => {
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), 100];
  return bounds.slice(1).map((b, i) => b - bounds[i]);
});

const matchArb: fc.Arbitrary<IntentMatch> = fc.oneof(
  fc.record({ kind: fc.constant('prefix' as const), value: fc.constantFrom('/api', '/v2/', '/static', '/login') }),
  fc.record({ kind: fc.constant('pathPrefix' as const), value: fc.constantFrom('/api', '/v2/', '/static', '/login', '/') }),
  fc.record({ kind: fc.constant('exact' as const), value: fc.constantFrom('/', '/login', '/health', '/api') }),
  fc.record({ kind: fc.constant('header' as const), value: fc.constantFrom(...USERS) }),
);

const routeArb = (versions: number, last: boolean): fc.Arbitrary<IntentRoute> => fc.record({
  ...(last ? {} : { match: matchArb }),
  split: fc.integer({ min: 1, max: versions })
    .chain(n => fc.tuple(fc.shuffledSubarray([...Array(versions).keys()], { minLength: n, maxLength: n }), weights(n)))
    .map(([vs, ws]) => vs.map((version, i) => ({ version, weight: ws[i] }))),
}) as fc.Arbitrary<IntentRoute>;

const serviceArb = (name: string): fc.Arbitrary<IntentService> => fc.integer({ min: 1, max: 3 }).chain(n => fc.record({
  name: fc.constant(name),
  port: fc.constantFrom(80, 8080, 9080),
  versions: fc.constant(['v1', 'v2', 'v3'].slice(0, n)),
  replicas: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n }),
  routes: fc.oneof(
    fc.constant([] as IntentRoute[]),
    fc.integer({ min: 1, max: 3 }).chain(k => fc.tuple(...[...Array(k).keys()].map(i => routeArb(n, i === k - 1)))),
  ),
}));

/** A random intent. */
export const intentArb: fc.Arbitrary<IntentCfg> = fc.tuple(fc.constantFrom(...BACKENDS), fc.integer({ min: 1, max: 3 }))
  .chain(([backend, n]) => fc.tuple(fc.constant(backend), fc.tuple(...NAMES.slice(0, n).map(serviceArb))))
  .chain(([backend, services]) => {
    const idx = fc.integer({ min: 0, max: services.length - 1 });
    const canaryable = services.map((_, i) => i).filter(i => services[i].versions.length >= 2 && services[i].routes.length === 0);
    return fc.record({
      backend: fc.constant(backend),
      services: fc.constant(services),
      gateway: backend === 'linkerd' ? fc.constant(undefined) : fc.option(fc.record({ service: idx }), { nil: undefined }),
      canary: canaryable.length === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...canaryable).chain(s =>
        fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 2 }).chain(st => {
          const stages = [...[...st].sort((a, b) => a - b), 100];
          const applied = fc.option(fc.constantFrom(...stages), { nil: undefined });
          return fc.record({ service: fc.constant(s), stages: fc.constant(stages), applied });
        })), { nil: undefined }),
      authz: fc.option(fc.record({ service: idx }), { nil: undefined }),
    }, { requiredKeys: ['backend', 'services'] }) as fc.Arbitrary<IntentCfg>;
  });

const IMAGE = 'registry.example.com/app:1.0.0';

/** The file names of the charts applied together for this intent (the base, and the canary stage applied). */
export function appliedFiles(cfg: IntentCfg): string[] {
  const files = ['mesh'];
  if (cfg.canary?.applied !== undefined) files.push(`${cfg.services[cfg.canary.service].name}-canary.stage-${cfg.canary.applied}`);
  return files;
}

/** Builds the intent with the library's constructs. */
export function buildIntent(app: App, cfg: IntentCfg): void {
  const chart = new MeshChart(app, 'mesh', {
    fileName: 'mesh',
    namespace: NAMESPACE,
    ...(cfg.backend === 'linkerd' ? { mesh: MeshProvider.LINKERD } : {}),
    ...(cfg.backend === 'gateway-api' ? { trafficApi: TrafficApi.GATEWAY_API } : {}),
    ...(cfg.backend === 'ambient' ? { dataPlane: DataPlane.AMBIENT } : {}),
  });
  const namespace = new MeshNamespace(chart, 'ns', { name: NAMESPACE });
  const waypoint = cfg.backend === 'ambient' ? new Waypoint(chart, 'waypoint', { name: 'waypoint', namespace }) : undefined;
  const callers = CALLERS.map(name => new MeshService(chart, name, { namespace, ports: [{ port: 80 }], image: `${IMAGE}-${name}` }));
  const services = cfg.services.map(s => {
    const svc = new MeshService(chart, s.name, { namespace, ports: [{ port: s.port }], ...(waypoint ? { waypoint } : {}) });
    s.versions.forEach((v, i) => svc.addVersion(v, { image: `${IMAGE}-${v}`, replicas: s.replicas[i] }));
    return svc;
  });
  cfg.services.forEach((s, i) => {
    if (s.routes.length === 0) return;
    const svc = services[i];
    new ServiceRouting(chart, `${s.name}-routing`, {
      service: svc,
      routes: s.routes.map((r, k) => ({
        name: `r${k}`,
        match: r.match === undefined ? undefined : [
          r.match.kind === 'prefix' ? HttpMatch.prefix(r.match.value)
            : r.match.kind === 'pathPrefix' ? HttpMatch.pathPrefix(r.match.value)
              : r.match.kind === 'exact' ? HttpMatch.exact(r.match.value)
                : HttpMatch.headers(HeaderMatch.exact('x-user', r.match.value)),
        ],
        action: RouteAction.weightedForward(r.split.map(t => ({ target: svc.version(s.versions[t.version]), weight: t.weight }))),
      })),
    });
  });
  if (cfg.gateway) {
    const gateway = new IngressGateway(chart, 'gateway', { namespace, servers: [{ port: 80, hosts: [GATEWAY_HOST] }] });
    const route = new IngressGatewayRoute(chart, 'ingress', { namespace, gateway, hosts: [GATEWAY_HOST] });
    route.addRoute({ action: RouteAction.forward(services[cfg.gateway.service], { port: cfg.services[cfg.gateway.service].port }) });
  }
  if (cfg.canary) {
    const svc = services[cfg.canary.service];
    new CanaryRelease(app, `${svc.name}-canary`, { service: svc, stable: svc.version('v1'), canary: svc.version('v2'), plan: CanaryPlan.stages([...cfg.canary.stages]) });
  }
  if (cfg.authz) {
    new ServiceAuthorization(chart, 'authz', { service: services[cfg.authz.service], allowFrom: [AuthorizedClient.service(callers[0])] });
  }
}

/** A request the intent has something to say about. */
export interface IntentProbe {
  readonly what: string;
  readonly request: TrafficRequest;
  readonly expect: TrafficExpectation;
}

/** Whether `path` is `prefix` or under it, element by element (a trailing `/` of the prefix ignored). */
const underPrefix = (path: string, prefix: string) => {
  const p = prefix.replace(/\/+$/, '');
  return p === '' || path === p || path.startsWith(`${p}/`);
};

/**
 * The first route of a service whose match takes a request, by the declaration: routes in the order added, first match
 * wins. `HttpMatch.prefix` is each API's prefix, as documented: character by character in Istio's API, by path element
 * in the Gateway API's (the Gateway API and ambient back-ends, Linkerd).
 */
function routeFor(cfg: IntentCfg, s: IntentService, path: string, user: string | undefined): IntentRoute | undefined {
  const bySegment = cfg.backend !== 'istio';
  return s.routes.find(r => r.match === undefined
    || (r.match.kind === 'prefix' && (bySegment ? underPrefix(path, r.match.value) : path.startsWith(r.match.value)))
    || (r.match.kind === 'pathPrefix' && underPrefix(path, r.match.value))
    || (r.match.kind === 'exact' && path === r.match.value)
    || (r.match.kind === 'header' && user === r.match.value));
}

/** The share per version the intent gives a request to a service (before any canary stage). */
function versionsFor(cfg: IntentCfg, s: IntentService, path: string, user: string | undefined): { [v: string]: number } | undefined {
  if (s.routes.length === 0) {
    const total = s.replicas.reduce((a, b) => a + b, 0);
    return Object.fromEntries(s.versions.map((v, i) => [v, Math.round((100 * s.replicas[i] / total) * 1000) / 1000]));
  }
  const route = routeFor(cfg, s, path, user);
  if (!route) return undefined;
  const out: { [v: string]: number } = {};
  for (const t of route.split) if (t.weight > 0) out[s.versions[t.version]] = (out[s.versions[t.version]] ?? 0) + t.weight;
  return out;
}

/** The requests to check, each with what the intent says about it. */
export function probesOf(cfg: IntentCfg, pick: { readonly path: number; readonly user: number }): IntentProbe[] {
  const path = PATHS[pick.path % PATHS.length];
  const user = pick.user % (USERS.length + 1) === USERS.length ? undefined : USERS[pick.user % (USERS.length + 1)];
  const headers = user !== undefined ? { 'x-user': user } : undefined;
  const probes: IntentProbe[] = [];
  cfg.services.forEach((s, i) => {
    let versions = versionsFor(cfg, s, path, user);
    if (cfg.canary?.service === i) {
      // the base alone sends every request to the stable version; a stage applied, its weights
      const w = cfg.canary.applied ?? 0;
      versions = Object.fromEntries(Object.entries({ v1: 100 - w, v2: w }).filter(([, x]) => x > 0));
    }
    const denied = cfg.authz?.service === i;
    for (const caller of CALLERS) {
      const request = { from: `${NAMESPACE}/${caller}`, host: s.name, port: s.port, path, ...(headers ? { headers } : {}) };
      const refused = denied && caller !== CALLERS[0];
      probes.push({
        what: `${caller} → ${s.name}${path}${user ? ` (x-user: ${user})` : ''}`,
        request,
        expect: refused ? { outcome: 'denied' } : versions ? { outcome: 'routed', versions } : { outcome: 'no-route' },
      });
    }
    if (cfg.gateway?.service === i && !denied) {
      probes.push({
        what: `gateway → ${s.name}${path}${user ? ` (x-user: ${user})` : ''}`,
        request: { gateway: `${NAMESPACE}/gateway`, host: GATEWAY_HOST, port: 80, path, ...(headers ? { headers } : {}) },
        expect: versions ? { outcome: 'routed', versions } : { outcome: 'no-route' },
      });
    }
  });
  return probes;
}
