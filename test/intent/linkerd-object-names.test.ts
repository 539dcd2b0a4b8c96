import { App } from 'cdk8s';
import {
  AuthorizedClient, DefaultInboundPolicy, HttpMethod, Mesh, MeshChart, MeshClient, MeshNamespace, MeshProvider, MeshService, RequestMatch,
  ServiceAuthorization,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectLinkerdValid, expectSchemaValid } from '../support/schemas';
import { only, synthObjects } from '../support/synth';

const POLICY = 'policy.linkerd.io';
const linkerdObjects = (build: (app: App) => void) =>
  expectLinkerdValid(expectSchemaValid(synthObjects(build))).filter(o => o.apiVersion.startsWith(POLICY));
const names = (objects: Array<{ kind: string; metadata: { name: string } }>) => objects.map(o => `${o.kind}/${o.metadata.name}`);

/** tasks/pod-to-pod-multicluster.md: bb, called by the good slow-cooker only; the task names its Server, policy and authentication. */
function mcDemo(app: App): void {
  const chart = new MeshChart(app, 'mc', { mesh: MeshProvider.LINKERD });
  const namespace = new MeshNamespace(chart, 'ns', { name: 'mc-demo' });
  const bb = new MeshService(chart, 'bb', { namespace, image: 'buoyantio/bb:v0.0.6', ports: [{ port: 8080 }] });
  const good = new MeshClient(chart, 'slow-cooker', { namespace, image: 'buoyantio/slow_cooker:1.3.0' });
  new MeshClient(chart, 'slow-cooker-evil', { namespace, image: 'buoyantio/slow_cooker:1.3.0' });
  new ServiceAuthorization(chart, 'bb-callers', {
    service: bb, allowFrom: [AuthorizedClient.workload(good)], linkerdNames: { server: 'bb', policy: 'bb-authz', authentication: 'bb-good' },
  });
}

describe('ServiceAuthorization linkerdNames: the objects named as a task names them', () => {
  test('the Server, its AuthorizationPolicy and the MeshTLSAuthentication (the pod-to-pod multicluster task\'s bb, bb-authz, bb-good)', () => {
    const objects = linkerdObjects(mcDemo);
    expect(names(objects)).toStrictEqual(['Server/bb', 'MeshTLSAuthentication/bb-good', 'AuthorizationPolicy/bb-authz']);
    expect(only(objects, 'AuthorizationPolicy').spec).toStrictEqual({
      targetRef: { group: POLICY, kind: 'Server', name: 'bb' },
      requiredAuthenticationRefs: [{ group: POLICY, kind: 'MeshTLSAuthentication', name: 'bb-good' }],
    });
  });

  test('named or not, the same callers get in (data-plane model): the good slow-cooker, not the evil one', () => {
    const app = new App();
    mcDemo(app);
    const model = Mesh.fromApp(app);
    expect(model.request({ from: 'mc-demo/slow-cooker', host: 'bb.mc-demo', port: 8080 }).outcome).toBe('routed');
    expect(model.request({ from: 'mc-demo/slow-cooker-evil', host: 'bb.mc-demo', port: 8080 }).outcome).toBe('denied');
  });

  test('defaults unchanged: Server <name>-<port>, its policy after it, the authentication <name>', () => {
    const objects = linkerdObjects(app => {
      const chart = new MeshChart(app, 'mc', { mesh: MeshProvider.LINKERD, namespace: 'mc-demo' });
      const bb = new MeshService(chart, 'bb', { image: 'buoyantio/bb:v0.0.6', ports: [{ port: 8080 }] });
      new ServiceAuthorization(chart, 'bb-callers', { service: bb, allowFrom: [AuthorizedClient.serviceAccount('slow-cooker', 'mc-demo')] });
    });
    expect(names(objects)).toStrictEqual(['Server/bb-8080', 'MeshTLSAuthentication/bb', 'AuthorizationPolicy/bb-8080']);
  });

  test('a rule\'s route, policy and authentication (the per-route policy task\'s authors-get-route, authors-get-policy, authors-get-authn)', () => {
    const build = (app: App) => {
      const chart = new MeshChart(app, 'booksapp', { mesh: MeshProvider.LINKERD, namespace: 'booksapp' });
      const namespace = new MeshNamespace(chart, 'ns', { name: 'booksapp' });
      const authors = new MeshService(chart, 'authors', { namespace, image: 'buoyantio/booksapp:v0.0.5', ports: [{ port: 7001, containerPortName: 'service' }] });
      new MeshClient(chart, 'books', { namespace, image: 'buoyantio/booksapp:v0.0.5' });
      new ServiceAuthorization(chart, 'authors-policy', {
        service: authors,
        linkerdNames: { server: 'authors-server' },
        allowRequests: [
          {
            name: 'get',
            allowFrom: [AuthorizedClient.serviceAccount('books', 'booksapp')],
            requests: [RequestMatch.pathPrefix('/authors/', HttpMethod.GET)],
            linkerdNames: { route: 'authors-get-route', policy: 'authors-get-policy', authentication: 'authors-get-authn' },
          },
          { name: 'probe', allowFrom: [AuthorizedClient.network('0.0.0.0/0')], requests: [RequestMatch.exact('/ping', HttpMethod.GET)], linkerdNames: { route: 'authors-probe-route' } },
        ],
      });
    };
    const objects = linkerdObjects(build);
    expect(names(objects)).toStrictEqual([
      'Server/authors-server', 'MeshTLSAuthentication/authors-get-authn', 'NetworkAuthentication/authors-probe',
      'HTTPRoute/authors-get-route', 'HTTPRoute/authors-probe-route', 'AuthorizationPolicy/authors-get-policy', 'AuthorizationPolicy/authors-probe',
    ]);
    expect(only(objects, 'HTTPRoute', 'authors-get-route').spec).toStrictEqual({
      parentRefs: [{ group: POLICY, kind: 'Server', name: 'authors-server' }],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/authors/' }, method: 'GET' }] }],
    });
    expect(only(objects, 'AuthorizationPolicy', 'authors-probe').spec).toStrictEqual({
      targetRef: { group: POLICY, kind: 'HTTPRoute', name: 'authors-probe-route' },
      requiredAuthenticationRefs: [{ group: POLICY, kind: 'NetworkAuthentication', name: 'authors-probe' }],
    });
    const app = new App();
    build(app);
    const model = Mesh.fromApp(app);
    expect(model.request({ from: 'booksapp/books', host: 'authors.booksapp', port: 7001, method: 'GET', path: '/authors/1' }).outcome).toBe('routed');
    const r = model.request({ from: 'booksapp/books', host: 'authors.booksapp', port: 7001, method: 'DELETE', path: '/authors/1' });
    expect([r.outcome, r.reason]).toStrictEqual(['no-route', 'no inbound route of Server booksapp/authors-server (authors-get-route, authors-probe-route) matches the request: 404']);
  });

  test('Istio writes none of these objects: linkerdNames leaves its AuthorizationPolicy as it was', () => {
    const build = (linkerdNames?: { server: string }) => (app: App) => {
      const chart = new MeshChart(app, 'mc', { namespace: 'mc-demo' });
      const bb = new MeshService(chart, 'bb', { image: 'buoyantio/bb:v0.0.6', ports: [{ port: 8080 }] });
      new ServiceAuthorization(chart, 'bb-callers', { service: bb, allowFrom: [AuthorizedClient.serviceAccount('slow-cooker', 'mc-demo')], linkerdNames });
    };
    expect(synthObjects(build({ server: 'bb' }))).toStrictEqual(synthObjects(build()));
  });
});

