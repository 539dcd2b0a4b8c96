/**
 * Stand-ins for engines other engineers own, used by the ambient, Linkerd and policy tests only where those engines
 * still answer with their foundation stubs: `routeOnService` (GAMMA routes, the Gateway API engine) and
 * `routeFromSidecar` (the Istio engine). Each test file delegates to the real engine first and falls back to these
 * only when the real one has not landed (the stub answers `undefined` / `undecided`), so the tests exercise the real
 * engines as soon as they exist. They implement only what the tests need: weighted backendRefs, path/header/method
 * matches, GRPCRoute methods, a rule's request timeout; a sidecar call to a Service's pods.
 */
import { spreadOverVersions, mergeDestinations, roundWeight } from '../../lib/dataplane/destinations';
import { defaultServicePort } from '../../lib/dataplane/kubernetes';
import { routesAttached } from '../../lib/dataplane/linkerd/service-routes';
import { compareScores, ruleScore } from '../../lib/dataplane/policy/route-match';
import { NormalizedRequest } from '../../lib/dataplane/request';
import { RouteDecision, nothingRouted, outcomeOf } from '../../lib/dataplane/result';
import { TrafficResult } from '../../lib/dataplane/types';
import { ServiceInfo, WorkloadInfo, World } from '../../lib/dataplane/world';

const isObj = (v: unknown): v is { [k: string]: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** GAMMA routing, as far as the tests need it. */
export function fixtureRouteOnService(world: World, service: ServiceInfo, port: number, req: NormalizedRequest): RouteDecision | undefined {
  const http = req.protocol === 'http' || req.protocol === 'http2' || req.protocol === 'grpc';
  const kinds = req.protocol === 'grpc' ? ['GRPCRoute', 'HTTPRoute'] : http ? ['HTTPRoute'] : req.protocol === 'tls' ? ['TLSRoute'] : ['TCPRoute'];
  const attached = routesAttached(world, service, port).filter(r => kinds.includes(r.route.kind)).sort((a, b) => a.route.index - b.route.index);
  if (attached.length === 0) return undefined;
  let best: { route: typeof attached[number]['route']; rule: number; match?: number; score: readonly number[] } | undefined;
  for (const { route } of attached) {
    const rules = isObj(route.manifest.spec) && Array.isArray(route.manifest.spec.rules) ? route.manifest.spec.rules : [];
    rules.forEach((rule, i) => {
      const s = http ? ruleScore(isObj(rule) ? rule.matches : undefined, req, route.kind === 'GRPCRoute') : { score: [0] as readonly number[], match: undefined };
      if (s && (!best || compareScores(s.score, best.score) > 0)) best = { route, rule: i, match: s.match, score: s.score };
    });
  }
  if (!best) return { ...nothingRouted('gateway-api', 'no-route', `no rule of ${attached.map(r => r.route.name).join(', ')} matches`, { status: 404 }) };
  const chosen: { route: typeof attached[number]['route']; rule: number; match?: number } = best;
  const rule = (chosen.route.manifest.spec as { rules: Array<{ [k: string]: unknown }> }).rules[chosen.rule];
  const refs = (Array.isArray(rule.backendRefs) ? rule.backendRefs : []).filter(isObj);
  const total = refs.reduce((n, r) => n + (typeof r.weight === 'number' ? r.weight : 1), 0);
  const destinations = mergeDestinations(refs.flatMap(r => {
    const svc = world.service(typeof r.namespace === 'string' ? r.namespace : chosen.route.namespace, String(r.name));
    const weight = roundWeight(100 * (typeof r.weight === 'number' ? r.weight : 1) / total);
    return svc ? spreadOverVersions(world, { service: svc, port: typeof r.port === 'number' ? r.port : port, weight }) : [];
  }));
  const timeout = isObj(rule.timeouts) && typeof rule.timeouts.request === 'string' ? rule.timeouts.request : undefined;
  return {
    ...outcomeOf(destinations, http),
    reason: `${chosen.route.kind} ${chosen.route.namespace}/${chosen.route.name} rule ${chosen.rule} takes it`,
    route: {
      kind: chosen.route.kind,
      namespace: chosen.route.namespace,
      name: chosen.route.name,
      rule: chosen.rule,
      ...(chosen.match !== undefined ? { match: chosen.match } : {}),
    },
    destinations,
    redirect: null,
    requestHeaders: http ? { ...req.headers, host: req.host ?? service.fqdn } : null,
    ...(http ? { upstreamRequest: { path: req.pathAndQuery, host: req.host ?? service.fqdn, method: req.method } } : {}),
    filters: timeout ? { timeout } : {},
    notes: [],
  };
}

/** A sidecar's call to a Service's pods (no VirtualService), as far as the tests need it. */
export function fixtureRouteFromSidecar(world: World, caller: WorkloadInfo, req: NormalizedRequest): TrafficResult {
  const service = world.serviceForHost(req.host!, caller.namespace)!;
  const port = defaultServicePort(service, req.port);
  const destinations = spreadOverVersions(world, { service, port, weight: 100 });
  const http = req.protocol !== 'tcp' && req.protocol !== 'tls';
  return {
    ...outcomeOf(destinations, http),
    reason: 'fixture: the Service\'s pods',
    dataPlane: 'istio-sidecar',
    route: null,
    destinations,
    redirect: null,
    requestHeaders: http ? { ...req.headers, host: req.host! } : null,
    ...(http ? { upstreamRequest: { path: req.pathAndQuery, host: req.host!, method: req.method } } : {}),
    filters: {},
    hops: [],
    notes: [],
  };
}
