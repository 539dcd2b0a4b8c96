import { deployment, gatewayApi, linkerd, namespace, service, verdictOf } from './builders';
import { buildEmojivoto } from '../../examples/linkerd-emojivoto/app';
import { buildEmojivotoAuthorization } from '../../examples/linkerd-emojivoto/authorization';
import { buildEmojiCanary } from '../../examples/linkerd-emojivoto/canary';
import { buildEmojivotoEgress, buildVotingRoutes } from '../../examples/linkerd-emojivoto/routes';
import { buildLinkerd2, buildLinkerd2Split } from '../../examples/linkerd-hello-world/app';
import { Mesh, MeshApp, TrafficResult } from '../../lib';
import { parseDuration, parseFailureAccrual, parseRetry, parseTimeouts } from '../../lib/dataplane/linkerd';
import { Manifest } from '../../lib/render/model';

/**
 * Linkerd's outbound policy (linkerd2 `policy-controller/k8s/index/src/outbound/index.rs`,
 * `policy-controller/grpc/src/outbound.rs`): protocol and opaque ports, which route kind the proxy reads, retries and
 * timeouts from annotations, failure accrual, egress; and the library's Linkerd examples end to end.
 */
const inject = { 'linkerd.io/inject': 'enabled' };
type Port = { port: number; name?: string; appProtocol?: string };
const shop = (ports: Port[] = [{ port: 80, name: 'http' }], svcAnnotations: Record<string, string> = {}, nsAnnotations: Record<string, string> = {}): Manifest[] => [
  namespace('shop', {}, { ...inject, ...nsAnnotations }),
  deployment('shop', 'client', { app: 'client' }),
  deployment('shop', 'api-v1', { app: 'api', version: 'v1' }),
  deployment('shop', 'api-v2', { app: 'api', version: 'v2' }),
  service('shop', 'api', { app: 'api' }, ports, { annotations: svcAnnotations }),
  service('shop', 'api-v1', { app: 'api', version: 'v1' }, ports),
  service('shop', 'api-v2', { app: 'api', version: 'v2' }, ports),
];
const toV2 = (port = 80, annotations: Record<string, string> = {}, rule: object = {}) => gatewayApi('HTTPRoute', 'shop', 'api', {
  parentRefs: [{ group: 'core', kind: 'Service', name: 'api', port }],
  rules: [{ backendRefs: [{ name: 'api-v2', port }], ...rule }],
}, { annotations });
const grpcToV1 = (port = 80) => gatewayApi('GRPCRoute', 'shop', 'api-grpc', { parentRefs: [{ group: 'core', kind: 'Service', name: 'api', port }], rules: [{ backendRefs: [{ name: 'api-v1', port }] }] });
const ask = (objects: Manifest[], extra: { port?: number; protocol?: 'grpc' | 'http' | 'tcp'; path?: string } = {}) => Mesh.fromObjects(objects).request({ from: 'shop/client', host: 'api', ...extra });
// shares of no weight (a canary's finished stage) are left out: whether a router lists them is not what these tests pin
const shares = (r: TrafficResult) => r.destinations.filter(d => d.weight > 0).map(d => [d.service, d.version, d.weight]);

