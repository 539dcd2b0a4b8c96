import { LinkerdRetry, LinkerdTimeouts, parseFailureAccrual, parseRetry, parseTimeouts, showDuration } from './annotations';
import { egressFor } from './egress';
import { linkerdPortProtocol, linkerdRouteKind } from './protocol';
import { describeRoutes, routesAttached } from './service-routes';
import { rejectedAnnotations, withoutRoutes } from './view';
import { strMap } from '../../analysis/context';
import { spreadOverVersions } from '../destinations';
import { routeOnService } from '../gateway-api';
import { defaultServicePort } from '../kubernetes';
import { parsePortSet, podSetting } from '../policy/linkerd-authz';
import { isHttpRequest } from '../policy/protocol';
import { NormalizedRequest } from '../request';
import { RouteDecision, nothingRouted, outcomeOf } from '../result';
import { TrafficFilters, TrafficHop, TrafficResult } from '../types';
import { ServiceInfo, WorkloadInfo, World } from '../world';

/**
 * Linkerd, from a meshed workload: its proxy asks the policy controller for the Service's outbound policy — the port's
 * protocol (opaque ports get no HTTP routing), the routes attached to the Service (Gateway API HTTPRoute and GRPCRoute,
 * Linkerd's own HTTPRoute, TLSRoute, TCPRoute), retries and timeouts from `retry.linkerd.io/*` and `timeout.linkerd.io/*`
 * annotations (the route's, else the Service's), failure accrual from `balancer.linkerd.io/*` — and balances requests
 * over the chosen backends' pods (linkerd2 `policy-controller/k8s/index/src/outbound/index.rs`,
 * `policy-controller/grpc/src/outbound.rs`).
 */

const pctOf = (ds: TrafficResult['destinations']) => ds.map(d => `${d.service.split('/')[1] ?? d.service}${d.version ? ` ${d.version}` : ''} ${d.weight}%`).join(', ');

/** Retries and the request timeout as filters (`retryOn`: the conditions as written). */
function linkerdFilters(retry: LinkerdRetry | undefined, timeouts: LinkerdTimeouts): TrafficFilters {
  return {
    ...(timeouts.request !== undefined ? { timeout: showDuration(timeouts.request) } : {}),
    ...(retry ? { retries: { attempts: retry.limit, ...(retry.timeout !== undefined ? { perTryTimeout: showDuration(retry.timeout) } : {}), ...(retry.conditions ? { retryOn: retry.conditions.join(',') } : {}) } } : {}),
  };
}

/** The Service's own retry and timeout annotations (invalid ones are ignored by the controller, with a warning). */
function serviceDefaults(service: ServiceInfo, grpc: boolean, notes: string[]): { retry?: LinkerdRetry; timeouts: LinkerdTimeouts } {
  const t = parseTimeouts(service.annotations);
  const r = parseRetry(service.annotations, grpc);
  if (!t.ok) notes.push(`Linkerd ignores the Service's timeouts: ${t.error}`);
  if (!r.ok) notes.push(`Linkerd ignores the Service's retries: ${r.error}`);
  return { ...(r.ok && r.value ? { retry: r.value } : {}), timeouts: t.ok ? t.value : {} };
}

/**
 * A route's retries and timeouts (`outbound/index/http.rs` `convert_rule`, `grpc/src/outbound/http.rs`): the route's
 * annotations; the request timeout else from the rule's `timeouts.request`; the Service's when the route sets none.
 */
