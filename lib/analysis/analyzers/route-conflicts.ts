/**
 * Rules that other objects' rules hide (MK0012), and rules whose winner is decided by creation timestamps (MK0013):
 * conflicts that show only when several objects are read together, as the data plane merges them.
 *
 * - VirtualServices bound to one Istio Gateway and host: Istio appends their routes in the VirtualServices' order
 *   (visibility to the gateway's namespace, then creation time, then name: istio/istio
 *   pilot/pkg/model/push_context.go VirtualServicesForGateway, pilot/pkg/model/virtualservice_controller.go), each
 *   VirtualService's routes up to its first catch-all, then moves the catch-all routes to the end
 *   (pilot/pkg/networking/core/gateway.go, route.go SortVHostRoutes). Istio's own IST0130 / IST0131 cover the rules of
 *   one VirtualService; these checks cover rules of different VirtualServices.
 * - Gateway API routes attached to one listener (or one Service, GAMMA): the rules of all routes are ordered by the
 *   specification's precedence — exact path, longest prefix, method, most headers, most query parameters, then the
 *   oldest route, then `{namespace}/{name}`, then rule order (gateway-api apis/v1/httproute_types.go, HTTPRouteRule).
 *
 * A rule (match) is reported only when `covers` is sure that an earlier one takes all its requests; an order that
 * depends on creation timestamps (which re-applying from Git does not reproduce) is MK0013, never MK0012.
 *
 * @module
 */
import { selectorMatches } from './ambient';
import { GatewayApiPrecedence, RouteMatch, covers, describeMatch, gatewayApiMatch, isCatchAll, virtualServiceMatch } from './route-match';
import { GatewaySpec } from './types';
import { idOf, isObj, list, nameOf, namesForNamespace, strMap, strs, toFqdn } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const NET = 'networking.istio.io';
const GW = 'gateway.networking.k8s.io';

/** One route (one match of one rule) in a group of merged routes. */
interface Entry {
  readonly object: AnalyzedObject;
  readonly id: string;
  readonly rule: number;
  /** The match's index; undefined for a rule without matches. */
  readonly match?: number;
  readonly ruleName?: string;
  readonly m: RouteMatch;
  /** The VirtualService's position among those of the gateway (visibility bucket), the Gateway API match's precedence... */
  readonly order: EntryOrder;
  /** Where the group is, for messages: `gateway 'ns/gw' host 'a.com'`. */
  readonly where: string;
}

type EntryOrder =
  | { readonly kind: 'vs'; readonly bucket: number; readonly catchAll: boolean }
  | { readonly kind: 'gw'; readonly precedence: GatewayApiPrecedence; readonly hostnames: readonly string[] };

