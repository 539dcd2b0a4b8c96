import { App } from 'cdk8s';
import {
  AuthorizationMode, AuthorizedClient, DataPlane, DefaultInboundPolicy, HttpMethod, Mesh, MeshChart, MeshNamespace, MeshProvider, MeshService,
  Probe, Protocol,
  RequestMatch, ServiceAuthorization, Waypoint,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { only, synthObjects } from '../support/synth';

/**
 * Linkerd's configuring-per-route-policy task (the Books app): books may read authors (GET /authors.json, GET under
 * /authors/), webapp may also modify them (DELETE and PUT under /authors/, POST /authors.json), written once.
 */
function booksapp(mesh: MeshProvider, options: { allowFrom?: boolean; ambient?: boolean; waypoint?: boolean } = {}) {
  return (app: App) => {
    const chart = new MeshChart(app, 'booksapp', { mesh, namespace: 'booksapp', ...(options.ambient ? { dataPlane: DataPlane.AMBIENT } : {}) });
    const namespace = new MeshNamespace(chart, 'ns', { name: 'booksapp' });
    const wp = options.waypoint ? new Waypoint(chart, 'wp', { name: 'waypoint', namespace }) : undefined;
    const authors = new MeshService(chart, 'authors', {
      namespace,
      image: 'buoyantio/booksapp:v0.0.5',
      ports: [{ port: 7001, containerPortName: 'service' }],
      readinessProbe: Probe.http('/ping'),
      ...(wp ? { waypoint: wp } : {}),
    });
    const books = new MeshService(chart, 'books', { namespace, image: 'buoyantio/booksapp:v0.0.5', ports: [{ port: 7002 }] });
    const webapp = new MeshService(chart, 'webapp', { namespace, image: 'buoyantio/booksapp:v0.0.5', ports: [{ port: 7000 }] });
    new MeshService(chart, 'traffic', { namespace, image: 'buoyantio/booksapp-traffic:v0.0.3', ports: [{ port: 8080 }] });
    new ServiceAuthorization(chart, 'authors-callers', {
      service: authors,
      allowFrom: options.allowFrom ? [AuthorizedClient.namespace('ops')] : undefined,
      allowRequests: [
        {
          name: 'get',
          allowFrom: [AuthorizedClient.service(books), AuthorizedClient.service(webapp)],
          requests: [RequestMatch.exact('/authors.json', HttpMethod.GET), RequestMatch.pathPrefix('/authors/', HttpMethod.GET)],
        },
        {
          name: 'modify',
          allowFrom: [AuthorizedClient.service(webapp)],
          requests: [RequestMatch.pathPrefix('/authors/', HttpMethod.DELETE, HttpMethod.PUT), RequestMatch.exact('/authors.json', HttpMethod.POST)],
        },
      ],
    });
  };
}

const POLICY = 'policy.linkerd.io';

describe('per-request authorization under Linkerd (the per-route policy task)', () => {
  const objects = expectSchemaValid(synthObjects(booksapp(MeshProvider.LINKERD))).filter(o => o.apiVersion.startsWith(POLICY));

  test('a Server, an HTTPRoute per rule on it with a MeshTLSAuthentication and an AuthorizationPolicy on the route; probes keep a route', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Server/authors-7001',
      'MeshTLSAuthentication/authors-get', 'MeshTLSAuthentication/authors-modify', 'NetworkAuthentication/authors-probes',
      'HTTPRoute/authors-get', 'HTTPRoute/authors-modify', 'HTTPRoute/authors-probes',
      'AuthorizationPolicy/authors-get', 'AuthorizationPolicy/authors-modify', 'AuthorizationPolicy/authors-probes',
    ]);
    const serverRef = { group: POLICY, kind: 'Server', name: 'authors-7001' };
    expect(only(objects, 'HTTPRoute', 'authors-get')).toStrictEqual({
      apiVersion: `${POLICY}/v1beta3`,
      kind: 'HTTPRoute',
      metadata: { name: 'authors-get', namespace: 'booksapp' },
      spec: {
        parentRefs: [serverRef],
        rules: [{ matches: [{ path: { type: 'Exact', value: '/authors.json' }, method: 'GET' }, { path: { type: 'PathPrefix', value: '/authors/' }, method: 'GET' }] }],
      },
    });
    expect((only(objects, 'HTTPRoute', 'authors-modify').spec as { rules: unknown }).rules).toStrictEqual([{
      matches: [
        { path: { type: 'PathPrefix', value: '/authors/' }, method: 'DELETE' }, { path: { type: 'PathPrefix', value: '/authors/' }, method: 'PUT' },
        { path: { type: 'Exact', value: '/authors.json' }, method: 'POST' },
      ],
    }]);
    expect(only(objects, 'AuthorizationPolicy', 'authors-get').spec).toStrictEqual({
      targetRef: { group: POLICY, kind: 'HTTPRoute', name: 'authors-get' },
      requiredAuthenticationRefs: [{ group: POLICY, kind: 'MeshTLSAuthentication', name: 'authors-get' }],
    });
    expect(only(objects, 'MeshTLSAuthentication', 'authors-get').spec).toStrictEqual({
      identityRefs: [{ kind: 'ServiceAccount', name: 'books', namespace: 'booksapp' }, { kind: 'ServiceAccount', name: 'webapp', namespace: 'booksapp' }],
    });
    expect(only(objects, 'MeshTLSAuthentication', 'authors-modify').spec).toStrictEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'webapp', namespace: 'booksapp' }] });
    // the kubelet's probes: Linkerd drops its own probe route once the Server has routes
    expect((only(objects, 'HTTPRoute', 'authors-probes').spec as { rules: unknown }).rules).toStrictEqual([{ matches: [{ path: { type: 'Exact', value: '/ping' }, method: 'GET' }] }]);
    expect(only(objects, 'NetworkAuthentication', 'authors-probes').spec).toStrictEqual({ networks: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }] });
    expect(only(objects, 'AuthorizationPolicy', 'authors-probes').spec).toStrictEqual({
      targetRef: { group: POLICY, kind: 'HTTPRoute', name: 'authors-probes' },
      requiredAuthenticationRefs: [{ group: POLICY, kind: 'NetworkAuthentication', name: 'authors-probes' }],
    });
  });

  test('with allowFrom: its callers are authorized on the Server (every route) and reach other paths by a catch-all route', () => {
    const withAll = expectSchemaValid(synthObjects(booksapp(MeshProvider.LINKERD, { allowFrom: true }))).filter(o => o.apiVersion.startsWith(POLICY));
    expect(withAll.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Server/authors-7001', 'MeshTLSAuthentication/authors',
      'MeshTLSAuthentication/authors-get', 'MeshTLSAuthentication/authors-modify', 'NetworkAuthentication/authors-probes',
      'AuthorizationPolicy/authors-7001',
      'HTTPRoute/authors-default', 'HTTPRoute/authors-get', 'HTTPRoute/authors-modify', 'HTTPRoute/authors-probes',
      'AuthorizationPolicy/authors-get', 'AuthorizationPolicy/authors-modify', 'AuthorizationPolicy/authors-probes',
    ]);
    expect((only(withAll, 'HTTPRoute', 'authors-default').spec as { rules: unknown }).rules).toStrictEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }]);
  });
});

