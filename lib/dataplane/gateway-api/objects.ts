import { normalHost } from './hostnames';
import { isObj, str } from '../../analysis/context';
import { WorldObject } from '../world';

/**
 * The Gateway API objects read into checked shapes (gateway-api `apis/v1/*_types.go`): routes, their parent and backend
 * references, matches and filters. Objects from YAML may hold anything: every field is read defensively, and a value
 * the specification does not know is kept as a problem to report (`UnsupportedValue`), never thrown.
 */

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const LINKERD_POLICY_GROUP = 'policy.linkerd.io';

/** The route kinds the model routes. */
export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute';
export const ROUTE_KINDS: readonly RouteKind[] = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'];

/** A parent reference (`parentRefs[]`), defaults applied: group `gateway.networking.k8s.io`, kind `Gateway`, the route's namespace. */
export interface ParentRef {
  readonly index: number;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
}

/** A backend reference, defaults applied: the core group, kind `Service`, the route's namespace, weight 1. */
export interface BackendRef {
  readonly index: number;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly port?: number;
  readonly weight: number;
  /** Filters of this backendRef only (HTTPRoute/GRPCRoute `backendRefs[].filters`). */
  readonly filters: readonly Filter[];
}

/** A string match (header, query parameter, gRPC service or method). */
export interface StringMatch {
  readonly type: 'Exact' | 'RegularExpression';
  readonly name: string;
  readonly value: string;
  readonly regex?: RegExp;
}

/** An HTTPRoute match (`rules[].matches[]`), defaults applied (path: PathPrefix `/`). */
export interface HttpMatch {
  readonly index: number;
  readonly path: { readonly type: 'Exact' | 'PathPrefix' | 'RegularExpression'; readonly value: string; readonly regex?: RegExp };
  readonly headers: readonly StringMatch[];
  readonly queryParams: readonly StringMatch[];
  readonly method?: string;
  /** The match of a rule written with `matches: []` (not defaulted by the API server: the specification reads PathPrefix `/`). */
  readonly implicit?: true;
}

/** A GRPCRoute match (`rules[].matches[]`). */
export interface GrpcMatch {
  readonly index: number;
  readonly service?: StringMatch;
  readonly method?: StringMatch;
  readonly headers: readonly StringMatch[];
}

/** A path modifier of a redirect or rewrite. */
export type PathModifier = { readonly type: 'ReplaceFullPath'; readonly value: string } | { readonly type: 'ReplacePrefixMatch'; readonly value: string };

/** Header changes (`RequestHeaderModifier`, `ResponseHeaderModifier`), names lower-case. */
export interface HeaderChanges {
  readonly set: ReadonlyArray<readonly [string, string]>;
  readonly add: ReadonlyArray<readonly [string, string]>;
  readonly remove: readonly string[];
}

/** The CORS filter's policy. */
export interface CorsPolicy {
  readonly allowOrigins: readonly string[];
  readonly allowCredentials: boolean;
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAge: number;
}

/** A filter of a rule or a backendRef. */
export type Filter =
  | { readonly type: 'RequestHeaderModifier'; readonly changes: HeaderChanges }
  | { readonly type: 'ResponseHeaderModifier'; readonly changes: HeaderChanges }
  | { readonly type: 'RequestRedirect'; readonly scheme?: string; readonly hostname?: string; readonly path?: PathModifier; readonly port?: number; readonly statusCode: number }
  | { readonly type: 'URLRewrite'; readonly hostname?: string; readonly path?: PathModifier }
  | { readonly type: 'RequestMirror'; readonly backendRef: BackendRef; readonly percent: number }
  | { readonly type: 'CORS'; readonly cors: CorsPolicy }
  | { readonly type: 'ExternalAuth' }
  | { readonly type: 'ExtensionRef'; readonly group: string; readonly kind: string; readonly name: string };

