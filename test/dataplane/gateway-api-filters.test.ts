import { answered, backend, gateway, httpListener, httpRoute, meshOf, namespace, through, tlsSecret, to } from './gateway-api-fixtures';
import { modifiedPath, originAllowed } from '../../lib/dataplane/gateway-api/filters';

const INFRA = [namespace('infra'), ...backend('infra', 'v1'), ...backend('infra', 'v2'), ...backend('infra', 'v3'), tlsSecret('infra', 'cert')];
const GATEWAY = gateway('infra', 'gw', [httpListener(), httpListener({ name: 'alt', port: 8080 }),
  { name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] } }]);
const parent = { parentRefs: [{ name: 'gw' }] };
const prefix = (value: string) => ({ matches: [{ path: { type: 'PathPrefix', value } }] });
const mesh = (...rules: unknown[]) => meshOf(INFRA, GATEWAY, httpRoute('infra', 'r', { ...parent, rules }));

describe('Gateway API filters: header modifiers', () => {
  test('RequestHeaderModifier: set overwrites, add appends with \',\', remove deletes; names are case-insensitive', () => {
    const r = through(mesh(to('v1', {
      filters: [{
        type: 'RequestHeaderModifier',
        requestHeaderModifier: { set: [{ name: 'X-Set', value: 'new' }], add: [{ name: 'X-Add', value: 'two' }, { name: 'X-Fresh', value: 'one' }], remove: ['X-Gone'] },
      }],
    })), { host: 'x', headers: { 'x-set': 'old', 'X-ADD': 'one', 'x-gone': 'bye', 'keep': 'me' } });
    expect(r.requestHeaders).toStrictEqual({ 'x-set': 'new', 'x-add': 'one,two', 'x-fresh': 'one', 'keep': 'me', 'host': 'x' });
    expect(r.filters.requestHeaders).toStrictEqual({ set: { 'x-set': 'new' }, add: { 'x-add': 'two', 'x-fresh': 'one' }, remove: ['x-gone'] });
  });

  test('ResponseHeaderModifier: the changes to the response, as written', () => {
    const r = through(mesh(to('v1', { filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'A', value: '1' }], remove: ['B'] } }] })), { host: 'x' });
    expect(r.filters.responseHeaders).toStrictEqual({ set: { a: '1' }, remove: ['b'] });
  });

  test('a backendRef\'s own header filters apply to its share only', () => {
    const own = (name: string) => ({ name, port: 8080, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'backend', value: name }] } }] });
    const r = through(mesh({ backendRefs: [own('v1'), own('v2')] }), { host: 'x' });
    expect(r.destinations.map(d => [d.service, d.requestHeaders?.backend])).toStrictEqual([['infra/v1', 'v1'], ['infra/v2', 'v2']]);
    expect(r.requestHeaders).toStrictEqual({ host: 'x' });
    const single = through(mesh({ backendRefs: [own('v3')] }), { host: 'x' });
    expect([single.requestHeaders, single.destinations[0].requestHeaders]).toStrictEqual([{ backend: 'v3', host: 'x' }, undefined]);
  });
});

describe('Gateway API filters: RequestRedirect', () => {
  const redirect = (requestRedirect: Record<string, unknown>, match = '/') => to('v1', { ...prefix(match), filters: [{ type: 'RequestRedirect', requestRedirect }], backendRefs: [] });

  test.each([
    ['defaults: the request\'s scheme, host, path and query, 302', {}, {}, 'http://example.org/a/b?q=1', 302],
    ['a status code', { statusCode: 301 }, {}, 'http://example.org/a/b?q=1', 301],
    ['a hostname', { hostname: 'other.org' }, {}, 'http://other.org/a/b?q=1', 302],
    ['a scheme: its well-known port, left out', { scheme: 'https' }, {}, 'https://example.org/a/b?q=1', 302],
    ['a scheme and a port', { scheme: 'https', port: 8443 }, {}, 'https://example.org:8443/a/b?q=1', 302],
    ['a port alone (the scheme\'s default left out)', { port: 80 }, {}, 'http://example.org/a/b?q=1', 302],
    ['no scheme nor port: the listener\'s port', {}, { port: 8080 }, 'http://example.org:8080/a/b?q=1', 302],
    ['an HTTPS listener without scheme: https, 443 left out', {}, { port: 443, sni: 'example.org' }, 'https://example.org/a/b?q=1', 302],
    ['http from an HTTPS listener: port 80, left out', { scheme: 'http' }, { port: 443, sni: 'example.org' }, 'http://example.org/a/b?q=1', 302],
    ['ReplaceFullPath', { path: { type: 'ReplaceFullPath', replaceFullPath: '/full' } }, {}, 'http://example.org/full?q=1', 302],
  ])('%s', (_what, requestRedirect, request, location, status) => {
    const r = through(mesh(redirect(requestRedirect)), { host: 'example.org', path: '/a/b?q=1', ...request });
    expect([r.outcome, r.status, r.redirect]).toStrictEqual(['redirected', status, { location, status }]);
    expect(r.destinations).toStrictEqual([]);
  });

  test('ReplacePrefixMatch replaces the matched prefix, element by element', () => {
    const r = through(mesh(redirect({ path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } }, '/old')), { host: 'example.org', path: '/old/lemon' });
    expect(r.redirect?.location).toBe('http://example.org/new/lemon');
  });

  test('RequestRedirect and URLRewrite on one rule are incompatible: the rule is dropped', () => {
    const r = through(mesh(to('v1', { filters: [{ type: 'RequestRedirect', requestRedirect: {} }, { type: 'URLRewrite', urlRewrite: { hostname: 'a' } }] })), { host: 'x' });
    expect([r.outcome, r.status]).toStrictEqual(['no-route', 404]);
  });
});

