import { SchemaValidation } from '../../../lib';
import { Manifest } from '../../../lib/render/model';
import { apiRuleProblems } from '../../../lib/schema/api-rules';
import { identityProblem, parseCidr } from '../../../lib/schema/rules/linkerd';
import { linkerdDurationProblem } from '../../../lib/schema/rules/linkerd-routes';

const P = 'policy.linkerd.io';
const G = 'gateway.networking.k8s.io';
const obj = (apiVersion: string, kind: string, spec: object, metadata: object = {}) =>
  ({ apiVersion, kind, metadata: { name: 'test', namespace: 'shop', ...metadata }, spec }) as unknown as Manifest;
const problems = (o: Manifest) => apiRuleProblems(o);

describe('Linkerd admission: AuthorizationPolicy (Validate<AuthorizationPolicySpec>, authorization_policy::target)', () => {
  const mtls = (name: string, namespace?: string) => ({ group: P, kind: 'MeshTLSAuthentication', name, namespace });
  const netAuthn = (name: string) => ({ group: P, kind: 'NetworkAuthentication', name });
  const sa = (name: string) => ({ kind: 'ServiceAccount', name });
  const ap = (targetRef: object, requiredAuthenticationRefs: object[], metadata?: object) =>
    obj(`${P}/v1alpha1`, 'AuthorizationPolicy', { targetRef, requiredAuthenticationRefs }, metadata);
  const server = { group: P, kind: 'Server', name: 'web' };

  test('refused if it targets another namespace', () => {
    expect(problems(ap({ kind: 'Namespace', name: 'other' }, [mtls('a')]))).toStrictEqual([
      '/spec/targetRef/name: an AuthorizationPolicy cannot target another namespace: got \'other\' in namespace \'shop\'; '
      + 'target the policy\'s own namespace \'shop\', or create the policy in \'other\' (Linkerd admission: Validate<AuthorizationPolicySpec>)',
    ]);
  });
  test('accepted if it targets its own namespace, or has no written namespace (the request\'s applies)', () => {
    expect(problems(ap({ kind: 'Namespace', name: 'shop' }, [mtls('a')]))).toStrictEqual([]);
    expect(problems(ap({ group: '', kind: 'namespace', name: 'shop' }, [mtls('a')]))).toStrictEqual([]);
    expect(problems(ap({ kind: 'Namespace', name: 'other' }, [mtls('a')], { namespace: undefined }))).toStrictEqual([]);
  });

  test('refused if it targets a kind Linkerd does not authorize', () => {
    expect(problems(ap({ group: 'apps', kind: 'Deployment', name: 'web' }, [netAuthn('n')]))).toStrictEqual([
      '/spec/targetRef: unsupported authorization target type: got \'Deployment.apps\'; target a Server or an HTTPRoute (policy.linkerd.io), '
      + 'an HTTPRoute or a GRPCRoute (gateway.networking.k8s.io), or the Namespace (Linkerd admission: authorization_policy::target)',
    ]);
    // a Server of the core group (no group written) is not Linkerd's Server
    expect(problems(ap({ kind: 'Server', name: 'web' }, [netAuthn('n')]))[0]).toMatch(/^\/spec\/targetRef: unsupported authorization target type: got 'Server';/);
  });
  test('accepted if it targets a Server, an HTTPRoute of either group or a GRPCRoute (kinds compared without case)', () => {
    for (const t of [server, { group: P, kind: 'HttpRoute', name: 'r' }, { group: G, kind: 'HTTPRoute', name: 'r' }, { group: G, kind: 'GRPCRoute', name: 'r' }]) {
      expect(problems(ap(t, [netAuthn('n')]))).toStrictEqual([]);
    }
  });

  test('refused if it requires two MeshTLSAuthentications, two NetworkAuthentications or two ServiceAccounts', () => {
    expect(problems(ap(server, [mtls('a', 'x'), mtls('b', 'y')]))).toStrictEqual([
      '/spec/requiredAuthenticationRefs/1: only a single MeshTLSAuthentication may be required: got a second one, \'b\' (the first is requiredAuthenticationRefs/0); '
      + 'list every identity in one MeshTLSAuthentication (Linkerd admission: Validate<AuthorizationPolicySpec>)',
    ]);
    expect(problems(ap(server, [netAuthn('a'), mtls('m'), netAuthn('b')]))).toStrictEqual([
      '/spec/requiredAuthenticationRefs/2: only a single NetworkAuthentication may be required: got a second one, \'b\' (the first is requiredAuthenticationRefs/0); '
      + 'list every network in one NetworkAuthentication (Linkerd admission: Validate<AuthorizationPolicySpec>)',
    ]);
    expect(problems(ap(server, [sa('a'), sa('b')]))).toStrictEqual([
      '/spec/requiredAuthenticationRefs/1: only a single ServiceAccount may be required: got a second one, \'b\' (the first is requiredAuthenticationRefs/0); '
      + 'list every identity in one MeshTLSAuthentication (Linkerd admission: Validate<AuthorizationPolicySpec>)',
    ]);
  });
  test('accepted if it requires one of each, or none', () => {
    expect(problems(ap(server, [mtls('a'), netAuthn('b')]))).toStrictEqual([]);
    expect(problems(ap(server, [sa('a'), netAuthn('b')]))).toStrictEqual([]);
    expect(problems(ap(server, []))).toStrictEqual([]);
  });

  test('refused if it requires a MeshTLSAuthentication and a ServiceAccount together', () => {
    expect(problems(ap(server, [sa('web'), mtls('a')]))).toStrictEqual([
      '/spec/requiredAuthenticationRefs/1: a MeshTLSAuthentication and a ServiceAccount may not be required together: got \'a\' beside requiredAuthenticationRefs/0; '
      + 'name the ServiceAccount in the MeshTLSAuthentication\'s identityRefs (Linkerd admission: Validate<AuthorizationPolicySpec>)',
    ]);
  });
  test('accepted if the ServiceAccount is alone with a NetworkAuthentication (see above) or the MeshTLSAuthentication alone', () => {
    expect(problems(ap(server, [mtls('a')]))).toStrictEqual([]);
  });

  test('refused if it requires an authentication of another kind', () => {
    expect(problems(ap(server, [{ group: 'security.istio.io', kind: 'PeerAuthentication', name: 'p' }]))).toStrictEqual([
      '/spec/requiredAuthenticationRefs/0: unsupported authentication kind: got \'PeerAuthentication.security.istio.io\'; '
      + 'require a MeshTLSAuthentication or a NetworkAuthentication (policy.linkerd.io) or a ServiceAccount (Linkerd admission: Validate<AuthorizationPolicySpec>)',
    ]);
  });
  test('accepted if the kinds are Linkerd\'s, whatever their case and with the core group written as \'core\'', () => {
    expect(problems(ap(server, [{ group: 'core', kind: 'serviceaccount', name: 'a' }]))).toStrictEqual([]);
  });
});