describe('ServiceAuthorization: a Server whose accessPolicy admits callers, with a rate limit only (the rate-limiting task\'s web-http)', () => {
  const build = (app: App) => {
    const chart = new MeshChart(app, 'rl', { mesh: MeshProvider.LINKERD, namespace: 'emojivoto' });
    const namespace = new MeshNamespace(chart, 'ns', { name: 'emojivoto', defaultInboundPolicy: DefaultInboundPolicy.DENY });
    const web = new MeshService(chart, 'web-svc', { namespace, image: 'docker.l5d.io/buoyantio/emojivoto-web:v11', ports: [{ port: 80, targetPort: 8080, containerPortName: 'http' }] });
    new ServiceAuthorization(chart, 'web-callers', {
      service: web,
      accessPolicy: DefaultInboundPolicy.ALL_UNAUTHENTICATED,
      linkerdNames: { server: 'web-http' },
      rateLimit: { perClient: 4, overrides: [{ clients: [AuthorizedClient.serviceAccount('default', 'emojivoto')], requestsPerSecond: 6 }] },
    });
  };

  test('a Server and its HTTPLocalRateLimitPolicy, no authentication nor AuthorizationPolicy', () => {
    const objects = linkerdObjects(build);
    expect(objects.map(({ apiVersion: _a, ...o }) => o)).toStrictEqual([
      {
        kind: 'Server',
        metadata: { name: 'web-http', namespace: 'emojivoto', labels: { app: 'web-svc' } }, // labelled with its app, as the restricting-access task's
        spec: { podSelector: { matchLabels: { app: 'web-svc' } }, port: 'http', proxyProtocol: 'HTTP/1', accessPolicy: 'all-unauthenticated' },
      },
      {
        kind: 'HTTPLocalRateLimitPolicy',
        metadata: { name: 'web-http', namespace: 'emojivoto' },
        spec: {
          targetRef: { group: POLICY, kind: 'Server', name: 'web-http' },
          identity: { requestsPerSecond: 4 },
          overrides: [{ requestsPerSecond: 6, clientRefs: [{ kind: 'ServiceAccount', name: 'default', namespace: 'emojivoto' }] }],
        },
      },
    ]);
  });

  test('every caller gets in (data-plane model)', () => {
    const app = new App();
    build(app);
    const chart = app.node.findChild('rl') as MeshChart;
    new MeshClient(chart, 'curl', { namespace: MeshNamespace.fromName('emojivoto'), image: 'curlimages/curl:8.11.1' });
    // the namespace denies by default: the Server's all-unauthenticated is what lets the caller in
    expect(Mesh.fromApp(app).request({ from: 'emojivoto/curl', host: 'web-svc.emojivoto', port: 80 }).outcome).toBe('routed');
  });

  test('fails without callers when the accessPolicy admits none (deny, audit) or is not given', () => {
    for (const accessPolicy of [DefaultInboundPolicy.DENY, undefined]) {
      const chart = new MeshChart(new App(), 'c', { mesh: MeshProvider.LINKERD });
      const web = new MeshService(chart, 'web', { image: 'web:1.0.0', ports: [{ port: 80 }] });
      expect(errorOf(() => new ServiceAuthorization(chart, 'a', { service: web, accessPolicy }))).toBe('[c/a] \'allowFrom\' must name at least one caller: got []; '
        + 'name the callers to let in, the requests some callers may make in allowRequests, or (Linkerd) an accessPolicy that admits callers (no caller would refuse every request)');
    }
  });
});

