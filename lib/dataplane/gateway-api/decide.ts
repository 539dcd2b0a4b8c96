import { BackendShare, backendDestinations, backendShares, resolveBackend } from './backends';
import { applyHeaderChanges, corsHeaders, isPreflight, mergeHeaderChanges, modifiedPath, queryOf, redirectLocation, reportedChanges } from './filters';
import { Selected } from './matching';
import { CorsPolicy, Filter, HeaderChanges, Route, Rule } from './objects';
import { NormalizedRequest } from '../request';
import { RouteDecision } from '../result';
import { TrafficDestination, TrafficFilters, TrafficRouteRef } from '../types';
import { World, WorldObject } from '../world';

/**
 * What the chosen rule does with a request, as a {@link RouteDecision} (shared by the gateway engine and GAMMA routes on
 * Services): filters in the order written (gateway-api `HTTPRouteRule.Filters`: "implementations SHOULD implement filters
 * in the order they are specified"), then the backends with their shares, or the failure the specification requires
 * (500 for a rule without backends or with only invalid ones, 503 for backends without ready pods).
 */

/** Where the request is routed: what redirects and invalid references depend on. */
export interface DecisionContext {
  readonly world: World;
  /** A GAMMA route (on a Service): backendRefs need no ReferenceGrant. */
  readonly mesh: boolean;
  /** The scheme the client used (a redirect keeps it unless it names one). */
  readonly scheme: 'http' | 'https';
  /** The port the request came in on (a redirect without scheme or port keeps it). */
  readonly port: number;
  /** The request's host (a redirect and the backend keep it unless rewritten). */
  readonly host: string;
  /**
   * The Gateway that connects to the backends (BackendTLSPolicy applies, with its `spec.tls.backend` client certificate);
   * none for GAMMA routes and TLS passthrough.
   */
  readonly gateway?: WorldObject;
}

type Changes = { set: { [k: string]: string }; add: { [k: string]: string }; remove: string[] };
const noChanges = (): Changes => ({ set: {}, add: {}, remove: [] });

/** The route reference of a result. */
export function routeRef(route: Route, rule: Rule, match?: number): TrafficRouteRef {
  return {
    kind: route.kind,
    namespace: route.namespace,
    name: route.name,
    rule: rule.index,
    ...(rule.name !== undefined ? { ruleName: rule.name } : {}),
    ...(match !== undefined ? { match } : {}),
  };
}

const shareText = (ds: readonly TrafficDestination[]): string => ds.map(d => `${d.service}${d.port !== undefined ? `:${d.port}` : ''}${d.version !== undefined ? ` (${d.version})` : ''} ${d.weight}%${d.unavailable !== undefined ? ' (fails)' : ''}`).join(', ');

/** A decision with nothing sent to a backend. */
function without(outcome: RouteDecision['outcome'], reason: string, route: TrafficRouteRef | null, extra: Partial<RouteDecision> = {}): RouteDecision {
  return { outcome, reason, route, destinations: [], redirect: null, requestHeaders: null, filters: {}, notes: [], ...extra };
}

/** The mirrors of a filter list: each RequestMirror's backend with its share (an invalid reference is dropped, with a note). */
function mirrorsOf(ctx: DecisionContext, route: Route, filters: readonly Filter[], notes: string[]): TrafficDestination[] {
  const out: TrafficDestination[] = [];
  for (const f of filters) {
    if (f.type !== 'RequestMirror') continue;
    const resolved = resolveBackend(ctx.world, route, f.backendRef, ctx.mesh);
    if (!resolved.ok) {
      notes.push(`a RequestMirror is dropped: ${resolved.message}`);
      continue;
    }
    out.push(...backendDestinations(ctx.world, resolved, f.backendRef, f.percent, ctx.gateway).destinations);
  }
  return out;
}

