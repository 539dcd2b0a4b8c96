/**
 * Hostnames as the Gateway API defines them (gateway-api `apis/v1/httproute_types.go` `HTTPRouteSpec.Hostnames`,
 * `apis/v1/gateway_types.go` `Listener.Hostname`): a name, or a wildcard `*.suffix` that matches any name ending in
 * `.suffix` with at least one more label (`*.example.com` matches `a.example.com` and `a.b.example.com`, not
 * `example.com`). Compared case-insensitively; a port in a Host header is ignored.
 */

/** A hostname lower-case, without a trailing dot or a port. */
export function normalHost(host: string): string {
  let h = host.trim().toLowerCase();
  const port = /^(.*):\d+$/.exec(h);
  if (port && !h.startsWith('[')) h = port[1];
  return h.replace(/\.$/, '');
}

/** `*.suffix` */
export const isWildcard = (hostname: string): boolean => hostname.startsWith('*.');

/** Whether `pattern` (a name or `*.suffix`; empty: any) matches the concrete `host`. */
export function hostnameMatches(pattern: string | undefined, host: string): boolean {
  if (pattern === undefined || pattern === '') return true;
  if (isWildcard(pattern)) return host.length > pattern.length - 1 && host.endsWith(pattern.slice(1));
  return pattern === host;
}

/**
 * The route hostnames that apply on a listener (the listener hostname and the route's hostnames, either may be a
 * wildcard): `[]` when both leave the hostname open (any host), the intersecting names otherwise, and `undefined`
 * when they do not intersect (the route does not attach to that listener: `NoMatchingListenerHostname`).
 *
 * A route `*.example.com` on a listener `test.example.com` applies to `test.example.com`; a route `test.example.net`
 * on a listener `*.example.com` is ignored there (gateway-api `httproute_types.go`: "any HTTPRoute hostnames that do
 * not match the Listener hostname MUST be ignored").
 */
export function intersectHostnames(listener: string | undefined, route: readonly string[]): string[] | undefined {
  if (route.length === 0) return listener === undefined || listener === '' ? [] : [listener];
  if (listener === undefined || listener === '') return [...route];
  const out: string[] = [];
  for (const h of route) {
    let applied: string | undefined;
    if (!isWildcard(h)) applied = hostnameMatches(listener, h) ? h : undefined;
    else if (!isWildcard(listener)) applied = hostnameMatches(h, listener) ? listener : undefined;
    // both wildcards: the narrower one, when one contains the other
    else if (h.length >= listener.length) applied = h.endsWith(listener.slice(1)) ? h : undefined;
    else applied = listener.endsWith(h.slice(1)) ? listener : undefined;
    if (applied !== undefined && !out.includes(applied)) out.push(applied);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * How specifically a hostname matches a host, to order listeners and routes: exact names first (longer first), then
 * wildcards with more labels after the `*` (gateway-api `gateway_types.go`: "the higher the number of dots in the
 * hostname to the right of the wildcard character, the higher the precedence"), then longer wildcards, then an empty
 * hostname (matches anything). Higher sorts first.
 */
export function hostnameRank(hostname: string | undefined): [number, number, number] {
  if (hostname === undefined || hostname === '') return [0, 0, 0];
  if (isWildcard(hostname)) return [1, hostname.split('.').length - 1, hostname.length];
  return [2, 0, hostname.length];
}

/** Compares two ranks, higher first. */
export function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Of hostnames (a listener's, or a route's applied hostnames), the most specific one that matches the host: its rank
 * for the HTTPRoute/GRPCRoute precedence "characters in a matching non-wildcard hostname, then characters in a matching
 * hostname" (gateway-api `httproute_types.go` `Hostnames`, `grpcroute_types.go` `Matches`); undefined when none matches.
 * An empty list matches any host with the lowest rank.
 */
export function bestHostnameMatch(hostnames: readonly string[], host: string | undefined): { hostname: string; rank: [number, number] } | undefined {
  if (hostnames.length === 0) return { hostname: '', rank: [0, 0] };
  let best: { hostname: string; rank: [number, number] } | undefined;
  for (const h of hostnames) {
    if (host === undefined || !hostnameMatches(h, host)) continue;
    const rank: [number, number] = isWildcard(h) ? [0, h.length] : [h.length, h.length];
    if (!best || compareRanks(rank, best.rank) < 0) best = { hostname: h, rank };
  }
  return best;
}
