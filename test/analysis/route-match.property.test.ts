import * as fc from 'fast-check';
import { covers, gatewayApiMatch, virtualServiceMatch } from '../../lib/analysis/analyzers/route-match';
import { propertyRuns } from '../support/tier';

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 1_000_000_007);
const RUNS = propertyRuns(400, 4_000);

/**
 * A request as the proxy sees it, and the proxy: headers by lower-case name (`:method`, `:authority` too), absent when
 * missing; query parameters; JWT claims (lists); the listener port, the gateway (`namespace/name` or `mesh`), the
 * client proxy's labels and namespace.
 */
interface Request {
  readonly path: string;
  readonly headers: { readonly [name: string]: string };
  readonly query: { readonly [name: string]: string };
  readonly claims: { readonly [key: string]: readonly string[] };
  readonly port: number;
  readonly gateway: string;
  readonly labels: { readonly [k: string]: string };
  readonly namespace: string;
}

type Raw = { [k: string]: unknown };

// ---- the evaluator: Envoy's matching of the routes Istio writes, read from Istio's and Envoy's documentation ----

const asciiLower = (s: string) => s.replace(/[A-Z]/g, c => c.toLowerCase());
const compiled = new Map<string, RegExp>();
const fullMatch = (re: string, v: string) => (compiled.get(re) ?? compiled.set(re, new RegExp(`^(?:${re})$`)).get(re)!).test(v);

/** An Istio StringMatch against a value: exact, prefix, regex (RE2, whole value); none, or the regex `*`: any value. */
function stringMatches(sm: Raw, v: string, ci = false): boolean {
  if (typeof sm.exact === 'string') return ci ? asciiLower(v) === asciiLower(sm.exact) : v === sm.exact;
  if (typeof sm.prefix === 'string') return ci ? asciiLower(v).startsWith(asciiLower(sm.prefix)) : v.startsWith(sm.prefix);
  if (typeof sm.regex === 'string') return sm.regex === '*' || fullMatch(sm.regex, v);
  return true;
}
const isPresentMatch = (sm: Raw) => sm.exact === undefined && sm.prefix === undefined && (sm.regex === undefined || sm.regex === '*');
const isClaim = (name: string) => name.startsWith('@request.auth.claims.');

/** A VirtualService's HTTPMatchRequest (undefined: a rule without matches) against a request at a proxy. */
function virtualServiceMatches(m: Raw | undefined, r: Request): boolean {
  if (m === undefined) return true;
  if (typeof m.port === 'number' && m.port !== r.port) return false;
  const gateways = (m.gateways as string[] | undefined) ?? [];
  if (gateways.length > 0) {
    // `gateways` replaces the source labels and namespace (a name without namespace: the VirtualService's, `ns`)
    if (!gateways.map(g => (g === 'mesh' || g.includes('/') ? g : `ns/${g}`)).includes(r.gateway)) return false;
  } else {
    for (const [k, v] of Object.entries((m.sourceLabels as { [k: string]: string } | undefined) ?? {})) if (r.labels[k] !== v) return false;
    if (typeof m.sourceNamespace === 'string' && m.sourceNamespace !== r.namespace) return false;
  }
  // the path: ignoreUriCase applies to exact and prefix, not to a regex
  if (m.uri && !stringMatches(m.uri as Raw, r.path, m.ignoreUriCase === true && (m.uri as Raw).regex === undefined)) return false;
  for (const [field, header] of [['method', ':method'], ['authority', ':authority'], ['scheme', ':scheme']]) {
    const sm = m[field] as Raw | undefined;
    if (sm && (r.headers[header] === undefined || !stringMatches(sm, r.headers[header]))) return false;
  }
  for (const [name, sm] of Object.entries((m.headers as { [k: string]: Raw } | undefined) ?? {})) {
    if (isClaim(name)) {
      const claim = r.claims[name] ?? [];
      if (!(isPresentMatch(sm) ? claim.length > 0 : claim.some(c => stringMatches(sm, c)))) return false;
      continue;
    }
    const v = r.headers[name.toLowerCase()];
    if (v === undefined || !stringMatches(sm, v)) return false;
  }
  for (const [name, sm] of Object.entries((m.withoutHeaders as { [k: string]: Raw } | undefined) ?? {})) {
    if (isClaim(name)) {
      const claim = r.claims[name] ?? [];
      if (isPresentMatch(sm) ? claim.length > 0 : claim.some(c => stringMatches(sm, c))) return false;
      continue;
    }
    const v = r.headers[name.toLowerCase()];
    // Istio inverts the header match; a missing header counts as empty, except for a presence match
    if (isPresentMatch(sm) ? v !== undefined : stringMatches(sm, v ?? '')) return false;
  }
  for (const [name, sm] of Object.entries((m.queryParams as { [k: string]: Raw } | undefined) ?? {})) {
    const v = r.query[name];
    if (v === undefined || !stringMatches(sm, v)) return false;
  }
  return true;
}

