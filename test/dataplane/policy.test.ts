import * as path from 'path';
import { authorizationPolicy, authorizeCall, authorizeFromGateway, deployment, destinationRule, gatewayApi, namespace, object, peerAuthentication, service, verdictOf } from './builders';
import { AuthorizedClient, Mesh, MeshApp, MeshChart, MeshNamespace, MeshProvider, MeshService, PeerAuthentication, ServiceAuthorization } from '../../lib';
import { traceText } from '../../lib/cli/trace-command';
import { gatewayWorkloads } from '../../lib/dataplane/mesh';
import { authorize } from '../../lib/dataplane/policy';
import { addressInBlocks, parseBlock } from '../../lib/dataplane/policy/address';
import { istioStringMatch, normalizePath, pathMatch } from '../../lib/dataplane/policy/istio-rules';
import { all, any, valuesAndNot } from '../../lib/dataplane/policy/tri';
import { normalizeRequest } from '../../lib/dataplane/request';
import { nothingRouted } from '../../lib/dataplane/result';
import { World } from '../../lib/dataplane/world';
import { Manifest } from '../../lib/render/model';
import { HAS_SHARED, SHARED_DIR, describeWithShared, loadObjects } from '../support/shared';

/**
 * Istio's authorization as a sidecar enforces it: AuthorizationPolicy (istio/istio
 * `pilot/pkg/security/authz/builder/`, `model/`; the cases follow the inputs of `builder/testdata/http/*-in.yaml`)
 * and PeerAuthentication (`pilot/pkg/security/authn/policy_applier.go`). The calls come from a meshed `sleep` in
 * `foo` or `bar`, or an unmeshed one in `legacy`, to `httpbin` in `foo` (Service port 8000 → pod port 80).
 */
const base: Manifest[] = [
  namespace('foo', { 'istio-injection': 'enabled' }),
  namespace('bar', { 'istio-injection': 'enabled' }),
  namespace('legacy'),
  deployment('foo', 'httpbin', { app: 'httpbin', version: 'v1' }, { ports: [{ containerPort: 80, name: 'http' }] }),
  service('foo', 'httpbin', { app: 'httpbin' }, [{ port: 8000, name: 'http', targetPort: 80 }]),
  deployment('foo', 'tcp-echo', { app: 'tcp-echo' }, { ports: [{ containerPort: 9000 }] }),
  service('foo', 'tcp-echo', { app: 'tcp-echo' }, [{ port: 9000, name: 'tcp' }]),
  deployment('foo', 'sleep', { app: 'sleep' }),
  deployment('bar', 'sleep', { app: 'sleep' }),
  deployment('legacy', 'sleep', { app: 'sleep' }),
];
const sel = { matchLabels: { app: 'httpbin' } };
const call = (objects: Manifest[], request: { from?: string; path?: string; method?: string; headers?: Record<string, string>; host?: string; protocol?: 'tcp' | 'http'; port?: number }) =>
  authorizeCall([...base, ...objects], { from: request.from ?? 'foo/sleep', host: request.host ?? 'httpbin.foo', ...request });
const verdict = (objects: Manifest[], request: Parameters<typeof call>[1] = {}) => verdictOf(call(objects, request))!;

describe('three-valued matching and addresses', () => {
  test('all / any / values and notValues', () => {
    expect(all(['yes', 'unknown'])).toBe('unknown');
    expect(all(['unknown', 'no'])).toBe('no');
    expect(any(['no', 'unknown'])).toBe('unknown');
    expect(any(['unknown', 'yes'])).toBe('yes');
    expect(valuesAndNot(['a'], ['b'], v => (v === 'a' ? 'yes' : 'no'))).toBe('yes');
    expect(valuesAndNot([], ['a'], v => (v === 'a' ? 'yes' : 'no'))).toBe('no');
  });

  test('a pod address is somewhere in the cluster networks; only a block covering all of them (or none) decides', () => {
    expect(addressInBlocks(['0.0.0.0/0'], 'pod')).toBe('yes');
    expect(addressInBlocks(['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16'], 'pod')).toBe('yes');
    expect(addressInBlocks(['10.0.0.0/8'], 'pod')).toBe('unknown');
    expect(addressInBlocks(['8.8.8.8/32'], 'pod')).toBe('no');
    expect(addressInBlocks(['192.168.10.15'], 'external')).toBe('unknown');
    expect(addressInBlocks(['not-an-ip'], 'pod')).toBe('no');
    expect(parseBlock('10.1.2.3/8')).toStrictEqual({ v6: false, start: 10 * 2 ** 24, bits: 8 });
  });

  test('Istio string, path and template matches (matcher/string.go, template.go)', () => {
    expect(istioStringMatch('*', '')).toBe(false);
    expect(istioStringMatch('/prefix/*', '/prefix/a/b')).toBe(true);
    expect(istioStringMatch('*/suffix', '/a/suffix')).toBe(true);
    expect(istioStringMatch('/exact', '/exact/')).toBe(false);
    expect(pathMatch('/path/template/{*}', '/path/template/x')).toBe(true);
    expect(pathMatch('/path/template/{*}', '/path/template/x/y')).toBe(false);
    expect(pathMatch('/{**}/path/template', '/a/b/path/template')).toBe(true);
    expect(pathMatch('/{**}/path/template', '/path/template')).toBe(false);
    expect(normalizePath('/a/./b/../c')).toBe('/a/c');
  });
});

