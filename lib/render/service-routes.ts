/**
 * A gateway route that forwards to a whole service, carrying the service's own routes: the gateway's route is replaced
 * by one route per route of the service, as Istio replaces a root route by its delegate's routes (istio/istio
 * `pilot/pkg/model/virtualservice.go`, `mergeHTTPRoute` / `mergeHTTPMatchRequest`). Computed on the model, before any
 * back-end renders it, so that Istio's API and the Gateway API write the same routing. Pure functions.
 *
 * @module
 */
import { DestinationModel, HeaderOpsModel, HttpRouteModel, MatchModel, ServiceRef, StringMatchModel } from './model';

/** The routes of the service a gateway route forwards to. */
export interface ServiceRoutes {
  /** The service, as notes name it. */
  readonly service: string;
  /** Its HTTP routes as its own routing declares them (mesh routes: no gateway port written). */
  readonly routes: readonly HttpRouteModel[];
}

/** One route of the combined routing, and where it comes from. */
export interface CarriedRoute {
  readonly route: HttpRouteModel;
  /** The index of the gateway route it comes from. */
  readonly from: number;
  /** The route of the service it carries, when it carries one. */
  readonly carries?: { readonly service: string; readonly route: number };
}

/** What could not be carried: the note (naming the routes and why), the gateway route it is about, and what to do. */
export interface CarryNote {
  readonly text: string;
  /** The index of the gateway route. */
  readonly route: number;
  /** What is about: the gateway route's destinations (carried without the service's routes), or one of its matches. */
  readonly about: 'destinations' | { readonly match: number };
  /** For a match: the gateway route's match as the note shows it (the combination it names is not in the object). */
  readonly match?: string;
  readonly fix: string;
}

/** The combined routing, and what could not be carried. */
export interface CarriedRoutes {
  readonly routes: CarriedRoute[];
  readonly notes: CarryNote[];
}

/** Options of {@link carryServiceRoutes}. */
export interface CarryOptions {
  /**
   * Write a combined route that rewrites the path as one route per match (the Gateway API: a prefix rewrite needs exactly
   * one path-prefix match; its rules are chosen by the most specific match, not in order, so the split keeps the meaning).
   */
  readonly oneMatchPerRewrite?: boolean;
}

/**
 * The route policies a service's route brings to a gateway route that sets none of its own (the gateway's own wins):
 * in a split between the service and other targets, one of them would also apply to the other targets' share.
 */
const POLICIES = ['timeout', 'retries', 'fault', 'mirror', 'cors', 'headers'] as const;

/**
 * Each gateway route that forwards to a service with routes of its own, replaced by the service's routes:
 * - **matches**: each of the service route's matches combined with each of the gateway route's (both must hold); where both
 *   constrain one field (the path, one header), the combination is kept when one contains the other (the narrower holds),
 *   dropped when they cannot both hold, and dropped with a note when they could overlap but one match cannot express it
 *   (a regular expression against a prefix, say);
 * - **destinations**: the service route's versions and weights (in a weighted split, its weights scaled by the service's
 *   share, in whole percent);
 * - **policies** (timeout, retries, fault, mirror, CORS, header operations): the gateway route's own where it sets one,
 *   else the service route's;
 * - **rewrites**: the gateway's, then the service's, as the service would see the request (its path conditions are read
 *   through the gateway's rewrite and request header changes).
 *
 * Routes keep their order: a request that matches no route of the service goes on to the gateway's next route, as with
 * Istio's delegation. A gateway route whose service routes cannot be carried as a whole (a route that delegates, a split
 * between several services with routes, a split whose service route sets a policy of its own) is kept as it is, with a
 * note.
 * @param routesOf the routes of destination `destination` of gateway route `route`; undefined when it carries none
 */
export function carryServiceRoutes(routes: readonly HttpRouteModel[], routesOf: (route: number, destination: number) => ServiceRoutes | undefined,
  options: CarryOptions = {}): CarriedRoutes {
  const out: CarriedRoute[] = [];
  const notes: CarryNote[] = [];
  routes.forEach((g, i) => {
    const carried = carryOne(g, i, routesOf, notes);
    for (const c of carried) {
      const split = options.oneMatchPerRewrite && c.carries && c.route.rewrite?.uri !== undefined && c.route.match.length > 1;
      if (split) out.push(...c.route.match.map(m => ({ ...c, route: { ...c.route, match: [m] } })));
      else out.push(c);
    }
  });
  return { routes: uniqueNames(out), notes };
}