/** A rule of a route. */
export interface Rule {
  readonly index: number;
  readonly name?: string;
  /** HTTPRoute matches (a rule without matches has one: PathPrefix `/`). */
  readonly httpMatches: readonly HttpMatch[];
  /** GRPCRoute matches (a rule without matches matches every request: one empty match). */
  readonly grpcMatches: readonly GrpcMatch[];
  readonly filters: readonly Filter[];
  readonly backendRefs: readonly BackendRef[];
  /** `timeouts.request`, `timeouts.backendRequest` (Gateway API durations). */
  readonly timeouts: { readonly request?: string; readonly backendRequest?: string };
  readonly retry?: { readonly codes: readonly number[]; readonly attempts?: number; readonly backoff?: string };
  /** Why the rule is dropped (`UnsupportedValue`, `IncompatibleFilters`): it never routes. */
  readonly invalid?: string;
}

/** A route, read. */
export interface Route {
  readonly object: WorldObject;
  readonly kind: RouteKind;
  /** `gateway.networking.k8s.io`, or `policy.linkerd.io` for Linkerd's own HTTPRoute. */
  readonly group: string;
  readonly namespace: string;
  readonly name: string;
  /** `Kind namespace/name`, for messages. */
  readonly key: string;
  /** Sorts by creation: `metadata.creationTimestamp`, else the order the objects were applied in. */
  readonly created: string;
  readonly hostnames: readonly string[];
  readonly parentRefs: readonly ParentRef[];
  readonly rules: readonly Rule[];
  /** Why no rule of the route routes (every rule invalid), when that is so. */
  readonly invalid?: string;
}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const REDIRECT_CODES = [301, 302, 303, 307, 308];

/** Thrown inside parsing only: a value the specification does not know (caught per rule). */
class Unsupported extends Error {}
const unsupported = (what: string): never => {
  throw new Unsupported(what);
};

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const optStr = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const optInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/** An anchored regular expression (Envoy's `safe_regex` matches the whole value); unsupported when it does not compile. */
function fullRegex(pattern: string, what: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return unsupported(`${what} '${pattern}' is not a valid regular expression`);
  }
}

/**
 * Sort key of an object's creation: its `creationTimestamp` (objects created in one second tie, and go by name), else
 * after every timestamped object in the order the objects were applied (`kubectl apply` creates them in that order).
 */
export function creationKey(o: WorldObject): string {
  const meta: { readonly [k: string]: unknown } = isObj(o.manifest.metadata) ? o.manifest.metadata : {};
  const ts = meta.creationTimestamp;
  if (typeof ts === 'string' && ts !== '') return ts;
  if (ts instanceof Date && !Number.isNaN(ts.getTime())) return ts.toISOString().replace(/\.000Z$/, 'Z');
  return `~${String(o.index).padStart(9, '0')}`;
}

/** Reads `parentRefs`. */
export function parentRefsOf(spec: { readonly [k: string]: unknown }, namespace: string): ParentRef[] {
  return list(spec.parentRefs).filter(isObj).map((p, index) => ({
    index,
    group: typeof p.group === 'string' ? p.group : GATEWAY_GROUP,
    kind: optStr(p.kind) ?? 'Gateway',
    namespace: optStr(p.namespace) ?? namespace,
    name: str(p.name),
    ...(optStr(p.sectionName) !== undefined ? { sectionName: optStr(p.sectionName) } : {}),
    ...(optInt(p.port) !== undefined ? { port: optInt(p.port) } : {}),
  }));
}

/** Reads one backend reference (`backendRefs[]`, a mirror's `backendRef`). */
export function backendRefOf(b: { readonly [k: string]: unknown }, namespace: string, index: number, kind: RouteKind): BackendRef {
  const weight = optInt(b.weight);
  return {
    index,
    group: typeof b.group === 'string' ? b.group : '',
    kind: optStr(b.kind) ?? 'Service',
    namespace: optStr(b.namespace) ?? namespace,
    name: str(b.name),
    ...(optInt(b.port) !== undefined ? { port: optInt(b.port) } : {}),
    weight: weight === undefined || weight < 0 ? 1 : weight,
    filters: kind === 'HTTPRoute' || kind === 'GRPCRoute' ? list(b.filters).filter(isObj).map(f => filterOf(f, namespace, kind)) : [],
  };
}