describe('per-request authorization under Istio', () => {
  test('a rule of the ALLOW AuthorizationPolicy per rule: principals, to operations with methods and paths (a prefix as the path and under it)', () => {
    const policy = only(expectSchemaValid(synthObjects(booksapp(MeshProvider.ISTIO, { allowFrom: true }))), 'AuthorizationPolicy');
    expect(policy.spec).toStrictEqual({
      selector: { matchLabels: { app: 'authors' } },
      action: 'ALLOW',
      rules: [
        { from: [{ source: { namespaces: ['ops'] } }], to: [{ operation: { ports: ['7001'] } }] },
        {
          from: [{ source: { principals: ['cluster.local/ns/booksapp/sa/books', 'cluster.local/ns/booksapp/sa/webapp'] } }],
          to: [
            { operation: { ports: ['7001'], methods: ['GET'], paths: ['/authors.json'] } },
            { operation: { ports: ['7001'], methods: ['GET'], paths: ['/authors', '/authors/*'] } },
          ],
        },
        {
          from: [{ source: { principals: ['cluster.local/ns/booksapp/sa/webapp'] } }],
          to: [
            { operation: { ports: ['7001'], methods: ['DELETE', 'PUT'], paths: ['/authors', '/authors/*'] } },
            { operation: { ports: ['7001'], methods: ['POST'], paths: ['/authors.json'] } },
          ],
        },
      ],
    });
  });

  test('ambient: enforced by the service\'s waypoint; without a waypoint refused (ztunnel reads no methods or paths)', () => {
    const objects = expectSchemaValid(synthObjects(booksapp(MeshProvider.ISTIO, { ambient: true, waypoint: true })));
    expect((only(objects, 'AuthorizationPolicy', 'authors').spec as { targetRefs: unknown }).targetRefs).toStrictEqual([{ group: '', kind: 'Service', name: 'authors' }]);
    expect(errorOf(() => booksapp(MeshProvider.ISTIO, { ambient: true })(new App()))).toBe(
      '[booksapp/authors-callers] \'allowRequests\' need a waypoint under ambient mode: ztunnel enforces only L4 rules, and an ALLOW policy whose methods or paths '
      + 'it cannot read refuses every request: got [\'get\', \'modify\']; give service \'authors\' a waypoint (waypoint: …), or authorize callers for every request with allowFrom');
  });
});

