import { CorsPolicy, Filter, HeaderChanges, HttpMatch, PathModifier } from './objects';
import { TrafficHeaderChanges } from '../types';

/**
 * What a rule's filters do to a request (gateway-api `apis/v1/httproute_types.go` `HTTPRouteFilter`): header changes,
 * a redirect's Location, a rewrite's path and host, and CORS.
 */

/** Applies a header modifier to headers (names lower-case): `set` overwrites, `add` appends with `,`, `remove` deletes. */
export function applyHeaderChanges(headers: { [name: string]: string }, changes: HeaderChanges): void {
  for (const [name, value] of changes.set) headers[name] = value;
  for (const [name, value] of changes.add) headers[name] = headers[name] !== undefined ? `${headers[name]},${value}` : value;
  for (const name of changes.remove) delete headers[name];
}

/** Header changes as a result reports them. */
export interface ChangeSet { set: { [k: string]: string }; add: { [k: string]: string }; remove: string[] }

/** Accumulates header modifiers as the result reports them (later changes of one name win). */
export function mergeHeaderChanges(into: ChangeSet, changes: HeaderChanges): void {
  for (const [name, value] of changes.set) into.set[name] = value;
  for (const [name, value] of changes.add) into.add[name] = into.add[name] !== undefined ? `${into.add[name]},${value}` : value;
  for (const name of changes.remove) if (!into.remove.includes(name)) into.remove.push(name);
}

/** The changes as the result reports them, or undefined when there are none. */
export function reportedChanges(c: ChangeSet): TrafficHeaderChanges | undefined {
  const out = {
    ...(Object.keys(c.set).length > 0 ? { set: c.set } : {}),
    ...(Object.keys(c.add).length > 0 ? { add: c.add } : {}),
    ...(c.remove.length > 0 ? { remove: c.remove } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A path after a ReplaceFullPath or ReplacePrefixMatch modifier. The prefix replaced is the PathPrefix value of the match
 * that took the request, element by element, a trailing `/` ignored (gateway-api `HTTPPathModifier.ReplacePrefixMatch`'s
 * table: `/foo/bar` with prefix `/foo` and replacement `/xyz/` is `/xyz/bar`; `/foo` with replacement `` is `/`).
 */
export function modifiedPath(path: string, modifier: PathModifier, match: HttpMatch | undefined): string {
  if (modifier.type === 'ReplaceFullPath') return modifier.value;
  const prefix = match?.path.type === 'PathPrefix' ? match.path.value.replace(/\/+$/, '') : '';
  const rest = path.slice(prefix.length);
  let replaced = modifier.value;
  if (replaced.endsWith('/') && rest.startsWith('/')) replaced = replaced.slice(0, -1);
  const out = replaced + rest;
  return out === '' ? '/' : out.startsWith('/') ? out : `/${out}`;
}

/** The query string of a path with query, with its `?`, or ''. */
export const queryOf = (pathAndQuery: string): string => (pathAndQuery.includes('?') ? pathAndQuery.slice(pathAndQuery.indexOf('?')) : '');

/**
 * A redirect's Location (gateway-api `HTTPRequestRedirectFilter`): the scheme given or the request's; the hostname given
 * or the request's Host; the port given, else the scheme's well-known port when the scheme is given (`http` 80, `https`
 * 443), else the listener's port; the port left out when it is the scheme's default; the path modified or as sent, the
 * query kept.
 */
export function redirectLocation(f: Extract<Filter, { type: 'RequestRedirect' }>, request: {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly path: string;
  readonly pathAndQuery: string;
  readonly listenerPort: number;
}, match: HttpMatch | undefined): string {
  const scheme = f.scheme ?? request.scheme;
  const port = f.port ?? (f.scheme !== undefined ? (scheme === 'https' ? 443 : 80) : request.listenerPort);
  const defaultPort = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
  const path = f.path ? modifiedPath(request.path, f.path, match) : request.path;
  return `${scheme}://${f.hostname ?? request.host}${defaultPort ? '' : `:${port}`}${path}${queryOf(request.pathAndQuery)}`;
}

/** Whether an Origin (`scheme://host[:port]`) is one of the allowed origins (`*` alone: any; `*` in a host: any labels to its left). */
export function originAllowed(cors: CorsPolicy, origin: string): boolean {
  const parse = (o: string) => {
    const m = /^([a-z][a-z0-9+.-]*):\/\/([^/:]+)(?::(\d+))?\/?$/i.exec(o.trim());
    if (!m) return undefined;
    const scheme = m[1].toLowerCase();
    return { scheme, host: m[2].toLowerCase(), port: m[3] ?? (scheme === 'https' ? '443' : scheme === 'http' ? '80' : '') };
  };
  const o = parse(origin);
  if (!o) return false;
  return cors.allowOrigins.some(allowed => {
    if (allowed === '*') return true;
    const a = parse(allowed);
    if (!a || a.scheme !== o.scheme || a.port !== o.port) return false;
    if (!a.host.includes('*')) return a.host === o.host;
    const [left, right] = [a.host.slice(0, a.host.indexOf('*')), a.host.slice(a.host.indexOf('*') + 1)];
    return o.host.length >= left.length + right.length && o.host.startsWith(left) && o.host.endsWith(right);
  });
}

/** A CORS preflight: OPTIONS with an Origin and Access-Control-Request-Method. */
export const isPreflight = (method: string, headers: { readonly [name: string]: string }): boolean =>
  method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;

/**
 * The CORS headers the gateway puts on the response (gateway-api `HTTPCORSFilter`): none when the Origin is not allowed.
 * The allowed origin is always echoed (valid with and without credentials); for a preflight, the methods and headers
 * allowed (the requested ones when the policy allows `*`), the max age (default 5 s).
 */
export function corsHeaders(cors: CorsPolicy, method: string, headers: { readonly [name: string]: string }): { [name: string]: string } {
  const origin = headers.origin;
  if (origin === undefined || !originAllowed(cors, origin)) return {};
  const out: { [name: string]: string } = { 'access-control-allow-origin': origin };
  if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
  const wildcard = (l: readonly string[]) => l.includes('*');
  if (isPreflight(method, headers)) {
    const requestedMethod = headers['access-control-request-method'];
    if (wildcard(cors.allowMethods)) out['access-control-allow-methods'] = requestedMethod;
    else if (cors.allowMethods.length > 0) out['access-control-allow-methods'] = cors.allowMethods.join(', ');
    const requestedHeaders = headers['access-control-request-headers'];
    if (wildcard(cors.allowHeaders)) {
      if (requestedHeaders !== undefined) out['access-control-allow-headers'] = requestedHeaders;
    } else if (cors.allowHeaders.length > 0) {out['access-control-allow-headers'] = cors.allowHeaders.join(', ');}
    out['access-control-max-age'] = String(cors.maxAge);
  }
  if (cors.exposeHeaders.length > 0 && !(wildcard(cors.exposeHeaders) && cors.allowCredentials)) out['access-control-expose-headers'] = cors.exposeHeaders.join(', ');
  return out;
}