const created = new WeakMap<AnalyzedObject, number>();
/** `metadata.creationTimestamp` in milliseconds, when the object carries one (objects read from a cluster). */
function createdAt(o: AnalyzedObject): number | undefined {
  let ms = created.get(o);
  if (ms === undefined) {
    const t = (o.manifest.metadata as { creationTimestamp?: unknown }).creationTimestamp;
    created.set(o, ms = typeof t === 'string' ? Date.parse(t) : NaN);
  }
  return Number.isNaN(ms) ? undefined : ms;
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** -1: `a` first, 1: `b` first, 0: decided by creation timestamps that the objects do not carry. */
function creationOrder(a: AnalyzedObject, b: AnalyzedObject, tieBreak: (x: AnalyzedObject, y: AnalyzedObject) => number): number {
  const ta = createdAt(a);
  const tb = createdAt(b);
  if (ta === undefined || tb === undefined) return 0;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return tieBreak(a, b);
}

/** Istio's order of VirtualServices of one creation time: name, then namespace (pilot/pkg/model/config.go). */
const vsTieBreak = (x: AnalyzedObject, y: AnalyzedObject) => cmp(nameOf(x), nameOf(y)) || cmp(x.manifest.metadata.namespace ?? '', y.manifest.metadata.namespace ?? '');
/**
 * Gateway API routes of one creation time: `{namespace}/{name}` (the specification) and namespace, then name (Istio,
 * pilot/pkg/config/kube/gateway/conversion.go sortRoutesByCreationTime); undecided (0) where the two disagree.
 */
const routeTieBreak = (x: AnalyzedObject, y: AnalyzedObject) => {
  const [nx, ny] = [x.manifest.metadata.namespace ?? 'default', y.manifest.metadata.namespace ?? 'default'];
  const spec = cmp(`${nx}/${nameOf(x)}`, `${ny}/${nameOf(y)}`);
  return spec === (cmp(nx, ny) || cmp(nameOf(x), nameOf(y))) ? spec : 0;
};

/** Which of two entries the data plane tries first: -1 `a`, 1 `b`, 0 decided by creation time, undefined: nothing to say. */
function entryOrder(a: Entry, b: Entry): number | undefined {
  if (a.order.kind === 'vs' && b.order.kind === 'vs') {
    if (a.id === b.id) return undefined; // one VirtualService's own rules: Istio's IST0130 / IST0131
    // catch-all routes go after all others (SortVHostRoutes)
    if (a.order.catchAll !== b.order.catchAll) return a.order.catchAll ? 1 : -1;
    if (a.order.bucket !== b.order.bucket) return a.order.bucket < b.order.bucket ? -1 : 1;
    return creationOrder(a.object, b.object, vsTieBreak);
  }
  if (a.order.kind === 'gw' && b.order.kind === 'gw') {
    const [pa, pb] = [a.order.precedence, b.order.precedence];
    // the precedence of regular-expression paths is implementation-specific
    if (pa.pathRank === 1 || pb.pathRank === 1) return undefined;
    // "the largest number of characters" of a prefix: with or without its trailing `/` (Istio drops it); where the two
    // readings order the pair differently, nothing is said
    const [trimmed, written] = [Math.sign(pb.pathLength - pa.pathLength), Math.sign(pb.writtenPathLength - pa.writtenPathLength)];
    if (pa.pathRank === pb.pathRank && trimmed !== written) return undefined;
    for (const k of ['pathRank', 'pathLength', 'method', 'headers', 'queryParams'] as const) {
      if (pa[k] !== pb[k]) return Number(pa[k]) > Number(pb[k]) ? -1 : 1;
    }
    if (a.object === b.object) return a.rule === b.rule ? undefined : a.rule < b.rule ? -1 : 1;
    if (a.id === b.id) return undefined; // alternatives (one object in two files)
    return creationOrder(a.object, b.object, routeTieBreak);
  }
  return undefined;
}

const ruleText = (e: Entry) => (e.order.kind === 'vs'
  ? `rule http[${e.rule}]${e.ruleName ? ` '${e.ruleName}'` : ''}${e.match === undefined ? '' : ` match[${e.match}]`}`
  : `rule ${e.rule}${e.ruleName ? ` '${e.ruleName}'` : ''}${e.match === undefined ? '' : ` match ${e.match}`}`);
const objText = (e: Entry) => `${e.object.manifest.kind} '${e.object.manifest.metadata.namespace ?? 'default'}/${nameOf(e.object)}'`;
const matchText = (e: Entry) => (e.match === undefined ? 'no match: every request' : describeMatch(e.m));
/** Where an entry's match is written (`spec.http[2].match[0]`, `spec.rules[1].matches[0]`), or its rule when it has none. */
const fieldOf = (e: Entry) => (e.order.kind === 'vs'
  ? `spec.http[${e.rule}]${e.match === undefined ? '' : `.match[${e.match}]`}`
  : `spec.rules[${e.rule}]${e.match === undefined ? '' : `.matches[${e.match}]`}`);
/** What is written there: the match as written; for a rule without one, what it matches. */
function valueOf(e: Entry): unknown {
  if (e.match === undefined) return matchText(e);
  const spec = isObj(e.object.manifest.spec) ? e.object.manifest.spec : {};
  const rule = list((e.order.kind === 'vs' ? spec.http : spec.rules) as unknown[])[e.rule];
  const written = isObj(rule) ? list((e.order.kind === 'vs' ? rule.match : rule.matches) as unknown[])[e.match] : undefined;
  return written ?? describeMatch(e.m);
}

/** The path condition of an entry (every match has one). */
const pathOf = (e: Entry) => e.m.conditions.find(c => c.attr === 'path')!.match;
const pathKey = (e: Entry) => {
  const p = pathOf(e);
  return p.kind === 'regex' ? `regex ${p.value}` : p.kind === 'present' ? 'literal ' : `literal ${p.value.toLowerCase()}`;
};
/**
 * The keys of the entries whose path could take all of `e`'s paths: a literal path that starts `e`'s (case aside), or
 * the same regular expression (`covers` says no to anything else).
 */
function coveringKeys(e: Entry): string[] {
  const p = pathOf(e);
  if (p.kind === 'regex') return [`regex ${p.value}`];
  const v = p.kind === 'present' ? '' : p.value.toLowerCase();
  return Array.from({ length: v.length + 1 }, (_, i) => `literal ${v.slice(0, i)}`);
}

/** The hostnames an entry competes on (a VirtualService's group is one host already). */
const hostnamesOf = (e: Entry) => (e.order.kind === 'gw' ? e.order.hostnames : ['']);

/**
 * For each entry, the entries that could take all its requests: same hostname, a path that starts its own. Linear in
 * the entries for the usual configurations (distinct hosts or paths); only many identical matches on one host are
 * compared pairwise.
 */
function candidatesOf(entries: readonly Entry[]): (x: Entry) => Entry[] {
  const index = new Map<string, Entry[]>();
  for (const e of entries) {
    for (const h of hostnamesOf(e)) {
      const key = `${h}\u0000${pathKey(e)}`;
      (index.get(key) ?? index.set(key, []).get(key)!).push(e);
    }
  }
  return x => {
    const hosts = hostnamesOf(x);
    const found = hosts.flatMap(h => coveringKeys(x).flatMap(k => index.get(`${h}\u0000${k}`) ?? []));
    return hosts.length > 1 ? [...new Set(found)] : found;
  };
}

/** The findings of the groups: MK0012 for certain orders, MK0013 for orders creation time decides. */
function conflicts(groups: Map<string, Entry[]>): { unreachable: RawFinding[]; ambiguous: RawFinding[] } {
  // one finding per (entry, other entry), the places where it holds gathered
  const unreachable = new Map<string, { b: Entry; a: Entry; where: string[] }>();
  const ambiguous = new Map<string, { b: Entry; a: Entry; same: boolean; others: number; where: string[] }>();
  const add = <T extends { where: string[] }>(m: Map<string, T>, key: string, make: () => T, where: string) => {
    const f = m.get(key) ?? m.set(key, make()).get(key)!;
    if (!f.where.includes(where)) f.where.push(where);
    return f;
  };
  const keyOf = (e: Entry) => `${e.id}|${e.object.file}|${e.rule}|${e.match ?? ''}`;
  for (const entries of groups.values()) {
    const candidates = candidatesOf(entries);
    // an entry surely behind another that matches all its requests: the first such other, in the data plane's order
    const hidden = new Map<Entry, Entry>();
    for (const x of entries) {
      for (const y of candidates(x)) {
        if (y === x || entryOrder(y, x) !== -1 || !covers(y.m, x.m) || !hostnamesAllow(y, x, true)) continue;
        const known = hidden.get(x);
        if (!known || entryOrder(y, known) === -1) hidden.set(x, y);
      }
    }
    for (const [x, y] of hidden) add(unreachable, `${keyOf(x)}>${keyOf(y)}`, () => ({ b: x, a: y, where: [] }), y.where);
    // decided by creation time, between entries that are not surely hidden anyway: one finding per entry, naming the
    // first of its competitors (and how many others there are), on the one that loses when the timestamps are equal
    // (or on the one covered)
    for (const x of entries) {
      if (hidden.has(x)) continue;
      let first: { y: Entry; same: boolean } | undefined;
      let count = 0;
      for (const y of candidates(x)) {
        if (y === x || hidden.has(y) || entryOrder(y, x) !== 0 || !covers(y.m, x.m) || !hostnamesAllow(y, x, false)) continue;
        const same = covers(x.m, y.m);
        // the same requests: counted once, on the one a tie in creation time puts second
        if (same && (x.order.kind === 'vs' ? vsTieBreak(y.object, x.object) : routeTieBreak(y.object, x.object)) > 0) continue;
        first ??= { y, same };
        count++;
      }
      if (!first) continue;
      const { y, same } = first;
      const f = add(ambiguous, `${keyOf(x)}>${keyOf(y)}`, () => ({ b: x, a: y, same, others: 0, where: [] }), y.where);
      f.others = Math.max(f.others, count - 1);
    }
  }
  const out = { unreachable: [] as RawFinding[], ambiguous: [] as RawFinding[] };
  for (const { a, b, where } of unreachable.values()) {
    const how = a.order.kind === 'vs'
      ? 'VirtualService routes of one gateway host are merged in order (exportTo visibility, creation time, name; catch-all routes last: istio/istio pilot/pkg/networking/core/gateway.go)'
      : a.object === b.object
        ? 'the Gateway API gives a tie in precedence to the first rule of the route'
        : 'the Gateway API\'s precedence puts it first (exact path, longest prefix, method, most headers, most query parameters, then the oldest route: apis/v1/httproute_types.go)';
    out.unreachable.push({
      object: b.object,
      message: `${objText(b)} ${ruleText(b)} (${matchText(b)}) is never used ${where.join('; ')}: ${ruleText(a)} of ${a.object === b.object ? 'the same route' : objText(a)} `
        + `(${matchText(a)}), before it, matches all its requests, as ${how} (mesh-kit MK0012)`,
      field: fieldOf(b),
      value: valueOf(b),
      fix: `remove ${ruleText(b)} of ${objText(b)}, or narrow ${ruleText(a)} of ${a.object === b.object ? 'the same route' : objText(a)} so that it no longer matches all its requests`,
    });
  }
  for (const { a, b, same, others, where } of ambiguous.values()) {
    const more = others === 0 ? '' : ` (and ${others} other rule${others > 1 ? 's' : ''})`;
    const decided = a.order.kind === 'vs'
      ? 'Istio merges the VirtualServices of one gateway host in creation order, then by name (pilot/pkg/model/virtualservice_controller.go)'
      : 'with equal precedence the Gateway API gives them to the older route, then by namespace/name (apis/v1/httproute_types.go)';
    const both = `${ruleText(b)} of ${objText(b)} and ${ruleText(a)} of ${objText(a)}`;
    const fix = a.order.kind !== 'vs' ? `make the matches of ${both} differ, or merge the routes into one`
      : a.order.catchAll && b.order.kind === 'vs' && b.order.catchAll
        // Istio's traffic management best practices: one catch-all rule among the merged VirtualServices
        ? `keep a catch-all rule in one of ${objText(b)} and ${objText(a)} only, or merge the VirtualServices into one`
        : `make the matches of ${both} differ, or merge the VirtualServices into one`;
    out.ambiguous.push({
      object: b.object,
      message: same
        ? `${objText(b)} ${ruleText(b)} and ${objText(a)} ${ruleText(a)}${more} match the same requests (${matchText(b)}) ${where.join('; ')}: ${decided}, `
          + 'so which one serves them depends on creation timestamps, which re-applying from Git does not reproduce (mesh-kit MK0013)'
        : `${objText(b)} ${ruleText(b)} (${matchText(b)}) is never used ${where.join('; ')} when ${objText(a)} is created first: its ${ruleText(a)} (${matchText(a)})${more} `
          + `matches all its requests; ${decided}, which re-applying from Git does not reproduce (mesh-kit MK0013)`,
      field: fieldOf(b),
      value: valueOf(b),
      fix,
    });
  }
  return out;
}

// ---- VirtualServices merged at an Istio Gateway ----

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTPS']);

/** `namespace/name` of a gateway reference of a VirtualService of namespace `ns` (Istio's resolveGatewayName). */
const resolveGateway = (ns: string) => (g: string) => (g === 'mesh' ? g : g.includes('/') ? (g.startsWith('./') ? `${ns}/${g.slice(2)}` : g) : `${ns}/${g}`);

/** Istio's host.Names.Intersection: for each pair of matching hosts, the more specific one. */
function intersect(server: readonly string[], vs: readonly string[]): string[] {
  const subset = (n: string, o: string) => {
    if (n.startsWith('*')) return o.startsWith('*') && n.length >= o.length && n.slice(1).endsWith(o.slice(1));
    return o.startsWith('*') ? n.endsWith(o.slice(1)) : n === o;
  };
  const out: string[] = [];
  for (const h of vs) {
    for (const s of server) {
      const pick = subset(h, s) ? h : subset(s, h) ? s : undefined;
      if (pick !== undefined && !out.includes(pick.toLowerCase())) out.push(pick.toLowerCase());
    }
  }
  return out;
}

/** The namespace of a gateway's pods (the proxy's namespace, which orders the VirtualServices), when there is one. */
function proxyNamespace(ctx: AnalysisContext, gw: AnalyzedObject): { ns?: string; labels?: Array<{ [k: string]: string }> } {
  const selector = strMap((gw.manifest.spec as GatewaySpec | undefined)?.selector);
  if (Object.keys(selector).length === 0) return {};
  const pods = ctx.podsSelectedBy(selector);
  const namespaces = [...new Set(pods.map(p => p.namespace))];
  return { ns: namespaces.length === 1 ? namespaces[0] : undefined, labels: pods.length > 0 ? pods.map(p => p.labels) : undefined };
}

/** The VirtualService's place in VirtualServicesForGateway: 0 private, 1 exported to the proxy's namespace, 2 public; undefined: not visible or unknown. */
function bucket(vs: AnalyzedObject, vsNs: string, proxyNs: string | undefined): number | undefined {
  const exportTo = strs((vs.manifest.spec as { exportTo?: unknown } | undefined)?.exportTo).map(e => (e === '.' ? vsNs : e));
  if (exportTo.length === 0 || exportTo.includes('*')) return 2;
  if (proxyNs === undefined || !exportTo.includes(proxyNs)) return undefined;
  return vsNs === proxyNs ? 0 : 1;
}

function virtualServiceGroups(ctx: AnalysisContext): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>();
  const proxies = new Map<AnalyzedObject, ReturnType<typeof proxyNamespace>>();
  for (const vs of ctx.of('VirtualService', NET)) {
    const spec = isObj(vs.manifest.spec) ? vs.manifest.spec : {};
    const rules = list(spec.http as unknown[]);
    // delegation merges other VirtualServices' rules in: not modelled here
    if (rules.some(r => !isObj(r) || r.delegate !== undefined)) continue;
    const ns = ctx.namespaceOf(vs);
    const resolve = resolveGateway(ns);
    const hosts = strs(spec.hosts).map(h => toFqdn(ns, h));
    for (const gwRef of new Set(strs(spec.gateways).map(resolve))) {
      if (gwRef === 'mesh') continue;
      const [gwNs, gwName] = gwRef.split('/', 2);
      const gw = ctx.find('Gateway', NET, gwNs, gwName);
      if (!gw) continue;
      const proxy = proxies.get(gw) ?? proxies.set(gw, proxyNamespace(ctx, gw)).get(gw)!;
      const place = bucket(vs, ns, proxy.ns);
      if (place === undefined) continue;
      for (const [si, server] of list((gw.manifest.spec as GatewaySpec | undefined)?.servers).entries()) {
        const protocol = String(server?.port?.protocol ?? '').toUpperCase();
        const port = server?.port?.number;
        if (!HTTP_PROTOCOLS.has(protocol) || typeof port !== 'number') continue;
        if (protocol === 'HTTPS' && ['PASSTHROUGH', 'AUTO_PASSTHROUGH'].includes(String(server?.tls?.mode))) continue;
        const serverHosts = namesForNamespace(strs(server?.hosts).map(h => (h.startsWith('./') ? `${gwNs}/${h.slice(2)}` : h)), ns);
        const shared = intersect(serverHosts, hosts);
        if (shared.length === 0) continue;
        const entries = routesAt(vs, rules, resolve, gwRef, port, proxy, place);
        // HTTPS servers each have their own routes; HTTP servers of one port share them (Istio's route names)
        const serverKey = protocol === 'HTTPS' ? `server ${si}` : `port ${port}`;
        for (const h of shared) {
          const where = `at gateway '${gwRef}' for host '${h}'${protocol === 'HTTPS' ? ` (server ${si}, port ${port})` : ''}`;
          const g = groups.get(`${gwRef}|${serverKey}|${h}`) ?? groups.set(`${gwRef}|${serverKey}|${h}`, []).get(`${gwRef}|${serverKey}|${h}`)!;
          g.push(...entries.map(e => ({ ...e, where })));
        }
      }
    }
  }
  return groups;
}

