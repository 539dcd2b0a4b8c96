/**
 * Route matches as the data plane evaluates them, and the covering relation between two of them: does match A take
 * every request match B takes? Used by the checks of rules that other objects' rules hide (route-conflicts.ts).
 *
 * Both Istio's HTTPMatchRequest (a VirtualService's `http[].match[]`) and the Gateway API's HTTPRouteMatch are read
 * into one form: conditions on request attributes (the path, headers, query parameters, JWT claims) plus the
 * proxy-level conditions of Istio (port, source labels and namespace, gateways), with Envoy's semantics as Istio
 * generates them (istio/istio pilot/pkg/networking/core/route/route.go TranslateRouteMatch, sourceMatchHTTP;
 * pilot/pkg/config/kube/gateway/conversion.go createURIMatch / createHeadersMatch for the Gateway API).
 *
 * `covers` is exact for what it claims: it answers true only when every request B matches is matched by A; when it
 * cannot be sure (a regular expression against anything but the same regular expression, a field it does not know),
 * it answers false. A property test holds it to an evaluator of the matches written apart from it.
 *
 * @module
 */
import { isObj } from '../context';

/** A condition on a value: Envoy's string matchers as Istio writes them. */
export type ValueMatch =
  /** The attribute is present, with any value (a `{}` or a regex `*` StringMatch). */
  | { readonly kind: 'present' }
  /** The value equals (ASCII case-insensitively with `ci`). */
  | { readonly kind: 'exact'; readonly value: string; readonly ci?: boolean }
  /** The value starts with (ASCII case-insensitively with `ci`). */
  | { readonly kind: 'prefix'; readonly value: string; readonly ci?: boolean }
  /** Envoy's path_separated_prefix: the path is the value, or starts with the value and `/` (the Gateway API's PathPrefix). */
  | { readonly kind: 'segment'; readonly value: string }
  /** The whole value matches an RE2 expression (Envoy's safe_regex): compared only with the same expression. */
  | { readonly kind: 'regex'; readonly value: string };

/** One condition of a match on one request attribute. */
export interface Condition {
  /** `path` (the path without the query), `header <name>` (lower case; `:method`, `:authority`, `:scheme` too), `query <name>`, `claim <key>`. */
  readonly attr: string;
  /** An inverted header match (withoutHeaders), a missing header taken as empty unless the match is `present` (Istio's TreatMissingHeaderAsEmpty). */
  readonly negate: boolean;
  readonly match: ValueMatch;
}

/** A route match, read. */
export interface RouteMatch {
  readonly conditions: readonly Condition[];
  /** The listener port the match is limited to. */
  readonly port?: number;
  /** Istio's `gateways` of the match (resolved to `namespace/name`, or `mesh`): when given, source labels and namespace are not read. */
  readonly gateways?: readonly string[];
  /** Istio's `sourceLabels`: labels the client proxy must carry. */
  readonly sourceLabels?: { readonly [k: string]: string };
  /** Istio's `sourceNamespace`: the client proxy's namespace. */
  readonly sourceNamespace?: string;
}

/** A route with no condition but the path prefix `/`: every request. */
export const MATCH_ALL: RouteMatch = { conditions: [{ attr: 'path', negate: false, match: { kind: 'prefix', value: '/' } }] };

const str = (v: unknown): v is string => typeof v === 'string';

/** Istio's StringMatch (`exact`, `prefix`, `regex`; none: present), or undefined when it is not one. */
function stringMatch(v: unknown, options: { ci?: boolean; presentRegex?: boolean } = {}): ValueMatch | undefined {
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v).filter(k => v[k] !== undefined && v[k] !== null);
  if (keys.length === 0) return { kind: 'present' };
  if (keys.length > 1) return undefined;
  const value = v[keys[0]];
  if (!str(value)) return undefined;
  switch (keys[0]) {
    case 'exact': return { kind: 'exact', value, ...(options.ci ? { ci: true } : {}) };
    // an empty prefix is not a valid Envoy matcher: not something to reason about
    case 'prefix': return value === '' ? undefined : { kind: 'prefix', value, ...(options.ci ? { ci: true } : {}) };
    // Istio writes the regex `*` as a present match (pilot/pkg/networking/core/route/route.go canBeConvertedToPresentMatch)
    case 'regex': return options.presentRegex && value === '*' ? { kind: 'present' } : { kind: 'regex', value };
    default: return undefined;
  }
}