/** What an HTTPRoute or GRPCRoute rule does with the request it took. */
export function httpDecision(ctx: DecisionContext, sel: Selected, req: NormalizedRequest): RouteDecision {
  const { route, rule } = sel;
  const ref = routeRef(route, rule, sel.match);
  const where = `${route.key} rule ${rule.index}${rule.name !== undefined ? ` '${rule.name}'` : ''}`;
  const notes: string[] = [];
  const headers: { [k: string]: string } = { ...req.headers };
  delete headers.host;
  const requestChanges = noChanges();
  const responseChanges = noChanges();
  let path = req.path;
  // the Host header goes to the backend as sent, port included, unless rewritten (gateway-api `HTTPRouteSpec.Hostnames`)
  let host = req.authority ?? ctx.host;
  let rewritten: { path?: string; host?: string } | undefined;
  let redirect: RouteDecision['redirect'] = null;
  let cors: CorsPolicy | undefined;
  for (const f of rule.filters) {
    switch (f.type) {
      case 'RequestHeaderModifier':
        applyHeaderChanges(headers, f.changes);
        mergeHeaderChanges(requestChanges, f.changes);
        break;
      case 'ResponseHeaderModifier':
        mergeHeaderChanges(responseChanges, f.changes);
        break;
      case 'RequestRedirect':
        redirect = {
          location: redirectLocation(f, {
            scheme: ctx.scheme, host: ctx.host, path: req.path, pathAndQuery: req.pathAndQuery, listenerPort: ctx.port,
          }, sel.httpMatch),
          status: f.statusCode,
        };
        break;
      case 'URLRewrite':
        if (f.hostname !== undefined) host = f.hostname;
        if (f.path) path = modifiedPath(req.path, f.path, sel.httpMatch);
        rewritten = { ...(f.path ? { path } : {}), ...(f.hostname !== undefined ? { host } : {}) };
        break;
      case 'CORS':
        cors = f.cors;
        break;
      case 'ExternalAuth':
        return without('undecided', `${where} sends the request to an external authorization service first (ExternalAuth filter): the model does not run it`, ref);
      case 'ExtensionRef': {
        const target = ctx.world.get(f.group === 'core' ? '' : f.group, f.kind, route.namespace, f.name);
        if (!target) {
          return without('unavailable', `${where} has an ExtensionRef filter to ${f.group || 'core'}/${f.kind} ${f.name}, which is not in the configuration: requests it would process get an error (gateway-api HTTPRouteFilter.Type: the filter must not be skipped)`, ref, { status: 500 });
        }
        return without('undecided', `${where} applies the implementation-specific filter ${f.kind} ${route.namespace}/${f.name} (ExtensionRef): the model does not run it`, ref);
      }
      default:
        break;
    }
  }
  const mirrors = mirrorsOf(ctx, route, rule.filters, notes);
  const filters = (extra: Partial<TrafficFilters> = {}): TrafficFilters => {
    const requestHeaders = reportedChanges(requestChanges);
    const responseHeaders = reportedChanges(responseChanges);
    return {
      ...(rewritten ? { rewrite: rewritten } : {}),
      ...(requestHeaders ? { requestHeaders } : {}),
      ...(responseHeaders ? { responseHeaders } : {}),
      ...(mirrors.length > 0 ? { mirrors } : {}),
      ...(rule.timeouts.request !== undefined ? { timeout: rule.timeouts.request } : {}),
      ...(rule.timeouts.backendRequest !== undefined ? { backendTimeout: rule.timeouts.backendRequest } : {}),
      ...(rule.retry ? {
        retries: {
          attempts: rule.retry.attempts ?? 1,
          ...(rule.retry.codes.length > 0 ? { codes: rule.retry.codes } : {}),
          ...(rule.retry.backoff !== undefined ? { backoff: rule.retry.backoff } : {}),
        },
      } : {}),
      ...(cors ? { cors: corsReport(cors) } : {}),
      ...extra,
    };
  };
  if (rule.retry && rule.retry.attempts === undefined) notes.push(`${where} retries without 'attempts': the number is implementation-specific (1 assumed, Envoy's default)`);
  if (redirect) {
    return without('redirected', `${where} redirects to ${redirect.location} (${redirect.status})`, ref, { status: redirect.status, redirect, filters: filters(), notes });
  }
  if (cors && isPreflight(req.method, req.headers)) {
    const set = corsHeaders(cors, req.method, req.headers);
    const allowed = Object.keys(set).length > 0;
    return without('answered', `${where} has a CORS filter: the gateway answers the preflight itself${allowed ? '' : `, without CORS headers (origin '${req.headers.origin}' is not allowed)`}`, ref, {
      status: 200, filters: filters(allowed ? { responseHeaders: { set } } : {}), notes,
    });
  }
  const failed = route.kind === 'GRPCRoute' ? { status: 503, text: 'UNAVAILABLE (HTTP 503; gateway-api GRPCRouteRule.BackendRefs)' } : { status: 500, text: 'a 500 (gateway-api HTTPRouteRule.BackendRefs)' };
  if (rule.backendRefs.length === 0) {
    return without('unavailable', `${where} has no backendRefs: requests get ${failed.text}`, ref, { status: failed.status, filters: filters(), notes });
  }
  const shares = backendShares(ctx.world, route, rule.backendRefs, ctx.mesh, ctx.gateway);
  if (shares.length === 0) {
    return without('unavailable', `every backendRef of ${where} has weight 0: no backend takes requests, they get ${failed.text}`, ref, { status: failed.status, filters: filters(), notes });
  }
  // backendRef filters apply to that backend's share only
  const perShare = shares.map(s => shareHeaders(ctx, route, s, headers, responseChanges, mirrors, notes));
  const undecided = perShare.find(p => p.undecided !== undefined);
  if (undecided) return without('undecided', `${where}: ${undecided.undecided}`, ref);
  const upstreamHost = host;
  const same = perShare.every(p => sameHeaders(p.headers, perShare[0].headers));
  const requestHeaders = { ...(same ? perShare[0].headers : headers), host: upstreamHost };
  const destinations = shares.flatMap((s, i) => s.destinations.map(d =>
    (same || s.failure !== undefined ? d : { ...d, requestHeaders: { ...perShare[i].headers, host: upstreamHost } })));
  if (same) for (const c of perShare[0].requestChanges ?? []) mergeHeaderChanges(requestChanges, c);
  const answering = destinations.filter(d => d.unavailable === undefined && d.weight > 0);
  const upstreamRequest = { path: `${path}${queryOf(req.pathAndQuery)}`, host: upstreamHost, method: req.method };
  if (answering.length === 0) {
    const invalid = shares.filter(s => s.failure === 500).reduce((n, s) => n + s.weight, 0);
    const empty = shares.filter(s => s.failure === 503).reduce((n, s) => n + s.weight, 0);
    // a GRPCRoute's invalid backends answer UNAVAILABLE (gateway-api `GRPCRouteRule.BackendRefs`): HTTP 503
    const status = invalid >= empty && route.kind !== 'GRPCRoute' ? 500 : 503;
    return {
      outcome: 'unavailable',
      status,
      reason: `${where} sends requests to backends that cannot answer (${status}): ${destinations.map(d => d.unavailable).filter((u): u is string => u !== undefined).join('; ')}`,
      route: ref,
      destinations,
      redirect: null,
      requestHeaders,
      upstreamRequest,
      filters: filters(),
      notes,
    };
  }
  if (answering.length < destinations.filter(d => d.weight > 0).length) {
    notes.push(`part of the requests fail: ${destinations.filter(d => d.unavailable !== undefined).map(d => `${d.weight}% ${d.unavailable}`).join('; ')}`);
  }
  const corsSet = cors ? corsHeaders(cors, req.method, req.headers) : {};
  for (const [k, v] of Object.entries(corsSet)) responseChanges.set[k] = v;
  return {
    outcome: 'routed',
    status: 200,
    reason: `${where} takes it: ${shareText(destinations)}`,
    route: ref,
    destinations,
    redirect: null,
    requestHeaders,
    upstreamRequest,
    filters: filters(),
    notes,
  };
}