/** A Gateway API HTTPRouteMatch (undefined: a rule without matches) against a request, as the specification defines it. */
function gatewayApiMatches(m: Raw | undefined, r: Request): boolean {
  const path = (m?.path as Raw | undefined) ?? {};
  const type = (path.type as string | undefined) ?? 'PathPrefix';
  const value = (path.value as string | undefined) ?? '/';
  if (type === 'Exact' && r.path !== value) return false;
  if (type === 'RegularExpression' && !fullMatch(value, r.path)) return false;
  if (type === 'PathPrefix') {
    // element by element, a trailing `/` ignored: `/abc` matches `/abc`, `/abc/`, `/abc/def`, not `/abcd`
    const p = value.replace(/\/$/, '');
    if (p !== '' && r.path !== p && !r.path.startsWith(`${p}/`)) return false;
  }
  if (typeof m?.method === 'string' && r.headers[':method'] !== m.method) return false;
  const seen = new Set<string>();
  for (const h of (m?.headers as Raw[] | undefined) ?? []) {
    const name = String(h.name).toLowerCase();
    // only the first entry of a name counts
    if (seen.has(name)) continue;
    seen.add(name);
    const v = r.headers[name];
    if (v === undefined || !(h.type === 'RegularExpression' ? fullMatch(String(h.value), v) : v === h.value)) return false;
  }
  const seenQ = new Set<string>();
  for (const q of (m?.queryParams as Raw[] | undefined) ?? []) {
    const name = String(q.name);
    if (seenQ.has(name)) continue;
    seenQ.add(name);
    const v = r.query[name];
    if (v === undefined || !(q.type === 'RegularExpression' ? fullMatch(String(q.value), v) : v === q.value)) return false;
  }
  return true;
}

// ---- generators over small universes, so that matches overlap and requests hit them ----

const PATHS = ['/', '/a', '/a/', '/a/b', '/ab', '/A', '/A/b', '/b', '/a/b/c', '/api', '/api/v2', '/API', '/apiv2', '/Api/v2'];
const PATH_VALUES = ['/', '/a', '/a/', '/A', '/ab', '/a/b', '/api', '/api/', '/api/v2', '/b', '/API'];
const REGEXES = ['/a.*', '.*', '/a/b', '[/a-z]+'];
const VALUES = ['', 'a', 'ab', 'A', 'b', 'GET', 'POST'];
const HEADERS = ['x-a', 'X-A', 'x-b', '@request.auth.claims.group'];
const QUERIES = ['q', 'Q', 'r'];

/** A match described apart from either API: rendered as a VirtualService's or a Gateway API route's (what it cannot say is left out). */
interface Described {
  path?: { type: 'exact' | 'prefix' | 'regex'; value: string };
  ci?: boolean;
  method?: Raw;
  authority?: Raw;
  headers: Array<[string, Raw]>;
  without: Array<[string, Raw]>;
  query: Array<[string, Raw]>;
  port?: number;
  gateways?: string[];
  sourceLabels?: { [k: string]: string };
  sourceNamespace?: string;
  /** A rule without matches. */
  none: boolean;
}
const COMPONENTS = ['path', 'ci', 'method', 'authority', 'headers', 'without', 'query', 'port', 'gateways', 'sourceLabels', 'sourceNamespace', 'none'] as const;

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const stringMatch = (values: string[]): fc.Arbitrary<Raw> => fc.oneof(
  fc.constantFrom(...values).map(exact => ({ exact })),
  fc.constantFrom(...values).map(prefix => ({ prefix })),
  fc.constantFrom(...REGEXES, '*').map(regex => ({ regex })),
  fc.constant({}),
);
const entries = (names: string[]) => fc.array(fc.tuple(fc.constantFrom(...names), stringMatch(VALUES)), { maxLength: 2 });

