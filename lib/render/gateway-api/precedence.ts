/**
 * Routes declared in order (the first match wins, as in Istio's API and mesh-kit's intent), written for the Gateway API,
 * which does not read rules in order: of the matches that take a request, the most specific wins (an Exact path, the
 * longest PathPrefix, a method, the most headers, the most query parameters; the first rule only on a tie), as
 * gateway-api `apis/v1/httproute_types.go` (`HTTPRouteRule.Matches`) orders them and Linkerd follows.
 *
 * Where a later route's match outranks an earlier route's and both can take a request, the requests of both would go to
 * the later one. The earlier route keeps them when the Gateway API is given their conjunction: a rule with the earlier
 * route's action and both matches' conditions, which ranks at least as high as the later match and comes before it.
 * Conjunctions can meet further rules, so they are added until none is missing. Pure functions on the render model.
 *
 * @module
 */
import { HttpRouteModel, MatchModel, StringMatchModel } from '../model';

/** What could not be kept in the declared order: the field, the rule broken, the value and the fix. */
export interface PrecedenceProblem {
  readonly field: string;
  readonly rule: string;
  readonly got: string;
  readonly fix: string;
}

/** Routes in Gateway API order, and what could not be kept in the declared order. */
export interface PrecedenceResult {
  readonly routes: HttpRouteModel[];
  /**
   * The routes (of `routes`) that take every request and must rank after a regular expression: written with
   * `matches: []`, which the API server does not default to PathPrefix `/` and Istio ranks after every match.
   */
  readonly lastResort: ReadonlySet<HttpRouteModel>;
  readonly problems: PrecedenceProblem[];
}

/** A path prefix as the Gateway API reads it: element by element, a trailing `/` ignored (`/` or '' takes every path). */
const trimmed = (prefix: string) => prefix.replace(/\/+$/, '');
const under = (path: string, prefix: string) => {
  const p = trimmed(prefix);
  return p === '' || path === p || path.startsWith(`${p}/`);
};

/** Whether a match takes every request (a rule with it is written without matches). */
const takesAll = (m: MatchModel) => Object.entries(m).every(([k, v]) => v === undefined || k === 'uri' || k === 'port')
  && (m.uri === undefined || m.uri.prefix === '/');

/**
 * The matches of a rule as the Gateway API writes them: an exact path and the prefix of the same path with `/` (what
 * `HttpMatch.pathPrefix` gives Istio's API), with the same other conditions, are one `PathPrefix`; a rule with a match
 * that takes every request has none (`[]`).
 */
export function gatewayApiMatches(matches: readonly MatchModel[]): MatchModel[] {
  // a match that takes every request: the rule takes them all, and is written without matches
  if (matches.some(takesAll)) return [];
  const rest = (m: MatchModel) => JSON.stringify({ ...m, uri: undefined });
  const out: MatchModel[] = [];
  const dropped = new Set<MatchModel>();
  for (const m of matches) {
    if (dropped.has(m)) continue;
    const exact = m.uri?.exact;
    const twin = exact !== undefined && exact !== '/'
      ? matches.find(o => o !== m && !dropped.has(o) && o.uri?.prefix === `${exact}/` && rest(o) === rest(m)) : undefined;
    if (twin) {
      dropped.add(twin);
      out.push({ ...m, uri: { prefix: exact } });
    } else {
      out.push(m);
    }
  }
  return out;
}

/**
 * The Gateway API's rank of a match, with a PathPrefix's length as written and as Istio counts it (its trailing `/`
 * dropped). A rule without matches is given PathPrefix `/` by the API server (the CRD's default); one written with
 * `matches: []` (`lastResort`) is not, and Istio ranks it after every match (`pilot/pkg/config/kube/gateway/conversion.go`
 * `sortHTTPRoutes`).
 */