describe('per-request authorization: the same intent, the same answers on both back-ends (data-plane model)', () => {
  // a request no rule matches: Linkerd answers 404 (no inbound route), Istio 403 (no ALLOW rule): refused on both
  const cases = (mesh: MeshProvider): Array<[string, string, string, string]> => [
    ['booksapp/books', 'GET', '/authors/7.json', 'routed'],
    ['booksapp/books', 'GET', '/authors.json', 'routed'],
    ['booksapp/books', 'DELETE', '/authors/7.json', 'denied'],
    ['booksapp/books', 'POST', '/authors.json', 'denied'],
    ['booksapp/webapp', 'DELETE', '/authors/7.json', 'routed'],
    ['booksapp/webapp', 'POST', '/authors.json', 'routed'],
    ['booksapp/webapp', 'GET', '/authorsx', mesh === MeshProvider.LINKERD ? 'no-route' : 'denied'],
    ['booksapp/traffic', 'GET', '/authors.json', 'denied'],
  ];
  for (const mesh of [MeshProvider.LINKERD, MeshProvider.ISTIO]) {
    test(`${mesh}: books may read authors but not modify them; webapp may do both; others nothing`, () => {
      const app = new App();
      booksapp(mesh)(app);
      const model = Mesh.fromApp(app);
      const got = cases(mesh).map(([from, method, path]) => [from, method, path, model.request({ from, host: 'authors.booksapp', port: 7001, method, path }).outcome]);
      expect(got).toStrictEqual(cases(mesh));
    });
  }

  test('linkerd: a request no rule matches is refused as no route (404); allowFrom callers reach it through the catch-all route', () => {
    const app = new App();
    booksapp(MeshProvider.LINKERD, { allowFrom: true })(app);
    const chart = app.node.findChild('booksapp') as MeshChart;
    new MeshService(chart, 'opsclient', { namespace: new MeshNamespace(chart, 'ops', { name: 'ops' }), image: 'curl:8.0.0', ports: [{ port: 80 }] });
    const model = Mesh.fromApp(app);
    expect(model.request({ from: 'booksapp/books', host: 'authors.booksapp', port: 7001, method: 'GET', path: '/other' }).outcome).toBe('denied');
    expect(model.request({ from: 'booksapp/books', host: 'authors.booksapp', port: 7001, method: 'GET', path: '/authors/1' }).outcome).toBe('routed');
    expect(model.request({ from: 'ops/opsclient', host: 'authors.booksapp', port: 7001, method: 'DELETE', path: '/authors/1' }).outcome).toBe('routed');
    expect(model.request({ from: 'ops/opsclient', host: 'authors.booksapp', port: 7001, method: 'GET', path: '/other' }).outcome).toBe('routed');
  });
});