/** One gateway route, carrying the routes of the one service among its destinations that has some. */
function carryOne(g: HttpRouteModel, i: number, routesOf: (route: number, destination: number) => ServiceRoutes | undefined,
  notes: CarryNote[]): CarriedRoute[] {
  const kept: CarriedRoute[] = [{ route: g, from: i }];
  if (g.redirect || g.delegate) return kept;
  const targets = g.destinations.map((d, k) => ({ d, k, rules: routesOf(i, k) })).filter(t => t.rules && t.rules.routes.length > 0);
  if (targets.length === 0) return kept;
  const at = `routes[${i}]${g.name !== undefined ? ` '${g.name}'` : ''}`;
  const bypass = (service: string, why: string) => {
    notes.push({ text: `${at} sends to '${service}' without its routes: ${why}`, route: i, about: 'destinations', fix: 'forward to its versions, or say so with followServiceRoutes: false' });
    return kept;
  };
  if (targets.length > 1) {
    return bypass(targets.map(t => t.rules!.service).join("' and '"), 'it splits traffic between several services with routes of their own, and one route cannot follow both');
  }
  const { d: target, k, rules } = targets[0];
  const { service, routes } = rules!;
  const split = g.destinations.length > 1;
  for (const [j, r] of routes.entries()) {
    if (r.delegate) return bypass(service, `its routes[${j}] delegates to '${r.delegate.name}', which a gateway route cannot carry`);
    if (r.redirect && split) return bypass(service, `its routes[${j}] redirects, which would apply to every target of the gateway route's split`);
    if (r.redirect && g.rewrite) return bypass(service, `its routes[${j}] redirects, and the redirect would not see the gateway's rewrite`);
    const spills = split ? [...POLICIES, 'rewrite' as const].filter(p => r[p] !== undefined && (p === 'rewrite' || g[p] === undefined)) : [];
    if (spills.length > 0) return bypass(service, `its routes[${j}] sets ${spills.join(', ')}, which would apply to every target of the gateway route's split`);
  }
  const out: CarriedRoute[] = [];
  // a match met again after an earlier route's identical one never applies (the earlier route takes its requests)
  const taken = new Set<string>();
  for (const [j, r] of routes.entries()) {
    if (taken.has('{}')) break;
    const cases: Case[] = [];
    for (const [gi, gm] of (g.match.length > 0 ? g.match : [{}]).entries()) {
      for (const sm of r.match.length > 0 ? r.match : [{}]) {
        const c = combine(gm, sm, g, r, target.port);
        if (typeof c === 'string') {
          notes.push({
            text: `${at} match ${showMatch(gm)} and ${service}'s routes[${j}] match ${showMatch(sm)} could both hold, but ${c}: gateway requests that match both skip that route of '${service}'`,
            route: i,
            about: g.match.length > 0 ? { match: gi } : 'destinations',
            match: showMatch(gm),
            fix: `make the gateway route's match ${showMatch(gm)} contain, or fall within, ${service}'s routes[${j}] match ${showMatch(sm)}, or say so with followServiceRoutes: false`,
          });
        } else if (c !== DISJOINT && !cases.some(x => x.key === c.key) && !taken.has(c.matchKey)) {
          cases.push(c);
        }
      }
    }
    for (const c of cases) taken.add(c.matchKey);
    // one route per rewrite: a route rewrites its whole match one way
    const rewrites = [...new Set(cases.map(c => c.rewrite))];
    for (const rewrite of rewrites) {
      const matches = cases.filter(c => c.rewrite === rewrite).map(c => c.match);
      out.push({ route: combinedRoute(g, r, k, split, matches, rewrite), from: i, carries: { service, route: j } });
    }
  }
  return out;
}

