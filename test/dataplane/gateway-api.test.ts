import { answered, backend, gateway, httpListener, httpRoute, meshOf, namespace, referenceGrant, route, through, tlsSecret, to } from './gateway-api-fixtures';
import { attachmentsForHost, gatewayAttachments } from '../../lib/dataplane/gateway-api/attachment';
import { hostnameMatches, intersectHostnames } from '../../lib/dataplane/gateway-api/hostnames';
import { gatewayModel } from '../../lib/dataplane/gateway-api/listeners';

const INFRA = [namespace('infra'), ...backend('infra', 'v1'), ...backend('infra', 'v2'), ...backend('infra', 'v3')];
const parent = { parentRefs: [{ name: 'gw' }] };

describe('Gateway API engine: hostnames', () => {
  test.each([
    ['example.com', 'example.com', true],
    ['example.com', 'Example.com', false], // hosts are lower-cased by the request; hostnames by the engine
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'aexample.com', false],
    [undefined, 'anything.io', true],
  ])('%s matches %s: %s', (pattern, host, expected) => {
    expect(hostnameMatches(pattern, host)).toBe(expected);
  });

  test.each([
    [undefined, [], []],
    ['foo.com', [], ['foo.com']],
    [undefined, ['a.com', '*.b.com'], ['a.com', '*.b.com']],
    ['test.example.com', ['*.example.com'], ['test.example.com']],
    ['*.example.com', ['test.example.com', 'test.example.net'], ['test.example.com']],
    ['*.example.com', ['*.foo.example.com'], ['*.foo.example.com']],
    ['*.foo.example.com', ['*.example.com'], ['*.foo.example.com']],
    ['*.example.com', ['example.com', 'test.example.net'], undefined],
    ['very.specific.com', ['other.com'], undefined],
  ])('listener %s with route hostnames %j applies %j', (listener, hostnames, applied) => {
    expect(intersectHostnames(listener, hostnames)).toStrictEqual(applied);
  });

  test('a route hostname outside the listener\'s is ignored there: the request for it gets a 404', () => {
    const mesh = meshOf(INFRA, gateway('infra', 'gw', [httpListener({ hostname: '*.example.com' })]),
      httpRoute('infra', 'r', { ...parent, hostnames: ['a.example.com', 'a.example.net'], rules: [to('v1')] }));
    expect(answered(through(mesh, { host: 'a.example.com' }))).toStrictEqual(['v1 100']);
    expect(through(mesh, { host: 'a.example.net' }).status).toBe(404);
  });

  test('the Host header\'s port is ignored for matching and reaches the backend unchanged', () => {
    const mesh = meshOf(INFRA, gateway('infra', 'gw', [httpListener()]), httpRoute('infra', 'r', { ...parent, hostnames: ['foo.com'], rules: [to('v1')] }));
    const r = through(mesh, { host: 'foo.com:1234', port: 80 });
    expect(answered(r)).toStrictEqual(['v1 100']);
    expect(r.upstreamRequest).toStrictEqual({ path: '/', host: 'foo.com:1234', method: 'GET' });
  });
});