function ranks(m: MatchModel, lastResort: boolean): [number[], number[]] {
  if (lastResort) return [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0]];
  const u = m.uri;
  const [rank, value] = u?.exact !== undefined ? [3, u.exact] : u?.regex !== undefined ? [1, u.regex] : [2, u?.prefix ?? '/'];
  const rest = [0, Object.keys(m.headers ?? {}).length, Object.keys(m.queryParams ?? {}).length];
  return [[rank, value.length, ...rest], [rank, rank === 2 ? trimmed(value).length : value.length, ...rest]];
}

const compare = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
};

/** Whether `b` ranks before `a` under either reading of a prefix's length. */
const outranks = (b: Entry, a: Entry, lastResort: ReadonlySet<number>) => {
  const [rb, ra] = [ranks(b.match, !b.added && lastResort.has(b.origin)), ranks(a.match, !a.added && lastResort.has(a.origin))];
  return compare(rb[0], ra[0]) > 0 || compare(rb[1], ra[1]) > 0;
};

type Meet<T> = { value: T } | 'disjoint' | { unknown: string };

/** The paths both matches take (`b`'s written form where they take the same). */
function meetPath(a: StringMatchModel | undefined, b: StringMatchModel | undefined): Meet<StringMatchModel | undefined> {
  if (a === undefined || a.prefix === '/') return { value: b ?? a };
  if (b === undefined || b.prefix === '/') return { value: a };
  if (a.regex !== undefined || b.regex !== undefined) {
    return JSON.stringify(a) === JSON.stringify(b) ? { value: b } : { unknown: `a regular expression (${a.regex ?? b.regex}) meets another path condition` };
  }
  if (a.exact !== undefined && b.exact !== undefined) return a.exact === b.exact ? { value: b } : 'disjoint';
  if (a.exact !== undefined) return under(a.exact, b.prefix!) ? { value: a } : 'disjoint';
  if (b.exact !== undefined) return under(b.exact, a.prefix!) ? { value: b } : 'disjoint';
  const [pa, pb] = [a.prefix!, b.prefix!];
  if (under(trimmed(pb), pa)) return { value: b };
  return under(trimmed(pa), pb) ? { value: a } : 'disjoint';
}

/** Conditions on named values (headers, query parameters) that both hold. */
type Named = { readonly [n: string]: StringMatchModel };

function meetNamed(what: string, a: Named | undefined, b: Named | undefined): Meet<{ [n: string]: StringMatchModel } | undefined> {
  if (!a || !b) return { value: a ?? b };
  const out: { [n: string]: StringMatchModel } = { ...a };
  for (const [name, v] of Object.entries(b)) {
    const w = Object.entries(a).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    if (w === undefined) out[name] = v;
    else if (JSON.stringify(w) === JSON.stringify(v)) continue;
    else if (w.exact !== undefined && v.exact !== undefined) return 'disjoint';
    else return { unknown: `two conditions on ${what} '${name}' (${JSON.stringify(w)}, ${JSON.stringify(v)}) cannot be written as one` };
  }
  return { value: out };
}

/** The conjunction of two matches: the requests both take. */
function meet(a: MatchModel, b: MatchModel): Meet<MatchModel> {
  const parts = [meetPath(a.uri, b.uri), meetNamed('header', a.headers, b.headers), meetNamed('query parameter', a.queryParams, b.queryParams)] as const;
  for (const p of parts) if (p === 'disjoint' || 'unknown' in p) return p;
  const [uri, headers, queryParams] = parts.map(p => (p as { value: unknown }).value) as [StringMatchModel | undefined, MatchModel['headers'], MatchModel['queryParams']];
  return { value: Object.fromEntries(Object.entries({ ...b, ...a, uri, headers, queryParams }).filter(([, v]) => v !== undefined)) as MatchModel };
}

/** One match of one route, and the declared route whose action it carries. */
interface Entry {
  readonly origin: number;
  readonly match: MatchModel;
  readonly added: boolean;
}

/** Conjunctions added at most, per route object: past it the declared order is not kept (a problem). */
const MAX_ADDED = 64;