describe('annotations, parsed as the policy controller parses them', () => {
  test.each([['500ms', 500], ['2s', 2000], ['1m', 60_000], ['0', 0]])('duration %s', (text, ms) => {
    expect(parseDuration(text)).toStrictEqual({ ok: true, value: ms });
  });
  test.each([
    ['5', 'missing duration unit; did you mean \'5s\' or \'5ms\'?'],
    ['1.5s', 'fractional values not supported'],
    ['-1s', 'duration value cannot be negative: \'-1s\''],
    ['10x', 'invalid duration unit x (expected one of \'ms\', \'s\', \'m\', \'h\', or \'d\')'],
    ['s', 's does not contain a timeout duration value'],
  ])('duration %s is refused', (text, error) => {
    expect(parseDuration(text)).toStrictEqual({ ok: false, error });
  });
  test('timeouts and retries', () => {
    expect(parseTimeouts({ 'timeout.linkerd.io/request': '2s', 'timeout.linkerd.io/idle': '1m' })).toStrictEqual({ ok: true, value: { request: 2000, idle: 60_000 } });
    expect(parseRetry({ 'retry.linkerd.io/http': '5xx,429' }, false)).toStrictEqual({ ok: true, value: { limit: 1, conditions: ['5xx', '429'] } });
    expect(parseRetry({ 'retry.linkerd.io/http': '5xx,teapot' }, false)).toStrictEqual({ ok: false, error: 'retry.linkerd.io/http: invalid retry condition: 5xx,teapot' });
    expect(parseRetry({ 'retry.linkerd.io/grpc': 'unavailable', 'retry.linkerd.io/limit': '3', 'retry.linkerd.io/timeout': '250ms' }, true))
      .toStrictEqual({ ok: true, value: { limit: 3, timeout: 250, conditions: ['unavailable'] } });
    expect(parseRetry({ 'retry.linkerd.io/limit': '0' }, false)).toStrictEqual({ ok: true, value: undefined });
  });
  describe('failure accrual (min penalty ≤ max penalty, a non-zero max penalty, 0 ≤ jitter ≤ 100, 0 ≤ threshold ≤ 1)', () => {
    const c = (extra: Record<string, string>) => parseFailureAccrual({ 'balancer.linkerd.io/failure-accrual': 'consecutive', ...extra });
    test('none without a mode; the defaults with one', () => {
      expect(parseFailureAccrual({})).toStrictEqual({ ok: true, value: undefined });
      expect(c({})).toStrictEqual({ ok: true, value: { mode: 'consecutive', maxFailures: 7, minPenalty: 1000, maxPenalty: 60_000, jitter: 0.5 } });
    });
    test.each([
      [{ 'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '2m', 'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': '1m' }, 'min_penalty (2m) cannot exceed max_penalty (1m)'],
      [{ 'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': '0', 'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '0' }, 'max_penalty cannot be zero'],
      [{ 'balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio': '200' }, 'jitter cannot be greater than 100'],
      [{ 'balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio': '-1' }, 'jitter cannot be negative'],
      [{ 'balancer.linkerd.io/failure-accrual-consecutive-max-failures': 'many' }, 'balancer.linkerd.io/failure-accrual-consecutive-max-failures: \'many\' is not a number'],
    ])('%j: %s', (annotations, error) => {
      expect(c(annotations)).toStrictEqual({ ok: false, error });
    });
    test('an unknown mode; a unified threshold out of range', () => {
      expect(parseFailureAccrual({ 'balancer.linkerd.io/failure-accrual': 'random' })).toStrictEqual({ ok: false, error: 'unsupported failure accrual mode: random' });
      expect(parseFailureAccrual({ 'balancer.linkerd.io/failure-accrual': 'unified', 'balancer.alpha.linkerd.io/failure-accrual-success-rate-threshold': '2' }))
        .toStrictEqual({ ok: false, error: 'success-rate threshold must be between 0.0 and 1.0, got 2' });
    });
  });
});

describe('the port\'s protocol and the routes Linkerd reads', () => {
  test('a detected HTTP port: the HTTPRoute on the Service applies', () => {
    const r = ask([...shop(), toV2()]);
    expect(r.dataPlane).toBe('linkerd');
    expect(r.route).toMatchObject({ kind: 'HTTPRoute', name: 'api', rule: 0 });
    expect(shares(r)).toStrictEqual([['shop/api-v2', 'v2', 100]]);
    expect(r.hops).toStrictEqual([{ at: 'linkerd-proxy', name: 'shop/client', decision: 'HTTPRoute shop/api rule 0 → api-v2 v2 100%' }]);
  });
  test.each([
    ['one of Linkerd\'s default opaque ports', [{ port: 3306, name: 'mysql' }], {}, {}, 'port 3306 is one of Linkerd\'s default opaque ports'],
    ['the Service\'s opaque-ports annotation', [{ port: 80 }], { 'config.linkerd.io/opaque-ports': '80,8080' }, {}, 'config.linkerd.io/opaque-ports \'80,8080\' on Service shop/api'],
    ['its namespace\'s, copied onto its Services', [{ port: 80 }], {}, { 'config.linkerd.io/opaque-ports': '80' }, 'config.linkerd.io/opaque-ports \'80\' on namespace shop'],
    ['appProtocol linkerd.io/opaque', [{ port: 80, appProtocol: 'linkerd.io/opaque' }], {}, {}, 'appProtocol \'linkerd.io/opaque\''],
    ['an appProtocol Linkerd does not know', [{ port: 80, appProtocol: 'grpc' }], {}, {}, 'appProtocol \'grpc\', which Linkerd does not know (it treats the port as opaque)'],
  ])('an opaque port (%s): TCP to the pods, HTTP routes ignored', (_what, ports, svcAnnotations, nsAnnotations, why) => {
    const port = ports[0].port;
    const r = ask([...shop(ports, svcAnnotations, nsAnnotations), toV2(port)], { port });
    expect(r.route).toBeNull();
    expect(shares(r)).toStrictEqual([['shop/api', 'v1', 50], ['shop/api', 'v2', 50]]);
    expect(r.reason).toBe(`port ${port} is opaque (${why}): the proxy forwards TCP to shop/api's pods`);
    expect(r.notes).toContain(`port ${port} of shop/api is opaque (${why}): Linkerd applies no HTTP route (HTTPRoute shop/api ignored), only TCP`);
  });
  test('appProtocol http: HTTP/1 only, so a GRPCRoute is ignored', () => {
    const r = ask([...shop([{ port: 80, appProtocol: 'http' }]), toV2(), grpcToV1()], { protocol: 'grpc', path: '/shop.Api/Get' });
    expect(r.route).toMatchObject({ kind: 'HTTPRoute', name: 'api' });
    expect(r.notes).toContain('Linkerd reads HTTPRoutes for shop/api:80 (appProtocol \'http\'): GRPCRoute shop/api-grpc ignored');
  });
  test('GRPCRoutes on a port hide its HTTPRoutes (detection; kubernetes.io/h2c likewise)', () => {
    for (const ports of [[{ port: 80, name: 'grpc' }], [{ port: 80, appProtocol: 'kubernetes.io/h2c' }]]) {
      const r = ask([...shop(ports), toV2(), grpcToV1()], { protocol: 'grpc', path: '/shop.Api/Get' });
      expect(r.route).toMatchObject({ kind: 'GRPCRoute', name: 'api-grpc' });
      expect(shares(r)).toStrictEqual([['shop/api-v1', 'v1', 100]]);
    }
  });
});

describe('retries and timeouts (retry.linkerd.io/*, timeout.linkerd.io/* on the route, else the Service)', () => {
  test('the route\'s annotations', () => {
    const r = ask([...shop(), toV2(80, { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '2', 'retry.linkerd.io/timeout': '300ms', 'timeout.linkerd.io/request': '2s' })]);
    expect(r.filters).toStrictEqual({ timeout: '2s', retries: { attempts: 2, perTryTimeout: '300ms', retryOn: '5xx' } });
  });
  test('the rule\'s timeouts.request when the route has no timeout annotation', () => {
    expect(ask([...shop(), toV2(80, {}, { timeouts: { request: '5s' } })]).filters).toStrictEqual({ timeout: '5s' });
  });
  test('the Service\'s annotations when the route sets none, and on the default route', () => {
    const svc = { 'retry.linkerd.io/http': 'gateway-error', 'timeout.linkerd.io/request': '1s' };
    expect(ask([...shop(undefined, svc), toV2()]).filters).toStrictEqual({ timeout: '1s', retries: { attempts: 1, retryOn: 'gateway-error' } });
    expect(ask(shop(undefined, svc)).filters).toStrictEqual({ timeout: '1s', retries: { attempts: 1, retryOn: 'gateway-error' } });
  });
  test('a route whose annotations Linkerd cannot read is rejected: the Service\'s pods answer', () => {
    const r = ask([...shop(), toV2(80, { 'timeout.linkerd.io/request': '5' })]);
    expect(r.route).toBeNull();
    expect(r.notes).toContain('Linkerd rejects HTTPRoute shop/api: timeout.linkerd.io/request: missing duration unit; did you mean \'5s\' or \'5ms\'?');
  });
  test('an invalid failure-accrual configuration: Linkerd applies none, and says so', () => {
    const r = ask(shop(undefined, {
      'balancer.linkerd.io/failure-accrual': 'consecutive',
      'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '2m',
      'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': '1m',
    }));
    expect(r.notes).toContain('Linkerd applies no failure accrual to shop/api: min_penalty (2m) cannot exceed max_penalty (1m) (balancer.linkerd.io/failure-accrual*)');
    expect(ask(shop(undefined, { 'balancer.linkerd.io/failure-accrual': 'consecutive' })).notes).toStrictEqual([]);
  });
});

describe('destinations and egress', () => {
  test('pods without a proxy get plaintext, without identity', () => {
    const objects = [...shop(), namespace('plain'), deployment('plain', 'web', { app: 'web' }, { annotations: { 'linkerd.io/inject': 'disabled' } }), service('plain', 'web', { app: 'web' }, [{ port: 80 }])];
    const r = Mesh.fromObjects(objects).request({ from: 'shop/client', host: 'web.plain' });
    expect(r.notes).toContain('plain/web is not meshed: Linkerd sends it plaintext, without identity');
    expect(r.destinations[0].authorization).toBeUndefined();
  });
  test('a port the caller\'s proxy skips goes around it', () => {
    const objects = [...shop(), toV2(), deployment('shop', 'skipper', { app: 'skipper' }, { annotations: { 'config.linkerd.io/skip-outbound-ports': '80' } })];
    const r = Mesh.fromObjects(objects).request({ from: 'shop/skipper', host: 'api' });
    expect(r.route).toBeNull();
    expect(r.reason).toBe('the caller\'s proxy skips port 80: kube-proxy spreads connections over shop/api\'s pods');
  });
  describe('EgressNetwork', () => {
    const egress = (trafficPolicy: string, spec: object = {}) => linkerd('EgressNetwork', 'shop', 'egress', { trafficPolicy, ...spec });
    const github = gatewayApi('TLSRoute', 'shop', 'github', {
      hostnames: ['api.github.com'],
      parentRefs: [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'egress', port: 443 }],
      rules: [{ backendRefs: [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'egress', port: 443 }] }],
    });
    const out = (objects: Manifest[], host: string) => Mesh.fromObjects([...shop(), ...objects]).request({ from: 'shop/client', host, protocol: 'tls', port: 443 });
    test('a TLSRoute lets its host out; Deny refuses the rest', () => {
      expect(out([egress('Deny'), github], 'api.github.com')).toMatchObject({ outcome: 'routed', route: { kind: 'TLSRoute', name: 'github' }, destinations: [{ service: 'api.github.com', port: 443, workloads: [], weight: 100 }] });
      expect(out([egress('Deny'), github], 'example.com')).toMatchObject({ outcome: 'denied', reason: 'no route of EgressNetwork shop/egress takes \'example.com:443\', and its trafficPolicy is Deny: refused' });
    });
    test('Allow lets unrouted traffic out; no EgressNetwork: out as addressed', () => {
      expect(out([egress('Allow')], 'example.com').reason).toBe('EgressNetwork shop/egress lets unrouted traffic out (trafficPolicy Allow)');
      expect(out([], 'example.com').reason).toBe('\'example.com\' is not a Service of the configuration: the proxy sends the call out as addressed');
    });
    test('explicit networks: the host\'s address is not in the configuration', () => {
      expect(out([egress('Deny', { networks: [{ cidr: '203.0.113.0/24' }] })], 'example.com').outcome).toBe('undecided');
    });
  });
});

describe('examples/linkerd-emojivoto', () => {
  const app = new MeshApp({ outdir: '/tmp/mesh-kit-linkerd-test' });
  const emojivoto = buildEmojivoto(app);
  buildVotingRoutes(app, emojivoto);
  buildEmojivotoEgress(app);
  buildEmojiCanary(app, emojivoto);
  buildEmojivotoAuthorization(app, emojivoto);
  const upstream = Mesh.fromApp(app, { files: ['emojivoto'] });
  const enforce = Mesh.fromApp(app, { files: ['emojivoto', 'emojivoto-routes', 'emojivoto-egress', 'authorization-enforce'] });
  const grpc = (method: string) => ({ host: 'voting-svc', port: 8080, protocol: 'grpc' as const, path: `/emojivoto.v1.VotingService/${method}` });
  test('as upstream ships it, web-svc reaches voting-svc\'s v11 pods, with no route and no policy', () => {
    const r = upstream.request({ from: 'emojivoto/web', ...grpc('Results') });
    expect(r.outcome).toBe('routed');
    expect(r.route).toBeNull();
    expect(shares(r)).toStrictEqual([['emojivoto/voting-svc', 'v11', 100]]);
    expect(verdictOf(r)).toMatchObject({ verdict: 'allow', reason: 'the default policy all-unauthenticated admits web.emojivoto.serviceaccount.identity.linkerd.cluster.local' });
  });
  test('voting-svc is routed per method: Results retried within a timeout, a vote never retried', () => {
    const results = enforce.request({ from: 'emojivoto/web', ...grpc('Results') });
    expect(results.route).toMatchObject({ kind: 'GRPCRoute', namespace: 'emojivoto', name: 'voting-results', rule: 0 });
    expect(results.filters).toStrictEqual({ timeout: '2s', retries: { attempts: 2, perTryTimeout: '500ms', retryOn: 'unavailable,resource-exhausted' } });
    const vote = enforce.request({ from: 'emojivoto/web', ...grpc('VoteDoughnut') });
    expect(vote.route).toMatchObject({ kind: 'GRPCRoute', name: 'voting-votes' });
    expect(vote.filters).toStrictEqual({ timeout: '2s' });
  });
  test('only web-svc may call the gRPC services (MeshTLSAuthentication of its ServiceAccount, web)', () => {
    expect(verdictOf(enforce.request({ from: 'emojivoto/web', ...grpc('Results') }))).toMatchObject({
      verdict: 'allow', enforcedBy: 'linkerd', policy: { kind: 'AuthorizationPolicy', name: 'voting-svc-8080' }, peer: 'web.emojivoto.serviceaccount.identity.linkerd.cluster.local',
    });
    const refused = enforce.request({ from: 'emojivoto/emoji', ...grpc('Results') });
    expect(refused.outcome).toBe('denied');
    expect(refused.reason).toBe('linkerd refuses it: Server emojivoto/voting-svc-8080 (port 8080) has no authorization that admits emoji.emojivoto.serviceaccount.identity.linkerd.cluster.local');
  });
  test('the prom ports stay out of the gRPC routes and open to the metrics scrapers: no route or Server takes them', () => {
    const scrape = enforce.request({ from: 'emojivoto/emoji', host: 'voting-svc', port: 8801, path: '/metrics' });
    expect(scrape.reason).toBe('no route attaches to emojivoto/voting-svc:8801: the proxy balances over its pods');
    expect(verdictOf(scrape)).toMatchObject({ verdict: 'allow', reason: 'the default policy all-unauthenticated admits emoji.emojivoto.serviceaccount.identity.linkerd.cluster.local' });
  });
  test('in audit mode the same call passes, and the verdict says it is audited', () => {
    const audit = Mesh.fromApp(app, { files: ['emojivoto', 'authorization-audit'] });
    expect(verdictOf(audit.request({ from: 'emojivoto/emoji', ...grpc('Results') }))).toMatchObject({
      verdict: 'allow', reason: 'the accessPolicy audit of Server emojivoto/voting-svc-8080 audits: the request passes and is logged (emoji.emojivoto.serviceaccount.identity.linkerd.cluster.local)',
    });
  });
  test('web-svc admits callers of 10.0.0.0/8 only: whether a pod is there is not in the configuration', () => {
    expect(enforce.request({ from: 'emojivoto/voting', host: 'web-svc' }).outcome).toBe('undecided');
  });
  test('the canary\'s stages split emoji-svc; until one is applied the Service selects v11 alone', () => {
    const call = { from: 'emojivoto/web', host: 'emoji-svc', port: 8080, protocol: 'grpc' as const, path: '/emojivoto.v1.EmojiService/ListAll' };
    const stage = (file: string) => shares(Mesh.fromApp(app, { files: ['emojivoto', file] }).request(call));
    // the stable share to emoji-svc itself, which selects v11 alone
    expect(stage('emoji-canary.stage-10')).toStrictEqual([['emojivoto/emoji-svc', 'v11', 90], ['emojivoto/emoji-svc-v12', 'v12', 10]]);
    expect(stage('emoji-canary.stage-100')).toStrictEqual([['emojivoto/emoji-svc-v12', 'v12', 100]]);
    expect(upstream.request(call).outcome).toBe('routed');
  });
  test('egress: only api.github.com leaves the cluster', () => {
    expect(enforce.request({ from: 'emojivoto/web', host: 'api.github.com', protocol: 'tls', port: 443 }).outcome).toBe('routed');
    expect(enforce.request({ from: 'emojivoto/web', host: 'example.com', protocol: 'tls', port: 443 }).outcome).toBe('denied');
  });
});

describe('examples/linkerd-hello-world (Linkerd 2)', () => {
  const app = new MeshApp({ outdir: '/tmp/mesh-kit-linkerd-test' });
  const { world } = buildLinkerd2(app);
  buildLinkerd2Split(app, world);
  const mesh = Mesh.fromApp(app, { files: ['linkerd2/hello-world'] });
  test('x-world-version: v2 goes to world-v2; every other request to world-v1 with a 5s timeout', () => {
    expect(shares(mesh.request({ from: 'default/hello', host: 'world', headers: { 'x-world-version': 'v2' } }))).toStrictEqual([['default/world-v2', 'v2', 100]]);
    const r = mesh.request({ from: 'default/hello', host: 'world' });
    expect(shares(r)).toStrictEqual([['default/world-v1', 'v1', 100]]);
    expect(r.filters).toStrictEqual({ timeout: '5s' });
  });
  test('only hello may call world', () => {
    expect(verdictOf(mesh.request({ from: 'default/hello', host: 'world' }))).toMatchObject({ verdict: 'allow', policy: { name: 'world-7778' } });
    expect(mesh.request({ from: 'default/world-v1', host: 'world' }).outcome).toBe('denied');
  });
  test('the split stages move world by weight', () => {
    const stage = Mesh.fromApp(app, { files: ['linkerd2/hello-world', 'linkerd2-world-split.stage-50'] });
    expect(shares(stage.request({ from: 'default/hello', host: 'world' }))).toStrictEqual([['default/world', 'v1', 50], ['default/world-v2', 'v2', 50]]);
  });
});