describe('Linkerd admission: MeshTLSAuthentication (validate_identity, validate_identity_ref)', () => {
  const mta = (spec: object) => obj(`${P}/v1alpha1`, 'MeshTLSAuthentication', spec);

  test('refused if an identity is neither a SPIFFE ID nor a DNS-like name', () => {
    expect(problems(mta({ identities: ['*', 'web.shop.serviceaccount.identity.linkerd.cluster.local.'] }))).toStrictEqual([
      '/spec/identities/1: the identity is invalid, neither a SPIFFE ID nor a DNS-like name (\'*\', or DNS labels with an optional leading \'*\' label): '
      + 'got \'web.shop.serviceaccount.identity.linkerd.cluster.local.\'; '
      + 'write \'spiffe://trust.domain/path\', \'*\' or a name such as \'*.ns.serviceaccount.identity.linkerd.cluster.local\' (Linkerd admission: validate_identity)',
    ]);
    expect(problems(mta({ identities: ['spiffe://mesh.example/sa/'] }))[0]).toMatch(/^\/spec\/identities\/0: the identity is invalid, its SPIFFE path cannot have a trailing slash: got 'spiffe:\/\/mesh.example\/sa\/';/);
  });
  test('accepted if every identity is \'*\', a DNS-like name with an optional leading \'*\' or a SPIFFE ID', () => {
    expect(problems(mta({ identities: ['*', '*.shop.serviceaccount.identity.linkerd.cluster.local', 'spiffe://td', 'spiffe://td.org/ns/shop/sa/web'] }))).toStrictEqual([]);
  });

  test('identities: each reason validate_identity gives', () => {
    expect(identityProblem('spiffe:///ns/shop')).toBe('its SPIFFE trust domain is missing');
    expect(identityProblem('spiffe://Mesh.example/ns')).toBe('its SPIFFE trust domain may only hold lower case letters, digits, dots, dashes and underscores');
    expect(identityProblem('spiffe://mesh.example:443/ns')).toBe('its SPIFFE trust domain may only hold lower case letters, digits, dots, dashes and underscores');
    expect(identityProblem('spiffe://mesh.example/ns/shop#web')).toBe('its SPIFFE path may only hold letters, digits, dots, dashes and underscores');
    expect(identityProblem('spiffe://mesh.example/ns//sa')).toBe('its SPIFFE path cannot contain empty segments');
    expect(identityProblem('spiffe://mesh.example/ns/../sa')).toBe('its SPIFFE path cannot contain dot segments');
    expect(identityProblem('spiffe://mesh.example/ns/.')).toBe('its SPIFFE path cannot contain dot segments');
    expect(identityProblem('spiffe://mesh.example/ns/shop/')).toBe('its SPIFFE path cannot have a trailing slash');
    expect(identityProblem('spiffe:/ns/shop')).toMatch(/^neither a SPIFFE ID/);
    expect(identityProblem('web.shop.*')).toMatch(/^neither a SPIFFE ID/);
    expect(identityProblem('web..shop')).toMatch(/^neither a SPIFFE ID/);
    expect(identityProblem('*.shop.serviceaccount')).toBeUndefined();
  });

  test('refused if a Namespace identityRef has a namespace, or an identityRef is of another kind', () => {
    expect(problems(mta({ identityRefs: [{ kind: 'Namespace', name: 'shop', namespace: 'shop' }, { group: 'apps', kind: 'Deployment', name: 'web' }] }))).toStrictEqual([
      '/spec/identityRefs/0/namespace: a Namespace identityRef is cluster-scoped and cannot have a namespace: got \'shop\'; remove it (Linkerd admission: validate_identity_ref)',
      '/spec/identityRefs/1: invalid identity target kind: got \'Deployment.apps\'; refer to a ServiceAccount or a Namespace (Linkerd admission: validate_identity_ref)',
    ]);
  });
  test('accepted if the identityRefs are ServiceAccounts (namespaced or not) and Namespaces without a namespace', () => {
    expect(problems(mta({ identityRefs: [{ kind: 'ServiceAccount', name: 'web', namespace: 'other' }, { kind: 'Namespace', name: 'shop' }] }))).toStrictEqual([]);
  });
});