const described: fc.Arbitrary<Described> = fc.record({
  path: opt(fc.record({ type: fc.constantFrom('exact' as const, 'prefix' as const, 'regex' as const), value: fc.constantFrom(...PATH_VALUES) })
    .map(p => (p.type === 'regex' ? { ...p, value: REGEXES[p.value.length % REGEXES.length] } : p))),
  ci: opt(fc.boolean()),
  method: opt(stringMatch(['GET', 'POST', 'G'])),
  authority: opt(stringMatch(['a', 'ab', 'b'])),
  headers: entries(HEADERS),
  without: entries(HEADERS),
  query: entries(QUERIES),
  port: opt(fc.constantFrom(80, 443)),
  gateways: opt(fc.constantFrom(['gw'], ['mesh'], ['ns/gw', 'mesh'], ['other/gw'])),
  sourceLabels: opt(fc.constantFrom<{ [k: string]: string }>({ app: 'a' }, { app: 'a', v: '1' }, { app: 'b' })),
  sourceNamespace: opt(fc.constantFrom('ns', 'other')),
  none: fc.nat(9).map(n => n === 0),
}, { requiredKeys: ['headers', 'without', 'query', 'none'] });

/**
 * A near B: one component of B redrawn (C's), the others kept or dropped; a list component redrawn keeps B's names with
 * C's matchers, and A's withoutHeaders may be B's headers (so that inverted and plain matches of one header meet).
 */
function perturb(b: Described, c: Described, choices: readonly number[]): Described {
  const out: Described = { headers: [], without: [], query: [], none: false };
  const redrawn = COMPONENTS[choices[0] % COMPONENTS.length];
  COMPONENTS.forEach((k, i) => {
    const o = out as unknown as { [k: string]: unknown };
    if (k === redrawn) {
      if (k === 'headers' || k === 'without' || k === 'query') {
        const mine = b[k];
        const fresh = c[k].length > 0 ? c[k] : c.headers.length > 0 ? c.headers : [['x-a', {}] as [string, Raw]];
        out[k] = mine.length > 0 ? mine.map(([n], j) => [n, fresh[j % fresh.length][1]] as [string, Raw]) : fresh;
      } else {
        o[k] = c[k];
      }
    } else if (choices[i + 1] % 10 < 7) {
      o[k] = b[k];
    } else if (k === 'headers' || k === 'without' || k === 'query') {
      out[k] = [];
    }
  });
  if (choices[COMPONENTS.length] % 4 === 0) out.without = [...out.without, ...b.headers];
  out.none = out.none === true;
  return out;
}

function renderVs(d: Described): Raw | undefined {
  if (d.none) return undefined;
  const dict = (xs: Array<[string, Raw]>) => (xs.length > 0 ? Object.fromEntries(xs) : undefined);
  const m: Raw = {
    uri: d.path ? { [d.path.type]: d.path.value } : undefined,
    ignoreUriCase: d.ci,
    method: d.method,
    authority: d.authority,
    headers: dict(d.headers),
    withoutHeaders: dict(d.without),
    queryParams: dict(d.query),
    port: d.port,
    gateways: d.gateways,
    sourceLabels: d.sourceLabels,
    sourceNamespace: d.sourceNamespace,
  };
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));
}

