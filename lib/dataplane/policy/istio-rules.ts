import { AddressScope, addressInBlocks } from './address';
import { JwtIdentity } from './jwt';
import { Tri, all, any, tri, valuesAndNot } from './tri';
import { isObj, str, strs } from '../../analysis/context';

/**
 * One Istio AuthorizationPolicy rule against one request, as the proxy that enforces it evaluates it: Envoy's RBAC
 * filter (sidecars, gateways, waypoints: istio/istio `pilot/pkg/security/authz/model/`) or ztunnel's L4 matcher
 * (istio/ztunnel `src/rbac.rs`, fed by istiod's `pilot/pkg/serviceregistry/ambient/authorization.go`).
 */

/** What the enforcing proxy knows of the request. */
export interface RequestAttributes {
  /** Whether the proxy sees HTTP (an HTTP filter chain); false: a TCP connection (Envoy's network RBAC filter, ztunnel). */
  readonly http: boolean;
  /** Whether the connection is Istio mutual TLS (or HBONE). */
  readonly mtls: boolean;
  /** The peer's principal (`cluster.local/ns/shop/sa/productpage`), when mutual TLS carries one the configuration names. */
  readonly principal?: string;
  /** Where the peer's address lies (it is never known exactly). */
  readonly scope: AddressScope;
  /** The destination port as the proxy sees it (the pod's port at a sidecar or ztunnel, the listener's at a gateway). */
  readonly port?: number;
  readonly method: string;
  /** The path without its query. */
  readonly path: string;
  readonly host: string;
  /** Header names lower-case. */
  readonly headers: { readonly [name: string]: string };
  /** The TLS server name of the connection, when it has one. */
  readonly sni?: string;
  /** The request's JWT, when a RequestAuthentication accepted one. */
  readonly jwt?: JwtIdentity;
}

/** A rule's match: `skip` when the proxy drops the rule (an HTTP-only field in an ALLOW rule on TCP, an invalid field). */
export interface RuleMatch {
  readonly match: Tri | 'skip';
  /** Why the match is `unknown` or the rule skipped. */
  readonly why?: string;
}

export type PolicyAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

/** Istio's string match with `*` as a prefix or suffix wildcard, `*` alone for any non-empty value (`matcher/string.go`). */
export function istioStringMatch(pattern: string, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  const [p, v] = ignoreCase ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
  if (p === '*') return v !== '';
  if (p.startsWith('*')) return v.endsWith(p.slice(1));
  if (p.endsWith('*')) return v.startsWith(p.slice(0, -1));
  return v === p;
}

/** Istio's header match (`matcher/header.go`): `*` is presence, else the string match. */
const headerMatch = (pattern: string, value: string | undefined, ignoreCase = false): boolean =>
  (pattern === '*' ? value !== undefined : istioStringMatch(pattern, value, ignoreCase));