describe('Linkerd admission: Server (Validate<ServerSpec>, the ServerSpec type)', () => {
  const server = (extra: object) => obj(`${P}/v1beta3`, 'Server', { podSelector: {}, port: 80, ...extra });

  test('refused if the accessPolicy is not one Linkerd knows', () => {
    expect(problems(server({ accessPolicy: 'allow' }))).toStrictEqual([
      '/spec/accessPolicy: invalid access policy: got \'allow\'; use one of all-authenticated, all-unauthenticated, cluster-authenticated, cluster-unauthenticated, deny, audit '
      + '(Linkerd admission: DefaultPolicy::from_str)',
    ]);
  });
  test('accepted if the accessPolicy is one Linkerd knows, or absent (deny)', () => {
    for (const accessPolicy of ['deny', 'audit', 'all-authenticated', 'cluster-unauthenticated']) expect(problems(server({ accessPolicy }))).toStrictEqual([]);
    expect(problems(server({}))).toStrictEqual([]);
  });

  test('refused if the proxyProtocol is not one of ProxyProtocol\'s', () => {
    expect(problems(server({ proxyProtocol: 'http/1' }))).toStrictEqual([
      '/spec/proxyProtocol: unknown proxy protocol: got \'http/1\'; use one of unknown, HTTP/1, HTTP/2, gRPC, opaque, TLS (case matters) (Linkerd admission: ServerSpec: ProxyProtocol)',
    ]);
  });
  test('accepted if the proxyProtocol is one of them', () => {
    for (const proxyProtocol of ['unknown', 'HTTP/1', 'HTTP/2', 'gRPC', 'opaque', 'TLS']) expect(problems(server({ proxyProtocol }))).toStrictEqual([]);
  });

  test('refused if the port number is 0 or above 65535', () => {
    expect(problems(server({ port: 0 }))).toStrictEqual([
      '/spec/port: a port number must be between 1 and 65535: got 0; or name the container port (Linkerd admission: ServerSpec: Port::Number(NonZeroU16))',
    ]);
    expect(problems(server({ port: 70000 }))).toHaveLength(1);
  });
  test('accepted if the port is a number from 1 to 65535 or a name', () => {
    expect(problems(server({ port: 65535 }))).toStrictEqual([]);
    expect(problems(server({ port: 'http' }))).toStrictEqual([]);
  });
});

