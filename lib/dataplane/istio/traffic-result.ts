import { mergeDestinations, roundWeight } from '../destinations';
import { NormalizedRequest } from '../request';
import { outcomeOf } from '../result';
import { DataPlaneKind, TrafficDestination, TrafficFilters, TrafficHeaderChanges, TrafficHop, TrafficListenerRef, TrafficResult, TrafficRouteRef } from '../types';
import { OriginalDestination, clusterDestinations } from './clusters';
import { BLACKHOLE_CLUSTER, Route, RouteActionRoute } from './envoy';
import { ProxyContext } from './proxy-context';
import { SimCall, SimResult } from './simulator';
import { HeaderOps, RuleOrigin } from './vs-model';

/**
 * The user-level answer from a simulated request: the Envoy names it went through, the route object and rule that
 * took it (the VirtualService, or the HTTPRoute / Ingress istiod converted), its destinations as a distribution over
 * the pods' versions, the filters the route applies, the headers and path the backend receives, or why nothing
 * answers (no route: 404; REGISTRY_ONLY: `block_all` 502 or the blackhole; no cluster or no pods: 503).
 */

export interface MappingInput {
  readonly ctx: ProxyContext;
  readonly dataPlane: DataPlaneKind;
  readonly req: NormalizedRequest;
  readonly call: SimCall;
  readonly sim: SimResult;
  readonly original: OriginalDestination;
  readonly hop: { readonly at: string; readonly name: string };
  readonly listener?: TrafficListenerRef;
  readonly notes: readonly string[];
}

const routeRef = (o: RuleOrigin, match: number | undefined): TrafficRouteRef => ({
  kind: o.kind,
  namespace: o.namespace,
  name: o.name,
  rule: o.rule,
  ...(o.ruleName !== undefined && o.ruleName !== '' ? { ruleName: o.ruleName } : {}),
  // a converted rule (HTTPRoute, Ingress) carries its source match; a VirtualService rule's is the Envoy route's
  ...(o.kind !== 'VirtualService' ? (o.match !== undefined ? { match: o.match } : {}) : match !== undefined ? { match } : {}),
  ...(o.delegatedFrom ? { delegatedFrom: routeRef(o.delegatedFrom, undefined) } : {}),
});

const describe = (o: RuleOrigin) => `${o.kind} ${o.namespace}/${o.name} ${o.kind === 'VirtualService' ? o.section ?? 'http' : 'rules'}[${o.rule}]`;

/** Envoy's names of the path taken. */
function envoyNames(sim: SimResult): NonNullable<TrafficResult['envoy']> {
  return {
    ...(sim.listener ? { listener: sim.listener.name } : {}),
    ...(sim.filterChain?.name ? { filterChain: sim.filterChain.name } : {}),
    ...(sim.routeConfigName !== undefined ? { routeConfig: sim.routeConfigName } : sim.routeConfig ? { routeConfig: sim.routeConfig.name } : {}),
    ...(sim.virtualHost ? { virtualHost: sim.virtualHost.name } : {}),
    ...(sim.route?.name ? { route: sim.route.name } : {}),
    ...(sim.cluster !== undefined ? { cluster: sim.cluster } : {}),
  };
}

function failure(m: MappingInput, outcome: TrafficResult['outcome'], status: number | undefined, reason: string, decision: string): TrafficResult {
  return {
    outcome,
    ...(status !== undefined ? { status } : {}),
    reason,
    dataPlane: m.dataPlane,
    ...(m.listener ? { listener: m.listener } : {}),
    route: m.sim.route?.origin ? routeRef(m.sim.route.origin, m.sim.route.matchIndex) : null,
    destinations: [],
    redirect: null,
    requestHeaders: null,
    filters: {},
    hops: [{ ...m.hop, decision }],
    envoy: envoyNames(m.sim),
    // what istiod dropped while merging (a missing or unexported delegate, a conflicting match) may explain a 404
    notes: outcome === 'no-route' ? [...m.notes, ...m.ctx.index.notes] : m.notes,
  };
}