/** The service route `r` in gateway route `g`'s place: its matches, destinations, redirect and policies. */
function combinedRoute(g: HttpRouteModel, r: HttpRouteModel, k: number, split: boolean, matches: MatchModel[],
  rewriteUri: string | undefined): HttpRouteModel {
  const match = matches.some(m => Object.keys(m).length === 0) ? [] : matches;
  const name = g.name !== undefined && r.name !== undefined ? `${g.name}-${r.name}` : g.name ?? r.name;
  const authority = r.rewrite?.authority ?? g.rewrite?.authority;
  const rewrite = rewriteUri !== undefined || authority !== undefined ? defined({ uri: rewriteUri, authority }) : undefined;
  const pick = <K extends typeof POLICIES[number]>(p: K): HttpRouteModel[K] => g[p] ?? r[p];
  if (r.redirect) {
    return defined({ name, match, destinations: [], redirect: r.redirect, fault: pick('fault'), cors: pick('cors'), headers: pick('headers') });
  }
  const target = g.destinations[k];
  const ports = (d: DestinationModel): DestinationModel =>
    defined({ ...d, port: d.port ?? (sameService(d.service, target.service) ? target.port : d.onlyPort) });
  const mirror = g.mirror ?? (r.mirror ? { ...r.mirror, destination: ports(r.mirror.destination) } : undefined);
  const destinations = split ? scaled(g.destinations, k, r.destinations.map(ports)) : r.destinations.map(ports);
  return defined({
    name, match, destinations, timeout: pick('timeout'), retries: pick('retries'), fault: pick('fault'), mirror, rewrite, cors: pick('cors'), headers: pick('headers'),
  });
}

/**
 * A split's destination `k` replaced by `parts`, their weights scaled by its share and rounded to whole percent by the
 * largest remainder (the shares still add up to 100); a target that appears twice is written once with both shares.
 */
function scaled(ds: readonly DestinationModel[], k: number, parts: readonly DestinationModel[]): DestinationModel[] {
  const share = ds[k].weight ?? 0;
  const exact = parts.map(p => (share * (p.weight ?? 100)) / 100);
  const floors = exact.map(Math.floor);
  let left = share - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, rest: x - floors[i] })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const o of order) {
    if (left <= 0) break;
    floors[o.i]++;
    left--;
  }
  const all = [...ds.slice(0, k), ...parts.map((p, i) => ({ ...p, weight: floors[i] })), ...ds.slice(k + 1)];
  const key = (d: DestinationModel) => `${d.service.namespace ?? ''}/${d.service.name}/${d.subset ?? ''}/${d.port ?? ''}`;
  const merged: DestinationModel[] = [];
  for (const d of all) {
    const same = merged.findIndex(m => key(m) === key(d));
    if (same >= 0) merged[same] = { ...merged[same], weight: (merged[same].weight ?? 0) + (d.weight ?? 0) };
    else merged.push(d);
  }
  return merged;
}

/** Gateway API rule names and Istio route names are unique within a route object: a name met again gets `-2`, `-3`... */
function uniqueNames(routes: CarriedRoute[]): CarriedRoute[] {
  const seen = new Set(routes.filter(c => !c.carries && c.route.name !== undefined).map(c => c.route.name!));
  return routes.map(c => {
    const name = c.route.name;
    if (name === undefined || !c.carries) return c;
    let unique = name;
    for (let n = 2; seen.has(unique); n++) unique = `${name}-${n}`;
    seen.add(unique);
    return unique === name ? c : { ...c, route: { ...c.route, name: unique } };
  });
}

/** One combined match and the path the route rewrites it to. */
interface Case {
  readonly match: MatchModel;
  readonly rewrite?: string;
  /** The match as a key (an identical match later never applies). */
  readonly matchKey: string;
  /** What makes two cases the same. */
  readonly key: string;
}

/** The two matches cannot both hold: nothing to carry, nothing lost. */
const DISJOINT = Symbol('disjoint');

/** Two conditions on one string: the narrower when one contains the other, DISJOINT when they cannot both hold, else why not. */
type Meet = StringMatchModel | typeof DISJOINT | string;

/** Every string `a` matches, `b` matches too (as far as can be told without running a regular expression). */
function within(a: StringMatchModel, b: StringMatchModel, fold = false): boolean {
  const f = (s: string | undefined) => (s === undefined ? undefined : fold ? s.toLowerCase() : s);
  if (a.regex !== undefined || b.regex !== undefined) return a.regex !== undefined && a.regex === b.regex;
  const av = f(a.exact ?? a.prefix)!;
  if (b.exact !== undefined) return a.exact !== undefined && av === f(b.exact);
  return av.startsWith(f(b.prefix)!);
}