function stringMatch(m: { readonly [k: string]: unknown }, what: string, lowerName: boolean): StringMatch {
  const type = m.type === undefined ? 'Exact' : m.type;
  if (type !== 'Exact' && type !== 'RegularExpression') return unsupported(`${what} match type '${str(type)}'`);
  const name = str(m.name);
  const value = str(m.value);
  return { type, name: lowerName ? name.toLowerCase() : name, value, ...(type === 'RegularExpression' ? { regex: fullRegex(value, what) } : {}) };
}

/** Of matches on equivalent names, only the first counts (gateway-api `HTTPHeaderMatch.Name`, `HTTPQueryParamMatch.Name`). */
function firstByName(ms: StringMatch[]): StringMatch[] {
  const seen = new Set<string>();
  return ms.filter(m => {
    if (seen.has(m.name)) return false;
    seen.add(m.name);
    return true;
  });
}

function httpMatchOf(m: { readonly [k: string]: unknown }, index: number): HttpMatch {
  const p = isObj(m.path) ? m.path : {};
  const type = p.type === undefined ? 'PathPrefix' : p.type;
  if (type !== 'Exact' && type !== 'PathPrefix' && type !== 'RegularExpression') return unsupported(`path match type '${str(type)}'`);
  const value = typeof p.value === 'string' ? p.value : '/';
  if (type !== 'RegularExpression' && !value.startsWith('/')) return unsupported(`path '${value}' (must start with '/')`);
  const method = m.method === undefined ? undefined : str(m.method);
  if (method !== undefined && !HTTP_METHODS.includes(method)) return unsupported(`method '${method}'`);
  return {
    index,
    path: { type, value, ...(type === 'RegularExpression' ? { regex: fullRegex(value, 'path') } : {}) },
    headers: firstByName(list(m.headers).filter(isObj).map(h => stringMatch(h, 'header', true))),
    queryParams: firstByName(list(m.queryParams).filter(isObj).map(q => stringMatch(q, 'query parameter', false))),
    ...(method !== undefined ? { method } : {}),
  };
}

function grpcMatchOf(m: { readonly [k: string]: unknown }, index: number): GrpcMatch {
  const mm = isObj(m.method) ? m.method : undefined;
  let service: StringMatch | undefined;
  let method: StringMatch | undefined;
  if (mm) {
    const type = mm.type === undefined ? 'Exact' : mm.type;
    if (type !== 'Exact' && type !== 'RegularExpression') return unsupported(`gRPC method match type '${str(type)}'`);
    const s = optStr(mm.service);
    const me = optStr(mm.method);
    if (s === undefined && me === undefined) return unsupported('gRPC method match with neither service nor method');
    if (s !== undefined) service = { type, name: 'service', value: s, ...(type === 'RegularExpression' ? { regex: fullRegex(s, 'gRPC service') } : {}) };
    if (me !== undefined) method = { type, name: 'method', value: me, ...(type === 'RegularExpression' ? { regex: fullRegex(me, 'gRPC method') } : {}) };
  }
  return {
    index,
    ...(service ? { service } : {}),
    ...(method ? { method } : {}),
    headers: firstByName(list(m.headers).filter(isObj).map(h => stringMatch(h, 'header', true))),
  };
}

function headerChanges(v: unknown): HeaderChanges {
  const f = isObj(v) ? v : {};
  const pairs = (x: unknown) => list(x).filter(isObj).map(h => [str(h.name).toLowerCase(), str(h.value)] as const);
  return { set: pairs(f.set), add: pairs(f.add), remove: list(f.remove).map(r => str(r).toLowerCase()) };
}

function pathModifier(v: unknown): PathModifier | undefined {
  if (!isObj(v)) return undefined;
  if (v.type === 'ReplaceFullPath') return { type: 'ReplaceFullPath', value: str(v.replaceFullPath) };
  if (v.type === 'ReplacePrefixMatch') return { type: 'ReplacePrefixMatch', value: str(v.replacePrefixMatch) };
  return unsupported(`path modifier type '${str(v.type)}'`);
}