const VS_MATCH_KEYS = new Set(['name', 'uri', 'scheme', 'method', 'authority', 'headers', 'port', 'sourceLabels', 'gateways', 'queryParams',
  'ignoreUriCase', 'withoutHeaders', 'sourceNamespace', 'statPrefix']);
const CLAIM = /^@request\.auth\.claims(\.|\[)/;

/**
 * An Istio HTTPMatchRequest (`undefined`: a rule without matches, every request), read; `undefined` when it holds
 * something this model does not know (a field, a value of another type), so that nothing is claimed about it.
 * `gateway` resolves the short gateway names of `gateways` (Istio resolves them against the VirtualService's namespace).
 */
export function virtualServiceMatch(m: unknown, resolveGateway: (g: string) => string = g => g): RouteMatch | undefined {
  if (m === undefined) return MATCH_ALL;
  if (!isObj(m)) return undefined;
  if (Object.keys(m).some(k => !VS_MATCH_KEYS.has(k) && m[k] !== undefined && m[k] !== null)) return undefined;
  if (m.ignoreUriCase !== undefined && typeof m.ignoreUriCase !== 'boolean') return undefined;
  const conditions: Condition[] = [];
  // no uri: Envoy's prefix '/'; ignoreUriCase applies to exact and prefix, not to a regex (Envoy's case_sensitive)
  const uri = m.uri === undefined || m.uri === null ? { kind: 'prefix' as const, value: '/' } : stringMatch(m.uri, { ci: m.ignoreUriCase === true });
  if (!uri) return undefined;
  conditions.push({ attr: 'path', negate: false, match: uri.kind === 'present' ? { kind: 'prefix', value: '/' } : uri });
  for (const [field, header] of [['method', ':method'], ['authority', ':authority'], ['scheme', ':scheme']] as const) {
    if (m[field] === undefined || m[field] === null) continue;
    const v = stringMatch(m[field], { presentRegex: true });
    if (!v) return undefined;
    conditions.push({ attr: `header ${header}`, negate: false, match: v });
  }
  for (const [field, negate] of [['headers', false], ['withoutHeaders', true]] as const) {
    if (m[field] === undefined || m[field] === null) continue;
    if (!isObj(m[field])) return undefined;
    for (const [name, value] of Object.entries(m[field] as object)) {
      const v = stringMatch(value, { presentRegex: true });
      if (!v) return undefined;
      // JWT claims are matched on the request's metadata, a claim possibly a list: compared only with the same condition
      conditions.push({ attr: CLAIM.test(name) ? `claim ${name}` : `header ${name.toLowerCase()}`, negate, match: v });
    }
  }
  if (m.queryParams !== undefined && m.queryParams !== null) {
    if (!isObj(m.queryParams)) return undefined;
    for (const [name, value] of Object.entries(m.queryParams)) {
      const v = stringMatch(value, { presentRegex: true });
      if (!v) return undefined;
      conditions.push({ attr: `query ${name}`, negate: false, match: v });
    }
  }
  const out: { -readonly [K in keyof RouteMatch]: RouteMatch[K] } = { conditions };
  if (m.port !== undefined && m.port !== null && m.port !== 0) {
    if (typeof m.port !== 'number') return undefined;
    out.port = m.port;
  }
  if (m.gateways !== undefined && m.gateways !== null) {
    if (!Array.isArray(m.gateways) || !m.gateways.every(str)) return undefined;
    if (m.gateways.length > 0) out.gateways = m.gateways.map(resolveGateway);
  }
  if (m.sourceLabels !== undefined && m.sourceLabels !== null) {
    if (!isObj(m.sourceLabels) || !Object.values(m.sourceLabels).every(str)) return undefined;
    if (Object.keys(m.sourceLabels).length > 0) out.sourceLabels = m.sourceLabels as { [k: string]: string };
  }
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== null && m.sourceNamespace !== '') {
    if (!str(m.sourceNamespace)) return undefined;
    out.sourceNamespace = m.sourceNamespace;
  }
  return out;
}

const GW_MATCH_KEYS = new Set(['path', 'headers', 'queryParams', 'method']);

/** The Gateway API's precedence of a match (gateway-api apis/v1/httproute_types.go, HTTPRouteRule.Matches). */
export interface GatewayApiPrecedence {
  /** 3 exact, 2 prefix, 1 regular expression (whose precedence the specification leaves to implementations). */
  readonly pathRank: number;
  /** The path's length as Istio counts it, a PathPrefix's trailing `/` dropped (pilot/pkg/config/kube/gateway/conversion.go getURILength). */
  readonly pathLength: number;
  /** The path's length as written: the specification's "number of characters" may be read either way. */
  readonly writtenPathLength: number;
  readonly method: boolean;
  readonly headers: number;
  readonly queryParams: number;
}