function routeFilters(world: World, decision: RouteDecision, service: ServiceInfo, grpc: boolean, notes: string[]): TrafficFilters {
  const r0 = decision.route;
  const route = r0 ? world.get('gateway.networking.k8s.io', r0.kind, r0.namespace, r0.name) ?? world.get('policy.linkerd.io', r0.kind, r0.namespace, r0.name) : undefined;
  const a = route ? strMap(route.manifest.metadata.annotations) : {};
  const t = parseTimeouts(a);
  const r = parseRetry(a, grpc);
  let timeouts: LinkerdTimeouts = t.ok ? t.value : {};
  if (timeouts.request === undefined && decision.filters.timeout !== undefined) {
    const ms = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(decision.filters.timeout);
    if (ms && Number(ms[1]) > 0) timeouts = { ...timeouts, request: Math.round(Number(ms[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[ms[2] as 'ms']) };
  }
  let retry = r.ok ? r.value : undefined;
  const defaults = serviceDefaults(service, grpc, notes);
  if (timeouts.request === undefined && timeouts.response === undefined && timeouts.idle === undefined) timeouts = defaults.timeouts;
  retry ??= defaults.retry;
  if (decision.filters.retries && !retry) notes.push('Linkerd reads retries from retry.linkerd.io annotations only: the route\'s retry field is ignored');
  const { timeout: _t, retries: _r, ...rest } = decision.filters;
  return { ...rest, ...linkerdFilters(retry, timeouts) };
}

/** A call from a workload with a Linkerd proxy. */
export function routeFromLinkerdProxy(world: World, caller: WorkloadInfo, req: NormalizedRequest): TrafficResult {
  const host = req.host!;
  const http = isHttpRequest(req);
  const hop = (decision: string): TrafficHop => ({ at: 'linkerd-proxy', name: caller.key, decision });
  const service = world.serviceForHost(host, caller.namespace);
  const passthrough = (destination: string, port: number, reason: string, decision: string, notes: string[] = []): TrafficResult => {
    const destinations = [{ service: destination, port, workloads: [], weight: 100 }];
    return {
      ...outcomeOf(destinations, http),
      reason,
      dataPlane: 'linkerd',
      route: null,
      destinations,
      redirect: null,
      requestHeaders: http ? { ...req.headers, host } : null,
      ...(http ? { upstreamRequest: { path: req.pathAndQuery, host, method: req.method } } : {}),
      filters: {},
      hops: [hop(decision)],
      notes,
    };
  };
  const skipped = parsePortSet(podSetting(world, caller, 'config.linkerd.io/skip-outbound-ports'));
  if (!service) {
    const port = req.port ?? (req.protocol === 'tls' ? 443 : 80);
    const egress = skipped?.has(port) ? undefined : egressFor(world, caller.namespace, req, port);
    if (!egress) return passthrough(host, port, `'${host}' is not a Service of the configuration: the proxy sends the call out as addressed`, `${host}:${port} is outside the cluster: forwarded as addressed`);
    const net = `${egress.network.namespace}/${egress.network.name}`;
    if (egress.outcome === 'routed') {
      const { outcome, status } = outcomeOf(egress.destinations, http);
      return {
        outcome,
        ...(status !== undefined ? { status } : {}),
        reason: egress.reason,
        dataPlane: 'linkerd',
        route: egress.route,
        destinations: egress.destinations,
        redirect: null,
        requestHeaders: http ? { ...req.headers, host } : null,
        ...(http ? { upstreamRequest: { path: req.pathAndQuery, host, method: req.method } } : {}),
        filters: {},
        hops: [hop(`${host}:${port} → EgressNetwork ${net}: ${pctOf(egress.destinations)}`)],
        notes: [],
      };
    }
    return nothingRouted('linkerd', egress.outcome, egress.reason, { ...(egress.outcome === 'denied' && http ? { status: 403 } : {}), route: egress.route, hops: [hop(`${host}:${port} → EgressNetwork ${net}: ${egress.outcome}`)] });
  }
  const key = `${service.namespace}/${service.name}`;
  if (service.type === 'ExternalName' && service.externalName) {
    return passthrough(service.externalName, defaultServicePort(service, req.port), `Service ${key} is an ExternalName alias of '${service.externalName}'`, `DNS: ${service.fqdn} is a CNAME for ${service.externalName}`);
  }
  const port = defaultServicePort(service, req.port);
  if (!service.ports.some(p => p.port === port)) {
    return nothingRouted('linkerd', 'no-route', `Service ${key} has no port ${port} (its ports: ${service.ports.map(p => p.port).join(', ') || 'none'}): the connection is refused`, {
      hops: [hop(`${service.fqdn}:${port}: no such Service port`)],
    });
  }
  const notes: string[] = [];
  if (skipped?.has(port)) notes.push(`port ${port} is in the caller's config.linkerd.io/skip-outbound-ports: the proxy does not see the call (kube-proxy routes it)`);
  const accrual = parseFailureAccrual(service.annotations);
  if (!accrual.ok) notes.push(`Linkerd applies no failure accrual to ${key}: ${accrual.error} (balancer.linkerd.io/failure-accrual*)`);
  const unmeshed = world.endpoints(service).filter(w => w.dataPlane !== 'linkerd' && w.replicas > 0);
  if (unmeshed.length > 0) notes.push(`${unmeshed.map(w => w.key).join(', ')} ${unmeshed.length === 1 ? 'is' : 'are'} not meshed: Linkerd sends ${unmeshed.length === 1 ? 'it' : 'them'} plaintext, without identity`);
  const protocol = linkerdPortProtocol(world, service, port);
  const attached = skipped?.has(port) ? [] : routesAttached(world, service, port);
  const grpc = req.protocol === 'grpc';
  const endpoints = (why: string, extra: TrafficFilters = {}): TrafficResult => {
    const destinations = spreadOverVersions(world, { service, port, weight: 100 });
    const { outcome, status } = outcomeOf(destinations, http);
    return {
      outcome,
      ...(status !== undefined ? { status } : {}),
      reason: outcome === 'routed' ? why : destinations[0].unavailable ?? `nothing answers ${key}:${port}`,
      dataPlane: 'linkerd',
      route: null,
      destinations,
      redirect: null,
      requestHeaders: http ? { ...req.headers, host } : null,
      ...(http ? { upstreamRequest: { path: req.pathAndQuery, host, method: req.method } } : {}),
      filters: extra,
      hops: [hop(`${service.fqdn}:${port} → ${pctOf(destinations)}`)],
      notes,
    };
  };
  if (skipped?.has(port)) return endpoints(`the caller's proxy skips port ${port}: kube-proxy spreads connections over ${key}'s pods`);
  // the routes Linkerd reads here: one kind, and none its controller rejects
  const kind = linkerdRouteKind(protocol, attached);
  const rejected = attached.filter(r => rejectedAnnotations(r.route) !== undefined);
  for (const r of rejected) notes.push(`Linkerd rejects ${r.route.kind} ${r.route.namespace}/${r.route.name}: ${rejectedAnnotations(r.route)}`);
  const ignored = attached.filter(r => r.route.kind !== kind && !rejected.includes(r));
  if (ignored.length > 0) {
    notes.push(protocol.kind === 'opaque' ? `port ${port} of ${key} is opaque (${protocol.why}): Linkerd applies no HTTP route (${describeRoutes(ignored)} ignored), only TCP`
      : `Linkerd reads ${kind}s for ${key}:${port}${protocol.why ? ` (${protocol.why})` : ''}: ${describeRoutes(ignored)} ignored`);
  }
  const view = withoutRoutes(world, [...ignored, ...rejected].map(r => r.route));
  const viewService = view.service(service.namespace, service.name) ?? service;
  const opaque = protocol.kind === 'opaque';
  const asked: NormalizedRequest = opaque && req.protocol !== 'tcp' ? { ...req, protocol: 'tcp' } : req;
  const decision = kind !== undefined && !(opaque && kind !== 'TCPRoute') ? routeOnService(view, viewService, port, asked, 'linkerd') : undefined;
  const defaults = serviceDefaults(service, grpc, notes);
  if (!decision) {
    const why = opaque ? `port ${port} is opaque (${protocol.why}): the proxy forwards TCP to ${key}'s pods` : `no route attaches to ${key}:${port}: the proxy balances over its pods`;
    return endpoints(why, http && !opaque ? linkerdFilters(defaults.retry, defaults.timeouts) : {});
  }
  const destinations = decision.destinations;
  const filters = http && !opaque ? routeFilters(view, decision, service, grpc, notes) : decision.filters;
  const route = decision.route ? `${decision.route.kind} ${decision.route.namespace}/${decision.route.name} rule ${decision.route.rule}` : 'no route';
  return {
    outcome: decision.outcome,
    ...(decision.status !== undefined ? { status: decision.status } : {}),
    reason: decision.reason,
    dataPlane: 'linkerd',
    route: decision.route,
    destinations,
    redirect: decision.redirect,
    requestHeaders: decision.requestHeaders,
    ...(decision.upstreamRequest ? { upstreamRequest: decision.upstreamRequest } : {}),
    filters,
    hops: [hop(decision.outcome === 'routed' ? `${route} → ${pctOf(destinations)}` : `${route}: ${decision.reason}`)],
    notes: [...notes, ...decision.notes],
  };
}