function filterOf(f: { readonly [k: string]: unknown }, namespace: string, kind: RouteKind): Filter {
  const type = str(f.type);
  const grpc = kind === 'GRPCRoute';
  switch (type) {
    case 'RequestHeaderModifier': return { type, changes: headerChanges(f.requestHeaderModifier) };
    case 'ResponseHeaderModifier': return { type, changes: headerChanges(f.responseHeaderModifier) };
    case 'RequestMirror': {
      const m = isObj(f.requestMirror) ? f.requestMirror : {};
      const fraction = isObj(m.fraction) ? m.fraction : undefined;
      const percent = optInt(m.percent) !== undefined ? optInt(m.percent)!
        : fraction ? (optInt(fraction.numerator) ?? 0) * 100 / (optInt(fraction.denominator) || 100) : 100;
      const backendRef = backendRefOf(isObj(m.backendRef) ? m.backendRef : {}, namespace, 0, kind);
      return { type, backendRef, percent: Math.min(100, Math.max(0, percent)) };
    }
    default: break;
  }
  if (grpc && type !== 'ExtensionRef') return unsupported(`GRPCRoute filter type '${type}'`);
  switch (type) {
    case 'RequestRedirect': {
      const r = isObj(f.requestRedirect) ? f.requestRedirect : {};
      const statusCode = optInt(r.statusCode) ?? 302;
      if (!REDIRECT_CODES.includes(statusCode)) return unsupported(`redirect status code ${statusCode}`);
      const scheme = optStr(r.scheme);
      if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') return unsupported(`redirect scheme '${scheme}'`);
      return {
        type,
        ...(scheme !== undefined ? { scheme } : {}),
        ...(optStr(r.hostname) !== undefined ? { hostname: normalHost(optStr(r.hostname)!) } : {}),
        ...(pathModifier(r.path) ? { path: pathModifier(r.path) } : {}),
        ...(optInt(r.port) !== undefined ? { port: optInt(r.port) } : {}),
        statusCode,
      };
    }
    case 'URLRewrite': {
      const r = isObj(f.urlRewrite) ? f.urlRewrite : {};
      const hostname = optStr(r.hostname);
      const path = pathModifier(r.path);
      return { type, ...(hostname !== undefined ? { hostname } : {}), ...(path ? { path } : {}) };
    }
    case 'CORS': {
      const c = isObj(f.cors) ? f.cors : {};
      return {
        type,
        cors: {
          allowOrigins: list(c.allowOrigins).map(str),
          allowCredentials: c.allowCredentials === true,
          allowMethods: list(c.allowMethods).map(str),
          allowHeaders: list(c.allowHeaders).map(str),
          exposeHeaders: list(c.exposeHeaders).map(str),
          maxAge: optInt(c.maxAge) ?? 5,
        },
      };
    }
    case 'ExternalAuth': return { type };
    case 'ExtensionRef': {
      const e = isObj(f.extensionRef) ? f.extensionRef : {};
      return { type, group: str(e.group), kind: str(e.kind), name: str(e.name) };
    }
    default: return unsupported(`filter type '${type}'`);
  }
}

const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/** A Gateway API duration (GEP-2257: `1h`, `500ms`, `1m30s`) in milliseconds; undefined when it is not one. */
export function durationMs(d: string | undefined): number | undefined {
  if (d === undefined || !DURATION.test(d)) return undefined;
  let ms = 0;
  for (const [, n, unit] of d.matchAll(/([0-9]+)(h|ms|m|s)/g)) ms += Number(n) * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1);
  return ms;
}