describe('Gateway API engine: listeners', () => {
  const mesh = meshOf(INFRA, tlsSecret('infra', 'cert'),
    gateway('infra', 'gw', [
      httpListener({ name: 'catch-all' }),
      httpListener({ name: 'wildcard', hostname: '*.example.com' }),
      httpListener({ name: 'exact', hostname: 'a.example.com' }),
      { name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] }, allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'https-b', port: 443, protocol: 'HTTPS', hostname: 'b.example.com', tls: { certificateRefs: [{ name: 'cert' }] }, allowedRoutes: { namespaces: { from: 'All' } } },
    ]),
    httpRoute('infra', 'catch-all', { parentRefs: [{ name: 'gw', sectionName: 'catch-all' }, { name: 'gw', sectionName: 'https' }], rules: [to('v1')] }),
    httpRoute('infra', 'wildcard', { parentRefs: [{ name: 'gw', sectionName: 'wildcard' }, { name: 'gw', sectionName: 'https-b' }], rules: [to('v2')] }),
    httpRoute('infra', 'exact', { parentRefs: [{ name: 'gw', sectionName: 'exact' }], rules: [to('v3', { matches: [{ path: { type: 'PathPrefix', value: '/only' } }] })] }));

  test('the most specific listener hostname takes the request: exact, then wildcard, then none', () => {
    expect(answered(through(mesh, { host: 'other.io' }))).toStrictEqual(['v1 100']);
    expect(answered(through(mesh, { host: 'z.example.com' }))).toStrictEqual(['v2 100']);
    expect(answered(through(mesh, { host: 'a.example.com', path: '/only' }))).toStrictEqual(['v3 100']);
    expect(through(mesh, { host: 'a.example.com', path: '/only' }).listener).toStrictEqual({
      kind: 'Gateway', namespace: 'infra', name: 'gw', listener: 'exact', port: 80, protocol: 'HTTP', hostnames: ['a.example.com'],
    });
  });

  test('listener isolation: a request its listener\'s routes do not match gets a 404, never a less specific listener\'s route', () => {
    const r = through(mesh, { host: 'a.example.com', path: '/elsewhere' });
    expect(r.outcome).toBe('no-route');
    expect(r.status).toBe(404);
    expect(r.reason).toBe('no HTTPRoute rule on listener \'exact\' (HTTP 80 a.example.com) matches GET a.example.com/elsewhere: 404');
  });

  test('a port without listener refuses the connection (no status)', () => {
    const r = through(mesh, { host: 'x', port: 8080 });
    expect(r.outcome).toBe('no-route');
    expect(r.status).toBeUndefined();
    expect(r.reason).toBe('Gateway infra/gw has no listener on port 8080 (its ports: 80, 443): the connection is refused');
  });

  test('HTTPS: SNI chooses the listener; the TLS mode and the scheme follow', () => {
    const r = through(mesh, { port: 443, sni: 'b.example.com', host: 'b.example.com' });
    expect(answered(r)).toStrictEqual(['v2 100']);
    expect(r.listener).toStrictEqual({ kind: 'Gateway', namespace: 'infra', name: 'gw', listener: 'https-b', port: 443, protocol: 'HTTPS', hostnames: ['b.example.com'], tlsMode: 'Terminate' });
  });

  test('HTTPS: a Host another listener on the port matches more specifically than the SNI\'s listener is misdirected (421)', () => {
    const r = through(mesh, { port: 443, sni: 'c.example.com', host: 'b.example.com' });
    expect(r.status).toBe(421);
    expect(r.reason).toBe('host \'b.example.com\' belongs to listener \'https-b\' (HTTPS 443 b.example.com), not to listener \'https\' (HTTPS 443) that SNI \'c.example.com\' chose: 421 Misdirected Request');
    expect(through(mesh, { port: 443, sni: 'b.example.com', host: 'c.example.com' }).status).toBe(421);
  });

  test('an HTTPS listener that validates client certificates: the model assumes the client presents one that passes, and says so', () => {
    const ca = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca', namespace: 'infra' }, data: { 'ca.crt': 'PEM' } };
    const m = meshOf(INFRA, tlsSecret('infra', 'cert'), ca as never, httpRoute('infra', 'r', { ...parent, rules: [to('v1')] }),
      gateway('infra', 'gw', [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] } }],
        { tls: { frontend: { default: { validation: { caCertificateRefs: [{ kind: 'ConfigMap', name: 'ca' }] } } } } }));
    const r = through(m, { port: 443, host: 'x' });
    expect([answered(r), r.notes]).toStrictEqual([['v1 100'], ['listener \'https\' (HTTPS 443) validates client certificates (AllowValidOnly, CA ConfigMap ca): the model assumes the client presents one that passes']]);
    const invalid = meshOf(INFRA, tlsSecret('infra', 'cert'), httpRoute('infra', 'r', { ...parent, rules: [to('v1')] }),
      gateway('infra', 'gw', [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] } }],
        { tls: { frontend: { default: { validation: { caCertificateRefs: [{ kind: 'ConfigMap', name: 'absent' }] } } } } }));
    expect(through(invalid, { port: 443, host: 'x' }).reason).toContain('NoValidCACertificate: the client certificate validation for port 443 (tls.frontend.default) has no valid CA');
  });

  test('an Istio waypoint is no gateway to enter', () => {
    const m = meshOf(INFRA, gateway('infra', 'gw', [{ name: 'mesh', port: 15008, protocol: 'HBONE' }], { gatewayClassName: 'istio-waypoint' }));
    expect(through(m, { host: 'x' }).reason).toBe('Gateway infra/gw serves nothing: a waypoint: Gateway infra/gw (class istio-waypoint, HBONE) takes the mesh\'s requests for the workloads that use it, not requests entering it as a gateway: ask from a workload');
  });

  test('a plain request to an HTTPS port fails the handshake; TLS to an HTTP port too', () => {
    expect(through(mesh, { port: 443, host: 'x', tls: false }).reason).toBe('the listeners of Gateway infra/gw on port 443 take TLS: a plain HTTP request fails the handshake');
    expect(through(mesh, { port: 80, host: 'x', tls: true }).reason).toBe('Gateway infra/gw speaks plain HTTP on port 80: a TLS handshake fails');
  });

  test.each([
    ['an unsupported protocol', { name: 'l', port: 80, protocol: 'example.com/custom' }, [], 'UnsupportedProtocol: the model knows listener protocols HTTP, HTTPS, TLS, TCP, UDP, not \'example.com/custom\''],
    ['a missing certificate Secret', { name: 'l', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'absent' }] } }, [],
      'InvalidCertificateRef: Secret infra/absent is not in the configuration'],
    ['a certificate ref of another kind', { name: 'l', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ kind: 'ConfigMap', name: 'c' }] } }, [],
      'InvalidCertificateRef: certificateRef core/ConfigMap c is not a Secret'],
    ['a Secret in another namespace without ReferenceGrant', { name: 'l', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert', namespace: 'certs' }] } },
      [tlsSecret('certs', 'cert')], 'RefNotPermitted: no ReferenceGrant in namespace certs lets Gateway infra/gw use Secret cert'],
    ['a malformed Secret', { name: 'l', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'bad' }] } },
      [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad', namespace: 'infra' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'SGVsbG8=', 'tls.key': 'SGVsbG8=' } }],
      'InvalidCertificateRef: Secret infra/bad holds no PEM certificate in tls.crt'],
  ])('a listener with %s does not serve', (_what, listener, extra, problem) => {
    const m = meshOf(INFRA, extra as never, gateway('infra', 'gw', [httpListener({ name: 'ok', port: 8080 }), listener]), httpRoute('infra', 'r', { ...parent, rules: [to('v1')] }));
    expect(gatewayModel(m.world, m.world.get('gateway.networking.k8s.io', 'Gateway', 'infra', 'gw')!).listeners[1].problem).toBe(problem);
    const r = through(m, { port: (listener as { port: number }).port, host: 'x', sni: 'x' });
    expect(r.outcome).toBe('no-route');
    expect(r.reason).toContain(problem);
  });

  test('a ReferenceGrant for the Secret lets the listener serve', () => {
    const m = meshOf(INFRA, tlsSecret('certs', 'cert'), namespace('certs'),
      referenceGrant('certs', 'g', [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra' }], [{ group: '', kind: 'Secret', name: 'cert' }]),
      gateway('infra', 'gw', [{ name: 'l', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert', namespace: 'certs' }] } }]),
      httpRoute('infra', 'r', { ...parent, rules: [to('v1')] }));
    expect(answered(through(m, { port: 443, host: 'x' }))).toStrictEqual(['v1 100']);
  });

  test('listeners sharing a port, protocol and hostname are conflicted, and so is every listener sharing a TCP port', () => {
    const m = meshOf(INFRA, gateway('infra', 'gw', [
      httpListener({ name: 'a' }), httpListener({ name: 'b' }), httpListener({ name: 'c', hostname: 'c.io' }),
      { name: 't1', port: 9000, protocol: 'TCP' }, { name: 'h', port: 9000, protocol: 'HTTP' },
    ]));
    expect(gatewayModel(m.world, m.world.get('gateway.networking.k8s.io', 'Gateway', 'infra', 'gw')!).listeners.map(l => [l.name, l.problem?.split(':')[0]])).toStrictEqual([
      ['a', 'HostnameConflict'], ['b', 'HostnameConflict'], ['c', undefined], ['t1', 'ProtocolConflict'], ['h', 'ProtocolConflict'],
    ]);
  });
});

describe('Gateway API engine: attachment (parentRefs, allowedRoutes)', () => {
  const world = (listener: Record<string, unknown>, ...routes: ReturnType<typeof httpRoute>[]) => meshOf(INFRA, namespace('apps', { team: 'a' }), namespace('other'),
    gateway('infra', 'gw', [httpListener(listener), httpListener({ name: 'alt', port: 8080, allowedRoutes: { namespaces: { from: 'Same' } } })]), ...routes);
  const status = (m: ReturnType<typeof meshOf>) => {
    const att = gatewayAttachments(m.world, m.world.get('gateway.networking.k8s.io', 'Gateway', 'infra', 'gw')!);
    return [...att.status].map(([r, ss]) => `${r.namespace}/${r.name}: ${ss.map(s => s.reason).join(', ')}`);
  };

  test.each([
    ['Same (default) refuses another namespace', { allowedRoutes: {} }, 'apps', 'NotAllowedByListeners'],
    ['Same takes its own namespace', { allowedRoutes: {} }, 'infra', 'Accepted'],
    ['All takes any namespace', { allowedRoutes: { namespaces: { from: 'All' } } }, 'other', 'Accepted'],
    ['Selector takes a namespace whose labels it selects', { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'a' } } } } }, 'apps', 'Accepted'],
    ['Selector refuses the others', { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'a' } } } } }, 'other', 'NotAllowedByListeners'],
    ['None refuses every namespace', { allowedRoutes: { namespaces: { from: 'None' } } }, 'infra', 'NotAllowedByListeners'],
    ['kinds without HTTPRoute refuse it', { allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'GRPCRoute' }] } }, 'infra', 'NotAllowedByListeners'],
  ])('allowedRoutes.namespaces %s', (_what, listener, routeNs, reason) => {
    const m = world(listener, httpRoute(routeNs, 'r', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'http' }], rules: [to('v1', {})] }));
    expect(status(m)).toStrictEqual([`${routeNs}/r: ${reason}`]);
  });

  test.each([
    [{ sectionName: 'nope' }, 'NoMatchingParent'],
    [{ port: 9999 }, 'NoMatchingParent'],
    [{ sectionName: 'alt', port: 80 }, 'NoMatchingParent'],
    [{ sectionName: 'alt', port: 8080 }, 'Accepted'],
    [{ port: 8080 }, 'Accepted'],
  ])('parentRef %j: %s', (ref, reason) => {
    const m = world({}, httpRoute('infra', 'r', { parentRefs: [{ name: 'gw', ...ref }], rules: [to('v1')] }));
    expect(status(m)).toStrictEqual([`infra/r: ${reason}`]);
  });

  test('a request no route takes names the routes the Gateway refuses, and why', () => {
    const m = world({ allowedRoutes: {} }, httpRoute('apps', 'r', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'http' }], rules: [to('v1')] }));
    expect(through(m, { host: 'x' }).notes).toStrictEqual([
      'HTTPRoute apps/r is not accepted by Gateway infra/gw: NotAllowedByListeners (listener \'http\' (HTTP 80) takes routes from namespace infra only, not apps)',
    ]);
  });

  test('a route whose hostnames meet no listener\'s is not accepted (NoMatchingListenerHostname), and does not route', () => {
    const m = world({ hostname: 'a.com' }, httpRoute('infra', 'r', { parentRefs: [{ name: 'gw', sectionName: 'http' }], hostnames: ['b.com'], rules: [to('v1')] }));
    expect(status(m)).toStrictEqual(['infra/r: NoMatchingListenerHostname']);
    expect(through(m, { host: 'b.com' }).status).toBe(404);
  });

  test('a route whose every rule is invalid is not accepted (UnsupportedValue); an invalid rule of a valid route is dropped', () => {
    const m = world({}, httpRoute('infra', 'bad', { parentRefs: [{ name: 'gw', sectionName: 'http' }], rules: [to('v1', { matches: [{ path: { type: 'Glob', value: '/x' } }] })] }),
      httpRoute('infra', 'partly', { parentRefs: [{ name: 'gw', sectionName: 'http' }], rules: [to('v1', { filters: [{ type: 'Teleport' }] }), to('v2')] }));
    expect(status(m)).toStrictEqual(['infra/bad: UnsupportedValue', 'infra/partly: Accepted']);
    expect(answered(through(m, { host: 'x', path: '/x' }))).toStrictEqual(['v2 100']);
  });

  test('an HTTPRoute and a GRPCRoute with intersecting hostnames on one listener: the older is taken', () => {
    const grpc = route('GRPCRoute', 'infra', 'g', { parentRefs: [{ name: 'gw', sectionName: 'http' }], rules: [to('v2')] }, { creationTimestamp: '2024-01-01T00:00:00Z' });
    const http = httpRoute('infra', 'h', { parentRefs: [{ name: 'gw', sectionName: 'http' }], rules: [to('v1')] }, { creationTimestamp: '2024-01-02T00:00:00Z' });
    const m = world({}, http, grpc);
    expect(answered(through(m, { host: 'x', protocol: 'grpc', path: '/svc.S/M' }))).toStrictEqual(['v2 100']);
    expect(through(m, { host: 'x', path: '/' }).status).toBe(404);
  });
});

