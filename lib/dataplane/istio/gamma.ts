import { isObj, str, strs } from '../../analysis/context';
import { World, WorldObject } from '../world';
import { creationOf } from './host';
import { Destination, HeaderOps, HttpMatch, HttpRule, RouteDestination, RuleOrigin, StringMatch, VirtualServiceConfig } from './vs-model';

/**
 * Gateway API routes attached to Services (GAMMA) as istiod converts them into its own VirtualServices for sidecars
 * (istio/istio pilot/pkg/config/kube/gateway/route_collections.go HTTPRouteCollection, GRPCRouteCollection,
 * mergeHTTPRoutes; conversion.go convertHTTPRoute, convertGRPCRoute, buildDestination, sortHTTPRoutes): one
 * VirtualService per route namespace, parent port and Service host, named `<namespace>~[<port>~]<host>`, bound to
 * `mesh`, with gateway semantics; rules split one match each, named `<ns>.<route>.<n>` unless named; routes of one key
 * merged oldest first, then sorted by match specificity. Routes attached to Gateways are the Gateway API engine's.
 */

const list = (v: unknown): Array<{ [k: string]: unknown }> => (Array.isArray(v) ? v.filter(isObj) : []);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

interface Converted {
  readonly key: string;
  readonly host: string;
  readonly route: WorldObject;
  readonly creation: number;
  readonly http: HttpRule[];
}

const emptyMatch = (): HttpMatch => ({
  name: '', headers: {}, withoutHeaders: {}, queryParams: {}, ignoreUriCase: false, port: 0, sourceLabels: {}, gateways: [], sourceNamespace: '',
});