describe('linkerdNames errors', () => {
  const chart = () => new MeshChart(new App(), 'c', { mesh: MeshProvider.LINKERD });
  const two = (c: MeshChart) => new MeshService(c, 'web', { image: 'web:1.0.0', ports: [{ port: 80 }, { port: 8080, name: 'http-admin' }] });
  const anyone = [AuthorizedClient.anyMeshed()];

  test('a Server or policy name with several ports guarded', () => {
    const c = chart();
    expect(errorOf(() => new ServiceAuthorization(c, 'a', { service: two(c), allowFrom: anyone, linkerdNames: { server: 'web-http' } }))).toBe(
      '[c/a] \'linkerdNames.server\' can only be given when one port is guarded: each port has a Server of its own, and 2 are: got \'web-http\'; '
      + 'guard one port per ServiceAuthorization (ports: [...]), or leave the name to mesh-kit');
    const d = chart();
    expect(errorOf(() => new ServiceAuthorization(d, 'a', { service: two(d), allowFrom: anyone, linkerdNames: { policy: 'web-authz' } }))).toBe(
      '[c/a] \'linkerdNames.policy\' can only be given when one port is guarded: each port has a Server and a policy of its own, and 2 are: got \'web-authz\'; '
      + 'guard one port per ServiceAuthorization (ports: [...]), or leave the name to mesh-kit');
    const e = chart();
    expect(names(linkerdObjects(app => {
      const f = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD });
      new ServiceAuthorization(f, 'a', { service: two(f), ports: [80], allowFrom: anyone, linkerdNames: { server: 'web-http' } });
    }))).toStrictEqual(['Server/web-http', 'MeshTLSAuthentication/web', 'AuthorizationPolicy/web-http']);
    expect(e).toBeDefined();
  });

  test('a name Kubernetes refuses, the authorization\'s or a rule\'s', () => {
    const c = chart();
    expect(errorOf(() => new ServiceAuthorization(c, 'a', { service: two(c), ports: [80], allowFrom: anyone, linkerdNames: { authentication: 'Web_Good' } })))
      .toMatch(/^\[c\/a\] 'linkerdNames\.authentication' must be a DNS-1123 subdomain/);
    const d = chart();
    const rule = { name: 'read', allowFrom: anyone, requests: [RequestMatch.methods(HttpMethod.GET)], linkerdNames: { route: 'read route' } };
    expect(errorOf(() => new ServiceAuthorization(d, 'a', { service: two(d), ports: [80], allowRequests: [rule] })))
      .toMatch(/^\[c\/a\] 'allowRequests\[0\]\.linkerdNames\.route' must be a DNS-1123 subdomain/);
  });

  test('two objects of a kind given one name', () => {
    const c = chart();
    const rule = (name: string) => ({ name, allowFrom: anyone, requests: [RequestMatch.methods(HttpMethod.GET)], linkerdNames: { route: 'web-read' } });
    expect(errorOf(() => new ServiceAuthorization(c, 'a', { service: two(c), ports: [80], allowRequests: [rule('get'), rule('head')] }))).toBe(
      '[c/a] \'linkerdNames\' must give each object a name of its own: two HTTPRoutes would be named \'web-read\': got \'web-read\'; '
      + 'choose other names in linkerdNames (the authorization\'s, or a rule\'s in allowRequests)');
  });
});