describe('AuthorizationPolicy at a sidecar', () => {
  test('no policy: allowed, over mutual TLS with the caller\'s identity', () => {
    expect(verdict([])).toStrictEqual({ verdict: 'allow', enforcedBy: 'istio-sidecar', reason: 'no AuthorizationPolicy applies', mtls: true, peer: 'cluster.local/ns/foo/sa/sleep' });
  });

  describe('empty rules (builder testdata allow-nil-rule, allow-empty-rule, deny-empty-rule)', () => {
    test('ALLOW with no rules allows nothing', () => {
      const r = call([authorizationPolicy('foo', 'allow-none', { selector: sel })], {});
      expect(r.outcome).toBe('denied');
      expect(r.status).toBe(403);
      expect(r.reason).toBe('istio-sidecar refuses it: ALLOW policy foo/allow-none applies and does not match');
      expect(verdictOf(r)?.policy).toStrictEqual({ kind: 'AuthorizationPolicy', namespace: 'foo', name: 'allow-none' });
    });
    test('ALLOW with rules [{}] allows everything', () => {
      expect(verdict([authorizationPolicy('foo', 'allow-all', { selector: sel, rules: [{}] })]).reason).toBe('ALLOW policy foo/allow-all rule 0 matches');
    });
    test('DENY with rules [{}] denies everything', () => {
      expect(verdict([authorizationPolicy('foo', 'deny-all', { action: 'DENY', selector: sel, rules: [{}] })]).reason).toBe('DENY policy foo/deny-all rule 0 matches');
    });
    test('DENY with no rules denies nothing', () => {
      expect(verdict([authorizationPolicy('foo', 'deny-none', { action: 'DENY', selector: sel })])).toMatchObject({ verdict: 'allow', reason: 'no DENY policy matches and no ALLOW policy applies' });
    });
  });

  describe('actions in order: CUSTOM, DENY, ALLOW; AUDIT never decides', () => {
    const allowGet = authorizationPolicy('foo', 'allow-get', { selector: sel, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] });
    const denyAdmin = authorizationPolicy('foo', 'deny-admin', { action: 'DENY', selector: sel, rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] });
    test('DENY wins over a matching ALLOW', () => {
      expect(verdict([allowGet, denyAdmin], { path: '/admin/x' })).toMatchObject({ verdict: 'deny', policy: { name: 'deny-admin', rule: 0 } });
    });
    test('an ALLOW that matches allows when no DENY matches', () => {
      expect(verdict([allowGet, denyAdmin], { path: '/ip' })).toMatchObject({ verdict: 'allow', policy: { name: 'allow-get', rule: 0 } });
    });
    test('ALLOW policies that do not match deny', () => {
      expect(verdict([allowGet], { method: 'POST' }).verdict).toBe('deny');
    });
    test('AUDIT is ignored for the verdict', () => {
      expect(verdict([authorizationPolicy('foo', 'audit', { action: 'AUDIT', selector: sel, rules: [{}] })])).toMatchObject({ verdict: 'allow', reason: 'no ALLOW or DENY policy applies' });
    });
    test('a matching CUSTOM policy hands the request to its provider: undecided', () => {
      const custom = authorizationPolicy('foo', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, selector: sel, rules: [{ to: [{ operation: { paths: ['/httpbin1'] } }] }] });
      const r = call([custom], { path: '/httpbin1' });
      expect(r.outcome).toBe('undecided');
      expect(r.status).toBeUndefined();
      expect(verdictOf(r)?.reason).toBe('CUSTOM policy foo/ext rule 0 matches: the external authorizer \'opa\' decides, which the model cannot run');
      expect(verdict([custom], { path: '/other' }).verdict).toBe('allow');
    });
    test('mesh-kit trace draws an undecided share as such', () => {
      const custom = authorizationPolicy('foo', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, selector: sel, rules: [{}] });
      expect(traceText({ from: 'foo/sleep', host: 'httpbin.foo' }, call([custom], {})))
        .toContain('? undecided by istio-sidecar: CUSTOM policy foo/ext rule 0 matches: the external authorizer \'opa\' decides, which the model cannot run');
    });
    test('a CUSTOM match is still denied when a DENY policy matches or the ALLOW policies refuse', () => {
      const custom = authorizationPolicy('foo', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, selector: sel, rules: [{}] });
      expect(verdict([custom, denyAdmin], { path: '/admin' }).verdict).toBe('deny');
      expect(verdict([custom, allowGet], { method: 'POST' }).verdict).toBe('deny');
    });
    test('a CUSTOM provider MeshConfig does not declare: istiod denies what the policy matches', () => {
      const mesh = object('v1', 'ConfigMap', 'istio-system', 'istio', undefined);
      (mesh as unknown as { data: unknown }).data = { mesh: 'extensionProviders:\n- name: other\n' };
      const custom = authorizationPolicy('foo', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, selector: sel, rules: [{}] });
      expect(verdict([mesh, custom]).reason).toBe('CUSTOM policy foo/ext rule 0 matches and its provider \'opa\' is not among MeshConfig\'s extensionProviders: istiod denies what it matches');
    });
    test('a dry-run policy is not enforced', () => {
      const r = call([authorizationPolicy('foo', 'deny-all', { action: 'DENY', selector: sel, rules: [{}] }, { 'istio.io/dry-run': 'true' })], {});
      expect(verdictOf(r)?.verdict).toBe('allow');
      expect(r.notes).toContain('AuthorizationPolicy foo/deny-all is a dry run (istio.io/dry-run): it is logged, not enforced');
    });
  });

  describe('scope', () => {
    const denyAll = { action: 'DENY', rules: [{}] };
    test('a selector that does not select the workload does not apply', () => {
      expect(verdict([authorizationPolicy('foo', 'p', { ...denyAll, selector: { matchLabels: { app: 'other' } } })]).verdict).toBe('allow');
    });
    test('a policy without selector applies to its namespace only', () => {
      expect(verdict([authorizationPolicy('foo', 'p', denyAll)]).verdict).toBe('deny');
      expect(verdict([authorizationPolicy('bar', 'p', denyAll)]).verdict).toBe('allow');
    });
    test('the root namespace\'s policies apply mesh-wide', () => {
      expect(verdict([authorizationPolicy('istio-system', 'p', denyAll)])).toMatchObject({ verdict: 'deny', policy: { namespace: 'istio-system', name: 'p' } });
    });
    test('a sidecar ignores policies with targetRefs', () => {
      expect(verdict([authorizationPolicy('foo', 'p', { ...denyAll, targetRefs: [{ kind: 'Service', group: '', name: 'httpbin' }] })]).verdict).toBe('allow');
    });
  });

  describe('from', () => {
    const allow = (source: unknown) => authorizationPolicy('foo', 'p', { selector: sel, rules: [{ from: [{ source }] }] });
    test.each([
      [{ principals: ['cluster.local/ns/foo/sa/sleep'] }, 'foo/sleep', 'allow'],
      [{ principals: ['cluster.local/ns/foo/sa/sleep'] }, 'bar/sleep', 'deny'],
      [{ principals: ['*/sa/sleep'] }, 'bar/sleep', 'allow'],
      [{ principals: ['cluster.local/ns/bar/*'] }, 'bar/sleep', 'allow'],
      [{ principals: ['*'] }, 'bar/sleep', 'allow'],
      [{ notPrincipals: ['cluster.local/ns/bar/sa/sleep'] }, 'bar/sleep', 'deny'],
      [{ namespaces: ['bar'] }, 'bar/sleep', 'allow'],
      [{ namespaces: ['ba*'] }, 'bar/sleep', 'allow'],
      [{ notNamespaces: ['bar'] }, 'bar/sleep', 'deny'],
      [{ serviceAccounts: ['bar/sleep'] }, 'bar/sleep', 'allow'],
      [{ serviceAccounts: ['sleep'] }, 'bar/sleep', 'deny'],
      [{ trustDomains: ['cluster.local'] }, 'foo/sleep', 'allow'],
      [{ ipBlocks: ['0.0.0.0/0'] }, 'foo/sleep', 'allow'],
      [{ ipBlocks: ['10.0.0.0/8'] }, 'foo/sleep', 'undecided'],
      [{ notIpBlocks: ['8.8.8.8'] }, 'foo/sleep', 'allow'],
      [{ requestPrincipals: ['*'] }, 'foo/sleep', 'deny'],
    ])('%j from %s: %s', (source, from, expected) => {
      expect(verdict([allow(source)], { from }).verdict).toBe(expected);
    });

    test('principals need mutual TLS: a plaintext caller (PERMISSIVE) has no identity', () => {
      expect(verdict([allow({ principals: ['*'] })], { from: 'legacy/sleep' })).toMatchObject({ verdict: 'deny', mtls: false });
      expect(verdict([allow({ notPrincipals: ['cluster.local/ns/foo/sa/sleep'] })], { from: 'legacy/sleep' }).verdict).toBe('allow');
    });
    test('an undecided address says why', () => {
      expect(verdict([allow({ ipBlocks: ['10.0.0.0/8'] })]).reason)
        .toBe('whether ALLOW policy matches is undecided: foo/p rule 0: it depends on the caller\'s address in 10.0.0.0/8, which the configuration does not say');
    });
  });

  describe('to', () => {
    const allow = (operation: unknown) => authorizationPolicy('foo', 'p', { selector: sel, rules: [{ to: [{ operation }] }] });
    test.each([
      [{ methods: ['GET'] }, {}, 'allow'],
      [{ methods: ['GET'] }, { method: 'DELETE' }, 'deny'],
      [{ notMethods: ['DELETE'] }, { method: 'DELETE' }, 'deny'],
      [{ paths: ['/exact'] }, { path: '/exact?x=1' }, 'allow'],
      [{ paths: ['/prefix/*'] }, { path: '/prefix/a' }, 'allow'],
      [{ paths: ['*/suffix'] }, { path: '/a/suffix' }, 'allow'],
      [{ paths: ['/path/template/{*}'] }, { path: '/path/template/a' }, 'allow'],
      [{ paths: ['/{**}/path/template'] }, { path: '/a/b/path/template' }, 'allow'],
      [{ notPaths: ['/private*'] }, { path: '/private/x' }, 'deny'],
      [{ hosts: ['httpbin.foo'] }, {}, 'allow'],
      [{ hosts: ['HTTPBIN.*'] }, {}, 'allow'],
      [{ hosts: ['other.foo'] }, {}, 'deny'],
      [{ ports: ['80'] }, {}, 'allow'],
      [{ ports: ['8000'] }, {}, 'deny'],
    ])('%j for %j: %s', (operation, request, expected) => {
      expect(verdict([allow(operation)], request).verdict).toBe(expected);
    });
  });

  describe('when', () => {
    const allow = (when: unknown) => authorizationPolicy('foo', 'p', { selector: sel, rules: [{ when: [when] }] });
    test.each([
      [{ key: 'request.headers[x-token]', values: ['admin'] }, { headers: { 'X-Token': 'admin' } }, 'allow'],
      [{ key: 'request.headers[x-token]', values: ['*'] }, {}, 'deny'],
      [{ key: 'request.headers[x-token]', notValues: ['guest'] }, { headers: { 'x-token': 'guest' } }, 'deny'],
      [{ key: 'source.namespace', values: ['foo'] }, {}, 'allow'],
      [{ key: 'source.principal', values: ['cluster.local/ns/bar/sa/sleep'] }, {}, 'deny'],
      [{ key: 'destination.port', values: ['80'] }, {}, 'allow'],
      [{ key: 'unknown.attribute', values: ['x'] }, {}, 'deny'],
    ])('%j for %j: %s', (when, request, expected) => {
      expect(verdict([allow(when)], request).verdict).toBe(expected);
    });
  });

  describe('on a TCP port (builder testdata tcp/)', () => {
    test('an ALLOW rule with an HTTP field matches nothing', () => {
      const r = call([authorizationPolicy('foo', 'p', { selector: { matchLabels: { app: 'tcp-echo' } }, rules: [{ to: [{ operation: { methods: ['GET'], ports: ['9000'] } }] }] })],
        { host: 'tcp-echo', protocol: 'tcp' });
      expect(r.outcome).toBe('denied');
      expect(r.status).toBeUndefined();
      expect(r.notes).toContain('AuthorizationPolicy foo/p: rule 0: on a TCP connection its HTTP fields (methods) make the ALLOW rule match nothing');
    });
    test('a DENY rule ignores its HTTP fields, so it matches more', () => {
      expect(verdictOf(call([authorizationPolicy('foo', 'p', { action: 'DENY', selector: { matchLabels: { app: 'tcp-echo' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })],
        { host: 'tcp-echo', protocol: 'tcp' }))?.verdict).toBe('deny');
    });
    test('an HTTP request to a port named tcp is TCP to the sidecar', () => {
      expect(verdictOf(call([authorizationPolicy('foo', 'p', { selector: { matchLabels: { app: 'tcp-echo' } }, rules: [{ to: [{ operation: { paths: ['/'] } }] }] })],
        { host: 'tcp-echo' }))?.verdict).toBe('deny');
    });
  });

  describe('request principals (RequestAuthentication)', () => {
    const token = (claims: object) => `x.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
    const ra = object('security.istio.io/v1', 'RequestAuthentication', 'foo', 'jwt', { selector: sel, jwtRules: [{ issuer: 'testing@secure.istio.io' }] });
    const allowJwt = authorizationPolicy('foo', 'p', { selector: sel, rules: [{ from: [{ source: { requestPrincipals: ['testing@secure.istio.io/testing@secure.istio.io'] } }] }] });
    test('a token of a known issuer gives the request principal (its signature taken as valid)', () => {
      const r = call([ra, allowJwt], { headers: { authorization: `Bearer ${token({ iss: 'testing@secure.istio.io', sub: 'testing@secure.istio.io' })}` } });
      expect(verdictOf(r)?.verdict).toBe('allow');
      expect(r.notes).toContain('the JWT of issuer \'testing@secure.istio.io\' is taken as valid (RequestAuthentication foo/jwt): the model does not check signatures');
    });
    test('no token: no request principal', () => {
      expect(verdict([ra, allowJwt]).verdict).toBe('deny');
    });
    test('a token of an unknown issuer is refused with 401', () => {
      const r = call([ra], { headers: { authorization: `Bearer ${token({ iss: 'other', sub: 'x' })}` } });
      expect(r.status).toBe(401);
      expect(verdictOf(r)?.reason).toBe('RequestAuthentication foo/jwt: no jwtRules issuer of foo/jwt is \'other\': the token is refused (401)');
    });
    test('claims in when conditions', () => {
      const p = authorizationPolicy('foo', 'p', { selector: sel, rules: [{ when: [{ key: 'request.auth.claims[groups]', values: ['group1'] }] }] });
      const h = (groups: string[]) => ({ authorization: `Bearer ${token({ iss: 'testing@secure.istio.io', sub: 's', groups })}` });
      expect(verdict([ra, p], { headers: h(['group1', 'group2']) }).verdict).toBe('allow');
      expect(verdict([ra, p], { headers: h(['group2']) }).verdict).toBe('deny');
    });
  });
});

describe('PeerAuthentication and the caller\'s mutual TLS', () => {
  const strict = (ns: string, name = 'default', extra: object = {}) => peerAuthentication(ns, name, { mtls: { mode: 'STRICT' }, ...extra });
  test('STRICT refuses a caller without a proxy (plaintext)', () => {
    const r = call([strict('foo')], { from: 'legacy/sleep' });
    expect(r.outcome).toBe('denied');
    expect(verdictOf(r)).toStrictEqual({
      verdict: 'deny',
      enforcedBy: 'istio-sidecar',
      policy: { kind: 'PeerAuthentication', namespace: 'foo', name: 'default' },
      reason: 'PeerAuthentication foo/default (namespace-wide, STRICT) refuses plaintext from a caller without a mesh proxy',
      mtls: false,
    });
  });
  test('STRICT admits a meshed caller (auto mutual TLS)', () => {
    expect(verdict([strict('foo')])).toMatchObject({ verdict: 'allow', mtls: true });
  });
  test('PERMISSIVE (and no policy at all) admits plaintext', () => {
    expect(verdict([peerAuthentication('foo', 'default', { mtls: { mode: 'PERMISSIVE' } })], { from: 'legacy/sleep' })).toMatchObject({ verdict: 'allow', mtls: false });
    expect(verdict([], { from: 'legacy/sleep' })).toMatchObject({ verdict: 'allow', mtls: false });
  });
  test('DISABLE: the meshed caller sends plaintext too (auto mutual TLS follows the server)', () => {
    expect(verdict([peerAuthentication('foo', 'default', { mtls: { mode: 'DISABLE' } })])).toMatchObject({ verdict: 'allow', mtls: false });
  });
  test('mesh-wide STRICT (root namespace), overridden by the namespace, overridden by the workload', () => {
    expect(verdict([strict('istio-system')], { from: 'legacy/sleep' }).reason).toBe('PeerAuthentication istio-system/default (mesh-wide, STRICT) refuses plaintext from a caller without a mesh proxy');
    expect(verdict([strict('istio-system'), peerAuthentication('foo', 'default', { mtls: { mode: 'PERMISSIVE' } })], { from: 'legacy/sleep' }).verdict).toBe('allow');
    expect(verdict([peerAuthentication('foo', 'default', { mtls: { mode: 'PERMISSIVE' } }), strict('foo', 'httpbin', { selector: sel })], { from: 'legacy/sleep' }).reason)
      .toBe('PeerAuthentication foo/httpbin (workload, STRICT) refuses plaintext from a caller without a mesh proxy');
  });
  test('an UNSET mode inherits; the oldest namespace policy wins', () => {
    expect(verdict([strict('foo'), peerAuthentication('foo', 'unset', { selector: sel })], { from: 'legacy/sleep' }).verdict).toBe('deny');
    expect(verdict([peerAuthentication('foo', 'a', { mtls: { mode: 'PERMISSIVE' } }), strict('foo', 'b')], { from: 'legacy/sleep' }).verdict).toBe('allow');
  });
  test('portLevelMtls of the workload policy decides its (pod) ports', () => {
    const pa = strict('foo', 'httpbin', { selector: sel, portLevelMtls: { 80: { mode: 'PERMISSIVE' } } });
    expect(verdict([pa], { from: 'legacy/sleep' }).verdict).toBe('allow');
    const pa2 = peerAuthentication('foo', 'httpbin', { selector: sel, mtls: { mode: 'PERMISSIVE' }, portLevelMtls: { 80: { mode: 'STRICT' } } });
    expect(verdict([pa2], { from: 'legacy/sleep' }).reason).toBe('PeerAuthentication foo/httpbin (port level, STRICT) refuses plaintext from a caller without a mesh proxy');
  });
  test('a DestinationRule with tls DISABLE makes the caller send plaintext: STRICT refuses it', () => {
    const r = call([strict('foo'), destinationRule('foo', 'httpbin', { host: 'httpbin', trafficPolicy: { tls: { mode: 'DISABLE' } } })], {});
    expect(verdictOf(r)?.verdict).toBe('deny');
    expect(r.notes).toContain('DestinationRule foo/httpbin sets tls.mode DISABLE: the caller sends plaintext');
  });
  test('ISTIO_MUTUAL towards a DISABLE port: the handshake fails (503), not an authorization', () => {
    const r = call([peerAuthentication('foo', 'default', { mtls: { mode: 'DISABLE' } }), destinationRule('bar', 'httpbin', { host: 'httpbin.foo.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })],
      { from: 'bar/sleep' });
    expect(r.outcome).toBe('unavailable');
    expect(r.status).toBe(503);
    expect(r.reason).toBe('DestinationRule bar/httpbin sets tls.mode ISTIO_MUTUAL but PeerAuthentication foo/default (namespace-wide, DISABLE) makes foo/httpbin accept plaintext only: the TLS handshake fails');
  });
});

describe('a share whose pods answer differently is split by their pods', () => {
  test('v1 under STRICT, v2 not: half the plaintext requests are refused', () => {
    const r = authorizeCall([
      namespace('foo', { 'istio-injection': 'enabled' }), namespace('legacy'),
      deployment('foo', 'httpbin-v1', { app: 'httpbin', version: 'v1' }), deployment('foo', 'httpbin-v2', { app: 'httpbin', version: 'v1', x: 'y' }),
      service('foo', 'httpbin', { app: 'httpbin' }, [{ port: 80 }]), deployment('legacy', 'sleep', { app: 'sleep' }),
      peerAuthentication('foo', 'v2', { selector: { matchLabels: { x: 'y' } }, mtls: { mode: 'STRICT' } }),
    ], { from: 'legacy/sleep', host: 'httpbin.foo' });
    expect(r.outcome).toBe('routed');
    expect(r.destinations.map(d => [d.workloads, d.weight, d.authorization?.verdict])).toStrictEqual([[['foo/httpbin-v1'], 50, 'allow'], [['foo/httpbin-v2'], 50, 'deny']]);
    expect(r.notes).toContain('50% of requests are refused: PeerAuthentication foo/v2 (workload, STRICT) refuses plaintext from a caller without a mesh proxy');
  });
});

describe('at an Istio gateway', () => {
  const ingress = [
    namespace('istio-system'),
    deployment('istio-system', 'istio-ingressgateway', { istio: 'ingressgateway', app: 'istio-ingressgateway' }, { sa: 'istio-ingressgateway-service-account' }),
    object('networking.istio.io/v1', 'Gateway', 'foo', 'web', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }),
  ];
  const fromGateway = (objects: Manifest[], request: { path?: string; headers?: Record<string, string> } = {}, gateway = 'foo/web') =>
    authorizeFromGateway([...base, ...objects], { gateway, host: 'httpbin.example.com', ...request }, { service: 'foo/httpbin', port: 8000 });
  test('the gateway enforces the policies selecting its pods, before routing', () => {
    const deny = authorizationPolicy('istio-system', 'no-admin', { action: 'DENY', selector: { matchLabels: { istio: 'ingressgateway' } }, rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] });
    const r = fromGateway([...ingress, deny], { path: '/admin' });
    expect(r.outcome).toBe('denied');
    expect(r.status).toBe(403);
    expect(r.reason).toBe('istio-gateway refuses it: DENY policy istio-system/no-admin rule 0 matches');
    expect(verdictOf(r)).toMatchObject({ enforcedBy: 'istio-gateway', mtls: false });
    expect(fromGateway([...ingress, deny], { path: '/ip' }).outcome).toBe('routed');
  });
  test('the client\'s address (remoteIpBlocks, authz-ingress) is not in the configuration: undecided', () => {
    const allow = authorizationPolicy('istio-system', 'ingress-policy', { selector: { matchLabels: { app: 'istio-ingressgateway' } }, rules: [{ from: [{ source: { remoteIpBlocks: ['192.168.10.15'] } }] }] });
    expect(fromGateway([...ingress, allow]).outcome).toBe('undecided');
  });
  test('the pods see the gateway\'s identity, and the check says what met the request', () => {
    const allow = authorizationPolicy('foo', 'from-ingress', { selector: sel, rules: [{ from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }] }] });
    const a = verdictOf(fromGateway([...ingress, allow]))!;
    expect(a).toMatchObject({ verdict: 'allow', enforcedBy: 'istio-sidecar', peer: 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account' });
    expect(a.checks?.map(c => [c.enforcedBy, c.verdict])).toStrictEqual([['istio-gateway', 'allow'], ['istio-sidecar', 'allow']]);
  });
  test('a gateway without pods in the configuration: Istio\'s default ingress gateway, said in a note', () => {
    const r = fromGateway([ingress[2], authorizationPolicy('foo', 'p', { selector: sel, rules: [{ from: [{ source: { namespaces: ['istio-system'] } }] }] })]);
    expect(verdictOf(r)?.verdict).toBe('allow');
    expect(r.notes).toContain('no pods of Gateway foo/web are in the configuration: taken as Istio\'s default istio-ingressgateway (istio-system, ServiceAccount istio-ingressgateway-service-account)');
  });
  test('a Gateway API gateway of class istio: policies whose targetRefs name it; the pods see <name>-istio', () => {
    const gw = gatewayApi('Gateway', 'foo', 'public', { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] });
    const atGateway = authorizationPolicy('foo', 'gw', { action: 'DENY', targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' }], rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] });
    const r = authorizeFromGateway([...base, gw, atGateway], { gateway: 'foo/public', host: 'x', method: 'DELETE' }, { service: 'foo/httpbin', port: 8000 });
    expect(r.reason).toBe('istio-gateway refuses it: DENY policy foo/gw rule 0 matches');
    const ok = authorizeFromGateway([...base, gw, atGateway], { gateway: 'foo/public', host: 'x' }, { service: 'foo/httpbin', port: 8000 });
    expect(verdictOf(ok)?.peer).toBe('cluster.local/ns/foo/sa/public-istio');
  });
});

describe('a gateway refuses before it routes', () => {
  test('a request without a route is refused (403), not answered 404, when the gateway\'s policy denies it', () => {
    const objects = [...base, namespace('istio-system'),
      deployment('istio-system', 'istio-ingressgateway', { istio: 'ingressgateway' }, { sa: 'istio-ingressgateway-service-account' }),
      object('networking.istio.io/v1', 'Gateway', 'foo', 'web', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }),
      authorizationPolicy('istio-system', 'deny-all', { action: 'DENY', selector: { matchLabels: { istio: 'ingressgateway' } }, rules: [{}] })];
    const world = new World(objects);
    const req = normalizeRequest(world, { gateway: 'foo/web', host: 'nowhere.example.com' });
    const gateway = world.get('networking.istio.io', 'Gateway', 'foo', 'web')!;
    const listener = { kind: 'Gateway', namespace: 'foo', name: 'web', port: 80, protocol: 'HTTP', hostnames: ['*'] };
    const result = nothingRouted('istio-gateway', 'no-route', 'no virtual host for nowhere.example.com', { status: 404, listener });
    const r = authorize(world, { kind: 'gateway', gateway, workloads: gatewayWorkloads(world, gateway) }, result, req);
    expect(r).toMatchObject({ outcome: 'denied', status: 403, reason: 'at the gateway: DENY policy istio-system/deny-all rule 0 matches' });
    expect(r.notes).toContain('without it: no virtual host for nowhere.example.com');
  });
});

describe('ServiceAuthorization under Istio, through Mesh.fromApp', () => {
  const app = new MeshApp({ outdir: '/tmp/mesh-kit-policy-test' });
  const chart = new MeshChart(app, 'shop', { mesh: MeshProvider.ISTIO });
  const ns = new MeshNamespace(chart, 'ns', { name: 'shop' });
  const web = new MeshService(chart, 'web', { namespace: ns, image: 'x:1', ports: [{ port: 80, targetPort: 8080 }] });
  const api = new MeshService(chart, 'api', { namespace: ns, image: 'x:1', ports: [{ port: 80, targetPort: 8080 }] });
  new MeshService(chart, 'other', { namespace: ns, image: 'x:1', ports: [{ port: 80 }] });
  new PeerAuthentication(chart, 'mtls', { namespace: 'shop' });
  new ServiceAuthorization(chart, 'api-callers', { service: api, allowFrom: [AuthorizedClient.service(web)] });
  const outside = new MeshChart(app, 'outside', { mesh: MeshProvider.NONE });
  new MeshService(outside, 'curl', { namespace: new MeshNamespace(outside, 'ns', { name: 'outside' }), image: 'x:1', ports: [{ port: 80 }] });
  const mesh = Mesh.fromApp(app);
  test('the named caller is let in by its identity', () => {
    expect(verdictOf(mesh.request({ from: 'shop/web', host: 'api' }))).toStrictEqual({
      verdict: 'allow',
      enforcedBy: 'istio-sidecar',
      policy: { kind: 'AuthorizationPolicy', namespace: 'shop', name: 'api', rule: 0 },
      reason: 'ALLOW policy shop/api rule 0 matches',
      mtls: true,
      peer: 'cluster.local/ns/shop/sa/web',
    });
  });
  test('another meshed caller is refused (403)', () => {
    const r = mesh.request({ from: 'shop/other', host: 'api' });
    expect(r.outcome).toBe('denied');
    expect(r.status).toBe(403);
    expect(r.reason).toBe('istio-sidecar refuses it: ALLOW policy shop/api applies and does not match');
  });
  test('a caller outside the mesh is refused by STRICT mutual TLS', () => {
    const r = mesh.request({ from: 'outside/curl', host: 'api.shop' });
    expect(r.outcome).toBe('denied');
    expect(verdictOf(r)?.policy).toStrictEqual({ kind: 'PeerAuthentication', namespace: 'shop', name: 'default' });
  });
});

/**
 * Istio's own authorization tasks (../shared/reference/istio/docs-tasks, each file a heredoc of the task's snips.sh):
 * the policies as the tasks apply them, the outcomes as the tasks' pages show them (200 or 403, connected or refused).
 */
describeWithShared('Istio\'s authorization and mutual-TLS tasks (docs-tasks)', () => {
  const docs = (task: string, snip: string, ns?: string): Manifest[] => {
    if (!HAS_SHARED) return [];
    return (loadObjects(path.join(SHARED_DIR, 'reference', 'istio', 'docs-tasks', task, `${snip}.yaml`)) as unknown as Manifest[])
      .map(o => (ns ? { ...o, metadata: { ...o.metadata, namespace: ns } } as Manifest : o));
  };
  test('authz-deny: DENY GET; then only without x-token: admin; then ALLOW /ip beside it', () => {
    const step1 = docs('authz-deny', 'snip_explicitly_deny_a_request_1');
    expect(call(step1, { path: '/ip' }).status).toBe(403);
    expect(call(step1, { path: '/post', method: 'POST' }).status).toBe(200);
    const step4 = docs('authz-deny', 'snip_explicitly_deny_a_request_4');
    expect(call(step4, { path: '/ip', headers: { 'x-token': 'admin' } }).status).toBe(200);
    expect(call(step4, { path: '/ip', headers: { 'x-token': 'guest' } }).status).toBe(403);
    const step7 = [...step4, ...docs('authz-deny', 'snip_explicitly_deny_a_request_7')];
    expect(call(step7, { path: '/ip', headers: { 'x-token': 'admin' } }).status).toBe(200);
    expect(call(step7, { path: '/get', headers: { 'x-token': 'admin' } }).status).toBe(403);
  });
  describe('authz-http: Bookinfo in default, allow-nothing then each service opened to its callers', () => {
    const bookinfo = [
      namespace('default', { 'istio-injection': 'enabled' }),
      ...(HAS_SHARED ? loadObjects(path.join(SHARED_DIR, 'reference', 'istio', 'bookinfo', 'platform', 'bookinfo.yaml')) as unknown as Manifest[] : []),
      deployment('default', 'sleep', { app: 'sleep' }),
    ];
    const policies = ['1', '2', '3', '4', '5'].map(n => docs('authz-http', `snip_configure_access_control_for_workloads_using_http_traffic_${n}`));
    const ask = (steps: number, from: string, host: string, method = 'GET') => authorizeCall([...bookinfo, ...policies.slice(0, steps).flat()], { from, host, method }).status;
    test('allow-nothing: every call is refused', () => {
      expect(ask(1, 'default/sleep', 'productpage')).toBe(403);
      expect(ask(1, 'default/productpage-v1', 'details')).toBe(403);
    });
    test('productpage-viewer: GET productpage, from anyone', () => {
      expect(ask(2, 'default/sleep', 'productpage')).toBe(200);
      expect(ask(2, 'default/sleep', 'productpage', 'POST')).toBe(403);
    });
    test('details-viewer, reviews-viewer, ratings-viewer: each to its caller\'s identity', () => {
      expect(ask(5, 'default/productpage-v1', 'details')).toBe(200);
      expect(ask(5, 'default/sleep', 'details')).toBe(403);
      expect(ask(5, 'default/productpage-v1', 'reviews')).toBe(200);
      expect(ask(5, 'default/reviews-v2', 'ratings')).toBe(200);
      expect(ask(5, 'default/productpage-v1', 'ratings')).toBe(403);
    });
  });
  describe('authz-tcp: tcp-echo on 9000, 9001 and 9002 (the task reaches 9002 by pod address; here a third Service port)', () => {
    const echo = [
      deployment('foo', 'tcp-echo-pod', { app: 'tcp-echo' }, { ports: [{ containerPort: 9000 }, { containerPort: 9001 }, { containerPort: 9002 }] }),
      service('foo', 'echo', { app: 'tcp-echo' }, [{ port: 9000, name: 'tcp' }, { port: 9001, name: 'tcp-other' }, { port: 9002, name: 'tcp-third' }]),
    ];
    const connects = (objects: Manifest[], port: number) => call([...echo, ...objects], { host: 'echo', protocol: 'tcp', port }).outcome === 'routed';
    test('ALLOW ports 9000, 9001: those connect, 9002 is refused', () => {
      const p = docs('authz-tcp', 'snip_configure_allow_authorization_policy_for_a_tcp_workload_1');
      expect([9000, 9001, 9002].map(port => connects(p, port))).toStrictEqual([true, true, false]);
    });
    test('ALLOW with an HTTP-only field (methods): the rule is dropped, nothing connects', () => {
      const p = docs('authz-tcp', 'snip_configure_allow_authorization_policy_for_a_tcp_workload_5');
      expect([9000, 9001].map(port => connects(p, port))).toStrictEqual([false, false]);
    });
    test('DENY methods GET: the HTTP field is ignored, every TCP connection is refused', () => {
      const p = docs('authz-tcp', 'snip_configure_deny_authorization_policy_for_a_tcp_workload_1');
      expect([9000, 9001].map(port => connects(p, port))).toStrictEqual([false, false]);
    });
    test('DENY methods GET on port 9000: 9000 refused, 9001 connects', () => {
      const p = docs('authz-tcp', 'snip_configure_deny_authorization_policy_for_a_tcp_workload_4');
      expect([9000, 9001].map(port => connects(p, port))).toStrictEqual([false, true]);
    });
  });
  test('mtls-migration: STRICT for foo refuses legacy there only; mesh-wide refuses it everywhere', () => {
    const nsStrict = docs('mtls-migration', 'snip_lock_down_to_mutual_tls_by_namespace_1', 'foo');
    expect(call(nsStrict, { from: 'legacy/sleep' }).status).toBe(403);
    expect(call(nsStrict, { from: 'bar/sleep' }).status).toBe(200);
    const extra = [deployment('bar', 'httpbin', { app: 'httpbin' }), service('bar', 'httpbin', { app: 'httpbin' }, [{ port: 8000, name: 'http', targetPort: 80 }])];
    expect(call([...nsStrict, ...extra], { from: 'legacy/sleep', host: 'httpbin.bar' }).status).toBe(200);
    const meshStrict = docs('mtls-migration', 'snip_lock_down_mutual_tls_for_the_entire_mesh_1', 'istio-system');
    expect(call([...meshStrict, ...extra], { from: 'legacy/sleep', host: 'httpbin.bar' }).status).toBe(403);
  });
});
