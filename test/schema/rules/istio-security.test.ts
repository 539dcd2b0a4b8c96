import { SchemaValidation } from '../../../lib';
import { Manifest } from '../../../lib/render/model';
import { apiRuleProblems } from '../../../lib/schema/api-rules';

const m = (apiVersion: string, kind: string, spec: object, metadata: object = {}): Manifest =>
  ({ apiVersion, kind, metadata: { name: 'p', namespace: 'shop', ...metadata }, spec }) as unknown as Manifest;
const ap = (spec: object, metadata: object = {}) => m('security.istio.io/v1', 'AuthorizationPolicy', spec, metadata);
const ra = (spec: object, metadata: object = {}) => m('security.istio.io/v1', 'RequestAuthentication', spec, metadata);
const telemetry = (spec: object) => m('telemetry.istio.io/v1', 'Telemetry', spec);
const wasm = (spec: object) => m('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: 'oci://ghcr.io/acme/filter:1.0', ...spec });
const ef = (configPatches: unknown[]) => m('networking.istio.io/v1alpha3', 'EnvoyFilter', { configPatches });
/** An ALLOW policy with one rule: `from` sources and `to` operations. */
const rule = (r: object) => ap({ action: 'ALLOW', rules: [r] });
const from = (source: object) => rule({ from: [{ source }] });
const to = (operation: object) => rule({ to: [{ operation }] });
const when = (condition: object) => rule({ when: [condition] });

const AP = '(Istio webhook: ValidateAuthorizationPolicy)';

describe('Istio webhook: metadata of every security, telemetry and extension kind (validateMetadata, checkDryRunAnnotation)', () => {
  test('refused if istio.io/dry-run is not a Go boolean / accepted if it is', () => {
    expect(apiRuleProblems(ap({ action: 'ALLOW' }, { annotations: { 'istio.io/dry-run': 'yes' } }))).toStrictEqual([
      '/metadata/annotations/istio.io~1dry-run: must be a boolean: got \'yes\'; use \'true\' or \'false\' (Istio webhook: checkDryRunAnnotation)',
    ]);
    for (const value of ['true', 'False', '0', 'T']) expect(apiRuleProblems(ap({ action: 'DENY', rules: [{}] }, { annotations: { 'istio.io/dry-run': value } }))).toStrictEqual([]);
  });

  test('refused if istio.io/dry-run is on an AUDIT or CUSTOM policy / accepted on ALLOW (the default) and DENY', () => {
    expect(apiRuleProblems(ap({ action: 'AUDIT', rules: [{}] }, { annotations: { 'istio.io/dry-run': 'true' } }))).toStrictEqual([
      '/metadata/annotations/istio.io~1dry-run: the annotation istio.io/dry-run only supports the actions ALLOW and DENY: got action \'AUDIT\'; remove the annotation (Istio webhook: checkDryRunAnnotation)',
    ]);
    expect(apiRuleProblems(ap({}, { annotations: { 'istio.io/dry-run': 'true' } }))).toStrictEqual([]);
  });

  test('refused if istio.io/dry-run is on another kind / accepted without it', () => {
    expect(apiRuleProblems(ra({}, { annotations: { 'istio.io/dry-run': 'true' } }))).toStrictEqual([
      '/metadata/annotations/istio.io~1dry-run: the annotation istio.io/dry-run is only supported on an AuthorizationPolicy: got it on a RequestAuthentication; remove it (Istio webhook: checkDryRunAnnotation)',
    ]);
    expect(apiRuleProblems(m('security.istio.io/v1', 'PeerAuthentication', {}, { annotations: { 'istio.io/dry-run': 'true' } }))[0])
      .toMatch(/only supported on an AuthorizationPolicy: got it on a PeerAuthentication/);
    expect(apiRuleProblems(ra({}, { annotations: { 'example.com/owner': 'team-a' } }))).toStrictEqual([]);
  });

  test('refused if an Istio-internal annotation is set / accepted otherwise', () => {
    expect(apiRuleProblems(telemetry({}))).toStrictEqual([]);
    expect(apiRuleProblems(m('telemetry.istio.io/v1', 'Telemetry', {}, { annotations: { 'internal.istio.io/parents': 'x' } }))).toStrictEqual([
      '/metadata/annotations/internal.istio.io~1parents: Istio\'s internal annotation may not be set by users: got \'internal.istio.io/parents\'; remove it (Istio webhook: validateMetadata)',
    ]);
  });
});

describe('Istio webhook: policy targets (validatePolicyTargetReference)', () => {
  test('refused if a targetRef names another kind or group / accepted for Service, ServiceEntry, Gateway, GatewayClass', () => {
    expect(apiRuleProblems(ap({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'r' }] }))).toStrictEqual([
      '/spec/targetRefs/0: a policy may only target a Service (group \'\'), a ServiceEntry (networking.istio.io), a Gateway or a GatewayClass (gateway.networking.k8s.io): got \'gateway.networking.k8s.io/HTTPRoute\' (Istio webhook: validatePolicyTargetReference)',
    ]);
    expect(apiRuleProblems(ra({ targetRef: { group: 'networking.istio.io', kind: 'Gateway', name: 'g' } }))).toStrictEqual([
      '/spec/targetRef: a policy may only target a Service (group \'\'), a ServiceEntry (networking.istio.io), a Gateway or a GatewayClass (gateway.networking.k8s.io): got \'networking.istio.io/Gateway\' (Istio webhook: validatePolicyTargetReference)',
    ]);
    const targetRefs = [
      { group: '', kind: 'Service', name: 's' }, { kind: 'Service', name: 's' }, { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'e' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'w' }, { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio-waypoint' },
    ];
    expect(apiRuleProblems(ap({ targetRefs }))).toStrictEqual([]);
    expect(apiRuleProblems(telemetry({ targetRefs }))).toStrictEqual([]);
    expect(apiRuleProblems(wasm({ targetRefs }))).toStrictEqual([]);
  });
});