/**
 * The routes a VirtualService gives a gateway's port, as Istio's BuildHTTPRoutesForVirtualService does: matches of
 * another port or gateway dropped, up to the first catch-all. A match Istio keeps or drops by the gateway pods' labels
 * that the objects do not settle, or a match this model cannot read, ends the list (what follows may or may not be there).
 */
function routesAt(vs: AnalyzedObject, rules: unknown[], resolve: (g: string) => string, gwRef: string, port: number,
  proxy: ReturnType<typeof proxyNamespace>, place: number): Array<Omit<Entry, 'where'>> {
  const out: Array<Omit<Entry, 'where'>> = [];
  const id = idOf(vs);
  for (const [i, r] of rules.entries()) {
    const rule = r as { name?: unknown; match?: unknown };
    const ruleName = typeof rule.name === 'string' && rule.name !== '' ? rule.name : undefined;
    const matches = Array.isArray(rule.match) && rule.match.length > 0 ? rule.match : [undefined];
    for (const [j, raw] of matches.entries()) {
      const m = virtualServiceMatch(raw, resolve);
      if (!m) return out;
      if (m.port !== undefined && m.port !== port) continue;
      if (m.gateways) {
        if (!m.gateways.includes(gwRef)) continue;
      } else if (m.sourceLabels || m.sourceNamespace !== undefined) {
        const here = (proxy.labels ?? []).map(l => Object.entries(m.sourceLabels ?? {}).every(([k, v]) => l[k] === v)
          && (m.sourceNamespace === undefined || m.sourceNamespace === proxy.ns));
        if (proxy.ns === undefined || here.length === 0 || here.some(x => x !== here[0])) return out;
        if (!here[0]) continue;
      }
      const catchAll = isCatchAll(m);
      out.push({ object: vs, id, rule: i, match: raw === undefined ? undefined : j, ruleName, m, order: { kind: 'vs', bucket: place, catchAll } });
      if (catchAll) return out;
    }
  }
  return out;
}