const isHttpCall = (m: MappingInput) => m.call.protocol !== 'tcp';

export function toTrafficResult(m: MappingInput): TrafficResult {
  const { sim, call } = m;
  const http = isHttpCall(m) && m.req.protocol !== 'tls';
  const target = `${m.original.host}:${m.original.port}`;
  switch (sim.error) {
    case 'ErrNoListener':
      return failure(m, 'no-route', undefined, `no listener of the proxy takes port ${call.port}: the connection is refused`, `no listener on port ${call.port}`);
    case 'ErrNoFilterChain':
      return failure(m, 'no-route', undefined, `no filter chain of listener ${sim.listener?.name} accepts the connection (${call.tls}${call.sni ? `, SNI ${call.sni}` : ''}): it is closed`, 'no filter chain');
    case 'ErrMultipleFilterChain':
      return failure(m, 'undecided', undefined, `several filter chains of listener ${sim.listener?.name} match the connection equally: Envoy rejects such a listener`, 'ambiguous filter chains');
    case 'ErrTLSError':
      return failure(m, 'no-route', undefined, `listener ${sim.listener?.name} expects TLS and the client speaks plaintext: the handshake fails`, 'TLS expected');
    case 'ErrMTLSError':
      return failure(m, 'denied', undefined, `the chain of listener ${sim.listener?.name} requires ${sim.filterChain?.tls?.requireClientCertificate ? 'a client certificate (mutual TLS)' : 'TLS without Istio mutual TLS'}: the handshake fails`, 'TLS mode mismatch');
    case 'ErrProtocolError':
      return failure(m, 'no-route', undefined, `listener ${sim.listener?.name} handles ${sim.filterChain?.hcm ? 'HTTP' : 'TCP'} on port ${call.port} and the client speaks ${call.tls === 'plaintext' ? call.protocol : `${call.protocol} over TLS`}: the connection fails`, 'protocol mismatch');
    case 'ErrInvalidCall':
      return failure(m, 'undecided', undefined, 'the request cannot be sent as described', 'invalid call');
    case 'ErrNoVirtualHost':
      return failure(m, 'no-route', 404, `route configuration ${sim.routeConfigName ?? sim.routeConfig?.name} has no virtual host for '${call.host ?? ''}' (404)`, `no virtual host for ${call.host ?? '(no host)'}`);
    case 'ErrNoRoute':
      return failure(m, 'no-route', 404, `virtual host ${sim.virtualHost?.name} has no route for ${call.method} ${call.path} (404)`, `no route in ${sim.virtualHost?.name}`);
    case 'ErrTLSRedirect': {
      const location = `https://${call.host ?? m.original.host}${m.req.pathAndQuery}`;
      return { ...failure(m, 'redirected', 301, `virtual host ${sim.virtualHost?.name} requires TLS (httpsRedirect): 301 to ${location}`, 'redirect to HTTPS'), redirect: { location, status: 301 } };
    }
    default:
      break;
  }
  if (sim.undecided) return failure(m, 'undecided', undefined, sim.undecided, 'a JWT claim decides');
  const route = sim.route;
  if (route) return routeResult(m, route, http);
  // a TCP proxy (or no filter at all)
  const tcp = sim.filterChain?.tcp;
  if (!tcp) return failure(m, 'undecided', undefined, `filter chain ${sim.filterChain?.name ?? ''} of listener ${sim.listener?.name} has no filter the model knows`, 'unknown filter');
  if (tcp.cluster === BLACKHOLE_CLUSTER) {
    return failure(m, 'no-route', undefined, blackholeReason(m, target), `${target}: BlackHoleCluster`);
  }
  const shares = tcp.cluster !== undefined ? [{ cluster: tcp.cluster, weight: 100 }] : weighted(tcp.weightedClusters ?? []);
  const destinations = mergeDestinations(shares.flatMap(s => clusterDestinations(m.ctx, s.cluster, s.weight, m.original, 503)));
  const { outcome, status } = refusedOr(destinations, outcomeOf(destinations, http));
  const routeObj = tcp.origin ? routeRef(tcp.origin, undefined) : null;
  return {
    outcome,
    ...(status !== undefined ? { status } : {}),
    reason: outcome === 'routed'
      ? `${tcp.origin ? describe(tcp.origin) : `listener ${sim.listener?.name}`} sends the connection to ${shares.map(s => s.cluster).join(', ')}`
      : destinations.find(d => d.unavailable)?.unavailable ?? 'nothing answers',
    dataPlane: m.dataPlane,
    ...(m.listener ? { listener: m.listener } : {}),
    route: routeObj,
    destinations,
    redirect: null,
    requestHeaders: http ? { ...m.req.headers, ...(call.host ? { host: call.host } : {}) } : null,
    ...(http ? { upstreamRequest: { path: m.req.pathAndQuery, host: call.host ?? m.original.host, method: call.method } } : {}),
    filters: {},
    hops: [{ ...m.hop, decision: `${sim.listener?.name}${sim.filterChain?.name ? ` (${sim.filterChain.name})` : ''} → ${shares.map(s => s.cluster).join(', ')}` }],
    envoy: envoyNames(sim),
    notes: m.notes,
  };
}