describe('Istio webhook: AuthorizationPolicy (ValidateAuthorizationPolicy)', () => {
  test('refused if a CUSTOM policy has no rules / accepted with an empty rule', () => {
    expect(apiRuleProblems(ap({ action: 'CUSTOM', provider: { name: 'ext-authz' } }))).toStrictEqual([
      `/spec/rules: a CUSTOM policy without rules never triggers: got no rules; add an empty rule {} to apply it to every request ${AP}`,
    ]);
    expect(apiRuleProblems(ap({ action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [{}] }))).toStrictEqual([]);
  });

  test('refused if a CUSTOM policy names no provider / accepted when it does', () => {
    expect(apiRuleProblems(ap({ action: 'CUSTOM', rules: [{}] }))).toStrictEqual([
      `/spec/provider: a CUSTOM policy must name its provider: got none; give provider.name, an extensionProvider of the mesh config ${AP}`,
    ]);
    expect(apiRuleProblems(ap({ action: 'CUSTOM', provider: {}, rules: [{}] }))).toStrictEqual([
      `/spec/provider/name: a CUSTOM policy must name its provider: got ''; name an extensionProvider of the mesh config ${AP}`,
    ]);
    expect(apiRuleProblems(ap({ action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }] }))).toStrictEqual([]);
  });

  test('refused if a CUSTOM rule uses identities / accepted with IPs, operations and header conditions', () => {
    const custom = (r: object) => ap({ action: 'CUSTOM', provider: { name: 'ext-authz' }, rules: [r] });
    expect(apiRuleProblems(custom({ from: [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }], when: [{ key: 'request.auth.claims[iss]', values: ['x'] }] })))
      .toStrictEqual([
        `/spec/rules/0/from/0/source/principals: is not supported with the CUSTOM action: got principals; the external authorizer decides on identities ${AP}`,
        `/spec/rules/0/when/0/key: is not supported with the CUSTOM action: got 'request.auth.claims[iss]'; the external authorizer decides on identities ${AP}`,
      ]);
    expect(apiRuleProblems(custom({ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }], when: [{ key: 'request.headers[x-user]', values: ['a'] }] }))).toStrictEqual([]);
  });

  test('refused if a provider is given to a non-CUSTOM policy / accepted without one', () => {
    expect(apiRuleProblems(ap({ action: 'DENY', provider: { name: 'ext-authz' }, rules: [{}] }))).toStrictEqual([
      `/spec/provider: a provider is only allowed with the CUSTOM action: got action 'DENY'; remove the provider or set action: CUSTOM ${AP}`,
    ]);
    expect(apiRuleProblems(ap({ action: 'DENY', rules: [{}] }))).toStrictEqual([]);
  });

  test('refused if a DENY policy has no rules (absent or empty) / accepted with an empty rule; ALLOW needs none', () => {
    const message = `/spec/rules: a DENY policy without rules never triggers: got no rules; add an empty rule {} to deny every request ${AP}`;
    expect(apiRuleProblems(ap({ action: 'DENY' }))).toStrictEqual([message]);
    expect(apiRuleProblems(ap({ action: 'DENY', rules: [] }))).toStrictEqual([message]);
    expect(apiRuleProblems(ap({ action: 'DENY', rules: [{}] }))).toStrictEqual([]);
    expect(apiRuleProblems(ap({}))).toStrictEqual([]);
  });

  test('refused if a from has no source or an empty one / accepted with a field set', () => {
    expect(apiRuleProblems(rule({ from: [{}] }))).toStrictEqual([
      `/spec/rules/0/from/0/source: must be set: got a from without a source in rule 0; add the source or remove the from ${AP}`,
    ]);
    expect(apiRuleProblems(from({}))).toStrictEqual([
      `/spec/rules/0/from/0/source: a rule's source must set at least one field (principals, namespaces, ipBlocks, serviceAccounts…): got an empty source in rule 0; remove it or fill it ${AP}`,
    ]);
    expect(apiRuleProblems(from({ notNamespaces: ['kube-system'] }))).toStrictEqual([]);
    // Go's protobuf decoding reads `from: []` as no from at all: the webhook cannot tell it from an absent one
    expect(apiRuleProblems(rule({ from: [] }))).toStrictEqual([]);
  });

  test('refused if a to has no operation or an empty one / accepted with a field set', () => {
    expect(apiRuleProblems(rule({ to: [{}] }))).toStrictEqual([
      `/spec/rules/0/to/0/operation: must be set: got a to without an operation in rule 0; add the operation or remove the to ${AP}`,
    ]);
    expect(apiRuleProblems(to({ ports: [] }))).toStrictEqual([
      `/spec/rules/0/to/0/operation: a rule's operation must set at least one field (ports, methods, paths, hosts or their not-forms): got an empty operation in rule 0; remove it or fill it ${AP}`,
    ]);
    expect(apiRuleProblems(to({ notMethods: ['DELETE'] }))).toStrictEqual([]);
  });

  test('refused if a source or operation list holds an empty value / accepted without', () => {
    expect(apiRuleProblems(from({ principals: ['cluster.local/ns/a/sa/b', ''] }))).toStrictEqual([
      '/spec/rules/0/from/0/source/principals/1: an empty value is not allowed: got \'\'; remove it or give a value (Istio webhook: security.CheckEmptyValues)',
    ]);
    expect(apiRuleProblems(to({ hosts: [''], methods: ['GET'] }))).toStrictEqual([
      '/spec/rules/0/to/0/operation/hosts/0: an empty value is not allowed: got \'\'; remove it or give a value (Istio webhook: security.CheckEmptyValues)',
    ]);
    expect(apiRuleProblems(from({ principals: ['*'], requestPrincipals: ['issuer/subject'], namespaces: ['shop'] }))).toStrictEqual([]);
  });

  test('refused if an IP block is neither an IP nor a CIDR block / accepted for IPv4, IPv6 and CIDR blocks', () => {
    expect(apiRuleProblems(from({ ipBlocks: ['10.0.0.0/33'], notRemoteIpBlocks: ['10.0.0.256'] }))).toStrictEqual([
      '/spec/rules/0/from/0/source/ipBlocks/0: must be an IP address or a CIDR block such as \'10.0.0.0/16\': got \'10.0.0.0/33\' (Istio webhook: security.ValidateIPs)',
      '/spec/rules/0/from/0/source/notRemoteIpBlocks/0: must be an IP address or a CIDR block such as \'10.0.0.0/16\': got \'10.0.0.256\' (Istio webhook: security.ValidateIPs)',
    ]);
    expect(apiRuleProblems(from({ ipBlocks: ['10.0.0.1', '10.1.2.3/16', '2001:db8::/32'], remoteIpBlocks: ['::1'] }))).toStrictEqual([]);
  });

  test('refused if a port is not a number from 0 to 65535 / accepted otherwise', () => {
    expect(apiRuleProblems(to({ ports: ['http', '65536'], notPorts: ['-1'] }))).toStrictEqual([
      '/spec/rules/0/to/0/operation/ports/0: must be a port number (0 to 65535): got \'http\' (Istio webhook: security.ValidatePorts)',
      '/spec/rules/0/to/0/operation/ports/1: must be a port number (0 to 65535): got \'65536\' (Istio webhook: security.ValidatePorts)',
      '/spec/rules/0/to/0/operation/notPorts/0: must be a port number (0 to 65535): got \'-1\' (Istio webhook: security.ValidatePorts)',
    ]);
    expect(apiRuleProblems(to({ ports: ['8080', '0', '65535'] }))).toStrictEqual([]);
  });

  test('refused if a service account has a wildcard or a bad form / accepted as name or namespace/name', () => {
    expect(apiRuleProblems(from({ serviceAccounts: ['shop/*'] }))).toStrictEqual([
      '/spec/rules/0/from/0/source/serviceAccounts/0: a service account cannot have a wildcard: got \'shop/*\'; name the service account (Istio webhook: security.CheckServiceAccount)',
    ]);
    expect(apiRuleProblems(from({ notServiceAccounts: ['a/b/c'] }))).toStrictEqual([
      '/spec/rules/0/from/0/source/notServiceAccounts/0: must be \'serviceAccount\' or \'namespace/serviceAccount\': got \'a/b/c\' (Istio webhook: security.CheckServiceAccount)',
    ]);
    expect(apiRuleProblems(from({ serviceAccounts: ['/web'] }))[0]).toMatch(/must be 'serviceAccount' or 'namespace\/serviceAccount': got '\/web'/);
    expect(apiRuleProblems(from({ serviceAccounts: ['web', 'shop/web'] }))).toStrictEqual([]);
  });

  test('refused if a trust domain has a middle wildcard or a \'/\' / accepted with a wildcard at an end', () => {
    expect(apiRuleProblems(from({ trustDomains: ['a*b.local'] }))).toStrictEqual([
      '/spec/rules/0/from/0/source/trustDomains/0: a wildcard \'*\' is only allowed at the start or the end: got \'a*b.local\' (Istio webhook: security.CheckTrustDomainValues)',
    ]);
    expect(apiRuleProblems(from({ notTrustDomains: ['cluster.local/ns/a'] }))).toStrictEqual([
      '/spec/rules/0/from/0/source/notTrustDomains/0: a trust domain cannot contain \'/\': got \'cluster.local/ns/a\'; give the trust domain alone (e.g. \'cluster.local\') (Istio webhook: security.CheckTrustDomainValues)',
    ]);
    expect(apiRuleProblems(from({ trustDomains: ['**.local'] }))[0]).toMatch(/at most one wildcard '\*' is allowed: got '\*\*.local'/);
    expect(apiRuleProblems(from({ trustDomains: ['cluster.local', '*.example.com', 'td-*', '*'] }))).toStrictEqual([]);
  });

  test('refused if a path template is malformed / accepted for {*} and a final {**}, and for plain paths', () => {
    expect(apiRuleProblems(to({ paths: ['/api/{**}/{*}'], notPaths: ['/v{version}/x', '/a/{*}/b c'] }))).toStrictEqual([
      '/spec/rules/0/to/0/operation/paths/0: \'{**}\' must be the last operator of a path template: got \'/api/{**}/{*}\' (Istio webhook: security.CheckValidPathTemplate)',
      '/spec/rules/0/to/0/operation/notPaths/0: \'{\' and \'}\' are only allowed in the path templates \'{*}\' and \'{**}\': got \'/v{version}/x\' (Istio webhook: security.CheckValidPathTemplate)',
      '/spec/rules/0/to/0/operation/notPaths/1: segment \'b c\' of a path template must be RFC 3986 path characters: got \'/a/{*}/b c\' (Istio webhook: security.CheckValidPathTemplate)',
    ]);
    expect(apiRuleProblems(to({ paths: ['/api/{*}/items/{**}', '/api/{**}/items', '/static/*', '*/info', '/a b'] }))).toStrictEqual([]);
  });

  test('refused if a condition has an empty key or no values / accepted with values or notValues', () => {
    expect(apiRuleProblems(when({ key: '', values: ['a'] }))).toStrictEqual([
      `/spec/rules/0/when/0/key: a condition key must not be empty: got ''; name an authorization condition such as 'request.headers[User-Agent]' ${AP}`,
    ]);
    expect(apiRuleProblems(when({ key: 'source.namespace' }))).toStrictEqual([
      `/spec/rules/0/when/0: a condition must set values or notValues: got neither for key 'source.namespace'; give the values to match ${AP}`,
    ]);
    expect(apiRuleProblems(when({ key: 'source.namespace', notValues: ['kube-system'] }))).toStrictEqual([]);
  });

  test('refused if a condition key is unknown, malformed or replaced / accepted for every key Istio knows', () => {
    expect(apiRuleProblems(when({ key: 'request.headers', values: ['a'] }))).toStrictEqual([
      '/spec/rules/0/when/0/key: a condition key must have the form name[inner] (e.g. request.headers[User-Agent]): got \'request.headers\' (Istio webhook: security.ValidateAttribute)',
    ]);
    expect(apiRuleProblems(when({ key: 'destination.labels[app]', values: ['a'] }))).toStrictEqual([
      '/spec/rules/0/when/0/key: the condition key \'destination.labels[app]\' is replaced by the workload selector: got \'destination.labels[app]\'; use spec.selector (Istio webhook: security.ValidateAttribute)',
    ]);
    expect(apiRuleProblems(when({ key: 'destination.namespace', values: ['a'] }))[0]).toMatch(/is replaced by the policy's metadata.namespace/);
    expect(apiRuleProblems(when({ key: 'destination.user', values: ['a'] }))[0]).toMatch(/was only supported in v1alpha1/);
    expect(apiRuleProblems(when({ key: 'source.name', values: ['a'] }))[0]).toMatch(/^\/spec\/rules\/0\/when\/0\/key: unknown condition key: got 'source.name'; use one of/);
    const keys = ['request.headers[User-Agent]', 'source.ip', 'remote.ip', 'source.namespace', 'source.principal', 'request.auth.principal',
      'request.auth.audiences', 'request.auth.presenter', 'request.auth.claims[groups]', 'destination.ip', 'connection.sni',
      'experimental.envoy.filters.network.mysql_proxy[db.table]'];
    expect(apiRuleProblems(rule({ when: keys.map(key => ({ key, values: key.endsWith('.ip') ? ['10.0.0.0/8'] : ['x'] })) }))).toStrictEqual([]);
  });

  test('refused if condition values break their key\'s form / accepted in that form', () => {
    expect(apiRuleProblems(rule({
      when: [
        { key: 'source.ip', values: ['10.0.0.1', 'any'] }, { key: 'destination.port', notValues: ['http'] },
        { key: 'source.serviceAccount', values: ['shop/*'] }, { key: 'source.trustDomain', values: ['a*b'] }, { key: 'request.auth.principal', values: [''] },
      ],
    }))).toStrictEqual([
      '/spec/rules/0/when/0/values/1: must be an IP address or a CIDR block such as \'10.0.0.0/16\': got \'any\' (Istio webhook: security.ValidateAttribute)',
      '/spec/rules/0/when/1/notValues/0: must be a port number (0 to 65535): got \'http\' (Istio webhook: security.ValidateAttribute)',
      '/spec/rules/0/when/2/values/0: a service account cannot have a wildcard: got \'shop/*\'; name the service account (Istio webhook: security.ValidateAttribute)',
      '/spec/rules/0/when/3/values/0: a wildcard \'*\' is only allowed at the start or the end: got \'a*b\' (Istio webhook: security.ValidateAttribute)',
      '/spec/rules/0/when/4/values/0: an empty value is not allowed: got \'\'; remove it or give a value (Istio webhook: security.ValidateAttribute)',
    ]);
    expect(apiRuleProblems(rule({
      when: [
        { key: 'remote.ip', values: ['2001:db8::/32'] }, { key: 'destination.port', values: ['8080'] },
        { key: 'source.serviceAccount', values: ['shop/web'] }, { key: 'source.trustDomain', values: ['*.local'] },
      ],
    }))).toStrictEqual([]);
  });
});