// ---- Gateway API routes on one parent ----

/** Gateway API hostnames of a route on a listener: each route hostname that matches the listener's, the more specific of the two. */
function effectiveHostnames(route: readonly string[], listener: string | undefined): string[] {
  if (listener === undefined) return route.length > 0 ? [...route] : ['*'];
  if (route.length === 0) return [listener];
  return intersect([listener], route);
}

function gatewayApiGroups(ctx: AnalysisContext): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>();
  const push = (key: string, entries: Entry[]) => (groups.get(key) ?? groups.set(key, []).get(key)!).push(...entries);
  for (const route of ctx.of('HTTPRoute', GW)) {
    const spec = isObj(route.manifest.spec) ? route.manifest.spec : {};
    const ns = ctx.namespaceOf(route);
    const hostnames = strs(spec.hostnames);
    type Parsed = Omit<Entry, 'where' | 'order'> & { precedence: GatewayApiPrecedence };
    const parsed: Parsed[] = [];
    let readable = true;
    for (const [i, r] of list(spec.rules as unknown[]).entries()) {
      const rule = isObj(r) ? r : {};
      const ruleName = typeof rule.name === 'string' && rule.name !== '' ? rule.name : undefined;
      // an absent `matches` is defaulted by the API server to PathPrefix `/`; an empty list is not, and Istio puts such a
      // rule after all others (pilot/pkg/config/kube/gateway/conversion.go sortHTTPRoutes) where the specification reads
      // PathPrefix `/`: nothing is said of such a route
      if (Array.isArray(rule.matches) && rule.matches.length === 0) readable = false;
      const matches = Array.isArray(rule.matches) && rule.matches.length > 0 ? rule.matches : [undefined];
      for (const [j, raw] of matches.entries()) {
        const read = gatewayApiMatch(raw);
        // an unreadable match makes the order of the others unknown: nothing is said of this route
        if (!read) {
          readable = false;
          continue;
        }
        const match = raw === undefined ? undefined : j;
        parsed.push({ object: route, id: idOf(route), rule: i, match, ruleName, m: read.match, precedence: read.precedence });
      }
    }
    if (!readable) continue;
    for (const p of list(spec.parentRefs as unknown[]).filter(isObj)) {
      const kind = p.kind ?? 'Gateway';
      const group = p.group ?? GW;
      const parentNs = typeof p.namespace === 'string' ? p.namespace : ns;
      const name = String(p.name);
      const port = typeof p.port === 'number' ? p.port : undefined;
      const entries = (where: string, eff: string[]) => parsed.map(e => ({ ...e, where, order: { kind: 'gw' as const, precedence: e.precedence, hostnames: eff } }));
      if (kind === 'Service' && (group === '' || group === 'core')) {
        if (!ctx.find('Service', '', parentNs, name) && ctx.world === 'closed') continue;
        // Istio merges the mesh routes of one namespace, Service and port (pilot/pkg/config/kube/gateway/route_collections.go)
        const where = `on Service '${parentNs}/${name}'${port === undefined ? '' : ` port ${port}`}`;
        push(`Service|${parentNs}/${name}|${port ?? '*'}|${ns}`, entries(where, hostnames.length > 0 ? hostnames : ['*']));
      } else if (kind === 'Gateway' && group === GW) {
        const gw = ctx.find('Gateway', GW, parentNs, name);
        if (!gw) continue;
        const gwSpec = isObj(gw.manifest.spec) ? gw.manifest.spec : {};
        for (const l of list(gwSpec.listeners as unknown[]).filter(isObj)) {
          if (typeof p.sectionName === 'string' && l.name !== p.sectionName) continue;
          if (port !== undefined && l.port !== port) continue;
          if (!['HTTP', 'HTTPS'].includes(String(l.protocol))) continue;
          if (!attachable(ctx, l, ns, parentNs)) continue;
          const eff = effectiveHostnames(hostnames, typeof l.hostname === 'string' ? l.hostname : undefined);
          if (eff.length === 0) continue;
          push(`Gateway|${parentNs}/${name}|${String(l.name)}`, entries(`on Gateway '${parentNs}/${name}' listener '${String(l.name)}'`, eff));
        }
      }
    }
  }
  return groups;
}