describe('Gateway API engine: HTTPRoute precedence across routes', () => {
  const m = (...routes: ReturnType<typeof httpRoute>[]) => meshOf(INFRA, gateway('infra', 'gw', [httpListener()]), ...routes);
  const rule = (backendName: string, match: Record<string, unknown>) => to(backendName, { matches: [match] });

  test('the route with the most specific matching hostname first: exact before wildcard before none', () => {
    const mesh = m(httpRoute('infra', 'a', { ...parent, rules: [to('v1')] }),
      httpRoute('infra', 'b', { ...parent, hostnames: ['*.example.com'], rules: [to('v2')] }),
      httpRoute('infra', 'c', { ...parent, hostnames: ['foo.example.com'], rules: [to('v3')] }));
    expect(answered(through(mesh, { host: 'foo.example.com' }))).toStrictEqual(['v3 100']);
    expect(answered(through(mesh, { host: 'bar.example.com' }))).toStrictEqual(['v2 100']);
    expect(answered(through(mesh, { host: 'bar.io' }))).toStrictEqual(['v1 100']);
  });

  test.each([
    ['an Exact path before a longer PathPrefix', rule('v1', { path: { type: 'PathPrefix', value: '/foo/bar/baz' } }), rule('v2', { path: { type: 'Exact', value: '/foo/bar/baz' } }), '/foo/bar/baz', 'v2'],
    ['the longest PathPrefix', rule('v1', { path: { type: 'PathPrefix', value: '/foo' } }), rule('v2', { path: { type: 'PathPrefix', value: '/foo/bar' } }), '/foo/bar/x', 'v2'],
    ['a PathPrefix before a RegularExpression (as Istio)', rule('v1', { path: { type: 'RegularExpression', value: '/foo/.*' } }), rule('v2', { path: { type: 'PathPrefix', value: '/' } }), '/foo/x', 'v2'],
    ['a method match', rule('v1', { headers: [{ name: 'a', value: '1' }] }), rule('v2', { method: 'GET' }), '/', 'v2'],
    ['the most header matches', rule('v1', { headers: [{ name: 'a', value: '1' }] }), rule('v2', { headers: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }] }), '/', 'v2'],
    ['the most query parameter matches', rule('v1', { queryParams: [{ name: 'q', value: '1' }] }), rule('v2', { queryParams: [{ name: 'q', value: '1' }, { name: 'r', value: '2' }] }), '/?q=1&r=2', 'v2'],
  ])('%s', (_what, first, second, path, expected) => {
    const mesh = m(httpRoute('infra', 'a', { ...parent, rules: [first] }), httpRoute('infra', 'b', { ...parent, rules: [second] }));
    expect(answered(through(mesh, { host: 'x', path, headers: { a: '1', b: '2' } }))).toStrictEqual([`${expected} 100`]);
  });

  test('ties: the oldest route (creationTimestamp), then {namespace}/{name}, then the first rule', () => {
    const older = httpRoute('infra', 'z', { ...parent, rules: [to('v1')] }, { creationTimestamp: '2024-01-01T00:00:00Z' });
    const newer = httpRoute('infra', 'a', { ...parent, rules: [to('v2')] }, { creationTimestamp: '2024-06-01T00:00:00Z' });
    expect(answered(through(m(newer, older), { host: 'x' }))).toStrictEqual(['v1 100']);
    // no timestamps: the order applied is the creation order
    expect(answered(through(m(httpRoute('infra', 'z', { ...parent, rules: [to('v1')] }), httpRoute('infra', 'a', { ...parent, rules: [to('v2')] })), { host: 'x' }))).toStrictEqual(['v1 100']);
    const same = { creationTimestamp: '2024-01-01T00:00:00Z' };
    expect(answered(through(m(httpRoute('infra', 'b', { ...parent, rules: [to('v1')] }, same), httpRoute('infra', 'a', { ...parent, rules: [to('v2')] }, same)), { host: 'x' })))
      .toStrictEqual(['v2 100']);
    const r = through(m(httpRoute('infra', 'a', { ...parent, rules: [to('v1'), to('v2')] })), { host: 'x' });
    expect(r.route).toStrictEqual({ kind: 'HTTPRoute', namespace: 'infra', name: 'a', rule: 0, match: 0 });
  });

  test('PathPrefix matches path elements; Exact and prefixes are case-sensitive; a trailing / is ignored', () => {
    const mesh = m(httpRoute('infra', 'a', { ...parent, rules: [rule('v1', { path: { type: 'PathPrefix', value: '/abc/' } }), rule('v2', { path: { type: 'Exact', value: '/exact' } })] }));
    expect(answered(through(mesh, { host: 'x', path: '/abc' }))).toStrictEqual(['v1 100']);
    expect(answered(through(mesh, { host: 'x', path: '/abc/d' }))).toStrictEqual(['v1 100']);
    expect(through(mesh, { host: 'x', path: '/abcd' }).status).toBe(404);
    expect(through(mesh, { host: 'x', path: '/ABC' }).status).toBe(404);
    expect(through(mesh, { host: 'x', path: '/exact/' }).status).toBe(404);
  });

  test('header and query matches: Exact and RegularExpression (whole value); only the first of one name counts', () => {
    const mesh = m(httpRoute('infra', 'a', {
      ...parent,
      rules: [rule('v1', { headers: [{ name: 'Version', value: 'v[0-9]+', type: 'RegularExpression' }, { name: 'version', value: 'ignored' }] }),
        rule('v2', { queryParams: [{ name: 'animal', value: 'whale' }] })],
    }));
    expect(answered(through(mesh, { host: 'x', headers: { version: 'v12' } }))).toStrictEqual(['v1 100']);
    expect(through(mesh, { host: 'x', headers: { version: 'xv1' } }).status).toBe(404);
    expect(answered(through(mesh, { host: 'x', path: '/?animal=whale&animal=dolphin' }))).toStrictEqual(['v2 100']);
    expect(through(mesh, { host: 'x', path: '/?ANIMAL=whale' }).status).toBe(404);
  });

  test('GRPCRoute: service and method (Exact, RegularExpression), the longest service match first, headers', () => {
    const grpc = (name: string, spec: Record<string, unknown>) => route('GRPCRoute', 'infra', name, { ...parent, ...spec });
    const mesh = m(grpc('a', { rules: [to('v1', { matches: [{ method: { service: 'pkg.Echo' } }] }), to('v2', { matches: [{ method: { service: 'pkg.Echo', method: 'Two' } }] })] }),
      grpc('b', { rules: [to('v3', { matches: [{ method: { type: 'RegularExpression', service: 'pkg\\..*', method: 'Th.*' } }] })] }));
    expect(answered(through(mesh, { host: 'x', protocol: 'grpc', path: '/pkg.Echo/One' }))).toStrictEqual(['v1 100']);
    expect(answered(through(mesh, { host: 'x', protocol: 'grpc', path: '/pkg.Echo/Two' }))).toStrictEqual(['v2 100']);
    expect(answered(through(mesh, { host: 'x', protocol: 'grpc', path: '/pkg.Other/Three' }))).toStrictEqual(['v3 100']);
    const none = through(mesh, { host: 'x', protocol: 'grpc', path: '/other.S/M' });
    expect([none.status, none.reason]).toStrictEqual([404, 'no HTTPRoute or GRPCRoute rule on listener \'http\' (HTTP 80) matches POST x/other.S/M: 404 (gRPC: Unimplemented)']);
  });
});