describe('Istio webhook: RequestAuthentication (ValidateRequestAuthentication, validateJwtRule)', () => {
  test('refused if a JWT rule sets neither issuer nor jwksUri / accepted with either', () => {
    expect(apiRuleProblems(ra({ jwtRules: [{ audiences: ['shop'] }] }))).toStrictEqual([
      '/spec/jwtRules/0: a JWT rule must set issuer or jwksUri: got neither; give the token issuer (e.g. \'https://accounts.example.com\') (Istio webhook: validateJwtRule)',
    ]);
    expect(apiRuleProblems(ra({ jwtRules: [{ issuer: 'https://id.example.com' }, { jwksUri: 'https://id.example.com/jwks' }, { jwks_uri: 'https://id.example.com/jwks' }] })))
      .toStrictEqual([]);
  });

  test('refused if inline jwks is not a JSON Web Key Set / accepted for a set or a single key', () => {
    expect(apiRuleProblems(ra({ jwtRules: [{ issuer: 'i', jwks: 'not json' }] }))).toStrictEqual([
      '/spec/jwtRules/0/jwks: must be a JSON Web Key Set: is not JSON: got \'not json\' (Istio webhook: validateJwtRule)',
    ]);
    expect(apiRuleProblems(ra({ jwtRules: [{ issuer: 'i', jwks: '{"keys":[{"kty":"XYZ"}]}' }] }))).toStrictEqual([
      '/spec/jwtRules/0/jwks: must be a JSON Web Key Set: a key has no known \'kty\' (RSA, EC, OKP or oct): got \'XYZ\': got \'{"keys":[{"kty":"XYZ"}]}\' (Istio webhook: validateJwtRule)',
    ]);
    expect(apiRuleProblems(ra({ jwtRules: [{ issuer: 'i', jwks: '[1]' }, { issuer: 'i', jwks: '{"keys":{}}' }] }))).toStrictEqual([
      '/spec/jwtRules/0/jwks: must be a JSON Web Key Set: is not a JSON object: got \'[1]\' (Istio webhook: validateJwtRule)',
      '/spec/jwtRules/1/jwks: must be a JSON Web Key Set: \'keys\' is not a list: got \'{"keys":{}}\' (Istio webhook: validateJwtRule)',
    ]);
    const key = { kty: 'RSA', e: 'AQAB', n: 'xAE7eB6qugXyCAG3yhh7pkDkT65pHymX-P7KfIupjf59vsdo91bSP9C8H07pSAGQO1MV_xFj9VswgsCg4R6otmg5PV2He95lZdHtOcU5DXIg_pbhLdKXbi66GlVeK6ABZOUW3WYtnNHD-91gVuoeJT_DwtGGcp4ignkgXfkiEm4sw-4sfb4qdt5oLbyVpmW6x9cfa7vs2WTfURiCrBoUqgBo_-4WTiULmmHSGZHOjzwa8WtrtOQGsAFjIbno85jp6MnGGGZPYZbDAa_b3y5u-YpW7ypZrvD8BgtKVjgtQgZhLAGezMt0ua3DRrWnKqTZ0BJ_EyxOGuHJrLsn00fnMQ' };
    expect(apiRuleProblems(ra({ jwtRules: [{ issuer: 'i', jwks: JSON.stringify({ keys: [key] }) }, { issuer: 'i', jwks: JSON.stringify(key) }] }))).toStrictEqual([]);
  });

  test('refused if the timeout is not whole milliseconds / accepted when it is', () => {
    expect(apiRuleProblems(ra({ jwtRules: [{ issuer: 'i', jwksUri: 'https://i/jwks', timeout: '1500us' }] }))).toStrictEqual([
      '/spec/jwtRules/0/timeout: must be whole milliseconds: got \'1500us\' (Istio webhook: validateJwtRule)',
    ]);
    expect(apiRuleProblems(ra({ jwtRules: [{ issuer: 'i', jwksUri: 'https://i/jwks', timeout: '5s' }] }))).toStrictEqual([]);
  });
});