describe('per-request authorization errors', () => {
  const chart = () => new MeshChart(new App(), 'c', { mesh: MeshProvider.LINKERD });
  const web = (c: MeshChart) => new MeshService(c, 'web', { image: 'web:1.0.0', ports: [{ port: 80 }] });

  test('fails if neither allowFrom nor allowRequests names a caller', () => {
    const c = chart();
    expect(errorOf(() => new ServiceAuthorization(c, 'a', { service: web(c) }))).toBe('[c/a] \'allowFrom\' must name at least one caller: got []; '
      + 'name the callers to let in, the requests some callers may make in allowRequests, '
      + 'or (Linkerd) an accessPolicy that admits callers (no caller would refuse every request)');
  });

  test('fails if a rule has a taken or repeated name, no caller, no request', () => {
    const c = chart();
    const svc = web(c);
    const rule = { name: 'read', allowFrom: [AuthorizedClient.anyMeshed()], requests: [RequestMatch.methods(HttpMethod.GET)] };
    expect(errorOf(() => new ServiceAuthorization(c, 'a', { service: svc, allowRequests: [{ ...rule, name: 'probes' }] }))).toBe(
      '[c/a] \'allowRequests[0].name\' must not be \'default\' or \'probes\': the catch-all and probe routes are named so: got \'probes\'; name the rule after what it allows, e.g. \'read\'');
    expect(errorOf(() => new ServiceAuthorization(c, 'b', { service: svc, allowRequests: [rule, rule] }))).toBe('[c/b] \'allowRequests[1].name\' must be unique among the rules: got \'read\'');
    expect(errorOf(() => new ServiceAuthorization(c, 'c', { service: svc, allowRequests: [{ ...rule, allowFrom: [] }] }))).toBe(
      '[c/c] \'allowRequests[0].allowFrom\' must name at least one caller: got []; name who may make these requests');
    expect(errorOf(() => new ServiceAuthorization(c, 'd', { service: svc, allowRequests: [{ ...rule, requests: [] }] }))).toBe(
      '[c/d] \'allowRequests[0].requests\' must name at least one request: got []; e.g. RequestMatch.pathPrefix(\'/authors\', HttpMethod.GET)');
    expect(errorOf(() => new ServiceAuthorization(c, 'e', { service: svc, allowRequests: [{ ...rule, name: 'Read' }] }))).toMatch(/^\[c\/e\] 'allowRequests\[0\]\.name' must be a DNS-1123 label/);
  });

  test('fails on a port that is not HTTP/1 or HTTP/2 under Linkerd (a gRPC Server takes GRPCRoutes), or TCP', () => {
    const c = chart();
    const api = new MeshService(c, 'api', { image: 'api:1.0.0', ports: [{ port: 8080 }, { port: 9090, protocol: Protocol.GRPC }] });
    expect(errorOf(() => new ServiceAuthorization(c, 'a', {
      service: api, allowRequests: [{ name: 'read', allowFrom: [AuthorizedClient.anyMeshed()], requests: [RequestMatch.methods(HttpMethod.GET)] }],
    }))).toBe('[c/a] \'allowRequests\' must guard HTTP ports only: methods and paths are read from HTTP requests (Linkerd attaches HTTPRoutes to HTTP/1 and HTTP/2 Servers), '
      + 'and port 9090 is grpc: got 9090; limit the ports with ports: [8080], or authorize api\'s other ports in another ServiceAuthorization');
  });

  test('RequestMatch: a path without /, an unknown method, a repeated method, no method', () => {
    expect(errorOf(() => RequestMatch.exact('authors'))).toBe('RequestMatch.exact: \'path\' must start with \'/\': got \'authors\'; use \'/authors\'');
    expect(errorOf(() => RequestMatch.pathPrefix('/a', 'get' as HttpMethod))).toBe(
      'RequestMatch.pathPrefix: \'methods[0]\' must be one of \'CONNECT\', \'DELETE\', \'GET\', \'HEAD\', \'OPTIONS\', \'PATCH\', \'POST\', \'PUT\', \'TRACE\': got \'get\'; did you mean \'GET\'?');
    expect(errorOf(() => RequestMatch.exact('/a', HttpMethod.GET, HttpMethod.GET))).toBe('RequestMatch.exact: \'methods\' must name each method once: got \'GET\'');
    expect(errorOf(() => RequestMatch.methods())).toBe('RequestMatch.methods: \'methods\' must name at least one HTTP method: got []; e.g. RequestMatch.methods(HttpMethod.GET, HttpMethod.HEAD)');
  });

  test('audit mode: the Server audits; the routes are written all the same', () => {
    const objects = synthObjects(app => {
      const c = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD });
      new ServiceAuthorization(c, 'a', {
        service: web(c),
        mode: AuthorizationMode.AUDIT,
        allowRequests: [{ name: 'read', allowFrom: [AuthorizedClient.anyMeshed()], requests: [RequestMatch.methods(HttpMethod.GET, HttpMethod.HEAD)] }],
      });
    });
    expect((only(objects, 'Server').spec as { accessPolicy: string }).accessPolicy).toBe('audit');
    expect((only(objects, 'HTTPRoute').spec as { rules: unknown }).rules).toStrictEqual([{ matches: [{ method: 'GET' }, { method: 'HEAD' }] }]);
  });
});