const corsReport = (c: CorsPolicy): NonNullable<TrafficFilters['cors']> => ({
  allowOrigins: c.allowOrigins,
  ...(c.allowMethods.length > 0 ? { allowMethods: c.allowMethods } : {}),
  ...(c.allowHeaders.length > 0 ? { allowHeaders: c.allowHeaders } : {}),
  ...(c.exposeHeaders.length > 0 ? { exposeHeaders: c.exposeHeaders } : {}),
  ...(c.allowCredentials ? { allowCredentials: true } : {}),
  maxAge: c.maxAge,
});

function sameHeaders(a: { readonly [k: string]: string }, b: { readonly [k: string]: string }): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every(k => a[k] === b[k]);
}

/** The headers one backend's share receives, after its own filters (RequestHeaderModifier, ResponseHeaderModifier, RequestMirror). */
function shareHeaders(ctx: DecisionContext, route: Route, share: BackendShare, headers: { readonly [k: string]: string }, response: Changes,
  mirrors: TrafficDestination[], notes: string[]): { headers: { [k: string]: string }; requestChanges?: HeaderChanges[]; undecided?: string } {
  const own = { ...headers };
  if (share.ref.filters.length === 0) return { headers: own };
  const changes: HeaderChanges[] = [];
  for (const f of share.ref.filters) {
    if (f.type === 'RequestHeaderModifier') {
      applyHeaderChanges(own, f.changes);
      changes.push(f.changes);
    } else if (f.type === 'ResponseHeaderModifier') {
      mergeHeaderChanges(response, f.changes);
      notes.push(`the ResponseHeaderModifier of backendRef ${share.ref.index} applies to its share only`);
    } else if (f.type === 'RequestMirror') {
      mirrors.push(...mirrorsOf(ctx, route, [f], notes).map(m => ({ ...m, weight: Math.round(m.weight * share.weight) / 100 })));
    } else {
      return { headers: own, undecided: `backendRef ${share.ref.index} has a ${f.type} filter of its own, an implementation-specific placement the model does not decide` };
    }
  }
  return { headers: own, requestChanges: changes };
}