describe('Istio webhook: Telemetry (ValidateTelemetry)', () => {
  test('refused if a custom tag name is empty / accepted when named', () => {
    expect(apiRuleProblems(telemetry({ tracing: [{ customTags: { '': { literal: { value: 'x' } } } }] }))).toStrictEqual([
      '/spec/tracing/0/customTags: a custom tag name must not be empty: got \'\'; name the span tag (Istio webhook: validateTelemetryTracing)',
    ]);
    expect(apiRuleProblems(telemetry({ tracing: [{ customTags: { team: { literal: { value: 'x' } } } }] }))).toStrictEqual([]);
  });

  test('refused if an access-log filter is not a CEL expression / accepted when it parses', () => {
    expect(apiRuleProblems(telemetry({ accessLogging: [{ filter: { expression: 'response.code >=' } }] }))).toStrictEqual([
      '/spec/accessLogging/0/filter/expression: must be a CEL expression (<input>:1:15: found > but expecting end of input): got \'response.code >=\'; write a condition such as \'response.code >= 400\' (Istio webhook: validateTelemetryFilter)',
    ]);
    expect(apiRuleProblems(telemetry({ accessLogging: [{ filter: { expression: 'response.code >= 400 || connection.mtls' } }, { providers: [{ name: 'envoy' }] }] })))
      .toStrictEqual([]);
  });
});