/**
 * The text every string a regular expression matches starts with (Istio's regexes match the whole string, RE2): its
 * leading literal characters, short of one a quantifier may leave out; '' when it has none, or alternatives.
 */
function literalPrefix(regex: string): string {
  if (regex.includes('|')) return '';
  let out = '';
  let i = regex.startsWith('^') ? 1 : 0;
  for (; i < regex.length; i++) {
    const c = regex[i];
    if (c === '\\' && i + 1 < regex.length && /[^A-Za-z0-9]/.test(regex[i + 1])) {
      out += regex[++i];
    } else if (/[A-Za-z0-9/_\-~:@!&',;=%]/.test(c)) {
      out += c;
    } else {
      break;
    }
  }
  // 'ab?', 'ab*', 'ab{0,1}': the last literal may be absent
  return i < regex.length && /[*?{]/.test(regex[i]) ? out.slice(0, -1) : out;
}

/** Whether no string matches both (a regular expression is read as far as its literal prefix). */
function disjoint(a: StringMatchModel, b: StringMatchModel, fold = false): boolean {
  const f = (s: string) => (fold ? s.toLowerCase() : s);
  if (a.regex !== undefined || b.regex !== undefined) {
    if (a.regex !== undefined && b.regex !== undefined) return false;
    const [re, other] = a.regex !== undefined ? [a, b] : [b, a];
    const lit = f(literalPrefix(re.regex!));
    const o = f(other.exact ?? other.prefix!);
    return other.exact !== undefined ? !o.startsWith(lit) : !o.startsWith(lit) && !lit.startsWith(o);
  }
  const av = f(a.exact ?? a.prefix!);
  const bv = f(b.exact ?? b.prefix!);
  if (a.exact !== undefined && b.exact !== undefined) return av !== bv;
  if (a.exact !== undefined) return !av.startsWith(bv);
  if (b.exact !== undefined) return !bv.startsWith(av);
  return !av.startsWith(bv) && !bv.startsWith(av);
}

/** Both conditions on one string (Istio's `stringMatchConflict`, in both directions). */
function meet(a: StringMatchModel, b: StringMatchModel, fold = false): Meet {
  if (within(a, b, fold)) return a;
  if (within(b, a, fold)) return b;
  if (disjoint(a, b, fold)) return DISJOINT;
  return `${showString(a)} and ${showString(b)} overlap without one containing the other, and one match holds one condition on it`;
}

/** Either condition fails (a `withoutHeaders` pair): the broader one, when one contains the other. */
function join(a: StringMatchModel, b: StringMatchModel): Meet {
  if (within(a, b)) return b;
  if (within(b, a)) return a;
  return `absent ${showString(a)} and absent ${showString(b)} cannot be written as one condition`;
}

/** Whether `value` meets a condition; undefined when a regular expression cannot be read here. */
function holds(m: StringMatchModel, value: string): boolean | undefined {
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  try {
    return new RegExp(`^(?:${m.regex})$`).test(value);
  } catch {
    return undefined;
  }
}

/**
 * The service match's conditions as they apply to the request the gateway received: its port is the port the gateway
 * sends to; its header conditions see the headers the gateway sets or removes; its path condition sees the gateway's
 * rewrite (Envoy's `prefix_rewrite`: the matched prefix, or the whole path of an exact or regex match, replaced).
 */
function throughGateway(sm: MatchModel, gm: MatchModel, g: HttpRouteModel, port: number | undefined): MatchModel | typeof DISJOINT | string {
  if (sm.port !== undefined && sm.port !== port) return DISJOINT;
  let out: MatchModel = sm.port !== undefined || sm.gateways !== undefined ? { ...sm, port: undefined, gateways: undefined } : sm;
  const ops: HeaderOpsModel | undefined = g.headers?.request;
  for (const [field, present] of ops && (sm.headers || sm.withoutHeaders) ? [['headers', true], ['withoutHeaders', false]] as const : []) {
    const conds = { ...(out[field] ?? {}) };
    for (const [h, m] of Object.entries(conds)) {
      if (ops!.add?.[h] !== undefined) return `the gateway adds header '${h}', which ${showString(m)} would read`;
      const removed = ops!.remove?.includes(h) ?? false;
      const value = ops!.set?.[h];
      if (!removed && value === undefined) continue;
      const met = removed ? false : holds(m, value!);
      if (met === undefined) return `the gateway sets header '${h}', and regex ${m.regex} cannot be read here`;
      if (met !== present) return DISJOINT;
      delete conds[h];
    }
    out = { ...out, [field]: Object.keys(conds).length > 0 ? conds : undefined };
  }
  const rewrite = g.rewrite?.uri;
  if (rewrite === undefined || sm.uri === undefined) return out;
  if (gm.ignoreUriCase || sm.ignoreUriCase) return 'the gateway rewrites the path, and a case-insensitive path condition cannot be read through it';
  if (sm.uri.regex !== undefined) return `the gateway rewrites the path, and regex ${sm.uri.regex} cannot be read through it`;
  const s = sm.uri.exact ?? sm.uri.prefix!;
  if (gm.uri?.exact !== undefined || gm.uri?.regex !== undefined) {
    // the whole path becomes the rewrite: the condition either holds for every request or for none
    return holds(sm.uri, rewrite) ? { ...out, uri: undefined, grpc: undefined } : DISJOINT;
  }
  const p = gm.uri?.prefix ?? '/';
  if (s.startsWith(rewrite)) {
    const uri = sm.uri.exact !== undefined ? { exact: p + s.slice(rewrite.length) } : { prefix: p + s.slice(rewrite.length) };
    return { ...out, uri, grpc: undefined };
  }
  if (sm.uri.prefix !== undefined && rewrite.startsWith(s)) return { ...out, uri: undefined, grpc: undefined };
  return DISJOINT;
}

/** Gateway match `gm` and service match `sm` both holding, and the rewrite of that case; DISJOINT, or why not. */
function combine(gm: MatchModel, sm0: MatchModel, g: HttpRouteModel, r: HttpRouteModel, port: number | undefined): Case | typeof DISJOINT | string {
  const sm = throughGateway(sm0, gm, g, port);
  if (typeof sm === 'string' || sm === DISJOINT) return sm;
  let uri = gm.uri ?? sm.uri;
  let ignoreUriCase = gm.uri ? gm.ignoreUriCase : sm.ignoreUriCase;
  let grpc = gm.uri ? gm.grpc : sm.grpc;
  if (gm.uri && sm.uri) {
    if (Boolean(gm.ignoreUriCase) !== Boolean(sm.ignoreUriCase)) {
      if (!disjoint(gm.uri, sm.uri, true)) return 'one path condition is case-insensitive and the other is not';
      return DISJOINT;
    }
    const m = meet(gm.uri, sm.uri, Boolean(gm.ignoreUriCase));
    if (typeof m === 'string' || m === DISJOINT) return m;
    uri = m;
    ignoreUriCase = gm.ignoreUriCase;
    grpc = m === sm.uri ? sm.grpc : gm.grpc;
  }
  type Conditions = { readonly [k: string]: StringMatchModel } | undefined;
  const maps = (a: Conditions, b: Conditions, f: typeof meet) => {
    if (!a || !b) return a ?? b;
    const outMap: { [k: string]: StringMatchModel } = { ...(a ?? {}) };
    for (const [key, v] of Object.entries(b ?? {})) {
      const x = outMap[key] === undefined ? v : f(outMap[key], v);
      if (typeof x === 'string') return `${key}: ${x}`;
      if (x === DISJOINT) return DISJOINT;
      outMap[key] = x;
    }
    return Object.keys(outMap).length > 0 ? outMap : undefined;
  };
  const headers = maps(gm.headers, sm.headers, meet);
  const queryParams = maps(gm.queryParams, sm.queryParams, meet);
  const withoutHeaders = maps(gm.withoutHeaders, sm.withoutHeaders, join);
  for (const x of [headers, queryParams, withoutHeaders]) {
    if (x === DISJOINT) return DISJOINT;
    if (typeof x === 'string') return x;
  }
  const labels = { ...(sm.sourceLabels ?? {}), ...(gm.sourceLabels ?? {}) };
  if (Object.entries(sm.sourceLabels ?? {}).some(([key, v]) => labels[key] !== v)) return DISJOINT;
  if (gm.sourceNamespace !== undefined && sm.sourceNamespace !== undefined && gm.sourceNamespace !== sm.sourceNamespace) return DISJOINT;
  const match = defined({
    uri,
    headers: headers as MatchModel['headers'],
    ignoreUriCase: uri ? ignoreUriCase || undefined : undefined,
    port: gm.port,
    queryParams: queryParams as MatchModel['queryParams'],
    withoutHeaders: withoutHeaders as MatchModel['withoutHeaders'],
    sourceLabels: Object.keys(labels).length > 0 ? labels : undefined,
    sourceNamespace: gm.sourceNamespace ?? sm.sourceNamespace,
    gateways: gm.gateways,
    grpc: uri ? grpc : undefined,
  });
  const rewrite = rewriteOf(match.uri, gm, sm0, g, r);
  if (rewrite !== undefined && typeof rewrite !== 'string') return rewrite.why;
  const matchKey = JSON.stringify(match);
  return { match, rewrite, matchKey, key: rewrite === undefined ? matchKey : `${matchKey} ${rewrite}` };
}

/**
 * The path a request matching `c` (a path condition of the request the gateway received) is sent with: the gateway's
 * rewrite, then the service route's, each replacing the prefix its own match matched (or the whole path, after an exact
 * or regex match), as Envoy's `prefix_rewrite` does.
 */
function rewriteOf(c: StringMatchModel | undefined, gm: MatchModel, sm: MatchModel, g: HttpRouteModel,
  r: HttpRouteModel): string | undefined | { why: string } {
  const gw = g.rewrite?.uri;
  const own = r.rewrite?.uri;
  if (gw === undefined && own === undefined) return undefined;
  const cond = c ?? { prefix: '/' };
  // the path as each rewrite leaves it: a known prefix the rest of the path follows, or a whole path; unknown after a
  // regex condition until a rewrite replaces the whole path
  let path: { value?: string; whole: boolean } = { value: cond.exact ?? cond.prefix, whole: cond.prefix === undefined };
  const step = (matched: StringMatchModel | undefined, to: string) => {
    if (matched?.exact !== undefined || matched?.regex !== undefined) return { value: to, whole: true };
    const prefix = matched?.prefix ?? '/';
    return { value: path.value === undefined ? undefined : to + path.value.slice(prefix.length), whole: path.whole };
  };
  if (gw !== undefined) path = step(gm.uri, gw);
  if (own !== undefined) path = step(sm.uri, own);
  if (path.value === undefined) return { why: `regex ${cond.regex} and a rewrite of part of the path cannot be combined` };
  if (path.whole && cond.prefix !== undefined) return { why: 'a rewrite of the whole path cannot be combined with a prefix' };
  return path.value;
}

function sameService(a: ServiceRef, b: ServiceRef): boolean {
  return a.name === b.name && a.namespace === b.namespace && Boolean(a.external) === Boolean(b.external);
}

/** `o` without its undefined fields, so that combined routes compare and print as declared ones do. */
function defined<T extends object>(o: T): T {
  const out: { [k: string]: unknown } = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

function showString(m: StringMatchModel): string {
  return m.exact !== undefined ? `exact ${m.exact}` : m.prefix !== undefined ? `prefix ${m.prefix}` : `regex ${m.regex}`;
}

/** A match as notes show it: `prefix /reviews, header end-user exact jason`, or `any request`. */
export function showMatch(m: MatchModel): string {
  const parts = [
    ...(m.uri ? [`path ${showString(m.uri)}`] : []),
    ...Object.entries(m.headers ?? {}).map(([h, v]) => `header ${h} ${showString(v)}`),
    ...Object.entries(m.queryParams ?? {}).map(([q, v]) => `query ${q} ${showString(v)}`),
    ...Object.entries(m.withoutHeaders ?? {}).map(([h, v]) => `no header ${h} ${showString(v)}`),
    ...(m.port !== undefined ? [`port ${m.port}`] : []),
    ...Object.entries(m.sourceLabels ?? {}).map(([k, v]) => `caller ${k}=${v}`),
    ...(m.sourceNamespace !== undefined ? [`caller namespace ${m.sourceNamespace}`] : []),
  ];
  return parts.length > 0 ? `(${parts.join(', ')})` : '(any request)';
}