describe('a Server\'s accessPolicy (Linkerd)', () => {
  const build = (mesh: MeshProvider, accessPolicy: DefaultInboundPolicy, mode?: AuthorizationMode) => (app: App) => {
    const chart = new MeshChart(app, 'c', { mesh, namespace: 'shop' });
    const namespace = new MeshNamespace(chart, 'ns', { name: 'shop' });
    const api = new MeshService(chart, 'api', { namespace, image: 'api:1.0.0', ports: [{ port: 8080 }] });
    const web = new MeshService(chart, 'web', { namespace, image: 'web:1.0.0', ports: [{ port: 80 }] });
    new MeshService(chart, 'other', { namespace, image: 'other:1.0.0', ports: [{ port: 80 }] });
    new ServiceAuthorization(chart, 'a', {
      service: api,
      accessPolicy,
      mode,
      allowRequests: [{ name: 'write', allowFrom: [AuthorizedClient.service(web)], requests: [RequestMatch.methods(HttpMethod.POST)] }],
    });
  };

  test('written on the Servers; callers no authorization admits fall back to it (all-authenticated: any meshed caller)', () => {
    const objects = expectSchemaValid(synthObjects(build(MeshProvider.LINKERD, DefaultInboundPolicy.ALL_AUTHENTICATED)));
    expect((only(objects, 'Server').spec as { accessPolicy: string }).accessPolicy).toBe('all-authenticated');
    const app = new App();
    build(MeshProvider.LINKERD, DefaultInboundPolicy.ALL_AUTHENTICATED)(app);
    const model = Mesh.fromApp(app);
    expect(model.request({ from: 'shop/other', host: 'api.shop', port: 8080, method: 'POST', path: '/x' }).outcome).toBe('routed');
    const denyApp = new App();
    build(MeshProvider.LINKERD, DefaultInboundPolicy.DENY)(denyApp);
    const deny = Mesh.fromApp(denyApp);
    expect(deny.request({ from: 'shop/other', host: 'api.shop', port: 8080, method: 'POST', path: '/x' }).outcome).toBe('denied');
    expect(deny.request({ from: 'shop/web', host: 'api.shop', port: 8080, method: 'POST', path: '/x' }).outcome).toBe('routed');
  });

  test('fails under Istio but for DENY and AUDIT; fails beside mode AUDIT unless AUDIT', () => {
    expect(errorOf(() => build(MeshProvider.ISTIO, DefaultInboundPolicy.ALL_AUTHENTICATED)(new App()))).toBe(
      '[c/a] \'accessPolicy\' cannot be expressed with the istio back-end: it is a Linkerd Server\'s (what it does with callers no authorization admits): '
      + 'got \'all-authenticated\'; name the callers in allowFrom (AuthorizedClient.anyMeshed(), AuthorizedClient.network(...)), observe with mode: AuthorizationMode.AUDIT, '
      + 'or render this chart for MeshProvider.LINKERD');
    const dryRun = only(synthObjects(build(MeshProvider.ISTIO, DefaultInboundPolicy.AUDIT)), 'AuthorizationPolicy');
    expect(dryRun.metadata.annotations).toStrictEqual({ 'istio.io/dry-run': 'true' });
    expect(errorOf(() => build(MeshProvider.LINKERD, DefaultInboundPolicy.DENY, AuthorizationMode.AUDIT)(new App()))).toBe(
      '[c/a] \'accessPolicy\' cannot be combined with mode: AuthorizationMode.AUDIT, which sets the Servers\' accessPolicy to audit: got \'deny\'; leave out one of them');
  });
});

describe('a rule naming callers by identity and by network (Linkerd)', () => {
  test('a MeshTLSAuthentication and a NetworkAuthentication of the rule, each required by an AuthorizationPolicy on the route', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const c = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop' });
      const api = new MeshService(c, 'api', { image: 'api:1.0.0', ports: [{ port: 8080 }] });
      new ServiceAuthorization(c, 'a', {
        service: api,
        allowRequests: [{
          name: 'health', allowFrom: [AuthorizedClient.namespace('monitoring'), AuthorizedClient.network('10.0.0.0/8')], requests: [RequestMatch.exact('/healthz', HttpMethod.GET)],
        }],
      });
    })).filter(o => o.apiVersion.startsWith(POLICY));
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Server/api-8080', 'MeshTLSAuthentication/api-health', 'NetworkAuthentication/api-health', 'HTTPRoute/api-health',
      'AuthorizationPolicy/api-health', 'AuthorizationPolicy/api-health-networks',
    ]);
    expect(only(objects, 'MeshTLSAuthentication').spec).toStrictEqual({ identityRefs: [{ kind: 'Namespace', name: 'monitoring' }] });
    expect(only(objects, 'AuthorizationPolicy', 'api-health-networks').spec).toStrictEqual({
      targetRef: { group: POLICY, kind: 'HTTPRoute', name: 'api-health' },
      requiredAuthenticationRefs: [{ group: POLICY, kind: 'NetworkAuthentication', name: 'api-health' }],
    });
  });
});