describe('Istio webhook: WasmPlugin (ValidateWasmPlugin)', () => {
  test('two vmConfig env entries sharing a name are refused once, by the API server (the CRD keys env by name), before the webhook would', () => {
    const twice = wasm({ url: 'oci://example.com/filter:1.0', vmConfig: { env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: 'HOST' }, { name: 'A', value: '2' }] } });
    expect(apiRuleProblems(twice)).toStrictEqual([]);
    expect(SchemaValidation.pinned().validate(twice).problems).toStrictEqual([
      '/spec/vmConfig/env/2: Duplicate value: items 0 and 2 of a list keyed by \'name\' (x-kubernetes-list-type: map) have the same key: got {"name":"A"}; '
        + 'give each item its own key (API server: listtype.validateListMap)',
    ]);
  });
});

describe('Istio webhook: EnvoyFilter (ValidateEnvoyFilter)', () => {
  const value = { name: 'envoy.lua' };
  const listener = { listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } } };
  const EF = '(Istio webhook: ValidateEnvoyFilter)';

  test('refused if a patch is null, lacks applyTo, patch, operation or a value to add / accepted when complete (REMOVE needs no value)', () => {
    expect(apiRuleProblems(ef([null, { patch: { operation: 'ADD', value } }, { applyTo: 'CLUSTER' }, { applyTo: 'CLUSTER', patch: { value } },
      { applyTo: 'CLUSTER', patch: { operation: 'MERGE' } }]))).toStrictEqual([
      `/spec/configPatches/0: a config patch must not be null: got null; remove it ${EF}`,
      `/spec/configPatches/1/applyTo: must name what the patch applies to: got 'INVALID'; use LISTENER, HTTP_FILTER, CLUSTER… ${EF}`,
      `/spec/configPatches/2/patch: must be set: got none; give the operation and value ${EF}`,
      `/spec/configPatches/3/patch/operation: must be set: got 'INVALID'; use MERGE, ADD, REMOVE, INSERT_BEFORE, INSERT_AFTER, INSERT_FIRST or REPLACE ${EF}`,
      `/spec/configPatches/4/patch/value: must be set for operation MERGE: got none; give the Envoy configuration to merge ${EF}`,
    ]);
    expect(apiRuleProblems(ef([{ applyTo: 'CLUSTER', patch: { operation: 'REMOVE' } }, { applyTo: 'HTTP_FILTER', match: listener, patch: { operation: 'INSERT_BEFORE', value } }])))
      .toStrictEqual([]);
  });

  test('refused if proxyVersion is not an RE2 pattern / accepted when it is', () => {
    expect(apiRuleProblems(ef([{ applyTo: 'CLUSTER', match: { proxy: { proxyVersion: '^1\\.(2' } }, patch: { operation: 'REMOVE' } }]))[0])
      .toMatch(/^\/spec\/configPatches\/0\/match\/proxy\/proxyVersion: must be an RE2 regular expression \(.*\): got '\^1\\\.\(2' \(Istio webhook: ValidateEnvoyFilter\)$/);
    expect(apiRuleProblems(ef([{ applyTo: 'CLUSTER', match: { proxy: { proxyVersion: '^1\\.2.*' } }, patch: { operation: 'REMOVE' } }]))).toStrictEqual([]);
  });

  test('refused if the match\'s object type does not suit applyTo / accepted when it does', () => {
    expect(apiRuleProblems(ef([
      { applyTo: 'HTTP_FILTER', match: { cluster: { service: 'a' } }, patch: { operation: 'ADD', value } },
      { applyTo: 'VIRTUAL_HOST', match: listener, patch: { operation: 'REMOVE' } },
      { applyTo: 'CLUSTER', match: { routeConfiguration: { name: 'r' } }, patch: { operation: 'REMOVE' } },
    ]))).toStrictEqual([
      `/spec/configPatches/0/match: applyTo HTTP_FILTER needs a listener match: got a cluster match; match on listener ${EF}`,
      `/spec/configPatches/1/match: applyTo VIRTUAL_HOST needs a routeConfiguration match: got a listener match; match on routeConfiguration ${EF}`,
      `/spec/configPatches/2/match: applyTo CLUSTER needs a cluster match: got a routeConfiguration match; match on cluster ${EF}`,
    ]);
    expect(apiRuleProblems(ef([
      { applyTo: 'VIRTUAL_HOST', match: { context: 'SIDECAR_OUTBOUND', routeConfiguration: { vhost: { name: 'a:80' } } }, patch: { operation: 'REMOVE' } },
      { applyTo: 'CLUSTER', match: { cluster: { service: 'a' } }, patch: { operation: 'MERGE', value: {} } },
      { applyTo: 'EXTENSION_CONFIG', patch: { operation: 'ADD', value } },
    ]))).toStrictEqual([]);
  });

  test('refused if a filter match has no name or a subFilter match is misplaced / accepted under HTTP_FILTER and the HTTP connection manager', () => {
    const sub = (applyTo: string, name: string, subName?: string) =>
      ({ applyTo, match: { listener: { filterChain: { filter: { name, subFilter: subName === undefined ? {} : { name: subName } } } } }, patch: { operation: 'REMOVE' } });
    expect(apiRuleProblems(ef([
      { applyTo: 'NETWORK_FILTER', match: { listener: { filterChain: { filter: {} } } }, patch: { operation: 'REMOVE' } },
      sub('NETWORK_FILTER', 'envoy.filters.network.http_connection_manager', 'envoy.filters.http.router'),
      sub('HTTP_FILTER', 'envoy.filters.network.tcp_proxy', 'envoy.filters.http.router'),
      sub('HTTP_FILTER', 'envoy.filters.network.http_connection_manager'),
    ]))).toStrictEqual([
      `/spec/configPatches/0/match/listener/filterChain/filter/name: a filter match must name the filter: got ''; e.g. 'envoy.filters.network.http_connection_manager' ${EF}`,
      `/spec/configPatches/1/match/listener/filterChain/filter/subFilter: a subFilter match is only allowed with applyTo HTTP_FILTER: got applyTo NETWORK_FILTER ${EF}`,
      `/spec/configPatches/2/match/listener/filterChain/filter/name: a subFilter match needs the filter match 'envoy.filters.network.http_connection_manager': got 'envoy.filters.network.tcp_proxy' ${EF}`,
      `/spec/configPatches/3/match/listener/filterChain/filter/subFilter/name: a subFilter match must name the HTTP filter: got ''; e.g. 'envoy.filters.http.router' ${EF}`,
    ]);
    expect(apiRuleProblems(ef([sub('HTTP_FILTER', 'envoy.filters.network.http_connection_manager', 'envoy.filters.http.router')]))).toStrictEqual([]);
  });

  test('accepted: WAYPOINT patches are not checked (nor are they upstream)', () => {
    expect(apiRuleProblems(ef([{ applyTo: 'HTTP_FILTER', match: { context: 'WAYPOINT', waypoint: { portNumber: 80 } }, patch: { operation: 'ADD' } }]))).toStrictEqual([]);
  });
});