function renderGw(d: Described): Raw | undefined {
  if (d.none) return undefined;
  const list = (xs: Array<[string, Raw]>) => xs.filter(([n, sm]) => !n.startsWith('@') && (typeof sm.exact === 'string' ? sm.exact !== '' : typeof sm.regex === 'string' && sm.regex !== '*'))
    .map(([name, sm]) => (typeof sm.exact === 'string' ? { name, value: sm.exact } : { name, value: sm.regex, type: 'RegularExpression' }));
  const m: Raw = {
    path: d.path ? { type: { exact: 'Exact', prefix: 'PathPrefix', regex: 'RegularExpression' }[d.path.type], value: d.path.value } : undefined,
    method: typeof d.method?.exact === 'string' && ['GET', 'POST'].includes(d.method.exact) ? d.method.exact : undefined,
    headers: list(d.headers),
    queryParams: list(d.query),
  };
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

const values = (names: string[]) => fc.dictionary(fc.constantFrom(...names), fc.constantFrom(...VALUES), { maxKeys: names.length });
const request: fc.Arbitrary<Request> = fc.record({
  path: fc.constantFrom(...PATHS),
  headers: values(['x-a', 'x-b', ':method', ':authority']),
  query: values(QUERIES),
  claims: fc.record({ '@request.auth.claims.group': fc.subarray(['a', 'ab', 'b', 'A']) }),
  port: fc.constantFrom(80, 443),
  gateway: fc.constantFrom('ns/gw', 'mesh', 'other/gw'),
  labels: fc.record({ app: fc.constantFrom('a', 'b'), v: fc.constantFrom('1', '2') }, { requiredKeys: [] }).map(l => l as { [k: string]: string }),
  namespace: fc.constantFrom('ns', 'other'),
});

type Side = { raw: Raw | undefined; api: 'vs' | 'gw' };
const read = (s: Side) => (s.api === 'vs' ? virtualServiceMatch(s.raw, g => (g === 'mesh' || g.includes('/') ? g : `ns/${g}`)) : gatewayApiMatch(s.raw)?.match);
const matches = (s: Side, r: Request) => (s.api === 'vs' ? virtualServiceMatches(s.raw, r) : gatewayApiMatches(s.raw, r));
/** B, and A perturbed from it, each rendered for either API. */
const perturbations = fc.array(fc.nat(59), { minLength: COMPONENTS.length + 1, maxLength: COMPONENTS.length + 1 });
const pair: fc.Arbitrary<readonly [Side, Side]> = fc.tuple(described, described, perturbations,
  fc.constantFrom('vs' as const, 'gw' as const), fc.constantFrom('vs' as const, 'gw' as const))
  .map(([b, c, choices, apiA, apiB]) => {
    const a = perturb(b, c, choices);
    const render = (d: Described, api: 'vs' | 'gw'): Side => ({ api, raw: api === 'vs' ? renderVs(d) : renderGw(d) });
    return [render(a, apiA), render(b, apiB)] as const;
  });

describe('property: covers(A, B) is exact for what it claims', () => {
  test(`${RUNS} pairs of VirtualService and Gateway API matches: whenever covers(A, B), every generated request B matches, A matches`, () => {
    process.stdout.write(`route-match covering: seed ${SEED}, ${RUNS} runs\n`);
    let claimed = 0;
    let exercised = 0;
    let checked = 0;
    fc.assert(fc.property(pair, fc.array(request, { minLength: 150, maxLength: 150 }), ([a, b], requests) => {
      const ra = read(a);
      const rb = read(b);
      if (!ra || !rb || !covers(ra, rb)) return;
      claimed++;
      const hits = requests.filter(r => matches(b, r));
      if (hits.length > 0) exercised++;
      checked += hits.length;
      for (const r of hits) {
        if (!matches(a, r)) throw new Error(`covers(A, B) but B matches a request A does not:\nA ${a.api} ${JSON.stringify(a.raw)}\nB ${b.api} ${JSON.stringify(b.raw)}\nrequest ${JSON.stringify(r)}`);
      }
    }), { numRuns: RUNS, seed: SEED });
    process.stdout.write(`route-match covering: ${claimed} pairs claimed covered, ${exercised} of them with requests B matches, ${checked} such requests checked\n`);
    // the property is not vacuous: covering is claimed often, and tested on requests
    expect(claimed).toBeGreaterThan(RUNS / 10);
    expect(exercised).toBeGreaterThan(RUNS / 20);
  }, 120_000);

  test('exhaustively over one condition: every pair of path matches (both APIs, any case) and of header matches (plain and inverted), every value', () => {
    const base: Request = { path: '/', headers: {}, query: {}, claims: {}, port: 80, gateway: 'ns/gw', labels: {}, namespace: 'ns' };
    const pathSides: Side[] = [{ api: 'vs', raw: undefined }, { api: 'gw', raw: undefined }];
    for (const value of [...PATH_VALUES, '', '/ap']) {
      for (const type of ['exact', 'prefix']) for (const ci of [undefined, true]) pathSides.push({ api: 'vs', raw: { uri: { [type]: value }, ...(ci ? { ignoreUriCase: ci } : {}) } });
      if (value !== '') for (const type of ['Exact', 'PathPrefix']) pathSides.push({ api: 'gw', raw: { path: { type, value } } });
    }
    for (const regex of REGEXES) pathSides.push({ api: 'vs', raw: { uri: { regex } } }, { api: 'gw', raw: { path: { type: 'RegularExpression', value: regex } } });
    const pathRequests = [...PATHS, '/ap', '/a/B', '/API/v2'].map(path => ({ ...base, path }));
    const headerSides: Side[] = [];
    for (const sm of [{}, { regex: '*' }, ...[...VALUES, 'x'].flatMap(v => [{ exact: v }, { prefix: v }]), ...REGEXES.map(regex => ({ regex }))]) {
      headerSides.push({ api: 'vs', raw: { headers: { 'x-a': sm } } }, { api: 'vs', raw: { withoutHeaders: { 'X-A': sm } } }, { api: 'vs', raw: { queryParams: { q: sm } } });
    }
    for (const value of [...VALUES.filter(v => v !== ''), ...REGEXES]) {
      for (const type of ['Exact', 'RegularExpression']) headerSides.push({ api: 'gw', raw: { headers: [{ name: 'X-A', value, type }] } }, { api: 'gw', raw: { queryParams: [{ name: 'q', value, type }] } });
    }
    const one = (name: string, v: string | undefined): { [k: string]: string } => (v === undefined ? {} : { [name]: v });
    const headerRequests: Request[] = [undefined, ...VALUES, 'x', 'abc', 'Ab'].flatMap(v => [{ ...base, headers: one('x-a', v) }, { ...base, query: one('q', v) }]);
    let claimed = 0;
    let checked = 0;
    for (const [sides, requests] of [[pathSides, pathRequests], [headerSides, headerRequests]] as const) {
      for (const a of sides) {
        for (const b of sides) {
          const [ra, rb] = [read(a), read(b)];
          if (!ra || !rb || !covers(ra, rb)) continue;
          claimed++;
          for (const r of requests.filter(x => matches(b, x))) {
            checked++;
            expect([a, b, r, matches(a, r)]).toStrictEqual([a, b, r, true]);
          }
        }
      }
    }
    process.stdout.write(`route-match covering, exhaustive: ${pathSides.length} path and ${headerSides.length} header matches, ${claimed} pairs claimed covered, ${checked} requests checked\n`);
    expect(claimed).toBeGreaterThan(500);
  });

  test('what covers() refuses to claim: different regular expressions, a regular expression against a prefix', () => {
    const vs = (m: Raw) => virtualServiceMatch(m)!;
    expect(covers(vs({ uri: { regex: '/a.*' } }), vs({ uri: { regex: '/a.*' } }))).toBe(true);
    expect(covers(vs({ uri: { regex: '/a.*' } }), vs({ uri: { regex: '/a/.*' } }))).toBe(false);
    expect(covers(vs({ uri: { regex: '.*' } }), vs({ uri: { prefix: '/a' } }))).toBe(false);
    expect(covers(vs({ uri: { prefix: '/a' } }), vs({ uri: { regex: '/a.*' } }))).toBe(false);
  });
});
