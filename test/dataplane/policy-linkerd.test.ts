import { authorizeCall, deployment, linkerd, namespace, service, verdictOf } from './builders';
import { Manifest } from '../../lib/render/model';

/**
 * Linkerd's inbound policy at a meshed pod (linkerd2 `policy-controller/k8s/index/src/inbound/`, the proxy's
 * `linkerd/app/inbound/src/policy/`): the callers are meshed `web` and `other` in `shop`, and `curl` in the unmeshed
 * `legacy`; the destination is `api` (Service port 80 → pod port 8080, named `http`).
 */
const inject = { 'linkerd.io/inject': 'enabled' };
const world = (apiAnnotations: Record<string, string> = {}, nsAnnotations: Record<string, string> = {}): Manifest[] => [
  namespace('shop', {}, { ...inject, ...nsAnnotations }),
  namespace('legacy'),
  deployment('shop', 'api', { app: 'api' }, { ports: [{ containerPort: 8080, name: 'http' }], annotations: apiAnnotations }),
  service('shop', 'api', { app: 'api' }, [{ port: 80, name: 'http', targetPort: 8080 }]),
  deployment('shop', 'web', { app: 'web' }),
  deployment('shop', 'other', { app: 'other' }),
  deployment('legacy', 'curl', { app: 'curl' }),
];
const server = (extra: object = {}, name = 'api-http') => linkerd('Server', 'shop', name, { podSelector: { matchLabels: { app: 'api' } }, port: 'http', proxyProtocol: 'HTTP/1', ...extra }, 'v1beta3');
const meshTls = (name: string, spec: object) => linkerd('MeshTLSAuthentication', 'shop', name, spec);
const policy = (name: string, targetRef: object, refs: object[]) => linkerd('AuthorizationPolicy', 'shop', name, { targetRef, requiredAuthenticationRefs: refs });
const onServer = (name = 'api-http') => ({ group: 'policy.linkerd.io', kind: 'Server', name });
const authn = (name: string) => ({ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name });
const call = (objects: Manifest[], from = 'shop/web', extra: { path?: string; method?: string } = {}) => authorizeCall(objects, { from, host: 'api.shop', ...extra });
const verdict = (objects: Manifest[], from = 'shop/web', extra: { path?: string; method?: string } = {}) => verdictOf(call(objects, from, extra))!;

describe('default inbound policy (no Server selects the port)', () => {
  test.each([
    ['all-unauthenticated', 'allow', 'allow'],
    ['all-authenticated', 'allow', 'deny'],
    ['cluster-authenticated', 'allow', 'deny'],
    ['cluster-unauthenticated', 'allow', 'allow'],
    ['deny', 'deny', 'deny'],
    ['audit', 'allow', 'allow'],
  ])('%s: a meshed caller %s, an unmeshed one %s', (policyName, meshed, unmeshed) => {
    const objects = world({ 'config.linkerd.io/default-inbound-policy': policyName });
    expect(verdict(objects).verdict).toBe(meshed);
    expect(verdict(objects, 'legacy/curl').verdict).toBe(unmeshed);
  });

  test('the cluster default is all-unauthenticated', () => {
    expect(verdict(world(), 'legacy/curl')).toStrictEqual({ verdict: 'allow', enforcedBy: 'linkerd', reason: 'the default policy all-unauthenticated admits an unauthenticated client', mtls: false });
  });
  test('a meshed caller is authenticated with its Linkerd identity', () => {
    expect(verdict(world({ 'config.linkerd.io/default-inbound-policy': 'all-authenticated' }))).toStrictEqual({
      verdict: 'allow',
      enforcedBy: 'linkerd',
      reason: 'the default policy all-authenticated admits web.shop.serviceaccount.identity.linkerd.cluster.local',
      mtls: true,
      peer: 'web.shop.serviceaccount.identity.linkerd.cluster.local',
    });
  });
  test('the namespace\'s annotation is inherited; the pod\'s wins', () => {
    expect(verdict(world({}, { 'config.linkerd.io/default-inbound-policy': 'deny' })).reason).toBe('no Server selects port 8080 of shop/api; the default policy is deny');
    expect(verdict(world({ 'config.linkerd.io/default-inbound-policy': 'all-unauthenticated' }, { 'config.linkerd.io/default-inbound-policy': 'deny' })).verdict).toBe('allow');
  });
  test('an unknown value falls back to the cluster default', () => {
    const r = call(world({ 'config.linkerd.io/default-inbound-policy': 'nobody' }), 'legacy/curl');
    expect(verdictOf(r)?.verdict).toBe('allow');
    expect(r.notes).toContain('config.linkerd.io/default-inbound-policy \'nobody\' is not a Linkerd default policy: the cluster\'s all-unauthenticated applies');
  });
  test('a port that requires identity turns an unauthenticated default into an authenticated one', () => {
    expect(verdict(world({ 'config.linkerd.io/proxy-require-identity-inbound-ports': '8080' }), 'legacy/curl').reason)
      .toBe('no Server selects port 8080 of shop/api; the default policy all-authenticated refuses a client without Linkerd\'s mutual TLS');
  });
  test('audit lets everything in and says so', () => {
    expect(verdict(world({ 'config.linkerd.io/default-inbound-policy': 'audit' }), 'legacy/curl').reason).toBe('the default policy audit audits: the request passes and is logged (an unauthenticated client)');
  });
});