/** The listener admits HTTPRoutes of the route's namespace (allowedRoutes); false when it cannot be told (a namespace selector). */
function attachable(ctx: AnalysisContext, listener: { [k: string]: unknown }, routeNs: string, gwNs: string): boolean {
  const allowed = isObj(listener.allowedRoutes) ? listener.allowedRoutes : {};
  const kinds = list(allowed.kinds as unknown[]).filter(isObj);
  if (kinds.length > 0 && !kinds.some(k => k.kind === 'HTTPRoute' && (k.group ?? GW) === GW)) return false;
  const from = isObj(allowed.namespaces) ? allowed.namespaces.from ?? 'Same' : 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNs === gwNs;
  if (from !== 'Selector' || !isObj(allowed.namespaces)) return false;
  // Kubernetes labels every namespace with its name; other labels are known only from the Namespace object
  const n = ctx.namespace(routeNs);
  const labels = { ...(n?.manifest.metadata.labels ?? {}), 'kubernetes.io/metadata.name': routeNs };
  return selectorMatches(allowed.namespaces.selector, labels, k => n !== undefined || k === 'kubernetes.io/metadata.name') === true;
}

/**
 * Gateway API routes compete for a request by hostname first (the route with the most specific matching hostname
 * wins, HTTPRouteSpec.Hostnames): `second` is surely behind `first` only if every hostname of `second` is one of
 * `first`'s; they tie for some hosts if they share a hostname.
 */