/** A connection passed to a Service port that does not exist is refused: no route, no HTTP status. */
function refusedOr(destinations: readonly TrafficDestination[], o: { outcome: TrafficResult['outcome']; status?: number }): { outcome: TrafficResult['outcome']; status?: number } {
  return destinations.length > 0 && destinations.every(d => d.unavailable?.endsWith('the connection is refused')) ? { outcome: 'no-route' } : o;
}

function blackholeReason(m: MappingInput, target: string): string {
  return m.ctx.scope.outboundTrafficPolicy === 'REGISTRY_ONLY'
    ? `outboundTrafficPolicy REGISTRY_ONLY: ${target} is not a service the proxy knows, so the connection goes to BlackHoleCluster and is dropped`
    : `the connection to ${target} goes to BlackHoleCluster and is dropped`;
}

function weighted(list: ReadonlyArray<{ name: string; weight: number }>): Array<{ cluster: string; weight: number }> {
  const total = list.reduce((n, w) => n + w.weight, 0);
  return list.map(w => ({ cluster: w.name, weight: total > 0 ? (100 * w.weight) / total : 0 }));
}

function routeResult(m: MappingInput, route: Route, http: boolean): TrafficResult {
  const { sim, call, req } = m;
  const ref = route.origin ? routeRef(route.origin, route.matchIndex) : null;
  const by = route.origin ? describe(route.origin) : `the default route of ${sim.virtualHost?.name}`;
  const base = {
    dataPlane: m.dataPlane,
    ...(m.listener ? { listener: m.listener } : {}),
    route: ref,
    envoy: envoyNames(sim),
  };
  const action = route.action;
  if (!action) {
    return { ...failure(m, 'unavailable', 503, `${by} has an action Envoy cannot take (an unsupported redirect code): 503`, 'no action'), ...base };
  }
  if (action.kind === 'direct') {
    const s = action.status;
    const blockAll = route.name === 'block_all';
    const outcome: TrafficResult['outcome'] = blockAll || s === 404 ? 'no-route' : s >= 500 ? 'unavailable' : 'routed';
    const reason = blockAll
      ? `outboundTrafficPolicy REGISTRY_ONLY: '${call.host ?? m.original.host}' is not a host the proxy knows, so virtual host block_all answers ${s}`
      : `${by} answers directly with ${s}`;
    return { ...failure(m, outcome, s, reason, `${sim.virtualHost?.name}: direct response ${s}`), ...base };
  }
  if (action.kind === 'redirect') {
    const scheme = action.schemeRedirect ?? (call.tls === 'plaintext' ? 'http' : 'https');
    const host = action.hostRedirect !== '' ? action.hostRedirect : (call.host ?? m.original.host);
    const port = action.portRedirect !== undefined ? `:${action.portRedirect}` : '';
    let path = req.path;
    if (action.pathRedirect !== undefined && action.pathRedirect !== '') path = action.pathRedirect;
    else if (action.prefixRewrite !== undefined) path = rewritePrefix(route, req.path, action.prefixRewrite);
    const query = req.pathAndQuery.includes('?') ? req.pathAndQuery.slice(req.pathAndQuery.indexOf('?')) : '';
    const location = `${scheme}://${host}${port}${path}${query}`;
    return {
      ...failure(m, 'redirected', action.status, `${by} redirects to ${location} (${action.status})`, `redirect ${action.status} to ${location}`),
      ...base,
      redirect: { location, status: action.status },
    };
  }
  return forward(m, route, action, ref, by, http);
}