describe('Server and its authorizations', () => {
  test('a Server with no authorization refuses every caller', () => {
    const r = call([...world(), server()]);
    expect(r.outcome).toBe('denied');
    expect(r.status).toBe(403);
    expect(verdictOf(r)).toStrictEqual({
      verdict: 'deny',
      enforcedBy: 'linkerd',
      policy: { kind: 'Server', namespace: 'shop', name: 'api-http' },
      reason: 'Server shop/api-http (port 8080) has no authorization that admits web.shop.serviceaccount.identity.linkerd.cluster.local',
      mtls: true,
      peer: 'web.shop.serviceaccount.identity.linkerd.cluster.local',
    });
  });
  test('its accessPolicy adds a default authorization (audit, all-unauthenticated)', () => {
    expect(verdict([...world(), server({ accessPolicy: 'audit' })], 'legacy/curl').verdict).toBe('allow');
    expect(verdict([...world(), server({ accessPolicy: 'cluster-authenticated' })], 'legacy/curl').verdict).toBe('deny');
  });
  test('a Server selects the port by number or by container port name; the oldest one wins', () => {
    expect(verdict([...world(), server({ port: 8080 })]).verdict).toBe('deny');
    expect(verdict([...world(), server({ port: 9090 })]).verdict).toBe('allow');
    expect(verdict([...world(), server({ accessPolicy: 'all-unauthenticated' }, 'a-first'), server({}, 'b-second')]).policy).toStrictEqual({ kind: 'Server', namespace: 'shop', name: 'a-first' });
  });

  describe('AuthorizationPolicy with MeshTLSAuthentication', () => {
    const allowWith = (spec: object) => [...world(), server(), meshTls('callers', spec), policy('api', onServer(), [authn('callers')])];
    test.each([
      [{ identities: ['web.shop.serviceaccount.identity.linkerd.cluster.local'] }, 'allow', 'deny'],
      [{ identityRefs: [{ kind: 'ServiceAccount', name: 'web' }] }, 'allow', 'deny'],
      [{ identityRefs: [{ kind: 'Namespace', name: 'shop' }] }, 'allow', 'allow'],
      [{ identities: ['*.shop.serviceaccount.identity.linkerd.cluster.local'] }, 'allow', 'allow'],
      [{ identities: ['*'] }, 'allow', 'allow'],
    ])('%j: web %s, other %s; an unmeshed caller never', (spec, web, other) => {
      expect(verdict(allowWith(spec)).verdict).toBe(web);
      expect(verdict(allowWith(spec), 'shop/other').verdict).toBe(other);
      expect(verdict(allowWith(spec), 'legacy/curl').verdict).toBe('deny');
    });
    test('the verdict names the AuthorizationPolicy', () => {
      expect(verdict(allowWith({ identityRefs: [{ kind: 'ServiceAccount', name: 'web' }] }))).toMatchObject({
        policy: { kind: 'AuthorizationPolicy', namespace: 'shop', name: 'api' }, reason: 'AuthorizationPolicy shop/api admits web.shop.serviceaccount.identity.linkerd.cluster.local',
      });
    });
    test('a policy on the Namespace applies to every Server of it', () => {
      expect(verdict([...world(), server(), meshTls('callers', { identities: ['*'] }), policy('ns', { kind: 'Namespace', name: 'shop' }, [authn('callers')])]).verdict).toBe('allow');
    });
    test('a ServiceAccount reference authenticates that account', () => {
      expect(verdict([...world(), server(), policy('sa', onServer(), [{ kind: 'ServiceAccount', name: 'other' }])], 'shop/other').verdict).toBe('allow');
    });
    test('a policy whose authentication does not exist is ignored', () => {
      const r = call([...world(), server(), policy('api', onServer(), [authn('missing')])]);
      expect(verdictOf(r)?.verdict).toBe('deny');
      expect(r.notes).toContain('AuthorizationPolicy shop/api is ignored: its MeshTLSAuthentication shop/missing does not exist');
    });
  });

  describe('NetworkAuthentication', () => {
    const withNetworks = (networks: object[]) => [...world(), server(),
      linkerd('NetworkAuthentication', 'shop', 'nets', { networks }), policy('api', onServer(), [{ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'nets' }])];
    test('every address: admits unauthenticated callers', () => {
      expect(verdict(withNetworks([{ cidr: '0.0.0.0/0' }]), 'legacy/curl').verdict).toBe('allow');
    });
    test('some pod addresses only: undecided (the caller\'s address is not in the configuration)', () => {
      const r = call(withNetworks([{ cidr: '10.0.0.0/8' }]), 'legacy/curl');
      expect(r.outcome).toBe('undecided');
      expect(verdictOf(r)?.reason).toBe('AuthorizationPolicy shop/api admits only some addresses (10.0.0.0/8), and the caller\'s address is not in the configuration');
    });
    test('no pod address: refused', () => {
      expect(verdict(withNetworks([{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16'] }]), 'legacy/curl').verdict).toBe('deny');
    });
  });

  describe('ServerAuthorization (policy.linkerd.io/v1beta1)', () => {
    const saz = (spec: object) => linkerd('ServerAuthorization', 'shop', 'api', spec, 'v1beta1');
    test('meshTLS serviceAccounts', () => {
      const objects = [...world(), server(), saz({ server: { name: 'api-http' }, client: { meshTLS: { serviceAccounts: [{ name: 'web' }] } } })];
      expect(verdict(objects)).toMatchObject({ verdict: 'allow', policy: { kind: 'ServerAuthorization', name: 'api' } });
      expect(verdict(objects, 'shop/other').verdict).toBe('deny');
    });
    test('unauthenticated clients of the cluster networks (no networks given), the Server chosen by label', () => {
      const labelled = linkerd('Server', 'shop', 'api-http', { podSelector: { matchLabels: { app: 'api' } }, port: 8080 }, 'v1beta3');
      (labelled.metadata as { labels?: Record<string, string> }).labels = { tier: 'api' };
      expect(verdict([...world(), labelled, saz({ server: { selector: { matchLabels: { tier: 'api' } } }, client: { unauthenticated: true } })], 'legacy/curl').verdict).toBe('allow');
    });
    test('meshTLS unauthenticatedTLS admits any meshed client', () => {
      expect(verdict([...world(), server(), saz({ server: { name: 'api-http' }, client: { meshTLS: { unauthenticatedTLS: true } } })], 'shop/other').verdict).toBe('allow');
    });
  });
});

describe('route-level authorization (inbound HTTPRoutes on a Server)', () => {
  const routes = [
    linkerd('HTTPRoute', 'shop', 'api-read', { parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/read' }, method: 'GET' }] }] }, 'v1beta3'),
    linkerd('HTTPRoute', 'shop', 'api-admin', { parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/admin' } }] }] }, 'v1beta3'),
  ];
  const objects = [...world(), server(), ...routes, meshTls('everyone', { identities: ['*'] }), meshTls('web', { identityRefs: [{ kind: 'ServiceAccount', name: 'web' }] }),
    policy('read', { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'api-read' }, [authn('everyone')]),
    policy('admin', { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'api-admin' }, [authn('web')])];
  test('each route admits the callers of its own policies', () => {
    expect(verdict(objects, 'shop/other', { path: '/read/1' })).toMatchObject({ verdict: 'allow', policy: { name: 'read' } });
    expect(verdict(objects, 'shop/other', { path: '/admin/x' })).toMatchObject({
      verdict: 'deny',
      policy: { kind: 'HTTPRoute', name: 'api-admin' },
      reason: 'neither HTTPRoute shop/api-admin nor its Server api-http has an authorization that admits other.shop.serviceaccount.identity.linkerd.cluster.local',
    });
    expect(verdict(objects, 'shop/web', { path: '/admin/x' }).verdict).toBe('allow');
  });
  test('a request no inbound route matches: 404', () => {
    const r = call(objects, 'shop/web', { path: '/read/1', method: 'POST' });
    expect(r.outcome).toBe('no-route');
    expect(r.status).toBe(404);
    expect(r.reason).toBe('no inbound route of Server shop/api-http (api-read, api-admin) matches the request: 404');
  });
  test('the Server\'s own authorizations apply on every route', () => {
    expect(verdict([...objects, policy('server', onServer(), [authn('everyone')])], 'shop/other', { path: '/admin/x' })).toMatchObject({ verdict: 'allow', policy: { name: 'server' } });
  });
});

describe('an Istio or unmeshed caller has no Linkerd identity', () => {
  test('an Istio sidecar sends plaintext to a Linkerd pod', () => {
    const objects = [...world({ 'config.linkerd.io/default-inbound-policy': 'all-authenticated' }), namespace('istio', { 'istio-injection': 'enabled' }), deployment('istio', 'client', { app: 'client' })];
    expect(verdict(objects, 'istio/client')).toMatchObject({ verdict: 'deny', mtls: false });
  });
});