function hostnamesAllow(first: Entry, second: Entry, certain: boolean): boolean {
  if (first.order.kind !== 'gw' || second.order.kind !== 'gw') return true;
  const [a, b] = [first.order.hostnames, second.order.hostnames];
  return certain ? b.every(h => a.includes(h)) : b.some(h => a.includes(h));
}

const cache = new WeakMap<AnalysisContext, { unreachable: RawFinding[]; ambiguous: RawFinding[] }>();
const vsCache = new WeakMap<AnalysisContext, { unreachable: RawFinding[]; ambiguous: RawFinding[] }>();
const gwOf = (ctx: AnalysisContext) => cache.get(ctx) ?? cache.set(ctx, conflicts(gatewayApiGroups(ctx))).get(ctx)!;
const vsOf = (ctx: AnalysisContext) => vsCache.get(ctx) ?? vsCache.set(ctx, conflicts(virtualServiceGroups(ctx))).get(ctx)!;

/** MK0012 and MK0013, for VirtualServices merged at gateways and for Gateway API routes on one parent. */
export const ROUTE_CONFLICT_ANALYZERS: Analyzer[] = [
  {
    analyzer: 'meshkit.GatewayVirtualServiceMergeAnalyzer',
    code: 'MK0012',
    name: 'RouteRuleUnreachableAcrossObjects',
    level: FindingLevel.WARNING,
    description: 'a rule of one object is never used because a rule of another object merged before it (VirtualServices of one gateway host, '
      + 'Gateway API routes of one listener or Service) takes all its requests',
    run: ctx => vsOf(ctx).unreachable,
  },
  {
    analyzer: 'meshkit.HTTPRoutePrecedenceAnalyzer',
    code: 'MK0012',
    name: 'RouteRuleUnreachableAcrossObjects',
    level: FindingLevel.WARNING,
    description: 'a rule of one object is never used because a rule of another object merged before it (VirtualServices of one gateway host, '
      + 'Gateway API routes of one listener or Service) takes all its requests',
    run: ctx => gwOf(ctx).unreachable,
  },
  {
    analyzer: 'meshkit.GatewayVirtualServiceMergeAnalyzer',
    code: 'MK0013',
    name: 'RoutePrecedenceByCreationTime',
    level: FindingLevel.WARNING,
    description: 'two objects claim the same requests (or one takes all of the other\'s) and which one serves them is decided by creation timestamps, '
      + 'which re-applying from Git does not reproduce',
    run: ctx => vsOf(ctx).ambiguous,
  },
  {
    analyzer: 'meshkit.HTTPRoutePrecedenceAnalyzer',
    code: 'MK0013',
    name: 'RoutePrecedenceByCreationTime',
    level: FindingLevel.WARNING,
    description: 'two objects claim the same requests (or one takes all of the other\'s) and which one serves them is decided by creation timestamps, '
      + 'which re-applying from Git does not reproduce',
    run: ctx => gwOf(ctx).ambiguous,
  },
];