function forward(m: MappingInput, route: Route, action: RouteActionRoute, ref: TrafficRouteRef | null, by: string, http: boolean): TrafficResult {
  const { sim, call, req } = m;
  const shares = action.cluster !== undefined ? [{ cluster: action.cluster, weight: 100 }] : weighted(action.weightedClusters ?? []);
  if (shares.length === 1 && shares[0].cluster === BLACKHOLE_CLUSTER) {
    return failure(m, 'no-route', undefined, blackholeReason(m, `${m.original.host}:${m.original.port}`), 'BlackHoleCluster');
  }
  const destinations = mergeDestinations(shares.flatMap(s => clusterDestinations(m.ctx, s.cluster, s.weight, m.original,
    action.clusterNotFoundStatus)));
  let { outcome, status } = refusedOr(destinations, outcomeOf(destinations, http));
  if (outcome === 'unavailable' && destinations.every(d => d.unavailable?.includes('no cluster') || d.unavailable?.includes('has no cluster'))) status = action.clusterNotFoundStatus;
  const notes = [...m.notes];
  const filters = filtersOf(m, route, action);
  let reason = outcome === 'routed'
    ? `${by} sends ${call.method} ${req.path} to ${shares.map(s => `${s.cluster}${shares.length > 1 ? ` (${roundWeight(s.weight)}%)` : ''}`).join(', ')}`
    : destinations.find(d => d.unavailable)?.unavailable ?? 'nothing answers';
  const abort = route.fault?.abort;
  if (abort && abort.percent >= 100 && outcome === 'routed') {
    outcome = 'unavailable';
    status = abort.status;
    reason = `${by} injects a fault: every request is aborted with ${abort.status}`;
  } else if (abort && abort.percent > 0) {
    notes.push(`fault injection aborts ${abort.percent}% of requests with ${abort.status}`);
  }
  if (route.fault?.delay && route.fault.delay.percent > 0) notes.push(`fault injection delays ${route.fault.delay.percent}% of requests by ${route.fault.delay.duration}`);
  const headers = requestHeaders(m, route, action);
  const upstreamPath = upstreamPathOf(route, action, req.path) + (req.pathAndQuery.includes('?') ? req.pathAndQuery.slice(req.pathAndQuery.indexOf('?')) : '');
  if ((action.weightedClusters ?? []).some(w => w.headers)) notes.push('some weighted destinations change headers of their own share; requestHeaders shows the route\'s changes only');
  const hops: TrafficHop[] = [{
    ...m.hop,
    decision: `${sim.listener?.name} → ${sim.routeConfigName ?? sim.routeConfig?.name} → ${sim.virtualHost?.name} → ${route.name || '(unnamed route)'} → ${shares.map(s => s.cluster).join(', ')}`,
  }];
  return {
    outcome,
    ...(status !== undefined && http ? { status } : {}),
    reason,
    dataPlane: m.dataPlane,
    ...(m.listener ? { listener: m.listener } : {}),
    route: ref,
    destinations,
    redirect: null,
    requestHeaders: headers,
    upstreamRequest: { path: upstreamPath, host: headers.host ?? m.original.host, method: call.method },
    filters,
    hops,
    envoy: envoyNames(sim),
    notes,
  };
}