describe('the rules beside the CRD schemas', () => {
  test('what the schema\'s CEL rules already refuse is not reported twice (selector wildcards, targetRef namespace)', () => {
    const problems = SchemaValidation.pinned().validate(ap({ selector: { matchLabels: { app: '*' } }, rules: [{}] })).problems;
    expect(problems).toStrictEqual(['/spec/selector/matchLabels/app: wildcard not allowed in label value match']);
  });

  test('the rules never throw on wrong shapes (the schema reports those)', () => {
    const odd = [null, 3, 'x', [], { rules: 'x' }, { rules: [null, 3, { from: 'x', to: [null, { operation: 3 }], when: [{ key: 3 }] }] },
      { jwtRules: [null, { jwks: 3 }] }, { tracing: 'x', accessLogging: [{ filter: 3 }] }, { configPatches: [3, { applyTo: 3, patch: { operation: 'ADD', value: 1 } }] }];
    for (const spec of odd) {
      for (const [api, kind] of [['security.istio.io/v1', 'AuthorizationPolicy'], ['security.istio.io/v1', 'RequestAuthentication'],
        ['telemetry.istio.io/v1', 'Telemetry'], ['extensions.istio.io/v1alpha1', 'WasmPlugin'], ['networking.istio.io/v1alpha3', 'EnvoyFilter']]) {
        expect(() => apiRuleProblems(m(api, kind, spec as object, { annotations: 3 }))).not.toThrow();
      }
    }
  });
});