/**
 * A Gateway API HTTPRouteMatch (`undefined`: a rule without matches, the API server's default `PathPrefix /`), read,
 * with its precedence; `undefined` when it holds something this model does not know, or names one header or query
 * parameter twice (the specification takes the first, Istio the last).
 */
export function gatewayApiMatch(m: unknown): { match: RouteMatch; precedence: GatewayApiPrecedence } | undefined {
  if (m === undefined) m = {};
  if (!isObj(m)) return undefined;
  if (Object.keys(m).some(k => !GW_MATCH_KEYS.has(k) && m[k] !== undefined && m[k] !== null)) return undefined;
  const path = m.path === undefined || m.path === null ? {} : m.path;
  if (!isObj(path)) return undefined;
  const type = path.type ?? 'PathPrefix';
  const value = path.value ?? '/';
  if (!str(type) || !str(value)) return undefined;
  let p: ValueMatch;
  let pathRank: number;
  if (type === 'Exact') {
    p = { kind: 'exact', value };
    pathRank = 3;
  } else if (type === 'PathPrefix') {
    // "a trailing `/` is ignored"; Istio writes PathPrefix `/` as the plain prefix `/`
    const trimmed = value !== '/' && value.endsWith('/') ? value.slice(0, -1) : value;
    p = trimmed === '/' ? { kind: 'prefix', value: '/' } : { kind: 'segment', value: trimmed };
    pathRank = 2;
  } else if (type === 'RegularExpression') {
    p = { kind: 'regex', value };
    pathRank = 1;
  } else {
    return undefined;
  }
  const conditions: Condition[] = [{ attr: 'path', negate: false, match: p }];
  let method = false;
  if (m.method !== undefined && m.method !== null) {
    if (!str(m.method)) return undefined;
    conditions.push({ attr: 'header :method', negate: false, match: { kind: 'exact', value: m.method } });
    method = true;
  }
  const named = (list: unknown, attr: (name: string) => string): Condition[] | undefined => {
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) return undefined;
    const out: Condition[] = [];
    for (const e of list) {
      if (!isObj(e) || !str(e.name) || !str(e.value)) return undefined;
      const t = e.type ?? 'Exact';
      const v: ValueMatch | undefined = t === 'Exact' ? { kind: 'exact', value: e.value } : t === 'RegularExpression' ? { kind: 'regex', value: e.value } : undefined;
      if (!v) return undefined;
      const a = attr(e.name);
      if (out.some(c => c.attr === a)) return undefined;
      out.push({ attr: a, negate: false, match: v });
    }
    return out;
  };
  // header names are case-insensitive, query parameter names exact
  const headers = named(m.headers, n => `header ${n.toLowerCase()}`);
  const query = named(m.queryParams, n => `query ${n}`);
  if (!headers || !query) return undefined;
  conditions.push(...headers, ...query);
  return {
    match: { conditions },
    precedence: { pathRank, pathLength: p.value.length, writtenPathLength: value.length, method, headers: headers.length, queryParams: query.length },
  };
}

const lower = (s: string) => s.replace(/[A-Z]/g, c => c.toLowerCase());
const hasLetters = (s: string) => /[A-Za-z]/.test(s);

/** Every string `b` matches, `a` matches (strings only: presence is the caller's). */
function valueCovers(a: ValueMatch, b: ValueMatch): boolean {
  if (a.kind === 'present') return true;
  if (b.kind === 'present') return false;
  if (a.kind === 'regex' || b.kind === 'regex') return a.kind === 'regex' && b.kind === 'regex' && a.value === b.value;
  const bci = b.kind !== 'segment' && b.ci === true;
  switch (a.kind) {
    case 'exact':
      if (b.kind !== 'exact') return false;
      // case-insensitive b matches every ASCII case variant of its value
      return a.ci ? lower(a.value) === lower(b.value) : a.value === b.value && (!bci || !hasLetters(b.value));
    case 'prefix':
      // every value b matches starts with b's value (a segment prefix's too)
      return a.ci ? lower(b.value).startsWith(lower(a.value)) : b.value.startsWith(a.value) && (!bci || !hasLetters(a.value));
    case 'segment':
      if (bci && hasLetters(a.value)) return false;
      if (b.kind === 'prefix') return b.value.startsWith(`${a.value}/`);
      return b.value === a.value || b.value.startsWith(`${a.value}/`);
  }
}