describe('Gateway API filters: URLRewrite', () => {
  test.each([
    ['/foo/bar', '/foo', '/xyz', '/xyz/bar'],
    ['/foo/bar', '/foo', '/xyz/', '/xyz/bar'],
    ['/foo/bar', '/foo/', '/xyz', '/xyz/bar'],
    ['/foo/bar', '/foo/', '/xyz/', '/xyz/bar'],
    ['/foo', '/foo', '/xyz', '/xyz'],
    ['/foo/', '/foo', '/xyz', '/xyz/'],
    ['/foo/bar', '/foo', '', '/bar'],
    ['/foo/', '/foo', '', '/'],
    ['/foo', '/foo', '', '/'],
    ['/foo/', '/foo', '/', '/'],
    ['/foo', '/foo', '/', '/'],
  ])('ReplacePrefixMatch (the specification\'s table): %s, prefix %s, replacement %j → %s', (path, match, replacement, expected) => {
    expect(modifiedPath(path, { type: 'ReplacePrefixMatch', value: replacement }, { index: 0, path: { type: 'PathPrefix', value: match }, headers: [], queryParams: [] })).toBe(expected);
  });

  test('hostname and path: what the backend receives, the query kept', () => {
    const r = through(mesh(to('v1', { ...prefix('/prefix'), filters: [{ type: 'URLRewrite', urlRewrite: { hostname: 'internal.svc', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }] })),
      { host: 'example.org', path: '/prefix/one?x=1' });
    expect(r.upstreamRequest).toStrictEqual({ path: '/one?x=1', host: 'internal.svc', method: 'GET' });
    expect(r.requestHeaders?.host).toBe('internal.svc');
    expect(r.filters.rewrite).toStrictEqual({ path: '/one', host: 'internal.svc' });
  });

  test('ReplacePrefixMatch on a rule with an Exact match is unsupported: the rule is dropped', () => {
    const r = through(mesh(to('v1', { matches: [{ path: { type: 'Exact', value: '/a' } }], filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/b' } } }] })),
      { host: 'x', path: '/a' });
    expect(r.status).toBe(404);
  });
});

describe('Gateway API filters: RequestMirror', () => {
  test('mirrors with their share: all, a percent, a fraction; an invalid mirror is dropped with a note', () => {
    const mirror = (requestMirror: Record<string, unknown>) => ({ type: 'RequestMirror', requestMirror });
    const r = through(mesh(to('v1', {
      filters: [mirror({ backendRef: { name: 'v2', port: 8080 } }), mirror({ backendRef: { name: 'v3', port: 8080 }, percent: 20 }),
        mirror({ backendRef: { name: 'v3', port: 8080 }, fraction: { numerator: 1, denominator: 8 } }), mirror({ backendRef: { name: 'nope', port: 8080 } })],
    })), { host: 'x' });
    expect(answered(r)).toStrictEqual(['v1 100']);
    expect(r.filters.mirrors?.map(d => [d.service, d.weight])).toStrictEqual([['infra/v2', 100], ['infra/v3', 20], ['infra/v3', 12.5]]);
    expect(r.notes).toStrictEqual(['a RequestMirror is dropped: BackendNotFound: Service infra/nope is not in the configuration']);
  });
});

describe('Gateway API filters: CORS', () => {
  const cors = (policy: Record<string, unknown>) => mesh(to('v1', { filters: [{ type: 'CORS', cors: policy }] }));
  const policy = { allowOrigins: ['https://www.foo.com', 'https://*.bar.com'], allowMethods: ['GET', 'OPTIONS'], allowHeaders: ['x-a'], exposeHeaders: ['x-b'], allowCredentials: true, maxAge: 60 };

  test('a preflight from an allowed origin: the gateway answers it with the policy', () => {
    const r = through(cors(policy), { host: 'x', method: 'OPTIONS', headers: { 'Origin': 'https://a.www.bar.com', 'Access-Control-Request-Method': 'GET' } });
    expect([r.outcome, r.status, r.destinations]).toStrictEqual(['answered', 200, []]);
    expect(r.filters.responseHeaders).toStrictEqual({
      set: {
        'access-control-allow-origin': 'https://a.www.bar.com',
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, OPTIONS',
        'access-control-allow-headers': 'x-a',
        'access-control-max-age': '60',
        'access-control-expose-headers': 'x-b',
      },
    });
    expect(r.filters.cors).toStrictEqual({ allowOrigins: policy.allowOrigins, allowMethods: ['GET', 'OPTIONS'], allowHeaders: ['x-a'], exposeHeaders: ['x-b'], allowCredentials: true, maxAge: 60 });
  });

  test('a preflight from another origin: answered without CORS headers', () => {
    const r = through(cors(policy), { host: 'x', method: 'OPTIONS', headers: { 'origin': 'https://evil.com', 'access-control-request-method': 'GET' } });
    expect([r.outcome, r.status, r.filters.responseHeaders]).toStrictEqual(['answered', 200, undefined]);
  });

  test('a simple request goes to the backend; the response gets the allowed origin', () => {
    const r = through(cors(policy), { host: 'x', headers: { origin: 'https://www.foo.com' } });
    expect(answered(r)).toStrictEqual(['v1 100']);
    expect(r.filters.responseHeaders?.set?.['access-control-allow-origin']).toBe('https://www.foo.com');
  });

  test('wildcards: the requested method and headers are echoed', () => {
    const r = through(cors({ allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'] }),
      { host: 'x', method: 'OPTIONS', headers: { 'origin': 'https://o.io:8443', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-1, x-2' } });
    expect(r.filters.responseHeaders?.set).toStrictEqual({
      'access-control-allow-origin': 'https://o.io:8443', 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'x-1, x-2', 'access-control-max-age': '5',
    });
  });

  test.each([
    ['https://www.foo.com', true],
    ['https://www.foo.com:443', true],
    ['http://www.foo.com', false],
    ['https://www.foo.com:8443', false],
    ['https://x.y.bar.com', true],
    ['https://bar.com', false],
  ])('origin %s allowed: %s', (origin, allowed) => {
    expect(originAllowed({ ...policy, allowMethods: [], allowHeaders: [], exposeHeaders: [] }, origin)).toBe(allowed);
  });
});

describe('Gateway API filters: timeouts, retry, extensions', () => {
  test('timeouts and retry are reported as written', () => {
    const r = through(mesh(to('v1', { timeouts: { request: '10s', backendRequest: '500ms' }, retry: { codes: [500, 503], attempts: 3, backoff: '100ms' } })), { host: 'x' });
    expect(r.filters).toStrictEqual({ timeout: '10s', backendTimeout: '500ms', retries: { attempts: 3, codes: [500, 503], backoff: '100ms' } });
  });

  test('a retry without attempts: implementation-specific, said so', () => {
    const r = through(mesh(to('v1', { retry: { codes: [500] } })), { host: 'x' });
    expect(r.filters.retries).toStrictEqual({ attempts: 1, codes: [500] });
    expect(r.notes).toStrictEqual(['HTTPRoute infra/r rule 0 retries without \'attempts\': the number is implementation-specific (1 assumed, Envoy\'s default)']);
  });

  test('a timeout that is not a Gateway API duration is unsupported: the rule is dropped', () => {
    expect(through(mesh(to('v1', { timeouts: { request: '1.5s' } })), { host: 'x' }).status).toBe(404);
  });

  test('an ExtensionRef filter: undecided when its object exists, an error (500) when not; ExternalAuth: undecided', () => {
    const ext = (name: string) => to('v1', { filters: [{ type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Lua', name } }] });
    const withObject = meshOf(INFRA, GATEWAY, { apiVersion: 'example.com/v1', kind: 'Lua', metadata: { name: 'script', namespace: 'infra' } },
      httpRoute('infra', 'r', { ...parent, rules: [ext('script')] }));
    const undecided = through(withObject, { host: 'x' });
    expect([undecided.outcome, undecided.reason]).toStrictEqual(['undecided', 'HTTPRoute infra/r rule 0 applies the implementation-specific filter Lua infra/script (ExtensionRef): the model does not run it']);
    expect(through(mesh(ext('absent')), { host: 'x' }).status).toBe(500);
    expect(through(mesh(to('v1', { filters: [{ type: 'ExternalAuth', externalAuth: {} }] })), { host: 'x' }).outcome).toBe('undecided');
  });
});