/** The converted VirtualServices of every HTTPRoute and GRPCRoute of the world attached to a Service or ServiceEntry. */
export function convertMeshRoutes(world: World, domainSuffix: string): VirtualServiceConfig[] {
  const converted: Converted[] = [];
  for (const kind of ['HTTPRoute', 'GRPCRoute'] as const) {
    for (const o of world.list('gateway.networking.k8s.io', kind)) converted.push(...convertRoute(world, o, kind, domainSuffix));
  }
  const byKey = new Map<string, Converted[]>();
  for (const c of converted) {
    const same = byKey.get(c.key);
    if (same) same.push(c);
    else byKey.set(c.key, [c]);
  }
  const out: VirtualServiceConfig[] = [];
  for (const [key, group] of byKey) {
    // sortRoutesByCreationTime: creation, namespace, name
    group.sort((a, b) => a.creation - b.creation || cmp(a.route.namespace, b.route.namespace) || cmp(a.route.name, b.route.name));
    const http = sortHttpRoutes(group.flatMap(g => g.http));
    const base = group[0];
    out.push({
      name: key.replace(/\//g, '~'),
      namespace: base.route.namespace,
      creation: base.creation,
      annotations: {
        'internal.istio.io/route-semantics': 'gateway',
        'internal.istio.io/parents': group.map(g => `${g.route.kind}/${g.route.name}.${g.route.namespace}`).join(','),
      },
      hosts: [base.host],
      gateways: ['mesh'],
      exportTo: [],
      http,
      tcp: [],
      tls: [],
      semantics: 'gateway',
      object: base.route,
    });
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function convertRoute(world: World, o: WorldObject, kind: 'HTTPRoute' | 'GRPCRoute', domain: string): Converted[] {
  const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
  const out: Converted[] = [];
  const parents = list(spec.parentRefs).filter(p => {
    const group = str(p.group);
    const k = str(p.kind);
    return (k === 'Service' && (group === '' || group === 'core')) || (k === 'ServiceEntry' && group === 'networking.istio.io');
  });
  if (parents.length === 0) return out;
  const rules = convertRules(o, kind, domain);
  // filteredReferences sorts parents by their internal name (all `mesh`): kept in written order
  for (const p of parents) {
    const ns = str(p.namespace) || o.namespace;
    const name = str(p.name);
    let hosts: string[];
    if (str(p.kind) === 'ServiceEntry') {
      const se = world.get('networking.istio.io', 'ServiceEntry', ns, name);
      if (!se) continue;
      hosts = strs(isObj(se.manifest.spec) ? se.manifest.spec.hosts : undefined);
    } else {
      // referenceAllowed: the parent Service must exist
      if (!world.service(ns, name)) continue;
      hosts = [`${name}.${ns}.svc.${domain}`];
    }
    const port = num(p.port);
    let routes = rules;
    let key = o.namespace;
    if (port > 0) {
      // augmentPortMatch
      routes = rules.map(r => ({ ...r, match: r.match.length === 0 ? [{ ...emptyMatch(), port }] : r.match.map(m => ({ ...m, port })) }));
      key += `/${port}`;
    }
    if (routes.length === 0) continue;
    for (const h of hosts) out.push({ key: `${key}/${h}`, host: h, route: o, creation: creationOf(o.manifest.metadata), http: routes });
  }
  return out;
}

function convertRules(o: WorldObject, kind: 'HTTPRoute' | 'GRPCRoute', domain: string): HttpRule[] {
  const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
  const out: HttpRule[] = [];
  list(spec.rules).forEach((r, n) => {
    const matches = list(r.matches);
    const name = typeof r.name === 'string' && r.name !== '' ? r.name : `${o.namespace}.${o.name}.${n}`;
    const one = (m: { [k: string]: unknown } | undefined, mi: number | undefined): HttpRule | undefined => {
      const origin: RuleOrigin = { kind, namespace: o.namespace, name: o.name, rule: n, ...(typeof r.name === 'string' ? { ruleName: r.name } : {}), ...(mi !== undefined ? { match: mi } : {}) };
      return convertRule(o, r, m, kind, domain, name, origin);
    };
    if (matches.length === 0) {
      const c = one(undefined, undefined);
      if (c) out.push(c);
    } else {
      matches.forEach((m, mi) => {
        const c = one(m, mi);
        if (c) out.push(c);
      });
    }
  });
  return out;
}

function convertRule(o: WorldObject, r: { [k: string]: unknown }, m: { [k: string]: unknown } | undefined,
  kind: 'HTTPRoute' | 'GRPCRoute', domain: string, name: string, origin: RuleOrigin): HttpRule | undefined {
  const match: HttpMatch[] = [];
  if (m) {
    const headers: { [k: string]: StringMatch } = {};
    for (const h of list(m.headers)) headers[str(h.name)] = str(h.type) === 'RegularExpression' ? { regex: str(h.value) } : { exact: str(h.value) };
    if (kind === 'HTTPRoute') {
      const query: { [k: string]: StringMatch } = {};
      for (const q of list(m.queryParams)) query[str(q.name)] = str(q.type) === 'RegularExpression' ? { regex: str(q.value) } : { exact: str(q.value) };
      match.push({ ...emptyMatch(), uri: uriMatch(m.path), headers, queryParams: query, ...(typeof m.method === 'string' ? { method: { exact: m.method } } : {}) });
    } else {
      const uri = grpcUriMatch(m.method);
      match.push({ ...emptyMatch(), ...(uri ? { uri } : {}), headers });
    }
  }
  let requestHeaders: HeaderOps | undefined;
  let responseHeaders: HeaderOps | undefined;
  let redirect: HttpRule['redirect'];
  let rewrite: HttpRule['rewrite'];
  const mirrors: Array<{ destination: Destination; percent: number }> = [];
  for (const f of list(r.filters)) {
    const type = str(f.type);
    if (type === 'RequestHeaderModifier') {requestHeaders = headerOps(f.requestHeaderModifier);} else if (type === 'ResponseHeaderModifier') {responseHeaders = headerOps(f.responseHeaderModifier);} else if (type === 'RequestRedirect' && kind === 'HTTPRoute' && isObj(f.requestRedirect)) {redirect = redirectOf(f.requestRedirect);} else if (type === 'URLRewrite' && kind === 'HTTPRoute' && isObj(f.urlRewrite)) {rewrite = rewriteOf(f.urlRewrite);} else if (type === 'RequestMirror' && isObj(f.requestMirror)) {
      const d = destinationOf(f.requestMirror.backendRef, o.namespace, domain);
      const frac = f.requestMirror.fraction;
      const percent = isObj(frac) ? (100 * num(frac.numerator)) / (num(frac.denominator) || 100) : typeof f.requestMirror.percent === 'number' ? f.requestMirror.percent : 100;
      if (d) mirrors.push({ destination: d, percent });
    } else if (type === 'CORS') {
      // CORS: the allowed origins are reported, nothing else changes routing
    } else {
      // convertHTTPRoute rejects the route when a filter is unsupported: nothing of it is programmed
      return undefined;
    }
  }
  const backends = list(r.backendRefs);
  const weights = backends.map(b => (typeof b.weight === 'number' ? b.weight : 1));
  const active = backends.map((b, i) => ({ b, w: weights[i] })).filter(x => x.w !== 0);
  const route: RouteDestination[] = [];
  let directResponse: HttpRule['directResponse'];
  if (weights.reduce((a, b) => a + b, 0) === 0 && !redirect) {
    directResponse = { status: 500 };
  } else {
    for (const { b, w } of active) {
      const d = destinationOf(b, o.namespace, domain);
      if (!d) return undefined;
      route.push({ destination: d, weight: active.length === 1 ? 0 : w });
    }
  }
  const timeouts = isObj(r.timeouts) ? r.timeouts : {};
  const retry = isObj(r.retry) ? r.retry : undefined;
  const headers = requestHeaders || responseHeaders ? {
    ...(requestHeaders ? { request: requestHeaders } : {}),
    ...(responseHeaders ? { response: responseHeaders } : {}),
  } : undefined;
  return {
    name,
    match,
    route,
    ...(redirect ? { redirect } : {}),
    ...(directResponse ? { directResponse } : {}),
    ...(rewrite ? { rewrite } : {}),
    ...(typeof timeouts.request === 'string' && !/^0+[a-z]*$/.test(timeouts.request) ? { timeout: timeouts.request } : {}),
    ...(retry ? {
      retries: {
        attempts: typeof retry.attempts === 'number' ? retry.attempts : 2,
        retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', ...(Array.isArray(retry.codes) ? retry.codes.map(c => String(c)) : [])].join(','),
      },
    } : {}),
    mirrors,
    ...(headers ? { headers } : {}),
    origin,
  };
}

function uriMatch(path: unknown): StringMatch {
  const p = isObj(path) ? path : {};
  const type = str(p.type) || 'PathPrefix';
  const value = typeof p.value === 'string' ? p.value : '/';
  if (type === 'Exact') return { exact: value };
  if (type === 'RegularExpression') return { regex: value };
  return { prefix: value !== '/' ? value.replace(/\/$/, '') : value };
}

function grpcUriMatch(method: unknown): StringMatch | undefined {
  if (!isObj(method)) return undefined;
  const service = typeof method.service === 'string' ? method.service : undefined;
  const m = typeof method.method === 'string' ? method.method : undefined;
  if (service === undefined && m === undefined) return undefined;
  if (str(method.type) === 'RegularExpression') {
    if (m === undefined) return { regex: `/${service}/.+` };
    if (service === undefined) return { regex: `/[^/]+/${m}` };
    return { regex: `/${service}/${m}` };
  }
  if (m === undefined) return { prefix: `/${service}/` };
  if (service === undefined) return { regex: `/[^/]+/${m}` };
  return { exact: `/${service}/${m}` };
}

function headerOps(v: unknown): HeaderOps | undefined {
  if (!isObj(v)) return undefined;
  const toMap = (l: unknown) => {
    const out: { [k: string]: string } = {};
    for (const h of list(l)) {
      const k = str(h.name).toLowerCase();
      if (!(k in out)) out[k] = str(h.value);
    }
    return out;
  };
  return { set: toMap(v.set), add: toMap(v.add), remove: strs(v.remove) };
}

function redirectOf(f: { [k: string]: unknown }): HttpRule['redirect'] {
  const path = isObj(f.path) ? f.path : undefined;
  return {
    uri: path && str(path.type) === 'ReplaceFullPath' ? str(path.replaceFullPath) : '',
    authority: str(f.hostname),
    ...(path && str(path.type) === 'ReplacePrefixMatch' ? { prefixRewrite: str(path.replacePrefixMatch) } : {}),
    scheme: str(f.scheme),
    ...(typeof f.port === 'number' ? { port: f.port } : { derivePort: typeof f.scheme === 'string' ? 'FROM_PROTOCOL_DEFAULT' as const : 'FROM_REQUEST_PORT' as const }),
    redirectCode: num(f.statusCode),
  };
}

function rewriteOf(f: { [k: string]: unknown }): HttpRule['rewrite'] {
  const path = isObj(f.path) ? f.path : undefined;
  let uri: string | undefined;
  let uriRegex: { match: string; rewrite: string } | undefined;
  if (path && str(path.type) === 'ReplacePrefixMatch') uri = str(path.replacePrefixMatch).replace(/\/$/, '') || '/';
  if (path && str(path.type) === 'ReplaceFullPath') uriRegex = { match: '/.*', rewrite: str(path.replaceFullPath) };
  const authority = typeof f.hostname === 'string' ? f.hostname : undefined;
  if (uri === undefined && !uriRegex && !authority) return undefined;
  return { ...(uri !== undefined ? { uri } : {}), ...(uriRegex ? { uriRegex } : {}), ...(authority ? { authority } : {}) };
}

/** buildDestination: a Service backend is `<name>.<ns>.svc.<domain>`, a Hostname backend its name; the port is required. */
function destinationOf(ref: unknown, namespace: string, domain: string): Destination | undefined {
  if (!isObj(ref)) return undefined;
  const group = str(ref.group);
  const kind = str(ref.kind) || 'Service';
  const port = num(ref.port);
  const ns = str(ref.namespace) || namespace;
  let host: string;
  if (kind === 'Service' && (group === '' || group === 'core')) {
    if (str(ref.name).includes('.')) return undefined;
    host = `${str(ref.name)}.${ns}.svc.${domain}`;
  } else if (kind === 'Hostname' && group === 'networking.istio.io') {
    if (typeof ref.namespace === 'string') return undefined;
    host = str(ref.name);
  } else {
    return undefined;
  }
  if (port === 0) return undefined;
  return { host, subset: '', port };
}

/** sortHTTPRoutes (route_collections.go): rules without a match last; exact before prefix before regex, longer first, then method, headers, query. */
export function sortHttpRoutes(routes: readonly HttpRule[]): HttpRule[] {
  const rank = (m: HttpMatch) => (m.uri === undefined ? -1 : m.uri.exact !== undefined ? 3 : m.uri.prefix !== undefined ? 2
    : m.uri.regex !== undefined ? 1 : -1);
  const len = (m: HttpMatch) => (m.uri === undefined ? 0 : (m.uri.exact ?? m.uri.prefix ?? m.uri.regex ?? '').length);
  const keyed = routes.map((r, i) => ({ r, i }));
  keyed.sort((a, b) => {
    const less = (x: HttpRule, y: HttpRule): boolean => {
      if (x.match.length === 0) return false;
      if (y.match.length === 0) return true;
      const m1 = x.match[0];
      const m2 = y.match[0];
      if (rank(m1) !== rank(m2)) return rank(m1) > rank(m2);
      if (len(m1) !== len(m2)) return len(m1) > len(m2);
      if ((m1.method === undefined) !== (m2.method === undefined)) return m1.method !== undefined;
      if (Object.keys(m1.headers).length !== Object.keys(m2.headers).length) return Object.keys(m1.headers).length > Object.keys(m2.headers).length;
      return Object.keys(m1.queryParams).length > Object.keys(m2.queryParams).length;
    };
    if (less(a.r, b.r)) return -1;
    if (less(b.r, a.r)) return 1;
    return a.i - b.i;
  });
  return keyed.map(k => k.r);
}