describe('Gateway API engine: backends', () => {
  const m = (...extra: unknown[]) => meshOf(INFRA, namespace('web'), ...backend('web', 'web'), ...backend('infra', 'empty', { replicas: 0 }), gateway('infra', 'gw', [httpListener()]), ...extra as never[]);

  test('weights are proportions; weight 0 gets nothing; no weight is 1', () => {
    const r = through(m(httpRoute('infra', 'r', { ...parent, rules: [{ backendRefs: [{ name: 'v1', port: 8080, weight: 3 }, { name: 'v2', port: 8080, weight: 1 }, { name: 'v3', port: 8080, weight: 0 }] }] })), { host: 'x' });
    expect(answered(r)).toStrictEqual(['v1 75', 'v2 25']);
    const even = through(m(httpRoute('infra', 'r', { ...parent, rules: [{ backendRefs: [{ name: 'v1', port: 8080 }, { name: 'v2', port: 8080 }] }] })), { host: 'x' });
    expect(answered(even)).toStrictEqual(['v1 50', 'v2 50']);
  });

  test.each([
    ['every weight 0', [{ name: 'v1', port: 8080, weight: 0 }], 500, 'every backendRef of HTTPRoute infra/r rule 0 has weight 0: no backend takes requests, they get a 500 (gateway-api HTTPRouteRule.BackendRefs)'],
    ['a Service that does not exist', [{ name: 'nope', port: 8080 }], 500,
      'HTTPRoute infra/r rule 0 sends requests to backends that cannot answer (500): BackendNotFound: Service infra/nope is not in the configuration (500)'],
    ['a kind other than Service', [{ group: 'example.com', kind: 'Bucket', name: 'b' }], 500,
      'HTTPRoute infra/r rule 0 sends requests to backends that cannot answer (500): InvalidKind: HTTPRoute infra/r refers to example.com/Bucket infra/b: the model routes to core Services only (500)'],
    ['a Service of another namespace without ReferenceGrant', [{ name: 'web', namespace: 'web', port: 8080 }], 500,
      'HTTPRoute infra/r rule 0 sends requests to backends that cannot answer (500): RefNotPermitted: no ReferenceGrant in namespace web lets HTTPRoutes of infra refer to Service web (500)'],
    ['a Service without ready pods', [{ name: 'empty', port: 8080 }], 503,
      'HTTPRoute infra/r rule 0 sends requests to backends that cannot answer (503): the pods of infra/empty are scaled to 0'],
  ])('%s: requests fail', (_what, backendRefs, status, reason) => {
    const r = through(m(httpRoute('infra', 'r', { ...parent, rules: [{ backendRefs }] })), { host: 'x' });
    expect([r.outcome, r.status, r.reason]).toStrictEqual(['unavailable', status, reason]);
  });

  test('a GRPCRoute\'s failing backends answer UNAVAILABLE (HTTP 503), not 500', () => {
    const r = through(m(route('GRPCRoute', 'infra', 'g', { ...parent, rules: [{ backendRefs: [{ name: 'nope', port: 8080 }] }] })), { host: 'x', protocol: 'grpc', path: '/a.B/C' });
    expect([r.outcome, r.status]).toStrictEqual(['unavailable', 503]);
  });

  test('a rule without backendRefs answers 500', () => {
    const r = through(m(httpRoute('infra', 'r', { ...parent, rules: [{}] })), { host: 'x' });
    expect([r.status, r.reason]).toStrictEqual([500, 'HTTPRoute infra/r rule 0 has no backendRefs: requests get a 500 (gateway-api HTTPRouteRule.BackendRefs)']);
  });

  test('an invalid backend fails its share only', () => {
    const r = through(m(httpRoute('infra', 'r', { ...parent, rules: [{ backendRefs: [{ name: 'v1', port: 8080 }, { name: 'nope', port: 8080 }] }] })), { host: 'x' });
    expect([r.outcome, r.status]).toStrictEqual(['routed', 200]);
    expect(r.destinations.map(d => [d.service, d.weight, d.unavailable])).toStrictEqual([
      ['infra/v1', 50, undefined], ['infra/nope', 50, 'BackendNotFound: Service infra/nope is not in the configuration (500)'],
    ]);
    expect(r.notes).toStrictEqual(['part of the requests fail: 50% BackendNotFound: Service infra/nope is not in the configuration (500)']);
  });

  test('a ReferenceGrant from HTTPRoutes of the route\'s namespace lets it use the Service (by name, or every Service)', () => {
    const grant = (target: Record<string, unknown>) => referenceGrant('web', 'g', [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'infra' }], [{ group: '', kind: 'Service', ...target }]);
    const r = (g: unknown) => answered(through(m(g, httpRoute('infra', 'r', { ...parent, rules: [{ backendRefs: [{ name: 'web', namespace: 'web', port: 8080 }] }] })), { host: 'x' }));
    expect(r(grant({ name: 'web' }))).toStrictEqual(['web 100']);
    expect(r(grant({}))).toStrictEqual(['web 100']);
    expect(r(grant({ name: 'other' }))).toStrictEqual([]);
  });

  test('destinations spread over the Service\'s versions by pod count', () => {
    const mesh = meshOf(namespace('infra'), ...backend('infra', 'reviews'), ...backend('infra', 'reviews-v2', { service: 'reviews', version: 'v2', replicas: 3 }),
      gateway('infra', 'gw', [httpListener()]), httpRoute('infra', 'r', { ...parent, rules: [to('reviews')] }));
    expect(through(mesh, { host: 'x' }).destinations).toStrictEqual([
      { service: 'infra/reviews', port: 8080, workloads: ['infra/reviews'], weight: 25 },
      { service: 'infra/reviews', port: 8080, version: 'v2', workloads: ['infra/reviews-v2'], weight: 75 },
    ]);
  });
});