const showMatch = (m: MatchModel) => {
  const u = m.uri;
  const path = u === undefined ? 'any path' : u.exact !== undefined ? `path ${u.exact}` : u.prefix !== undefined ? `path prefix ${u.prefix}` : `path regex ${u.regex}`;
  const headers = Object.keys(m.headers ?? {}).map(h => `header ${h}`);
  const query = Object.keys(m.queryParams ?? {}).map(q => `query ${q}`);
  return [path, ...headers, ...query].join(', ');
};

/**
 * `routes` in the Gateway API's order of precedence, taking the requests each route takes in the declared order: every
 * route kept as it is, and after a route, the conjunctions that keep it ahead of later, more specific routes.
 */
export function inPrecedenceOrder(routes: readonly HttpRouteModel[]): PrecedenceResult {
  const problems: PrecedenceProblem[] = [];
  const matchesOf = routes.map(r => gatewayApiMatches(r.match));
  const entries: Entry[] = matchesOf.flatMap((ms, origin) => (ms.length > 0 ? ms : [{}]).map(match => ({ origin, match, added: false })));
  const lastResort = new Set<number>();
  const action = routes.map(r => JSON.stringify({ ...r, name: undefined, match: undefined }));
  const seen = new Set(entries.map(e => `${e.origin} ${JSON.stringify(e.match)}`));
  let added = 0;
  for (let changed = true; changed && problems.length === 0;) {
    changed = false;
    for (const a of [...entries]) {
      for (const b of [...entries]) {
        if (b.origin <= a.origin || action[a.origin] === action[b.origin] || !outranks(b, a, lastResort)) continue;
        const m = meet(a.match, b.match);
        if (m === 'disjoint') continue;
        // the conjunction must rank at least as high as `b` (it comes before it): a regular expression cannot
        const why = 'unknown' in m ? m.unknown
          : outranks(b, { origin: a.origin, match: m.value, added: true }, lastResort) ? `a regular expression (${m.value.uri?.regex}) ranks after a prefix` : undefined;
        if (why !== undefined && !b.added && takesAll(b.match) && matchesOf[b.origin].length === 0) {
          // `b` takes every other request: ranked after every match instead (`matches: []`)
          lastResort.add(b.origin);
          changed = true;
          continue;
        }
        if (why !== undefined || 'unknown' in m) {
          problems.push({
            field: `routes[${b.origin}].match`,
            rule: `ranks before routes[${a.origin}] (${showMatch(a.match)}) under the Gateway API, which takes the most specific match first, not the first `
              + `route: the requests both take would skip routes[${a.origin}], and ${why}`,
            got: showMatch(b.match),
            fix: `put routes[${b.origin}] first or make the two routes take different requests, or render them with TrafficApi.ISTIO`,
          });
          continue;
        }
        const key = `${a.origin} ${JSON.stringify(m.value)}`;
        if (seen.has(key)) continue;
        if (++added > MAX_ADDED) {
          problems.push({
            field: 'routes',
            rule: `need more than ${MAX_ADDED} rules of combined conditions to keep the declared order under the Gateway API, which takes the most specific match first`,
            got: `${routes.length} routes`,
            fix: 'put the more specific routes first, or render them with TrafficApi.ISTIO',
          });
          break;
        }
        seen.add(key);
        entries.push({ origin: a.origin, match: m.value, added: true });
        changed = true;
      }
      if (problems.length > 0) break;
    }
  }
  const out: HttpRouteModel[] = [];
  const names = new Set(routes.map(r => r.name).filter((n): n is string => n !== undefined));
  routes.forEach((r, i) => {
    out.push(r);
    entries.filter(e => e.added && e.origin === i).forEach((e, k) => {
      let name: string | undefined;
      if (r.name !== undefined) {
        name = `${r.name}-${k + 1}`;
        for (let n = 2; names.has(name); n++) name = `${r.name}-${k + 1}-${n}`;
        names.add(name);
      }
      out.push({ ...r, name, match: [e.match] });
    });
  });
  return { routes: out, lastResort: new Set([...lastResort].map(i => routes[i])), problems };
}