const changes = (ops: HeaderOps | undefined): TrafficHeaderChanges | undefined => {
  if (!ops) return undefined;
  const set = Object.keys(ops.set).length > 0 ? ops.set : undefined;
  const add = Object.keys(ops.add).length > 0 ? ops.add : undefined;
  const remove = ops.remove.length > 0 ? ops.remove : undefined;
  return set || add || remove ? { ...(set ? { set } : {}), ...(add ? { add } : {}), ...(remove ? { remove } : {}) } : undefined;
};

function filtersOf(m: MappingInput, route: Route, action: RouteActionRoute): TrafficFilters {
  const rewritePath = action.prefixRewrite ?? (action.regexRewrite ? upstreamPathOf(route, action, m.req.path) : undefined);
  const rewriteHost = action.hostRewrite;
  const request = changes(route.headers?.request);
  const response = changes(route.headers?.response);
  const mirrors: TrafficDestination[] = action.mirrors.flatMap(mi => clusterDestinations(m.ctx, mi.cluster, mi.percent, m.original, 503));
  const fault = route.fault && (route.fault.delay || route.fault.abort) ? {
    ...(route.fault.delay ? { delay: { duration: route.fault.delay.duration, percent: route.fault.delay.percent } } : {}),
    ...(route.fault.abort ? { abort: route.fault.abort } : {}),
  } : undefined;
  return {
    ...(rewritePath !== undefined || rewriteHost !== undefined ? {
      rewrite: {
        ...(rewritePath !== undefined ? { path: rewritePath } : {}),
        ...(rewriteHost !== undefined ? { host: rewriteHost } : {}),
      },
    } : {}),
    ...(request ? { requestHeaders: request } : {}),
    ...(response ? { responseHeaders: response } : {}),
    ...(mirrors.length > 0 ? { mirrors } : {}),
    ...(fault ? { fault } : {}),
    timeout: action.timeout,
    ...(action.retries ? {
      retries: {
        attempts: action.retries.attempts,
        ...(action.retries.perTryTimeout ? { perTryTimeout: action.retries.perTryTimeout } : {}),
        retryOn: action.retries.retryOn,
      },
    } : {}),
    ...(route.corsAllowOrigins ? { cors: { allowOrigins: route.corsAllowOrigins } } : {}),
  };
}

/** The headers the backend receives: the request's, the Host, then the route's set/add/remove and host rewrite. */
function requestHeaders(m: MappingInput, route: Route, action: RouteActionRoute): { [name: string]: string } {
  const out: { [name: string]: string } = { ...m.req.headers, host: m.call.host ?? m.original.host };
  const apply = (ops: HeaderOps | undefined) => {
    if (!ops) return;
    for (const [k, v] of Object.entries(ops.set)) if (!k.startsWith(':') && k.toLowerCase() !== 'host') out[k.toLowerCase()] = v;
    for (const [k, v] of Object.entries(ops.add)) {
      if (k.startsWith(':') || k.toLowerCase() === 'host') continue;
      const key = k.toLowerCase();
      out[key] = out[key] !== undefined ? `${out[key]},${v}` : v;
    }
    for (const k of ops.remove) if (!k.startsWith(':') && k.toLowerCase() !== 'host') delete out[k.toLowerCase()];
  };
  apply(route.headers?.request);
  if (action.hostRewrite) out.host = action.hostRewrite;
  return out;
}

function rewritePrefix(route: Route, path: string, replacement: string): string {
  const p = route.match.path;
  if (p.kind === 'path') return replacement;
  if (p.kind === 'prefix' || p.kind === 'pathSeparatedPrefix') return replacement + path.slice(p.value.length);
  return path;
}

/** The path after a prefix or regex rewrite (Envoy's prefix_rewrite replaces the matched prefix). */
function upstreamPathOf(route: Route, action: RouteActionRoute, path: string): string {
  if (action.prefixRewrite !== undefined) return rewritePrefix(route, path, action.prefixRewrite);
  if (action.regexRewrite) {
    try {
      const substitution = action.regexRewrite.substitution.replace(/\\(\d)/g, '$$$1');
      return path.replace(new RegExp(action.regexRewrite.pattern, 'g'), substitution);
    } catch {
      return path;
    }
  }
  return path;
}