/** No string matches both (false when unsure). */
function disjoint(a: ValueMatch, b: ValueMatch): boolean {
  const simple = (m: ValueMatch): m is { kind: 'exact' | 'prefix'; value: string; ci?: boolean } => (m.kind === 'exact' || m.kind === 'prefix') && m.ci !== true;
  if (!simple(a) || !simple(b)) return false;
  if (a.kind === 'exact' && b.kind === 'exact') return a.value !== b.value;
  if (a.kind === 'exact') return !a.value.startsWith(b.value);
  if (b.kind === 'exact') return !b.value.startsWith(a.value);
  return !a.value.startsWith(b.value) && !b.value.startsWith(a.value);
}

/** The empty string satisfies the match (unknown for a regular expression). */
const matchesEmpty = (m: ValueMatch): boolean | undefined =>
  (m.kind === 'regex' ? undefined : m.kind === 'present' || (m.kind === 'exact' && m.value === '') || (m.kind === 'prefix' && m.value === ''));

/** Every value (or absence) condition `b` admits, condition `a` admits: both on one attribute. */
function conditionCovers(a: Condition, b: Condition): boolean {
  const claim = a.attr.startsWith('claim ');
  if (claim) return a.negate === b.negate && JSON.stringify(a.match) === JSON.stringify(b.match);
  if (!a.negate && !b.negate) return valueCovers(a.match, b.match);
  // b needs the header present with a value a's inverted match refuses
  if (a.negate && !b.negate) return disjoint(a.match, b.match);
  if (a.negate && b.negate) {
    // an absent header passes an inverted `present` match, and an inverted value match unless the empty string matches it
    if (a.match.kind === 'present') return b.match.kind === 'present';
    if (b.match.kind === 'present') return matchesEmpty(a.match) === false;
    return valueCovers(b.match, a.match);
  }
  return false;
}

/** Every request (and client proxy) `b` matches, `a` matches. False when unsure. */
export function covers(a: RouteMatch, b: RouteMatch): boolean {
  if (a.port !== undefined && a.port !== b.port) return false;
  if (a.gateways) {
    if (!b.gateways || !b.gateways.every(g => a.gateways!.includes(g))) return false;
  } else if (b.gateways) {
    // b reads no source labels: a must not either
    if (a.sourceLabels || a.sourceNamespace !== undefined) return false;
  } else {
    for (const [k, v] of Object.entries(a.sourceLabels ?? {})) if (b.sourceLabels?.[k] !== v) return false;
    if (a.sourceNamespace !== undefined && a.sourceNamespace !== b.sourceNamespace) return false;
  }
  return a.conditions.every(ca => b.conditions.some(cb => cb.attr === ca.attr && conditionCovers(ca, cb)));
}

/**
 * Istio's IsCatchAllRoute of the route it generates (pilot/pkg/networking/core/route/route.go): the path prefix `/`
 * (or the regex `.*`), and no header, query or claim condition. A gateway moves such routes after the others.
 */
export function isCatchAll(m: RouteMatch): boolean {
  return m.conditions.every(c => c.attr === 'path'
    && ((c.match.kind === 'prefix' && c.match.value === '/') || (c.match.kind === 'regex' && c.match.value === '.*')));
}

/** The match as a short text for messages: `path prefix '/api', header x-user exact 'a'`. */
export function describeMatch(m: RouteMatch): string {
  const v = (x: ValueMatch) => {
    if (x.kind === 'present') return 'present';
    const ci = (x.kind === 'exact' || x.kind === 'prefix') && x.ci ? ' (any case)' : '';
    return `${x.kind === 'segment' ? 'prefix' : x.kind}${ci} '${x.value}'`;
  };
  const parts = m.conditions.map(c => `${c.attr}${c.negate ? ' not' : ''} ${v(c.match)}`);
  if (m.port !== undefined) parts.push(`port ${m.port}`);
  if (m.gateways) parts.push(`gateways ${m.gateways.join(', ')}`);
  if (m.sourceLabels) parts.push(`sourceLabels ${Object.entries(m.sourceLabels).map(([k, x]) => `${k}=${x}`).join(',')}`);
  if (m.sourceNamespace !== undefined) parts.push(`sourceNamespace ${m.sourceNamespace}`);
  return parts.join(', ');
}