describe('Gateway API engine: TLSRoute and TCPRoute', () => {
  const mesh = meshOf(INFRA, tlsSecret('infra', 'cert'), gateway('infra', 'gw', [
    { name: 'pass', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' } } },
    { name: 'term', port: 443, protocol: 'TLS', hostname: 'term.example.com', tls: { mode: 'Terminate', certificateRefs: [{ name: 'cert' }] } },
    { name: 'tcp', port: 9000, protocol: 'TCP' },
  ]),
  route('TLSRoute', 'infra', 'exact', { parentRefs: [{ name: 'gw', sectionName: 'pass' }], hostnames: ['a.example.com'], rules: [to('v1')] }),
  route('TLSRoute', 'infra', 'wild', { parentRefs: [{ name: 'gw', sectionName: 'pass' }], hostnames: ['*.example.com'], rules: [to('v2')] }),
  route('TLSRoute', 'infra', 'term', { parentRefs: [{ name: 'gw', sectionName: 'term' }], hostnames: ['term.example.com'], rules: [to('v3')] }),
  route('TCPRoute', 'infra', 'tcp-old', { parentRefs: [{ name: 'gw', sectionName: 'tcp' }], rules: [{ backendRefs: [{ name: 'v1', port: 8080, weight: 7 }, { name: 'v2', port: 8080, weight: 3 }] }] }),
  route('TCPRoute', 'infra', 'tcp-new', { parentRefs: [{ name: 'gw', sectionName: 'tcp' }], rules: [to('v3')] }));

  test('TLS passthrough: SNI picks the TLSRoute, the most specific hostname first; no status (TLS)', () => {
    const r = through(mesh, { port: 443, protocol: 'tls', sni: 'a.example.com' });
    expect([r.outcome, r.status, answered(r), r.listener?.tlsMode]).toStrictEqual(['routed', undefined, ['v1 100'], 'Passthrough']);
    expect(answered(through(mesh, { port: 443, protocol: 'tls', sni: 'b.example.com' }))).toStrictEqual(['v2 100']);
  });

  test('TLS: an SNI no listener or route takes: the connection is refused', () => {
    const r = through(mesh, { port: 443, protocol: 'tls', sni: 'nothing.org' });
    expect([r.outcome, r.status, r.reason]).toStrictEqual(['no-route', undefined, 'no TLSRoute on listener \'pass\' (TLS 443) matches SNI \'nothing.org\': the connection is refused']);
  });

  test('TLS terminate: the backend receives plain text', () => {
    const r = through(mesh, { port: 443, protocol: 'tls', sni: 'term.example.com' });
    expect([answered(r), r.listener?.tlsMode]).toStrictEqual([['v3 100'], 'Terminate']);
  });

  test('TCP: the oldest TCPRoute takes every connection, with its weights', () => {
    const r = through(mesh, { port: 9000, protocol: 'tcp' });
    expect(answered(r)).toStrictEqual(['v1 70', 'v2 30']);
    expect(r.notes).toStrictEqual(['TCPRoute infra/tcp-new is attached too, but the oldest TCPRoute takes every connection']);
  });
});

describe('Gateway API engine: ListenerSets', () => {
  const listenerSet = (ns: string, name: string, listeners: unknown[]) => ({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'ListenerSet', metadata: { name, namespace: ns }, spec: { parentRef: { name: 'gw', namespace: 'infra' }, listeners },
  });
  test('a ListenerSet the Gateway allows adds its listeners; routes attach to the set; a conflicting listener loses to the Gateway\'s', () => {
    const mesh = meshOf(INFRA, namespace('team'), ...backend('team', 'app'),
      gateway('infra', 'gw', [httpListener({ hostname: 'gw.example.com' })], { allowedListeners: { namespaces: { from: 'All' } } }),
      listenerSet('team', 'set', [httpListener({ name: 'team', hostname: 'team.example.com' }), httpListener({ name: 'clash', hostname: 'gw.example.com' })]),
      httpRoute('team', 'r', { parentRefs: [{ kind: 'ListenerSet', name: 'set' }], rules: [to('app')] }),
      httpRoute('infra', 'g', { ...parent, rules: [to('v1')] }));
    expect(answered(through(mesh, { host: 'team.example.com' }))).toStrictEqual(['app 100']);
    expect(through(mesh, { host: 'team.example.com' }).listener).toStrictEqual({ kind: 'ListenerSet', namespace: 'team', name: 'set', listener: 'team', port: 80, protocol: 'HTTP', hostnames: ['team.example.com'] });
    expect(answered(through(mesh, { host: 'gw.example.com' }))).toStrictEqual(['v1 100']);
    const model = gatewayModel(mesh.world, mesh.world.get('gateway.networking.k8s.io', 'Gateway', 'infra', 'gw')!);
    expect(model.listeners.map(l => [l.name, l.problem])).toStrictEqual([['http', undefined], ['team', undefined],
      ['clash', 'HostnameConflict: it shares port 80 with listener \'http\' (HTTP gw.example.com) of Gateway infra/gw']]);
  });

  test('by default a Gateway takes no ListenerSet', () => {
    const mesh = meshOf(INFRA, gateway('infra', 'gw', [httpListener({ hostname: 'gw.example.com' })]), listenerSet('infra', 'set', [httpListener({ name: 'team', hostname: 'team.example.com' })]),
      httpRoute('infra', 'r', { parentRefs: [{ kind: 'ListenerSet', name: 'set' }], rules: [to('v2')] }));
    expect(through(mesh, { host: 'team.example.com' }).status).toBe(404);
  });
});

describe('Gateway API engine: BackendTLSPolicy', () => {
  const policy = (name: string, target: Record<string, unknown>, validation: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'BackendTLSPolicy',
    metadata: { name, namespace: 'infra', ...metadata },
    spec: { targetRefs: [{ group: '', kind: 'Service', name: 'v1', ...target }], validation },
  });
  const ca = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca', namespace: 'infra' }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } };
  const valid = { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }], hostname: 'v1.example.com' };
  const m = (...extra: unknown[]) => meshOf(INFRA, ca as never, tlsSecret('infra', 'client'), gateway('infra', 'gw', [httpListener()], { tls: { backend: { clientCertificateRef: { name: 'client' } } } }),
    httpRoute('infra', 'r', { ...parent, rules: [to('v1')] }), ...extra as never[]);

  test('the gateway originates TLS: the policy\'s hostname as SNI, its client certificate', () => {
    const r = through(m(policy('p', {}, { ...valid, subjectAltNames: [{ type: 'URI', uri: 'spiffe://x/y' }] })), { host: 'x' });
    expect(r.destinations.map(d => d.backendTls)).toStrictEqual([{ sni: 'v1.example.com', policy: 'infra/p', subjectAltNames: ['spiffe://x/y'], clientCertificate: 'infra/client' }]);
  });

  test('the policy naming the port (sectionName) wins over the one naming the Service; among equals the oldest, then by name', () => {
    const older = { creationTimestamp: '2024-01-01T00:00:00Z' };
    const newer = { creationTimestamp: '2024-02-01T00:00:00Z' };
    const sni = (...ps: unknown[]) => through(m(...ps), { host: 'x' }).destinations[0].backendTls?.sni;
    expect(sni(policy('whole', {}, valid, older), policy('port', { sectionName: 'http-8080' }, { ...valid, hostname: 'port.example.com' }, newer))).toBe('port.example.com');
    expect(sni(policy('b', {}, { ...valid, hostname: 'b.example.com' }, newer), policy('a', {}, { ...valid, hostname: 'a.example.com' }, older))).toBe('a.example.com');
    expect(sni(policy('b', {}, { ...valid, hostname: 'b.example.com' }, older), policy('a', {}, { ...valid, hostname: 'a.example.com' }, older))).toBe('a.example.com');
  });

  test.each([
    ['a CA ConfigMap that does not exist', { caCertificateRefs: [{ kind: 'ConfigMap', name: 'absent' }], hostname: 'h' },
      'NoValidCACertificate: InvalidCACertificateRef: ConfigMap infra/absent is not in the configuration'],
    ['a CA reference of another kind', { caCertificateRefs: [{ group: 'x.io', kind: 'Bundle', name: 'b' }], hostname: 'h' }, 'NoValidCACertificate: InvalidKind: caCertificateRef x.io/Bundle b is not a ConfigMap'],
    ['no CA at all', { hostname: 'h' }, 'Invalid: validation names no caCertificateRefs and wellKnownCACertificates is not given'],
  ])('%s: the connection to the backend fails (503)', (_what, validation, problem) => {
    const r = through(m(policy('p', {}, validation)), { host: 'x' });
    expect([r.outcome, r.status, r.destinations[0].unavailable]).toStrictEqual(['unavailable', 503, `BackendTLSPolicy infra/p: ${problem}: the TLS connection to the backend fails (503)`]);
  });

  test('the system\'s CAs (wellKnownCACertificates: System) are valid', () => {
    expect(through(m(policy('p', {}, { wellKnownCACertificates: 'System', hostname: 'h' })), { host: 'x' }).status).toBe(200);
  });
});