/** Removes `.` and `..` segments (Envoy's path normalization, Istio's default `BASE`). */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/').slice(1)) {
    if (seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/**
 * Istio's path match: `{*}` one segment, `{**}` any number (the last operator), as Envoy's URI template matcher
 * (`matcher/template.go`); else the string match with `*` wildcards.
 */
export function pathMatch(pattern: string, path: string): boolean {
  if (pattern.includes('{*}') || pattern.includes('{**}')) {
    const parts = pattern.split('/').map(seg => (seg === '{*}' ? '[^/]+' : seg === '{**}' ? '.*' : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&')));
    return new RegExp(`^${parts.join('/')}$`).test(path);
  }
  return istioStringMatch(pattern, path);
}

const SPIFFE = 'spiffe://';

/** A principal test on an authenticated peer: `no` without mutual TLS, `unknown` when its identity is not known. */
function onPrincipal(a: RequestAttributes, test: (spiffe: string) => boolean, anyIdentity = false): Tri {
  if (!a.mtls) return 'no';
  if (a.principal === undefined) return anyIdentity ? 'yes' : 'unknown';
  return tri(test(`${SPIFFE}${a.principal}`));
}

const regexQuote = (s: string) => s.replace(/[.*+?^$(){}|[\]\\]/g, '\\$&');

const principalTest = (p: string) => (uri: string) => (p === '*' ? true : p.startsWith('*') ? uri.startsWith(SPIFFE) && uri.endsWith(p.slice(1))
  : p.endsWith('*') ? uri.startsWith(`${SPIFFE}${p.slice(0, -1)}`) : uri === `${SPIFFE}${p}`);
const namespaceTest = (ns: string) => (uri: string) => new RegExp(`^.*/ns/${ns.split('*').map(regexQuote).join('.*')}/.*$`).test(uri);
const serviceAccountTest = (value: string, policyNamespace: string) => {
  const [ns, sa] = value.includes('/') ? [value.slice(0, value.indexOf('/')), value.slice(value.indexOf('/') + 1)] : [policyNamespace, value];
  const re = new RegExp(`^spiffe://.+/ns/${regexQuote(ns)}/(.+/|)sa/${regexQuote(sa)}(/.+)?$`);
  return (uri: string) => re.test(uri);
};
const trustDomainTest = (td: string) => (uri: string) => (td === '*' ? uri.startsWith(SPIFFE)
  : !td.includes('*') ? uri.startsWith(`${SPIFFE}${td}/`)
    : new RegExp(`^spiffe://${td.split('*').map(regexQuote).join('[^/]*')}/.*$`).test(uri));

/** `iss/sub` against a request principal pattern (`model/generator.go` `requestPrincipalGenerator`). */
function requestPrincipalMatch(pattern: string, jwt: JwtIdentity | undefined): boolean {
  if (!jwt) return false;
  if (pattern === '*') return jwt.iss !== '' && jwt.sub !== '';
  const i = pattern.lastIndexOf('/');
  const [iss, sub] = i >= 0 ? [pattern.slice(0, i), pattern.slice(i + 1)] : [pattern, undefined];
  const test = (p: string, v: string) => (p === '*' ? v !== '' : istioStringMatch(p, v));
  if (sub === undefined) return pattern.startsWith('*') ? jwt.sub.endsWith(pattern.slice(1)) : pattern.endsWith('*') ? jwt.iss.startsWith(pattern.slice(0, -1)) : false;
  return test(iss, jwt.iss) && test(sub, jwt.sub);
}

/** A claim (`request.auth.claims[groups]`, nested `[a][b]`) holds one of the values (a list claim: one of its items). */
function claimMatch(path: readonly string[], values: readonly string[], jwt: JwtIdentity | undefined): boolean {
  if (!jwt) return false;
  let v: unknown = jwt.claims;
  for (const key of path) v = isObj(v) ? v[key] : undefined;
  const items = Array.isArray(v) ? v.map(x => (typeof x === 'string' ? x : JSON.stringify(x))) : typeof v === 'string' ? [v] : typeof v === 'number' || typeof v === 'boolean' ? [String(v)] : [];
  return values.some(p => items.some(item => istioStringMatch(p, item)));
}

const bracketed = (key: string, prefix: string): string[] | undefined => {
  const rest = key.slice(prefix.length);
  const m = /^(\[[^\]]+\])+$/.exec(rest);
  return m ? [...rest.matchAll(/\[([^\]]+)\]/g)].map(x => x[1]) : undefined;
};

const KNOWN_WHEN = ['request.headers', 'source.ip', 'remote.ip', 'source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal',
  'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'request.auth.claims', 'destination.ip', 'destination.port', 'connection.sni'];
const HTTP_ONLY_WHEN = (key: string) => key.startsWith('request.headers') || key.startsWith('request.auth.');

const validPort = (p: string) => /^\d+$/.test(p) && Number(p) <= 65535;

interface RuleParts {
  readonly from: ReadonlyArray<{ readonly [k: string]: unknown }>;
  readonly to: ReadonlyArray<{ readonly [k: string]: unknown }>;
  readonly when: ReadonlyArray<{ readonly key: string; readonly values: string[]; readonly notValues: string[] }>;
}
const parts = new WeakMap<object, RuleParts>();

/** Reads a rule's parts, leniently (objects from YAML may hold anything), once per rule object. */
function ruleParts(rule: unknown): RuleParts {
  if (!isObj(rule)) return readParts({});
  let found = parts.get(rule);
  if (!found) {
    found = readParts(rule);
    parts.set(rule, found);
  }
  return found;
}

function readParts(r: { readonly [k: string]: unknown }): RuleParts {
  const from = (Array.isArray(r.from) ? r.from : []).map(f => (isObj(f) && isObj(f.source) ? f.source : {}));
  const to = (Array.isArray(r.to) ? r.to : []).map(t => (isObj(t) && isObj(t.operation) ? t.operation : {}));
  const when = (Array.isArray(r.when) ? r.when : []).filter(isObj)
    .map(c => ({ key: str(c.key), values: strs(c.values), notValues: strs(c.notValues) }));
  return { from, to, when };
}

/**
 * A rule as Envoy's RBAC filter evaluates it. On a TCP filter chain an HTTP-only field makes an ALLOW rule match
 * nothing (the rule is dropped: a smaller allow) and is ignored in a DENY, AUDIT or CUSTOM rule (a wider match)
 * (`model/model.go` `checkError`); an unknown `when` key drops the rule whatever the action.
 */
export function envoyRuleMatch(rule: unknown, a: RequestAttributes, action: PolicyAction, policyNamespace: string): RuleMatch {
  const { from, to, when } = ruleParts(rule);
  const unknownKey = when.find(c => !KNOWN_WHEN.some(k => c.key === k || (k.startsWith('request.') && (k === 'request.headers' || k === 'request.auth.claims') && c.key.startsWith(`${k}[`))));
  if (unknownKey) return { match: 'skip', why: `its condition '${unknownKey.key}' is not an attribute Istio knows` };
  const lenient = action !== 'ALLOW';
  const httpOnlyUsed: string[] = [];
  const notes: string[] = [];
  const field = (values: unknown, httpOnly: boolean, name: string): string[] => {
    const vs = strs(values);
    if (vs.length > 0 && httpOnly && !a.http) httpOnlyUsed.push(name);
    return httpOnly && !a.http ? [] : vs;
  };
  const sources = from.map(s => ({
    principals: field(s.principals, false, 'principals'),
    notPrincipals: field(s.notPrincipals, false, 'notPrincipals'),
    namespaces: field(s.namespaces, false, 'namespaces'),
    notNamespaces: field(s.notNamespaces, false, 'notNamespaces'),
    serviceAccounts: field(s.serviceAccounts, false, 'serviceAccounts'),
    notServiceAccounts: field(s.notServiceAccounts, false, 'notServiceAccounts'),
    trustDomains: field(s.trustDomains, false, 'trustDomains'),
    notTrustDomains: field(s.notTrustDomains, false, 'notTrustDomains'),
    ipBlocks: field(s.ipBlocks, false, 'ipBlocks'),
    notIpBlocks: field(s.notIpBlocks, false, 'notIpBlocks'),
    remoteIpBlocks: field(s.remoteIpBlocks, false, 'remoteIpBlocks'),
    notRemoteIpBlocks: field(s.notRemoteIpBlocks, false, 'notRemoteIpBlocks'),
    requestPrincipals: field(s.requestPrincipals, true, 'requestPrincipals'),
    notRequestPrincipals: field(s.notRequestPrincipals, true, 'notRequestPrincipals'),
  }));
  const operations = to.map(o => ({
    hosts: field(o.hosts, true, 'hosts'),
    notHosts: field(o.notHosts, true, 'notHosts'),
    methods: field(o.methods, true, 'methods'),
    notMethods: field(o.notMethods, true, 'notMethods'),
    paths: field(o.paths, true, 'paths'),
    notPaths: field(o.notPaths, true, 'notPaths'),
    ports: strs(o.ports),
    notPorts: strs(o.notPorts),
  }));
  const conditions = when.filter(c => {
    if (HTTP_ONLY_WHEN(c.key) && !a.http) {
      httpOnlyUsed.push(c.key);
      return false;
    }
    return true;
  });
  if (httpOnlyUsed.length > 0 && !lenient) return { match: 'skip', why: `on a TCP connection its HTTP fields (${[...new Set(httpOnlyUsed)].join(', ')}) make the ALLOW rule match nothing` };
  if (httpOnlyUsed.length > 0) notes.push(`on a TCP connection its HTTP fields (${[...new Set(httpOnlyUsed)].join(', ')}) are ignored`);
  // invalid ports: an ALLOW rule is dropped, a DENY ignores the value
  const badPorts = operations.flatMap(o => [...o.ports, ...o.notPorts]).concat(conditions.filter(c => c.key === 'destination.port').flatMap(c => [...c.values, ...c.notValues])).filter(p => !validPort(p));
  if (badPorts.length > 0 && !lenient) return { match: 'skip', why: `port '${badPorts[0]}' is not a port number` };
  const unknowns: string[] = [];
  const ip = (blocks: readonly string[], notBlocks: readonly string[], what: string): Tri => {
    const v = valuesAndNot(blocks.length > 0 ? [blocks] : [], notBlocks.length > 0 ? [notBlocks] : [], b => addressInBlocks(b, a.scope));
    if (v === 'unknown') unknowns.push(`${what} ${[...blocks, ...notBlocks.map(b => `not ${b}`)].join(', ')}`);
    return v;
  };
  type UriTest = (v: string) => (uri: string) => boolean;
  const principalField = (values: readonly string[], notValues: readonly string[], test: UriTest, anyWildcard = true): Tri => {
    const r = valuesAndNot(values, notValues, v => onPrincipal(a, test(v), anyWildcard && v === '*'));
    if (r === 'unknown') unknowns.push('the peer\'s identity');
    return r;
  };
  const sourceMatch = (s: typeof sources[number]): Tri => all([
    principalField(s.principals, s.notPrincipals, principalTest),
    principalField(s.namespaces, s.notNamespaces, namespaceTest, false),
    principalField(s.serviceAccounts, s.notServiceAccounts, v => serviceAccountTest(v, policyNamespace), false),
    principalField(s.trustDomains, s.notTrustDomains, trustDomainTest),
    ip(s.ipBlocks, s.notIpBlocks, 'the caller\'s address in'),
    ip(s.remoteIpBlocks, s.notRemoteIpBlocks, 'the client\'s address in'),
    valuesAndNot(s.requestPrincipals, s.notRequestPrincipals, p => tri(requestPrincipalMatch(p, a.jwt))),
  ]);
  const portsOf = (vs: readonly string[]) => vs.filter(validPort);
  const operationMatch = (o: typeof operations[number]): Tri => all([
    valuesAndNot(o.hosts, o.notHosts, h => tri(headerMatch(h, a.host, true))),
    valuesAndNot(o.methods, o.notMethods, m => tri(headerMatch(m, a.method))),
    valuesAndNot(o.paths, o.notPaths, p => tri(pathMatch(p, a.path))),
    valuesAndNot(portsOf(o.ports), portsOf(o.notPorts), p => tri(Number(p) === a.port)),
  ]);
  const conditionMatch = (c: typeof conditions[number]): Tri => {
    const test = (v: string): Tri => {
      if (c.key.startsWith('request.headers')) {
        const name = bracketed(c.key, 'request.headers')?.[0];
        return tri(name !== undefined && headerMatch(v, a.headers[name.toLowerCase()]));
      }
      if (c.key.startsWith('request.auth.claims')) return tri(claimMatch(bracketed(c.key, 'request.auth.claims') ?? [], [v], a.jwt));
      switch (c.key) {
        case 'source.namespace': return onPrincipal(a, namespaceTest(v));
        case 'source.principal': return onPrincipal(a, principalTest(v), v === '*');
        case 'source.serviceAccount': return onPrincipal(a, serviceAccountTest(v, policyNamespace));
        case 'source.trustDomain': return onPrincipal(a, trustDomainTest(v), v === '*');
        case 'source.ip': case 'remote.ip': return addressInBlocks([v], a.scope);
        case 'destination.ip': return addressInBlocks([v], 'pod');
        case 'destination.port': return tri(validPort(v) && Number(v) === a.port);
        case 'connection.sni': return tri(istioStringMatch(v, a.sni));
        case 'request.auth.principal': return tri(requestPrincipalMatch(v, a.jwt));
        case 'request.auth.audiences': return tri(!!a.jwt && a.jwt.audiences.some(x => istioStringMatch(v, x)));
        case 'request.auth.presenter': return tri(!!a.jwt && a.jwt.presenter !== undefined && istioStringMatch(v, a.jwt.presenter));
        default: return 'no';
      }
    };
    const vs = c.key === 'destination.port' ? portsOf(c.values) : c.values;
    const ns = c.key === 'destination.port' ? portsOf(c.notValues) : c.notValues;
    const r = valuesAndNot(vs, ns, test);
    if (r === 'unknown') unknowns.push(c.key);
    return r;
  };
  const match = all([
    all(conditions.map(conditionMatch)),
    sources.length === 0 ? 'yes' : any(sources.map(sourceMatch)),
    operations.length === 0 ? 'yes' : any(operations.map(operationMatch)),
  ]);
  const why = match === 'unknown' ? `it depends on ${[...new Set(unknowns)].join(' and ')}, which the configuration does not say` : notes[0];
  return { match, ...(why ? { why } : {}) };
}

/** ztunnel's string match (`rbac.rs` `StringMatch`, from istiod's `stringToMatch`). */
const ztunnelString = (pattern: string, value: string): boolean => (pattern === '*' ? value !== '' : istioStringMatch(pattern, value));

/**
 * A rule as ztunnel enforces it: istiod keeps only L4 attributes; an ALLOW rule with an HTTP attribute is dropped
 * (it matches nothing), a DENY rule loses its HTTP attributes, and a clause left empty never matches
 * (`ambient/authorization.go` `handleRule`, `rbac.rs` `matches`). ztunnel knows no trust domains nor `source.serviceAccount`
 * conditions; a `when` on an attribute it does not know leaves an empty clause.
 */
export function ztunnelRuleMatch(rule: unknown, a: RequestAttributes, action: 'ALLOW' | 'DENY', policyNamespace: string): RuleMatch {
  const { from, to, when } = ruleParts(rule);
  const l7: string[] = [];
  for (const o of to) for (const k of ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths']) if (strs(o[k]).length > 0) l7.push(k);
  for (const s of from) for (const k of ['remoteIpBlocks', 'notRemoteIpBlocks', 'requestPrincipals', 'notRequestPrincipals']) if (strs(s[k]).length > 0) l7.push(k);
  const L4_WHEN = ['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port'];
  for (const c of when) if (!L4_WHEN.includes(c.key)) l7.push(c.key);
  if (action === 'ALLOW' && l7.length > 0) {
    return { match: 'skip', why: `ztunnel does not enforce HTTP attributes (${[...new Set(l7)].join(', ')}): the ALLOW rule is dropped and matches nothing` };
  }
  const identity = a.mtls ? a.principal : undefined;
  const idKnown = !a.mtls || a.principal !== undefined;
  // the SPIFFE identity's parts: <trust domain>/ns/<namespace>/sa/<service account>
  const [, nsOfIdentity = '', saOfIdentity = ''] = identity ? /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(identity) ?? [] : [];
  const unknowns: string[] = [];
  const idTest = (test: () => boolean): Tri => {
    if (!idKnown) {
      unknowns.push('the peer\'s identity');
      return 'unknown';
    }
    return tri(test());
  };
  const ports = (vs: readonly string[]) => vs.filter(validPort).map(Number);
  interface Match {
    readonly empty: boolean;
    readonly test: () => Tri;
  }
  const match = (fields: Array<[readonly unknown[], readonly unknown[], (v: never) => Tri]>): Match => ({
    empty: fields.every(([p, n]) => p.length === 0 && n.length === 0),
    test: () => all(fields.map(([p, n, t]) => valuesAndNot(p as never[], n as never[], t))),
  });
  const principal = (p: string): Tri => idTest(() => identity !== undefined && ztunnelString(p, identity));
  const namespace = (p: string): Tri => idTest(() => ztunnelString(p, nsOfIdentity));
  const serviceAccount = (v: string): Tri => idTest(() => {
    const [ns, sa] = v.includes('/') ? [v.slice(0, v.indexOf('/')), v.slice(v.indexOf('/') + 1)] : [policyNamespace, v];
    return identity !== undefined && nsOfIdentity === ns && saOfIdentity === sa;
  });
  const ipTest = (b: string): Tri => {
    const r = addressInBlocks([b], a.scope);
    if (r === 'unknown') unknowns.push(`the caller's address in ${b}`);
    return r;
  };
  const destIp = (b: string): Tri => {
    const r = addressInBlocks([b], 'pod');
    if (r === 'unknown') unknowns.push(`the destination address in ${b}`);
    return r;
  };
  const port = (p: number): Tri => tri(p === a.port);
  const clauses: Match[][] = [];
  if (to.length > 0) clauses.push(to.map(o => match([[ports(strs(o.ports)), ports(strs(o.notPorts)), port]])));
  if (from.length > 0) {
    clauses.push(from.map(s => match([
      [strs(s.ipBlocks), strs(s.notIpBlocks), ipTest],
      [strs(s.namespaces), strs(s.notNamespaces), namespace],
      [strs(s.serviceAccounts), strs(s.notServiceAccounts), serviceAccount],
      [strs(s.principals), strs(s.notPrincipals), principal],
    ])));
  }
  for (const c of when) {
    const pick = (key: string) => (c.key === key ? [c.values, c.notValues] as const : [[], []] as const);
    const [nsV, nsN] = pick('source.namespace');
    const [prV, prN] = pick('source.principal');
    const [ipV, ipN] = pick('source.ip');
    const [dpV, dpN] = pick('destination.port');
    const [diV, diN] = pick('destination.ip');
    clauses.push([match([[nsV, nsN, namespace], [prV, prN, principal], [ipV, ipN, ipTest], [ports(dpV), ports(dpN), port], [diV, diN, destIp]])]);
  }
  // a rule matches when every clause holds; a clause when one of its non-empty matches holds
  const result = all(clauses.map(clause => any(clause.filter(m => !m.empty).map(m => m.test()))));
  const why = result === 'unknown' ? `it depends on ${[...new Set(unknowns)].join(' and ')}, which the configuration does not say`
    : l7.length > 0 ? `ztunnel does not enforce HTTP attributes (${[...new Set(l7)].join(', ')}): the DENY rule is enforced without them` : undefined;
  return { match: result, ...(why ? { why } : {}) };
}