describe('Linkerd admission: ServerAuthorization, NetworkAuthentication, EgressNetwork (validate_networks)', () => {
  const saz = (client: object) => obj(`${P}/v1beta1`, 'ServerAuthorization', { server: { name: 'web' }, client });
  const na = (networks: object[]) => obj(`${P}/v1alpha1`, 'NetworkAuthentication', { networks });
  const en = (spec: object) => obj(`${P}/v1alpha1`, 'EgressNetwork', { trafficPolicy: 'Allow', ...spec });

  test('refused if a client is both unauthenticated and meshTLS', () => {
    expect(problems(saz({ unauthenticated: true, meshTLS: { identities: ['*'] } }))).toStrictEqual([
      '/spec/client/unauthenticated: must be false when meshTLS is given: got true; keep one of them (Linkerd admission: Validate<ServerAuthorizationSpec>)',
    ]);
  });
  test('accepted if the client is one of them', () => {
    expect(problems(saz({ unauthenticated: true }))).toStrictEqual([]);
    expect(problems(saz({ meshTLS: { identities: ['*'] } }))).toStrictEqual([]);
  });

  test('refused if unauthenticatedTLS comes with identities or serviceAccounts', () => {
    expect(problems(saz({ meshTLS: { unauthenticatedTLS: true, identities: ['*'], serviceAccounts: [{ name: 'web' }] } }))).toStrictEqual([
      '/spec/client/meshTLS/unauthenticatedTLS: must be false when identities or serviceAccounts are given: got true with 2 of them; keep one of them '
      + '(Linkerd admission: Validate<ServerAuthorizationSpec>)',
    ]);
  });
  test('accepted if unauthenticatedTLS is alone', () => {
    expect(problems(saz({ meshTLS: { unauthenticatedTLS: true } }))).toStrictEqual([]);
  });

  test('refused if a network or an exception is not a CIDR or an address', () => {
    expect(problems(saz({ unauthenticated: true, networks: [{ cidr: '10.0.0.0/33' }, { cidr: '10.0.0.0/8', except: ['10.1.256.0/16'] }] }))).toStrictEqual([
      '/spec/client/networks/0/cidr: not a valid CIDR or IP address: got \'10.0.0.0/33\'; write a block such as \'10.0.0.0/8\' or a single address (Linkerd admission: Cidr::from_str)',
      '/spec/client/networks/1/except/0: not a valid CIDR or IP address: got \'10.1.256.0/16\'; write a block such as \'10.0.0.0/24\' or a single address (Linkerd admission: Cidr::from_str)',
    ]);
    expect(problems(na([{ cidr: 'fe80::1%eth0' }]))[0]).toMatch(/^\/spec\/networks\/0\/cidr: not a valid CIDR or IP address: got 'fe80::1%eth0';/);
  });
  test('accepted if networks are blocks or addresses, IPv4 or IPv6, host bits set or not', () => {
    expect(problems(saz({ unauthenticated: true, networks: [{ cidr: '10.1.0.2' }, { cidr: '10.1.1.7/24', except: ['10.1.1.3'] }, { cidr: '::/0', except: ['2001:db8::/32'] }] })))
      .toStrictEqual([]);
  });

  test('refused if an exception covers its whole network', () => {
    expect(problems(na([{ cidr: '10.1.1.0/24', except: ['10.1.0.0/16'] }]))).toStrictEqual([
      '/spec/networks/0/except/0: the exception covers all of its network \'10.1.1.0/24\': got \'10.1.0.0/16\'; remove the network, or narrow the exception (Linkerd admission: validate_networks)',
    ]);
    expect(problems(na([{ cidr: '10.1.1.1', except: ['10.1.1.1'] }]))).toHaveLength(1);
  });
  test('refused if an exception is outside its network (another block, another family)', () => {
    expect(problems(na([{ cidr: '10.1.1.0/24', except: ['10.1.2.0/24', '::ffff:10.1.1.1'] }]))).toStrictEqual([
      '/spec/networks/0/except/0: the exception is not inside its network \'10.1.1.0/24\': got \'10.1.2.0/24\'; except only addresses of the network (Linkerd admission: validate_networks)',
      '/spec/networks/0/except/1: the exception is not inside its network \'10.1.1.0/24\': got \'::ffff:10.1.1.1\'; except only addresses of the network (Linkerd admission: validate_networks)',
    ]);
  });
  test('accepted if every exception is a part of its network', () => {
    expect(problems(na([{ cidr: '10.1.0.0/16', except: ['10.1.1.1', '10.1.2.0/24'] }, { cidr: '2001:db8::/32', except: ['2001:db8:0:1::/64'] }]))).toStrictEqual([]);
  });

  test('CIDRs: blocks, addresses and embedded IPv4 read as ipnet and IpAddr read them', () => {
    expect(parseCidr('10.1.1.7/24')).toStrictEqual({ v6: false, first: 0x0a010100n, last: 0x0a0101ffn });
    expect(parseCidr('::ffff:10.0.0.1')).toStrictEqual({ v6: true, first: 0xffff0a000001n, last: 0xffff0a000001n });
    expect(parseCidr('2001:db8::/32')).toStrictEqual({ v6: true, first: 0x20010db8n * 2n ** 96n, last: 0x20010db9n * 2n ** 96n - 1n });
    expect(parseCidr('10.0.0.0/8/8')).toBeUndefined();
    expect(parseCidr('::/129')).toBeUndefined();
  });

  test('refused if a NetworkAuthentication lists no network', () => {
    expect(problems(na([]))).toStrictEqual([
      '/spec/networks: at least one network must be specified: got none; list the client networks, such as \'0.0.0.0/0\' (Linkerd admission: Validate<NetworkAuthenticationSpec>)',
    ]);
  });
  test('accepted if it lists one', () => {
    expect(problems(na([{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }]))).toStrictEqual([]);
  });

  test('refused if an EgressNetwork lists an empty networks, or a bad exception', () => {
    expect(problems(en({ networks: [] }))).toStrictEqual([
      '/spec/networks: at least one network must be specified: got none; list the networks, or leave networks out for every address outside the cluster '
      + '(Linkerd admission: Validate<EgressNetworkSpec>)',
    ]);
    expect(problems(en({ networks: [{ cidr: '0.0.0.0/0', except: ['0.0.0.0/0'] }] }))).toHaveLength(1);
  });
  test('accepted if an EgressNetwork leaves networks out, or lists networks with exceptions inside them', () => {
    expect(problems(en({}))).toStrictEqual([]);
    expect(problems(en({ networks: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12'] }] }))).toStrictEqual([]);
  });
});

describe('Linkerd admission: HTTPLocalRateLimitPolicy (Validate<RateLimitPolicySpec>)', () => {
  const rl = (spec: object) => obj(`${P}/v1alpha1`, 'HTTPLocalRateLimitPolicy', { targetRef: { group: P, kind: 'Server', name: 'web' }, ...spec });
  const override = (requestsPerSecond: number, clientRefs: object[] = [{ kind: 'ServiceAccount', name: 'a' }]) => ({ requestsPerSecond, clientRefs });

  test('refused if it targets anything but a Server of policy.linkerd.io', () => {
    expect(problems(rl({ targetRef: { group: 'apps', kind: 'Deployment', name: 'web' } }))).toStrictEqual([
      '/spec/targetRef: invalid targetRef kind: got \'Deployment.apps\'; target a Server (policy.linkerd.io) (Linkerd admission: Validate<RateLimitPolicySpec>)',
    ]);
    // an empty group is the core group: no default applies to a written value
    expect(problems(rl({ targetRef: { group: '', kind: 'Server', name: 'web' } }))).toHaveLength(1);
  });
  test('accepted if it targets a Server, the group and kind left to the CRD\'s defaults', () => {
    expect(problems(rl({ targetRef: { name: 'web' } }))).toStrictEqual([]);
    expect(problems(rl({ targetRef: { kind: 'server', name: 'web' } }))).toStrictEqual([]);
  });

  test('refused if a rate is 0, negative or beyond an unsigned 32-bit integer', () => {
    expect(problems(rl({ total: { requestsPerSecond: 0 }, identity: { requestsPerSecond: -1 }, overrides: [override(4294967296)] }))).toStrictEqual([
      '/spec/total/requestsPerSecond: must be greater than 0: got 0 (Linkerd admission: Validate<RateLimitPolicySpec>)',
      '/spec/identity/requestsPerSecond: must be a whole number between 1 and 4294967295: got -1 (Linkerd admission: RateLimitPolicySpec: Limit)',
      '/spec/overrides/0/requestsPerSecond: must be a whole number between 1 and 4294967295: got 4294967296 (Linkerd admission: RateLimitPolicySpec: Limit)',
    ]);
  });
  test('accepted if every rate is above 0, with or without a total', () => {
    expect(problems(rl({ identity: { requestsPerSecond: 5000 }, overrides: [override(9000)] }))).toStrictEqual([]);
  });

  test('refused if the identity or an override rate is above the total', () => {
    const o = rl({ total: { requestsPerSecond: 100 }, identity: { requestsPerSecond: 101 }, overrides: [override(50), override(200)] });
    expect(problems(o)).toStrictEqual([
      '/spec/identity/requestsPerSecond: must be less than or equal to total.requestsPerSecond (100): got 101 (Linkerd admission: Validate<RateLimitPolicySpec>)',
      '/spec/overrides/1/requestsPerSecond: must be less than or equal to total.requestsPerSecond (100): got 200 (Linkerd admission: Validate<RateLimitPolicySpec>)',
    ]);
  });
  test('accepted if they are at most the total', () => {
    expect(problems(rl({ total: { requestsPerSecond: 100 }, identity: { requestsPerSecond: 100 }, overrides: [override(100)] }))).toStrictEqual([]);
  });

  test('refused if an override names a client that is not a ServiceAccount', () => {
    expect(problems(rl({ overrides: [override(10, [{ kind: 'ServiceAccount', name: 'a' }, { group: P, kind: 'MeshTLSAuthentication', name: 'm' }])] }))).toStrictEqual([
      '/spec/overrides/0/clientRefs/1: overrides.clientRefs must target a ServiceAccount: got \'MeshTLSAuthentication.policy.linkerd.io\' (Linkerd admission: Validate<RateLimitPolicySpec>)',
    ]);
  });
  test('accepted if every override client is a ServiceAccount (group empty or core)', () => {
    expect(problems(rl({ overrides: [override(10, [{ group: '', kind: 'ServiceAccount', name: 'a' }, { group: 'core', kind: 'ServiceAccount', name: 'b' }])] }))).toStrictEqual([]);
  });
});

describe('Linkerd admission: routes (Validate<HttpRouteSpec>, Validate<gateway::…RouteSpec>, routes/http.rs, routes/grpc.rs)', () => {
  const server = { group: P, kind: 'Server', name: 'web' };
  const egress = (port?: number) => ({ group: P, kind: 'EgressNetwork', name: 'internet', port });
  const service = { group: 'core', kind: 'Service', name: 'web', port: 8080 };
  const gateway = { name: 'shop-gateway' };
  const route = (apiVersion: string, kind: string, parent: object, rules: object[], annotations?: object) =>
    obj(apiVersion, kind, { parentRefs: [parent], rules }, annotations ? { annotations } : {});
  const policyRoute = (rules: object[], parent: object = server, annotations?: object) => route(`${P}/v1beta3`, 'HTTPRoute', parent, rules, annotations);
  const httpRoute = (rules: object[], parent: object = server, annotations?: object) => route(`${G}/v1`, 'HTTPRoute', parent, rules, annotations);
  const grpcRoute = (rules: object[], parent: object = server, annotations?: object) => route(`${G}/v1`, 'GRPCRoute', parent, rules, annotations);
  const backendRefs = [{ group: P, kind: 'EgressNetwork', name: 'internet' }];

  test('refused if a route attaches to an EgressNetwork without a port, whatever its kind', () => {
    expect(problems(policyRoute([{}], egress()))).toStrictEqual([
      '/spec/parentRefs/0: cannot target an EgressNetwork without specifying a port: got EgressNetwork \'internet\' with no port; give the port the traffic leaves on '
      + '(Linkerd admission: Validate<HttpRouteSpec>)',
    ]);
    expect(problems(httpRoute([{}], egress()))[0]).toMatch(/^\/spec\/parentRefs\/0: cannot target an EgressNetwork .*\(Linkerd admission: Validate<gateway::HttpRouteSpec>\)$/);
    expect(problems(grpcRoute([{}], egress()))[0]).toMatch(/\(Linkerd admission: Validate<gateway::GrpcRouteSpec>\)$/);
    expect(problems(route(`${G}/v1alpha2`, 'TLSRoute', egress(), [{ backendRefs }]))[0]).toMatch(/\(Linkerd admission: Validate<gateway::TlsRouteSpec>\)$/);
    expect(problems(route(`${G}/v1alpha2`, 'TCPRoute', egress(), [{ backendRefs }]))[0]).toMatch(/\(Linkerd admission: Validate<gateway::TcpRouteSpec>\)$/);
  });
  test('accepted if it names the port', () => {
    for (const o of [policyRoute([{}], egress(443)), httpRoute([{}], egress(443)), grpcRoute([{}], egress(443)),
      route(`${G}/v1alpha2`, 'TLSRoute', egress(443), [{ backendRefs }]), route(`${G}/v1alpha2`, 'TCPRoute', egress(443), [{ backendRefs }])]) {
      expect(problems(o)).toStrictEqual([]);
    }
  });

  test('refused if a TLSRoute or TCPRoute Linkerd serves has more than one rule', () => {
    expect(problems(route(`${G}/v1alpha2`, 'TCPRoute', egress(5432), [{ backendRefs }, { backendRefs }]))).toStrictEqual([
      '/spec/rules: a TCPRoute Linkerd serves supports a single rule only: got 2; put the backends of every rule in one rule, or split the route '
      + '(Linkerd admission: Validate<gateway::TcpRouteSpec>)',
    ]);
  });
  test('accepted if it has one; and a TCPRoute of another implementation (a Gateway or a Service parent) keeps its rules', () => {
    expect(problems(route(`${G}/v1alpha2`, 'TLSRoute', egress(443), [{ backendRefs }]))).toStrictEqual([]);
    const two = [{ backendRefs: [{ name: 'a', port: 1 }] }, { backendRefs: [{ name: 'b', port: 2 }] }];
    expect(problems(route(`${G}/v1alpha2`, 'TCPRoute', gateway, two))).toStrictEqual([]);
    expect(problems(route(`${G}/v1alpha2`, 'TCPRoute', { kind: 'Service', name: 'db', port: 5432 }, two))).toStrictEqual([]);
  });

  test('refused if a path match of Linkerd\'s HTTPRoute is relative', () => {
    expect(problems(policyRoute([{ matches: [{ path: { type: 'PathPrefix', value: 'api' } }] }]))).toStrictEqual([
      '/spec/rules/0/matches/0/path/value: HTTPPathMatch paths must be absolute (begin with \'/\'): got \'api\'; write \'/api\' (Linkerd admission: path_match)',
    ]);
    // the type defaults to PathPrefix
    expect(problems(policyRoute([{ matches: [{ path: { value: 'api' } }] }]))).toHaveLength(1);
  });
  test('accepted if it is absolute, or a regex; a Gateway API route\'s relative path is left to its schema (no second message)', () => {
    expect(problems(policyRoute([{ matches: [{ path: { type: 'Exact', value: '/api' } }, { path: { type: 'RegularExpression', value: 'api.*' } }] }]))).toStrictEqual([]);
    expect(problems(httpRoute([{ matches: [{ path: { type: 'Exact', value: 'api' } }] }]))).toStrictEqual([]);
  });

  test('refused if a regular expression is not one Linkerd\'s Rust regex reads (path, header, query parameter)', () => {
    expect(problems(httpRoute([{
      matches: [{
        path: { type: 'RegularExpression', value: '/(?!admin)' },
        headers: [{ type: 'RegularExpression', name: 'x-user', value: '(' }],
        queryParams: [{ type: 'RegularExpression', name: 'q', value: 'a{2,1}' }],
      }],
    }]))).toStrictEqual([
      '/spec/rules/0/matches/0/path/value: not a regular expression Linkerd reads (Rust regex, RE2 syntax: error parsing regexp: invalid or unsupported Perl syntax: `(?!`): '
      + 'got \'/(?!admin)\' (Linkerd admission: path_match)',
      '/spec/rules/0/matches/0/headers/0/value: not a regular expression Linkerd reads (Rust regex, RE2 syntax: error parsing regexp: missing closing ): `(`): got \'(\' '
      + '(Linkerd admission: header_match)',
      '/spec/rules/0/matches/0/queryParams/0/value: not a regular expression Linkerd reads (Rust regex, RE2 syntax: error parsing regexp: invalid repeat count: `{2,1}`): '
      + 'got \'a{2,1}\' (Linkerd admission: query_param_match)',
    ]);
  });
  test('accepted if they are RE2 patterns', () => {
    expect(problems(httpRoute([{ matches: [{ path: { type: 'RegularExpression', value: '/api/v[0-9]+' }, headers: [{ type: 'RegularExpression', name: 'x-user', value: '^(a|b)$' }] }] }])))
      .toStrictEqual([]);
  });

  test('refused if a header value holds characters HTTP headers cannot carry, or a header name is no token (matches and modifiers)', () => {
    expect(problems(policyRoute([{
      matches: [{ headers: [{ name: 'x-user', value: 'Zoë' }] }],
      filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: 'line\nbreak' }], remove: ['bad header'] } }],
    }]))).toStrictEqual([
      '/spec/rules/0/matches/0/headers/0/value: not a valid HTTP header value (visible ASCII characters and tabs only): got \'Zoë\' (Linkerd admission: header_match)',
      '/spec/rules/0/filters/0/requestHeaderModifier/set/0/value: not a valid HTTP header value (visible ASCII characters and tabs only): got \'line\nbreak\' '
      + '(Linkerd admission: request_header_modifier)',
      '/spec/rules/0/filters/0/requestHeaderModifier/remove/0: not a valid HTTP header name (RFC 7230 token characters): got \'bad header\' (Linkerd admission: request_header_modifier)',
    ]);
    expect(problems(grpcRoute([{ filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-a', value: 'é' }] } }] }]))).toStrictEqual([
      '/spec/rules/0/filters/0/responseHeaderModifier/add/0/value: not a valid HTTP header value (visible ASCII characters and tabs only): got \'é\' '
      + '(Linkerd admission: grpc::response_header_modifier)',
    ]);
  });
  test('accepted if names are tokens (any case) and values visible ASCII with tabs', () => {
    expect(problems(policyRoute([{
      matches: [{ headers: [{ name: 'X-User', value: 'jason\tsmith' }] }],
      filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-a', value: '~!@#' }], remove: ['x-b'] } }],
    }]))).toStrictEqual([]);
  });

  test('refused if a redirect path is relative, or names neither replacement', () => {
    expect(problems(policyRoute([{
      filters: [
        { type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: 'login' } } },
        { type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch' } } },
      ],
    }]))).toStrictEqual([
      '/spec/rules/0/filters/0/requestRedirect/path/replaceFullPath: RequestRedirect filters may only contain absolute paths (starting with \'/\'): got \'login\'; write \'/login\' '
      + '(Linkerd admission: path_modifier)',
      '/spec/rules/0/filters/1/requestRedirect/path: a RequestRedirect path must contain either replaceFullPath or replacePrefixMatch: got neither (Linkerd admission: path_modifier)',
    ]);
    expect(problems(httpRoute([{ filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: 'v2' } } }] }]))).toHaveLength(1);
  });
  test('accepted if it is absolute, or the redirect changes no path; and an HTTPRoute attached to a Gateway is left to its gateway', () => {
    expect(problems(policyRoute([{
      filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } },
        { type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }],
    }]))).toStrictEqual([]);
    expect(problems(httpRoute([{ filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: 'login' } } }] }], gateway)))
      .toStrictEqual([]);
  });

  test('refused if a Service backend of group \'core\' has no port (the Gateway API\'s schema refuses the same for an empty group)', () => {
    expect(problems(httpRoute([{ backendRefs: [{ group: 'core', kind: 'Service', name: 'web' }] }]))).toStrictEqual([
      '/spec/rules/0/backendRefs/0: invalid backendRef: cannot reference a Service without a port: got Service \'web\' with no port; give its port '
      + '(Linkerd admission: validate_http_backend_if_service)',
    ]);
    expect(problems(grpcRoute([{ backendRefs: [{ group: 'core', name: 'web' }] }]))[0]).toMatch(/\(Linkerd admission: validate_grpc_backend_if_service\)$/);
  });
  test('accepted if it has a port, or is not a Service', () => {
    expect(problems(httpRoute([{ backendRefs: [service, { group: 'alien.example.com', kind: 'ExoService', name: 'x' }] }]))).toStrictEqual([]);
  });

  test('refused if a timeout of Linkerd\'s HTTPRoute is negative, or the backend request\'s is above the request\'s', () => {
    expect(problems(policyRoute([{ timeouts: { request: '-1s' } }, { timeouts: { request: '1s', backendRequest: '1500ms' } }]))).toStrictEqual([
      '/spec/rules/0/timeouts/request: the request timeout must not be negative: got \'-1s\' (Linkerd admission: Validate<HttpRouteSpec>)',
      '/spec/rules/1/timeouts/backendRequest: the backendRequest timeout must not be greater than the request timeout (\'1s\'): got \'1500ms\' (Linkerd admission: Validate<HttpRouteSpec>)',
    ]);
  });
  test('accepted if the backend request\'s timeout is at most the request\'s', () => {
    expect(problems(policyRoute([{ timeouts: { request: '1m', backendRequest: '1m0s' } }, { timeouts: { backendRequest: '2s' } }]))).toStrictEqual([]);
  });

  test('refused if a GRPCRoute Linkerd serves matches its method by regular expression', () => {
    expect(problems(grpcRoute([{ matches: [{ method: { type: 'RegularExpression', service: 'shop.Cart', method: 'Get.*' } }] }], egress(50051)))).toStrictEqual([
      '/spec/rules/0/matches/0/method/type: unsupported GRPCRoute method match type: got \'RegularExpression\'; match the service and method exactly (Linkerd admission: grpc::try_match)',
    ]);
  });
  test('accepted if it matches exactly; a GRPCRoute attached to a Gateway keeps its regular expression', () => {
    expect(problems(grpcRoute([{ matches: [{ method: { type: 'Exact', service: 'shop.Cart', method: 'Get' } }] }], egress(50051)))).toStrictEqual([]);
    expect(problems(grpcRoute([{ matches: [{ method: { type: 'RegularExpression', service: 'shop.Cart', method: 'Get.*' } }] }], gateway))).toStrictEqual([]);
  });

  test('refused if Linkerd\'s retry and timeout annotations hold values it cannot read (a route on a Service or an EgressNetwork)', () => {
    const svc = { kind: 'Service', name: 'web', port: 80 };
    expect(problems(httpRoute([{}], svc, {
      'retry.linkerd.io/limit': '70000', 'retry.linkerd.io/http': '5xx,gateway-errors,504-500', 'retry.linkerd.io/timeout': '1.5s', 'timeout.linkerd.io/request': '10',
    }))).toStrictEqual([
      '/metadata/annotations/retry.linkerd.io~1limit: the retry limit must be a whole number from 0 to 65535: got \'70000\' (Linkerd admission: parse_http_retry)',
      '/metadata/annotations/retry.linkerd.io~1timeout: not a duration Linkerd reads (fractional values are not supported): got \'1.5s\'; '
      + 'write a whole number and a unit (ms, s, m, h or d), such as \'1500ms\' (Linkerd admission: parse_http_retry: parse_duration)',
      '/metadata/annotations/timeout.linkerd.io~1request: not a duration Linkerd reads (its unit is missing (did you mean \'10s\' or \'10ms\'?)): got \'10\'; '
      + 'write a whole number and a unit (ms, s, m, h or d), such as \'1500ms\' (Linkerd admission: parse_timeouts: parse_duration)',
      '/metadata/annotations/retry.linkerd.io~1http: invalid retry condition: got \'gateway-errors\'; use 5xx, gateway-error, a status code such as 503 or a range such as 500-504, '
      + 'separated by commas without spaces (Linkerd admission: parse_http_retry)',
      '/metadata/annotations/retry.linkerd.io~1http: invalid retry condition: got \'504-500\'; use 5xx, gateway-error, a status code such as 503 or a range such as 500-504, '
      + 'separated by commas without spaces (Linkerd admission: parse_http_retry)',
    ]);
    expect(problems(grpcRoute([{}], egress(50051), { 'retry.linkerd.io/grpc': 'unavailable,aborted' }))).toStrictEqual([
      '/metadata/annotations/retry.linkerd.io~1grpc: invalid retry condition: got \'aborted\'; use cancelled, deadline-exceeded, internal, resource-exhausted, unavailable, '
      + 'separated by commas without spaces (Linkerd admission: parse_grpc_retry)',
    ]);
    expect(problems(policyRoute([{}], svc, { 'timeout.linkerd.io/idle': '-5s' }))[0]).toMatch(/^\/metadata\/annotations\/timeout.linkerd.io~1idle: not a duration Linkerd reads \(a duration cannot be negative\)/);
  });
  test('accepted if they are readable (as mesh-kit writes them); and on a route attached to a Gateway or a Server they are not read', () => {
    const svc = { group: 'core', kind: 'Service', name: 'web', port: 80 };
    expect(problems(httpRoute([{}], svc, {
      'retry.linkerd.io/limit': '3', 'retry.linkerd.io/http': '5xx,Gateway-Error,503,500-504', 'retry.linkerd.io/timeout': '250ms', 'timeout.linkerd.io/response': '0',
    }))).toStrictEqual([]);
    expect(problems(grpcRoute([{}], svc, { 'retry.linkerd.io/grpc': 'cancelled,Unavailable', 'timeout.linkerd.io/request': '2m' }))).toStrictEqual([]);
    expect(problems(httpRoute([{}], gateway, { 'retry.linkerd.io/limit': 'many' }))).toStrictEqual([]);
    expect(problems(policyRoute([{}], server, { 'retry.linkerd.io/limit': 'many' }))).toStrictEqual([]);
  });

  test('durations of the annotations: each reason parse_duration gives', () => {
    expect(linkerdDurationProblem('ms')).toBe('it holds no number');
    expect(linkerdDurationProblem('1h30m')).toBe('it is not a whole number followed by a unit');
    expect(linkerdDurationProblem('5w')).toBe('\'w\' is not a unit Linkerd reads (ms, s, m, h or d)');
    expect(linkerdDurationProblem('99999999999999999999d')).toBe('it overflows when converted to milliseconds');
    expect(linkerdDurationProblem(' 2d ')).toBeUndefined();
  });

  test('a Gateway API HTTPRoute attached to a Gateway gets none of Linkerd\'s rules (as the conformance manifests have them)', () => {
    const rules = [{
      matches: [{ path: { type: 'RegularExpression', value: '/(?!x)' }, headers: [{ name: 'x', value: 'é' }] }],
      filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch' } } }],
      backendRefs: [{ group: 'core', kind: 'Service', name: 'web' }],
    }];
    expect(problems(httpRoute(rules, gateway))).toStrictEqual([]);
    expect(problems(httpRoute(rules, { kind: 'Service', name: 'web', port: 80 }))).toStrictEqual([]);
  });

  test('run by schema validation, beside the schema\'s own problems', () => {
    const o = policyRoute([{ matches: [{ path: { type: 'Exact', value: 'api' } }] }]);
    expect(SchemaValidation.pinned().validate(o).problems).toStrictEqual([
      '/spec/rules/0/matches/0/path/value: HTTPPathMatch paths must be absolute (begin with \'/\'): got \'api\'; write \'/api\' (Linkerd admission: path_match)',
    ]);
  });
});