describe('Gateway API engine: robustness and scale', () => {
  test('objects holding anything never make a request throw', () => {
    const junk = [
      gateway('infra', 'gw', [null, 7, { name: 'l', port: 'x', protocol: ['HTTP'] }, httpListener({ allowedRoutes: 'All', hostname: 5 })]),
      httpRoute('infra', 'a', { parentRefs: 'gw', rules: 'x', hostnames: [1, null] }),
      httpRoute('infra', 'b', { parentRefs: [{ name: 'gw' }, null], rules: [null, { matches: 'x', filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: 'x', add: [null] } }, null], backendRefs: [{ weight: -3 }, 7] }] }),
      httpRoute('infra', 'c', { parentRefs: [{ name: 'gw' }], rules: [{ matches: [{ path: { type: 'RegularExpression', value: '(' } }] }] }),
      route('GRPCRoute', 'infra', 'd', { parentRefs: [{ name: 'gw' }], rules: [{ matches: [{ method: {} }] }] }),
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'ReferenceGrant', metadata: { name: 'g', namespace: 'infra' }, spec: { from: 'x', to: [null] } },
    ];
    const mesh = meshOf(INFRA, junk as never);
    for (const req of [{ host: 'x' }, { host: 'x', protocol: 'grpc' as const, path: '/a.B/C' }, { port: 443, protocol: 'tls' as const, sni: 'x' }]) {
      expect(() => through(mesh, req)).not.toThrow();
    }
  });

  test('a request visits the routes that may take its host, not every route of a 1,000-route Gateway', () => {
    const objects = [namespace('infra'), gateway('infra', 'gw', [httpListener()])];
    for (let i = 0; i < 1000; i++) {
      objects.push(...backend('infra', `svc-${i}`), httpRoute('infra', `r-${i}`, { ...parent, hostnames: [`svc-${i}.example.com`], rules: [to(`svc-${i}`, { matches: [{ path: { type: 'PathPrefix', value: `/p${i}` } }] })] }));
    }
    objects.push(httpRoute('infra', 'wild', { ...parent, hostnames: ['*.example.com'], rules: [to('svc-0', { matches: [{ path: { type: 'PathPrefix', value: '/wild' } }] })] }));
    const mesh = meshOf(objects);
    expect(answered(through(mesh, { host: 'svc-1.example.com', path: '/p1' }))).toStrictEqual(['svc-1 100']);
    expect(answered(through(mesh, { host: 'svc-7.example.com', path: '/wild' }))).toStrictEqual(['svc-0 100']);
    const att = gatewayAttachments(mesh.world, mesh.world.get('gateway.networking.k8s.io', 'Gateway', 'infra', 'gw')!);
    const attached = [...att.byListener.values()][0];
    expect(attached.length).toBe(1001);
    expect(attachmentsForHost(attached, 'svc-7.example.com').map(a => a.route.name)).toStrictEqual(['r-7', 'wild']);
  });
});