function ruleOf(r: { readonly [k: string]: unknown }, index: number, namespace: string, kind: RouteKind): Rule {
  const name = optStr(r.name);
  const base = { index, ...(name !== undefined ? { name } : {}) };
  try {
    const matches = list(r.matches).filter(isObj);
    // absent, `matches` is defaulted by the API server to PathPrefix `/` (the CRD's default); written as `[]`, it is not
    const empty = Array.isArray(r.matches) && r.matches.length === 0;
    const httpMatches = kind === 'HTTPRoute'
      ? (matches.length > 0 ? matches.map(httpMatchOf) : [empty ? { ...httpMatchOf({}, 0), implicit: true as const } : httpMatchOf({}, 0)]) : [];
    const grpcMatches = kind === 'GRPCRoute' ? (matches.length > 0 ? matches.map(grpcMatchOf) : [grpcMatchOf({}, 0)]) : [];
    const filters = list(r.filters).filter(isObj).map(f => filterOf(f, namespace, kind));
    const backendRefs = list(r.backendRefs).filter(isObj).map((b, i) => backendRefOf(b, namespace, i, kind));
    const timeouts = isObj(r.timeouts) ? r.timeouts : {};
    const request = optStr(timeouts.request);
    const backendRequest = optStr(timeouts.backendRequest);
    for (const d of [request, backendRequest]) if (d !== undefined && durationMs(d) === undefined) unsupported(`timeout '${d}' (not a Gateway API duration)`);
    const retry = isObj(r.retry) ? r.retry : undefined;
    const rule: Rule = {
      ...base,
      httpMatches,
      grpcMatches,
      filters,
      backendRefs,
      timeouts: { ...(request !== undefined ? { request } : {}), ...(backendRequest !== undefined ? { backendRequest } : {}) },
      ...(retry ? {
        retry: {
          codes: list(retry.codes).map(optInt).filter((c): c is number => c !== undefined),
          ...(optInt(retry.attempts) !== undefined ? { attempts: optInt(retry.attempts) } : {}),
          ...(optStr(retry.backoff) !== undefined ? { backoff: optStr(retry.backoff) } : {}),
        },
      } : {}),
    };
    return { ...rule, ...(ruleProblem(rule) !== undefined ? { invalid: ruleProblem(rule) } : {}) };
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    return { ...base, httpMatches: [], grpcMatches: [], filters: [], backendRefs: [], timeouts: {}, invalid: `UnsupportedValue: ${e.message}` };
  }
}

/** A rule's own inconsistencies (gateway-api `httproute_types.go` `HTTPRouteRule.Filters`, `HTTPPathModifier`). */
function ruleProblem(rule: Rule): string | undefined {
  const all = [...rule.filters, ...rule.backendRefs.flatMap(b => b.filters)];
  const count = (t: Filter['type']) => rule.filters.filter(f => f.type === t).length;
  if (rule.filters.some(f => f.type === 'RequestRedirect') && rule.filters.some(f => f.type === 'URLRewrite')) {
    return 'IncompatibleFilters: a rule may not have both RequestRedirect and URLRewrite';
  }
  if (count('URLRewrite') > 1) return 'IncompatibleFilters: at most one URLRewrite filter per rule';
  if (count('RequestRedirect') > 1) return 'IncompatibleFilters: at most one RequestRedirect filter per rule';
  const prefixModifier = all.some(f => (f.type === 'RequestRedirect' || f.type === 'URLRewrite') && f.path?.type === 'ReplacePrefixMatch');
  if (prefixModifier && rule.httpMatches.some(m => m.path.type !== 'PathPrefix')) {
    return 'UnsupportedValue: ReplacePrefixMatch needs every match of the rule to be a PathPrefix match';
  }
  return undefined;
}

/** Reads a route object (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute; Linkerd's `policy.linkerd.io` HTTPRoute has HTTPRoute's shape). */
export function routeOf(o: WorldObject, kind: RouteKind): Route {
  const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
  const rules = list(spec.rules).filter(isObj).map((r, i) => ruleOf(r, i, o.namespace, kind));
  const valid = rules.filter(r => r.invalid === undefined);
  return {
    object: o,
    kind,
    group: o.group,
    namespace: o.namespace,
    name: o.name,
    key: `${kind} ${o.namespace}/${o.name}`,
    created: creationKey(o),
    hostnames: kind === 'TCPRoute' ? [] : list(spec.hostnames).map(h => normalHost(str(h))).filter(h => h !== ''),
    parentRefs: parentRefsOf(spec, o.namespace),
    rules,
    ...(rules.length > 0 && valid.length === 0 ? { invalid: rules.map(r => `rule ${r.index}: ${r.invalid}`).join('; ') } : {}),
  };
}

/** Route precedence ties: the oldest route first, then `{namespace}/{name}` alphabetically (gateway-api `httproute_types.go` `Matches`). */
export function compareRoutes(a: Route, b: Route): number {
  if (a.created !== b.created) return a.created < b.created ? -1 : 1;
  const an = `${a.namespace}/${a.name}`;
  const bn = `${b.namespace}/${b.name}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}