/** What a TCPRoute or TLSRoute rule does with a connection: its backends and their shares. */
export function streamDecision(ctx: DecisionContext, route: Route, rule: Rule): RouteDecision {
  const ref = routeRef(route, rule);
  const where = `${route.key} rule ${rule.index}${rule.name !== undefined ? ` '${rule.name}'` : ''}`;
  if (rule.backendRefs.length === 0) return without('unavailable', `${where} has no backendRefs: the connection is refused`, ref);
  const shares = backendShares(ctx.world, route, rule.backendRefs, ctx.mesh, ctx.gateway);
  if (shares.length === 0) return without('unavailable', `every backendRef of ${where} has weight 0: the connection is refused`, ref);
  const destinations = shares.flatMap(s => s.destinations);
  const answering = destinations.filter(d => d.unavailable === undefined && d.weight > 0);
  const notes: string[] = [];
  if (answering.length === 0) {
    return {
      outcome: 'unavailable',
      reason: `${where} sends connections to backends that cannot answer: the connection is refused (${destinations.map(d => d.unavailable).filter((u): u is string => u !== undefined).join('; ')})`,
      route: ref,
      destinations,
      redirect: null,
      requestHeaders: null,
      filters: {},
      notes,
    };
  }
  if (answering.length < destinations.filter(d => d.weight > 0).length) {
    notes.push(`part of the connections are refused: ${destinations.filter(d => d.unavailable !== undefined).map(d => `${d.weight}% ${d.unavailable}`).join('; ')}`);
  }
  return { outcome: 'routed', reason: `${where} takes it: ${shareText(destinations)}`, route: ref, destinations, redirect: null, requestHeaders: null, filters: {}, notes };
}
