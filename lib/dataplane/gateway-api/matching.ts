import { bestHostnameMatch, compareRanks } from './hostnames';
import { GrpcMatch, HttpMatch, Route, Rule, StringMatch, compareRoutes } from './objects';
import { NormalizedRequest } from '../request';

/**
 * Which rule of which route takes an HTTP or gRPC request, with the precedence the specification orders:
 *
 * - HTTPRoute (gateway-api `apis/v1/httproute_types.go` `Hostnames` and `HTTPRouteRule.Matches`): the route whose
 *   matching hostname has the most non-wildcard characters, then the most characters; then the match with an Exact path,
 *   the longest PathPrefix, a method, the most header matches, the most query parameter matches; then the oldest route,
 *   then `{namespace}/{name}` alphabetically; then the first rule (and match) in order. RegularExpression paths rank
 *   after prefixes (implementation-specific: as Istio, `pilot/pkg/config/kube/gateway/conversion.go` `getURIRank`).
 * - GRPCRoute (`apis/v1/grpcroute_types.go` `GRPCRouteRule.Matches`): hostname as above, then the most characters in a
 *   matching service, in a matching method, the most header matches; then age, name, rule order.
 */

/** A route that may take the request, with the hostnames it applies (`[]`: any host). */
export interface RouteCandidate {
  readonly route: Route;
  readonly hostnames: readonly string[];
}

/** The rule that took a request. */
export interface Selected {
  readonly route: Route;
  readonly rule: Rule;
  /** The index of the match that took it (HTTPRoute/GRPCRoute), the route hostname it matched. */
  readonly match: number;
  readonly httpMatch?: HttpMatch;
  readonly hostname: string;
}

/** Whether a request path is under a PathPrefix value, element by element (`/abc` takes `/abc`, `/abc/`, `/abc/d`, not `/abcd`). */
export function pathHasPrefix(path: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  return p === '' || path === p || path.startsWith(`${p}/`);
}

function stringMatches(m: StringMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  return m.type === 'Exact' ? value === m.value : m.regex !== undefined && m.regex.test(value);
}

/** The first value of a query parameter (the specification recommends the first when repeated). */
function queryValue(req: NormalizedRequest, name: string): string | undefined {
  return req.query.find(([k]) => k === name)?.[1];
}

/** Whether an HTTPRoute match takes the request (every condition of the match). */
export function httpMatches(m: HttpMatch, req: NormalizedRequest): boolean {
  const path = req.path;
  const pathOk = m.path.type === 'Exact' ? path === m.path.value
    : m.path.type === 'PathPrefix' ? pathHasPrefix(path, m.path.value)
      : m.path.regex !== undefined && m.path.regex.test(path);
  if (!pathOk) return false;
  if (m.method !== undefined && m.method !== req.method) return false;
  if (!m.headers.every(h => stringMatches(h, req.headers[h.name]))) return false;
  return m.queryParams.every(q => stringMatches(q, queryValue(req, q.name)));
}

/** A gRPC request's service and method, from its path `/package.Service/Method`. */
export function grpcCall(req: NormalizedRequest): { service: string; method: string } | undefined {
  const m = /^\/([^/]+)\/([^/]+)$/.exec(req.path);
  return m ? { service: m[1], method: m[2] } : undefined;
}

/** Whether the request is gRPC (HTTP/2 with `content-type: application/grpc…`, or asked as `grpc`). */
export const isGrpc = (req: NormalizedRequest): boolean => req.protocol === 'grpc' || (req.headers['content-type'] ?? '').startsWith('application/grpc');

/** Whether a GRPCRoute match takes the request. */
export function grpcMatches(m: GrpcMatch, req: NormalizedRequest): boolean {
  if (m.service !== undefined || m.method !== undefined) {
    const call = grpcCall(req);
    if (!call) return false;
    if (m.service !== undefined && !stringMatches(m.service, call.service)) return false;
    if (m.method !== undefined && !stringMatches(m.method, call.method)) return false;
  }
  return m.headers.every(h => stringMatches(h, req.headers[h.name]));
}

/**
 * The precedence of an HTTPRoute match, compared higher first. A rule written with `matches: []` (which the API server
 * does not default to PathPrefix `/`) ranks after every match, a regular expression's too, as Istio sorts it
 * (`pilot/pkg/config/kube/gateway/conversion.go` `sortHTTPRoutes`: a route with no match goes last).
 */
function httpRank(m: HttpMatch): number[] {
  if (m.implicit) return [0, 0, 0, 0, 0];
  const pathRank = m.path.type === 'Exact' ? 3 : m.path.type === 'PathPrefix' ? 2 : 1;
  return [pathRank, m.path.value.length, m.method !== undefined ? 1 : 0, m.headers.length, m.queryParams.length];
}

/** The precedence of a GRPCRoute match, compared higher first. */
function grpcRank(m: GrpcMatch): number[] {
  return [m.service?.value.length ?? 0, m.method?.value.length ?? 0, m.headers.length];
}

interface Ranked extends Selected {
  readonly hostRank: readonly number[];
  readonly kindRank: number;
  readonly rank: readonly number[];
}

/**
 * The rule that takes an HTTP (or gRPC) request among routes, or undefined when none does (404; gRPC: Unimplemented).
 * `host` undefined: hostnames are not consulted (GAMMA routes, which must not infer anything from them).
 */
export function selectHttpRule(candidates: readonly RouteCandidate[], req: NormalizedRequest, host: string | undefined,
  useHostnames: boolean): Selected | undefined {
  let best: Ranked | undefined;
  const grpc = isGrpc(req);
  for (const c of candidates) {
    if (c.route.kind !== 'HTTPRoute' && c.route.kind !== 'GRPCRoute') continue;
    if (c.route.kind === 'GRPCRoute' && !grpc) continue;
    const hostMatch = useHostnames ? bestHostnameMatch(c.hostnames, host) : { hostname: '', rank: [0, 0] };
    if (!hostMatch) continue;
    for (const rule of c.route.rules) {
      if (rule.invalid !== undefined) continue;
      const found: Array<{ index: number; rank: number[]; httpMatch?: HttpMatch }> = c.route.kind === 'HTTPRoute'
        ? rule.httpMatches.filter(m => httpMatches(m, req)).map(m => ({ index: m.index, rank: httpRank(m), httpMatch: m }))
        : rule.grpcMatches.filter(m => grpcMatches(m, req)).map(m => ({ index: m.index, rank: grpcRank(m) }));
      for (const f of found) {
        const ranked: Ranked = {
          route: c.route,
          rule,
          match: f.index,
          ...(f.httpMatch ? { httpMatch: f.httpMatch } : {}),
          hostname: hostMatch.hostname,
          hostRank: hostMatch.rank,
          kindRank: c.route.kind === 'GRPCRoute' ? 1 : 0,
          rank: f.rank,
        };
        if (!best || before(ranked, best)) best = ranked;
      }
    }
  }
  if (!best) return undefined;
  return { route: best.route, rule: best.rule, match: best.match, ...(best.httpMatch ? { httpMatch: best.httpMatch } : {}), hostname: best.hostname };
}

function before(a: Ranked, b: Ranked): boolean {
  const host = compareRanks(a.hostRank, b.hostRank);
  if (host !== 0) return host < 0;
  if (a.kindRank !== b.kindRank) return a.kindRank > b.kindRank;
  const rank = compareRanks(a.rank, b.rank);
  if (rank !== 0) return rank < 0;
  const age = compareRoutes(a.route, b.route);
  if (age !== 0) return age < 0;
  if (a.rule.index !== b.rule.index) return a.rule.index < b.rule.index;
  return a.match < b.match;
}
