import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AnalyzedObject, analyze } from '../../lib';
import { AnalyzeOptions, analyzeManifests } from '../../lib/analysis';
import { Manifest } from '../../lib/render/model';

type M = Partial<Manifest> & { kind: string; metadata: Manifest['metadata'] };

const API: { [kind: string]: string } = {
  DestinationRule: 'networking.istio.io/v1',
  VirtualService: 'networking.istio.io/v1',
  ServiceEntry: 'networking.istio.io/v1',
  AuthorizationPolicy: 'security.istio.io/v1',
  PeerAuthentication: 'security.istio.io/v1',
  HTTPRoute: 'gateway.networking.k8s.io/v1',
  GRPCRoute: 'gateway.networking.k8s.io/v1',
  Gateway: 'gateway.networking.k8s.io/v1',
  ReferenceGrant: 'gateway.networking.k8s.io/v1beta1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
  Deployment: 'apps/v1',
};
const objs = (...manifests: M[]): AnalyzedObject[] =>
  manifests.map(m => ({ manifest: { apiVersion: m.apiVersion ?? API[m.kind] ?? 'v1', ...m } as Manifest, file: 'f', mesh: 'istio' }));
const found = (objects: AnalyzedObject[], code: string, options: AnalyzeOptions = {}) =>
  analyze(objects, options).findings.filter(f => f.code === code).map(f => f.message);

const ns = (name: string, labels: { [k: string]: string } = { 'istio-injection': 'enabled' }): M => ({ kind: 'Namespace', metadata: { name, labels } });
const svc = (name: string, namespace = 'default'): M => ({ kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 9080 }] } });
const deploy = (name: string, namespace = 'default'): M => ({
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'x:1' }] } } },
});
const pa = (name: string, namespace: string, mode: string, selector?: object): M => ({ kind: 'PeerAuthentication', metadata: { name, namespace }, spec: { ...(selector ? { selector } : {}), mtls: { mode } } });
const dr = (name: string, namespace: string, host: string, mode: string): M => ({ kind: 'DestinationRule', metadata: { name, namespace }, spec: { host, trafficPolicy: { tls: { mode } } } });
const ap = (spec: object, name = 'ap', namespace = 'default', annotations?: { [k: string]: string }): M => ({ kind: 'AuthorizationPolicy', metadata: { name, namespace, annotations }, spec });
const world = [ns('default'), ns('istio-system', {}), svc('reviews'), deploy('reviews')];

describe('AuthorizationPolicy (business/checkers/authorization/)', () => {
  test('KIA0102: fails if a method is not an HTTP method; stays quiet for methods, prefixes, suffixes and *', () => {
    const bad = ap({ rules: [{ to: [{ operation: { methods: ['GET', 'FETCH', 'GE*', '*ST', '*'] } }] }, { to: [{ operation: { methods: ['grpc.health.v1.Health/Check'] } }] }] });
    expect(found(objs(...world, bad), 'KIA0102')).toStrictEqual([
      '[KIA0102] AuthorizationPolicy \'ap\' rules[0].to[0].operation.methods[1] is \'FETCH\', which is not an HTTP method: the rule never matches it '
      + '(Kiali KIA0102, business/checkers/authorization/namespace_method_checker.go); use one of GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE '
      + '(or \'GET*\', \'*ET\', \'*\'); a gRPC method is matched by paths, its HTTP method is POST',
      '[KIA0102] AuthorizationPolicy \'ap\' rules[1].to[0].operation.methods[0] is \'grpc.health.v1.Health/Check\', which is not an HTTP method: the rule never matches it '
      + '(Kiali KIA0102, business/checkers/authorization/namespace_method_checker.go); use one of GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE '
      + '(or \'GET*\', \'*ET\', \'*\'); a gRPC method is matched by paths, its HTTP method is POST',
    ]);
    expect(found(objs(...world, ap({ rules: [{ to: [{ operation: { methods: ['get', 'POST', 'PO*', '*TCH', '*'] } }] }] })), 'KIA0102')).toStrictEqual([]);
  });

  test('KIA0108: fails if a principal\'s trust domain is not the mesh\'s; stays quiet for cluster.local, trustDomainAliases and wildcards (and KIA0106 leaves it)', () => {
    const foreign = ap({ rules: [{ from: [{ source: { principals: ['example.org/ns/default/sa/ghost', 'cluster.local/ns/default/sa/default', '*/ns/default/sa/default'] } }] }] });
    expect(found(objs(...world, foreign), 'KIA0108')).toStrictEqual([
      '[KIA0108] AuthorizationPolicy \'ap\' rules[0].from[0].source.principals[0] is \'example.org/ns/default/sa/ghost\', of trust domain \'example.org\', which is not the mesh\'s '
      + '(cluster.local): its ServiceAccount cannot be verified, and the principal matches only if that domain is trusted '
      + '(Kiali KIA0108, business/checkers/authorization/principals_checker.go); add \'example.org\' to the mesh config\'s trustDomainAliases, or write the principal under trust domain \'cluster.local\'',
    ]);
    expect(found(objs(...world, foreign), 'KIA0106')).toStrictEqual([]);
    expect(found(objs(...world, foreign), 'KIA0108', { meshConfig: { trustDomainAliases: ['example.org'] } })).toStrictEqual([]);
    expect(found(objs(...world, foreign), 'KIA0106', { meshConfig: { trustDomainAliases: ['example.org'] } })).toHaveLength(1);
  });

  test('KIA0106: a wildcard principal matching no ServiceAccount under the mesh\'s trust domains, and a principal that is no peer identity, fail; matches, aliases and * stay quiet', () => {
    const principals = (...p: string[]) => ap({ rules: [{ from: [{ source: { principals: p } }] }] });
    expect(found(objs(...world, principals('*/ns/default/sa/ghost*', 'just-a-string', 'cluster.local/ns/nowhere/sa/default')), 'KIA0106')).toStrictEqual([
      '[KIA0106] AuthorizationPolicy \'ap\' names principal \'*/ns/default/sa/ghost*\', but it matches no ServiceAccount of the mesh (Kiali KIA0106, business/checkers/authorization/principals_checker.go); '
      + 'write the callers\' principal pattern as cluster.local/ns/<namespace>/sa/<service account>',
      '[KIA0106] AuthorizationPolicy \'ap\' names principal \'just-a-string\', but it is not of the form <trust domain>/ns/<namespace>/sa/<name> that peer identities have (trust domains: cluster.local) '
      + '(Kiali KIA0106, business/checkers/authorization/principals_checker.go); write the callers\' principal as cluster.local/ns/<namespace>/sa/<service account>',
      '[KIA0106] AuthorizationPolicy \'ap\' names principal \'cluster.local/ns/nowhere/sa/default\', but namespace \'nowhere\' has no ServiceAccount \'default\' (Kiali KIA0106, business/checkers/authorization/principals_checker.go); '
      + 'create ServiceAccount \'default\' in namespace \'nowhere\', or name the ServiceAccount the callers run as',
    ]);
    expect(found(objs(...world, principals('*', '*local/ns/default/sa/def*', '*.local/ns/default/sa/default', 'cluster.local/ns/default/*')), 'KIA0106')).toStrictEqual([]);
    // a ServiceAccount exists under every trust domain of the mesh (Kiali lists each under each domain)
    expect(found(objs(...world, principals('example.org/ns/default/sa/default')), 'KIA0106', { meshConfig: { trustDomainAliases: ['example.org'] } })).toStrictEqual([]);
    // notPrincipals are not checked (Kiali reads principals only)
    expect(found(objs(...world, ap({ rules: [{ from: [{ source: { notPrincipals: ['cluster.local/ns/default/sa/ghost'] } }] }] })), 'KIA0106')).toStrictEqual([]);
  });

  test('KIA0104: fails if to.operation.hosts names a service the registry lacks; stays quiet for Services, VirtualService hosts, Host headers and wildcards', () => {
    const bad = ap({ rules: [{ to: [{ operation: { hosts: ['ghost', 'ghost.default', 'reviews', 'reviews.default', 'api.example.com', '*.example.com', 'wrong.org', 'vs-host'] } }] }] });
    const vs: M = { kind: 'VirtualService', metadata: { name: 'v', namespace: 'default' }, spec: { hosts: ['vs-host'], http: [{ route: [{ destination: { host: 'reviews' } }] }] } };
    expect(found(objs(...world, vs, bad), 'KIA0104')).toStrictEqual([
      '[KIA0104] AuthorizationPolicy \'ap\' rules[0].to[0].operation.hosts[0] is \'ghost\', which no Service, ServiceEntry or VirtualService visible from namespace \'default\' declares '
      + '(Kiali KIA0104, business/checkers/authorization/no_host_checker.go); name an existing Service (\'name\' or \'name.namespace\'), or write the Host header in full (\'api.example.com\')',
      '[KIA0104] AuthorizationPolicy \'ap\' rules[0].to[0].operation.hosts[1] is \'ghost.default\', which no Service, ServiceEntry or VirtualService visible from namespace \'default\' declares '
      + '(Kiali KIA0104, business/checkers/authorization/no_host_checker.go); name an existing Service (\'name\' or \'name.namespace\'), or write the Host header in full (\'api.example.com\')',
    ]);
    expect(found(objs(...world, vs, ap({ rules: [{ to: [{ operation: { hosts: ['reviews', 'reviews.default', 'vs-host', '*'] } }] }] })), 'KIA0104')).toStrictEqual([]);
  });

  const principals = ap({ selector: { matchLabels: { app: 'reviews' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/default'] } }], when: [{ key: 'source.namespace', values: ['default'] }] }] });
  test('KIA0105: fails if principals or source.namespace are matched while a PeerAuthentication disables mutual TLS', () => {
    expect(found(objs(...world, pa('off', 'default', 'DISABLE'), principals), 'KIA0105')).toStrictEqual([
      '[KIA0105] AuthorizationPolicy \'ap\' matches rules[0].from[0].source.principals, which needs mutual TLS, but the workloads it applies to do not receive it '
      + '(a PeerAuthentication or DestinationRule disables it): the field never matches (Kiali KIA0105, business/checkers/authorization/mtls_enabled_checker.go); '
      + 'enable mutual TLS for them (a PeerAuthentication in namespace \'default\' with mode STRICT or PERMISSIVE), or match on other fields than rules[0].from[0].source.principals',
      '[KIA0105] AuthorizationPolicy \'ap\' matches rules[0].when[0] (source.namespace), which needs mutual TLS, but the workloads it applies to do not receive it '
      + '(a PeerAuthentication or DestinationRule disables it): the field never matches (Kiali KIA0105, business/checkers/authorization/mtls_enabled_checker.go); '
      + 'enable mutual TLS for them (a PeerAuthentication in namespace \'default\' with mode STRICT or PERMISSIVE), or match on other fields than rules[0].when[0] (source.namespace)',
    ]);
    // a workload PeerAuthentication, or the mesh-wide one, decides as well
    expect(found(objs(...world, pa('w', 'default', 'DISABLE', { matchLabels: { app: 'reviews' } }), principals), 'KIA0105')).toHaveLength(2);
    expect(found(objs(...world, pa('mesh', 'istio-system', 'DISABLE'), principals), 'KIA0105')).toHaveLength(2);
  });

  test('KIA0105: stays quiet with auto mutual TLS (nothing said), STRICT or PERMISSIVE, or a STRICT workload policy under a namespace DISABLE', () => {
    expect(found(objs(...world, principals), 'KIA0105')).toStrictEqual([]);
    expect(found(objs(...world, pa('on', 'default', 'STRICT'), principals), 'KIA0105')).toStrictEqual([]);
    expect(found(objs(...world, pa('on', 'default', 'PERMISSIVE'), principals), 'KIA0105')).toStrictEqual([]);
    expect(found(objs(...world, pa('off', 'default', 'DISABLE'), pa('w', 'default', 'STRICT', { matchLabels: { app: 'reviews' } }), principals), 'KIA0105')).toStrictEqual([]);
  });
});

describe('KIA0105 with auto mutual TLS off (mesh config enableAutoMtls: false), as Kiali reads util/mtls/status.go', () => {
  const off = { meshConfig: { enableAutoMtls: false } };
  const principals = ap({ selector: { matchLabels: { app: 'reviews' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/default'] } }] }] });
  test('fails with nothing configured, or a PeerAuthentication (or a DestinationRule) alone', () => {
    expect(found(objs(...world, principals), 'KIA0105', off)).toStrictEqual([
      '[KIA0105] AuthorizationPolicy \'ap\' matches rules[0].from[0].source.principals, which needs mutual TLS, but the workloads it applies to do not receive it '
      + '(auto mutual TLS is off in the mesh config, and no PeerAuthentication with a DestinationRule sending ISTIO_MUTUAL turns it on): '
      + 'the field never matches (Kiali KIA0105, business/checkers/authorization/mtls_enabled_checker.go); '
      + 'enable mutual TLS for them (a PeerAuthentication in namespace \'default\' with mode STRICT or PERMISSIVE, and a DestinationRule sending ISTIO_MUTUAL), '
      + 'or match on other fields than rules[0].from[0].source.principals',
    ]);
    expect(found(objs(...world, pa('mesh', 'istio-system', 'STRICT'), principals), 'KIA0105', off)).toHaveLength(1);
    expect(found(objs(...world, dr('mesh', 'istio-system', '*.local', 'ISTIO_MUTUAL'), principals), 'KIA0105', off)).toHaveLength(1);
  });
  test('stays quiet with both halves: a PeerAuthentication and a DestinationRule sending ISTIO_MUTUAL, mesh- or namespace-wide', () => {
    expect(found(objs(...world, pa('mesh', 'istio-system', 'STRICT'), dr('mesh', 'istio-system', '*.local', 'ISTIO_MUTUAL'), principals), 'KIA0105', off)).toStrictEqual([]);
    expect(found(objs(...world, pa('ns', 'default', 'PERMISSIVE'), dr('ns', 'default', '*.default.svc.cluster.local', 'ISTIO_MUTUAL'), principals), 'KIA0105', off)).toStrictEqual([]);
  });
});

describe('PeerAuthentication DISABLE against ISTIO_MUTUAL (business/checkers/peerauthentications/)', () => {
  test('KIA0505: fails if a namespace-wide DISABLE meets a namespace- or mesh-wide ISTIO_MUTUAL DestinationRule; quiet with a namespace DISABLE one', () => {
    expect(found(objs(...world, pa('off', 'default', 'DISABLE'), dr('ns-mtls', 'default', '*.default.svc.cluster.local', 'ISTIO_MUTUAL')), 'KIA0505')).toStrictEqual([
      '[KIA0505] PeerAuthentication \'off\' disables mutual TLS in namespace \'default\', but DestinationRule \'ns-mtls\' (host \'*.default.svc.cluster.local\') sends ISTIO_MUTUAL to it: '
      + 'its workloads refuse those requests (Kiali KIA0505, business/checkers/peerauthentications/disabled_namespacewide_checker.go); '
      + 'add a DestinationRule for \'*.default.svc.cluster.local\' with tls mode DISABLE',
    ]);
    const meshMtls = dr('mesh-mtls', 'istio-system', '*.local', 'ISTIO_MUTUAL');
    expect(found(objs(...world, pa('off', 'default', 'DISABLE'), meshMtls), 'KIA0505')).toHaveLength(1);
    expect(found(objs(...world, pa('off', 'default', 'DISABLE'), meshMtls, dr('ns-off', 'default', '*.default.svc.cluster.local', 'DISABLE')), 'KIA0505')).toStrictEqual([]);
    expect(found(objs(...world, pa('on', 'default', 'STRICT'), meshMtls), 'KIA0505')).toStrictEqual([]);
  });

  test('KIA0506: fails if the mesh-wide PeerAuthentication disables mutual TLS while a *.local DestinationRule sends ISTIO_MUTUAL; quiet without it', () => {
    const off = pa('off', 'istio-system', 'DISABLE');
    expect(found(objs(...world, off, dr('mesh-mtls', 'istio-system', '*.local', 'ISTIO_MUTUAL')), 'KIA0506')).toStrictEqual([
      '[KIA0506] PeerAuthentication \'off\' disables mutual TLS mesh-wide, but DestinationRule \'mesh-mtls\' (host \'*.local\') sends ISTIO_MUTUAL: '
      + 'every workload refuses those requests (Kiali KIA0506, business/checkers/peerauthentications/disabled_meshwide_checker.go); set spec.trafficPolicy.tls.mode of DestinationRule \'mesh-mtls\' to DISABLE',
    ]);
    expect(found(objs(...world, off, dr('mesh-off', 'istio-system', '*.local', 'DISABLE')), 'KIA0506')).toStrictEqual([]);
  });
});

describe('DestinationRule DISABLE toward STRICT (business/checkers/destinationrules/)', () => {
  test('KIA0207: fails if a namespace-wide DestinationRule disables TLS under a STRICT namespace PeerAuthentication; quiet under PERMISSIVE', () => {
    const nsOff = dr('ns-off', 'default', '*.default.svc.cluster.local', 'DISABLE');
    expect(found(objs(...world, pa('on', 'default', 'STRICT'), nsOff), 'KIA0207')).toStrictEqual([
      '[KIA0207] DestinationRule \'ns-off\' disables TLS for namespace \'default\', where STRICT PeerAuthentication \'on\' refuses plain text: every request fails '
      + '(Kiali KIA0207, business/checkers/destinationrules/disabled_namespacewide_mtls_checker.go); set spec.trafficPolicy.tls.mode to ISTIO_MUTUAL, or make PeerAuthentication \'on\' PERMISSIVE',
    ]);
    expect(found(objs(...world, pa('on', 'default', 'PERMISSIVE'), nsOff), 'KIA0207')).toStrictEqual([]);
  });

  test('KIA0208: fails if a *.local or namespace-wide DestinationRule disables TLS under a STRICT mesh-wide PeerAuthentication, Services without pods included', () => {
    const meshStrict = pa('strict', 'istio-system', 'STRICT');
    expect(found(objs(ns('default'), ns('istio-system', {}), meshStrict, dr('mesh-off', 'istio-system', '*.local', 'DISABLE')), 'KIA0208')).toStrictEqual([
      '[KIA0208] DestinationRule \'mesh-off\' disables TLS for the whole mesh (*.local), where STRICT PeerAuthentication \'strict\' refuses plain text: every request fails '
      + '(Kiali KIA0208, business/checkers/destinationrules/disabled_meshwide_mtls_checker.go); set spec.trafficPolicy.tls.mode to ISTIO_MUTUAL, or make PeerAuthentication \'strict\' PERMISSIVE',
    ]);
    expect(found(objs(...world, meshStrict, dr('ns-off', 'default', '*.default.svc.cluster.local', 'DISABLE')), 'KIA0208')).toStrictEqual([
      '[KIA0208] DestinationRule \'ns-off\' disables TLS for namespace \'default\' (the mesh-wide PeerAuthentication applies), where STRICT PeerAuthentication \'strict\' refuses plain text: '
      + 'every request fails (Kiali KIA0208, business/checkers/destinationrules/disabled_namespacewide_mtls_checker.go); set spec.trafficPolicy.tls.mode to ISTIO_MUTUAL, or make PeerAuthentication \'strict\' PERMISSIVE',
    ]);
  });

  test('KIA0208: stays quiet under a PERMISSIVE mesh, or when the namespace\'s own PeerAuthentication accepts plain text', () => {
    const nsOff = dr('ns-off', 'default', '*.default.svc.cluster.local', 'DISABLE');
    expect(found(objs(...world, pa('p', 'istio-system', 'PERMISSIVE'), dr('mesh-off', 'istio-system', '*.local', 'DISABLE')), 'KIA0208')).toStrictEqual([]);
    expect(found(objs(...world, pa('strict', 'istio-system', 'STRICT'), pa('p', 'default', 'PERMISSIVE'), nsOff), 'KIA0208')).toStrictEqual([]);
  });
});

describe('with enableAutoMtls off (peerauthentications/*_mtls_checker.go, destinationrules/*wide_mtls_checker.go)', () => {
  const off = { meshConfig: { enableAutoMtls: false } };
  const meshDr = dr('mesh-mtls', 'istio-system', '*.local', 'ISTIO_MUTUAL');
  const nsDr = dr('ns-mtls', 'default', '*.default.svc.cluster.local', 'ISTIO_MUTUAL');

  test('KIA0401 and KIA0501: fail if a STRICT mesh- or namespace-wide PeerAuthentication has no ISTIO_MUTUAL DestinationRule', () => {
    const objects = objs(...world, pa('mesh', 'istio-system', 'STRICT'), pa('ns', 'default', 'STRICT'));
    expect(found(objects, 'KIA0401', off)).toStrictEqual([
      '[KIA0401] PeerAuthentication \'mesh\' requires mutual TLS mesh-wide, but the mesh config turns enableAutoMtls off, so clients send mutual TLS only where a DestinationRule '
      + 'says ISTIO_MUTUAL and none does for \'*.local\': every request is refused (Kiali KIA0401, business/checkers/peerauthentications/mesh_mtls_checker.go); '
      + 'add a DestinationRule for \'*.local\' with tls mode ISTIO_MUTUAL',
    ]);
    expect(found(objects, 'KIA0501', off)).toStrictEqual([
      '[KIA0501] PeerAuthentication \'ns\' requires mutual TLS in namespace \'default\', but the mesh config turns enableAutoMtls off, so clients send mutual TLS only where a '
      + 'DestinationRule says ISTIO_MUTUAL and none does for \'*.default.svc.cluster.local\' or \'*.local\': every request is refused '
      + '(Kiali KIA0501, business/checkers/peerauthentications/namespace_mtls_checker.go); add a DestinationRule for \'*.default.svc.cluster.local\' with tls mode ISTIO_MUTUAL',
    ]);
  });

  test('KIA0401 and KIA0501: stay quiet with auto mutual TLS on (Istio\'s default) or the DestinationRules', () => {
    const objects = objs(...world, pa('mesh', 'istio-system', 'STRICT'), pa('ns', 'default', 'STRICT'));
    expect([...found(objects, 'KIA0401'), ...found(objects, 'KIA0501')]).toStrictEqual([]);
    expect(found(objs(...world, pa('mesh', 'istio-system', 'STRICT'), meshDr), 'KIA0401', off)).toStrictEqual([]);
    expect(found(objs(...world, pa('ns', 'default', 'STRICT'), nsDr), 'KIA0501', off)).toStrictEqual([]);
    expect(found(objs(...world, pa('ns', 'default', 'STRICT'), meshDr), 'KIA0501', off)).toStrictEqual([]);
  });

  test('KIA0205 and KIA0206: fail if a mesh- or namespace-wide ISTIO_MUTUAL DestinationRule has no PeerAuthentication enabling mutual TLS', () => {
    expect(found(objs(...world, meshDr, nsDr), 'KIA0205', off)).toStrictEqual([
      '[KIA0205] DestinationRule \'mesh-mtls\' sends ISTIO_MUTUAL mesh-wide, but no PeerAuthentication in \'istio-system\' enables mutual TLS mesh-wide '
      + '(Kiali KIA0205, business/checkers/destinationrules/meshwide_mtls_checker.go); add a PeerAuthentication without a selector in namespace \'istio-system\' with mtls mode STRICT or PERMISSIVE',
    ]);
    expect(found(objs(...world, meshDr, nsDr), 'KIA0206', off)).toStrictEqual([
      '[KIA0206] DestinationRule \'ns-mtls\' sends ISTIO_MUTUAL to namespace \'default\', but no PeerAuthentication of that namespace or of the mesh enables mutual TLS '
      + '(Kiali KIA0206, business/checkers/destinationrules/namespacewide_mtls_checker.go); add a PeerAuthentication without a selector in namespace \'default\' with mtls mode STRICT or PERMISSIVE',
    ]);
  });

  test('KIA0205 and KIA0206: stay quiet with auto mutual TLS on, or a PeerAuthentication enabling mutual TLS', () => {
    expect([...found(objs(...world, meshDr, nsDr), 'KIA0205'), ...found(objs(...world, meshDr, nsDr), 'KIA0206')]).toStrictEqual([]);
    expect(found(objs(...world, meshDr, pa('mesh', 'istio-system', 'PERMISSIVE')), 'KIA0205', off)).toStrictEqual([]);
    expect(found(objs(...world, nsDr, pa('ns', 'default', 'STRICT')), 'KIA0206', off)).toStrictEqual([]);
    expect(found(objs(...world, nsDr, pa('mesh', 'istio-system', 'STRICT')), 'KIA0206', off)).toStrictEqual([]);
  });
});

describe('Gateway API routes (business/checkers/k8shttproutes/, k8sgrpcroutes/, k8sreferencegrants/)', () => {
  const gateway = (namespace: string, allowed?: object): M => ({
    kind: 'Gateway',
    metadata: { name: 'gw', namespace },
    spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', ...(allowed ? { allowedRoutes: { namespaces: allowed } } : {}) }] },
  });
  const route = (parentRefs: object[], backendRefs: object[] = [{ name: 'reviews', port: 9080 }], kind = 'HTTPRoute'): M =>
    ({ kind, metadata: { name: 'r', namespace: 'default' }, spec: { parentRefs, rules: [{ backendRefs }] } });

  test('KIA1401: fails if a route names a missing Gateway, or one of another namespace that does not admit it', () => {
    expect(found(objs(...world, route([{ name: 'ghost' }])), 'KIA1401')).toStrictEqual([
      '[KIA1401] HTTPRoute \'r\' parentRefs[0] names Gateway \'default/ghost\', which does not exist: the route is attached to nothing '
      + '(Kiali KIA1401, business/checkers/k8shttproutes/no_k8sgateway_checker.go); create the Gateway or fix parentRefs',
    ]);
    expect(found(objs(...world, gateway('istio-system'), route([{ name: 'gw', namespace: 'istio-system' }], undefined, 'GRPCRoute')), 'KIA1401')).toStrictEqual([
      '[KIA1401] GRPCRoute \'r\' parentRefs[0] names Gateway \'istio-system/gw\', whose listeners do not admit routes from namespace \'default\' '
      + '(allowedRoutes.namespaces.from is not All or a Selector matching it): the route is not attached (Kiali KIA1401, business/checkers/k8sgrpcroutes/no_k8sgateway_checker.go); '
      + 'set allowedRoutes on the Gateway\'s listener',
    ]);
  });

  test('KIA1401: stays quiet for a Gateway of its namespace, one that admits All or a Selector matching it, and a Service parent', () => {
    expect(found(objs(...world, gateway('default'), route([{ name: 'gw' }])), 'KIA1401')).toStrictEqual([]);
    expect(found(objs(...world, gateway('istio-system', { from: 'All' }), route([{ name: 'gw', namespace: 'istio-system' }])), 'KIA1401')).toStrictEqual([]);
    const selector = { from: 'Selector', selector: { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] } };
    expect(found(objs(...world, gateway('istio-system', selector), route([{ name: 'gw', namespace: 'istio-system' }])), 'KIA1401')).toStrictEqual([]);
    expect(found(objs(...world, route([{ kind: 'Service', group: '', name: 'reviews' }])), 'KIA1401')).toStrictEqual([]);
  });

  test('KIA1402: fails if a backendRef names a missing Service, a host, or a Service of another namespace no ReferenceGrant opens', () => {
    const objects = objs(...world, ns('other'), svc('ratings', 'other'), gateway('default'),
      route([{ name: 'gw' }], [{ name: 'ghost', port: 80 }, { name: 'reviews.default.svc.cluster.local', port: 80 }, { name: 'ratings', namespace: 'other', port: 80 }]));
    expect(found(objects, 'KIA1402')).toStrictEqual([
      '[KIA1402] HTTPRoute \'r\' rules[0].backendRefs[0] names Service \'default/ghost\', which does not exist: its requests fail '
      + '(Kiali KIA1402, business/checkers/k8shttproutes/no_host_checker.go); create the Service or fix the reference',
      '[KIA1402] HTTPRoute \'r\' rules[0].backendRefs[1] names Service \'default/reviews.default.svc.cluster.local\': a Service reference is a name, not a host '
      + '(Kiali KIA1402, business/checkers/k8shttproutes/no_host_checker.go); write the Service\'s name and its namespace in \'namespace\'',
      '[KIA1402] HTTPRoute \'r\' rules[0].backendRefs[2] names Service \'other/ratings\', in another namespace, and no ReferenceGrant in \'other\' lets HTTPRoutes of \'default\' reach its Services: '
      + 'the reference is refused (Kiali KIA1402, business/checkers/k8shttproutes/no_host_checker.go); add a ReferenceGrant in \'other\' from HTTPRoute of namespace \'default\' to Service',
    ]);
  });

  test('KIA1402: stays quiet for an existing Service, a granted one of another namespace, and backends of other kinds', () => {
    const grant: M = { kind: 'ReferenceGrant', metadata: { name: 'g', namespace: 'other' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] } };
    const objects = objs(...world, ns('other'), svc('ratings', 'other'), grant, gateway('default'),
      route([{ name: 'gw' }], [{ name: 'reviews', port: 9080 }, { name: 'ratings', namespace: 'other', port: 9080 }, { group: 'example.com', kind: 'Bucket', name: 'b' }]));
    expect(found(objects, 'KIA1402')).toStrictEqual([]);
  });

  test('KIA1601: fails if a ReferenceGrant admits a namespace that does not exist; quiet for one that does', () => {
    const grant = (from: string): M => ({ kind: 'ReferenceGrant', metadata: { name: 'g', namespace: 'default' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: from }], to: [{ group: '', kind: 'Service' }] } });
    expect(found(objs(...world, grant('ghost')), 'KIA1601')).toStrictEqual([
      '[KIA1601] ReferenceGrant \'g\' from[0] names namespace \'ghost\', which does not exist: the grant opens nothing '
      + '(Kiali KIA1601, business/checkers/k8sreferencegrants/namespace_checker.go); name the namespace the routes are in',
    ]);
    expect(found(objs(...world, grant('istio-system')), 'KIA1601')).toStrictEqual([]);
  });
});

describe('Gateway API Gateways (business/checkers/k8sgateways/multi_match_checker.go)', () => {
  const listener = (name: string, hostname?: string, port = 80, protocol = 'HTTP') => ({ name, port, protocol, ...(hostname ? { hostname } : {}) });
  const k8sGateway = (name: string, listeners: object[], namespace = 'default', addresses?: object[]): M => ({
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: { gatewayClassName: 'istio', listeners, ...(addresses ? { addresses } : {}) },
  });

  test('KIA1501: fails if two Gateways have a listener for one hostname, port and protocol; quiet for another port or no hostname', () => {
    expect(found(objs(...world, k8sGateway('a', [listener('http', 'shop.example.com')]), k8sGateway('b', [listener('web', 'shop.example.com')], 'istio-system')), 'KIA1501')).toStrictEqual([
      '[KIA1501] Gateway \'a\' listeners[0] (hostname \'shop.example.com\' port 80 HTTP) is also a listener of \'istio-system/b\': '
      + 'clients reach whichever address DNS gives them (Kiali KIA1501, business/checkers/k8sgateways/multi_match_checker.go); serve the hostname from one Gateway',
      '[KIA1501] Gateway \'b\' listeners[0] (hostname \'shop.example.com\' port 80 HTTP) is also a listener of \'default/a\': '
      + 'clients reach whichever address DNS gives them (Kiali KIA1501, business/checkers/k8sgateways/multi_match_checker.go); serve the hostname from one Gateway',
    ]);
    expect(found(objs(...world, k8sGateway('a', [listener('http', 'shop.example.com')]), k8sGateway('b', [listener('http', 'shop.example.com', 8080)]),
      k8sGateway('c', [listener('http')]), k8sGateway('d', [listener('http')])), 'KIA1501')).toStrictEqual([]);
  });

  test('KIA1502: fails if two Gateways ask for one address; quiet for different addresses', () => {
    expect(found(objs(...world, k8sGateway('a', [listener('http')], 'default', [{ value: '10.0.0.1' }]), k8sGateway('b', [listener('http')], 'default', [{ type: 'IPAddress', value: '10.0.0.1' }])), 'KIA1502'))
      .toStrictEqual([
        '[KIA1502] Gateway \'a\' addresses[0] (\'10.0.0.1\') is also asked for by \'default/b\': only one of them can have it '
        + '(Kiali KIA1502, business/checkers/k8sgateways/multi_match_checker.go); give each Gateway its own address',
        '[KIA1502] Gateway \'b\' addresses[0] (\'10.0.0.1\') is also asked for by \'default/a\': only one of them can have it '
        + '(Kiali KIA1502, business/checkers/k8sgateways/multi_match_checker.go); give each Gateway its own address',
      ]);
    expect(found(objs(...world, k8sGateway('a', [listener('http')], 'default', [{ value: '10.0.0.1' }]), k8sGateway('b', [listener('http')], 'default', [{ value: '10.0.0.2' }])), 'KIA1502')).toStrictEqual([]);
  });

  test('KIA1503: fails if two listeners of one Gateway repeat hostname, port and protocol; quiet when they differ', () => {
    expect(found(objs(...world, k8sGateway('a', [listener('one', 'shop.example.com'), listener('two', 'shop.example.com')])), 'KIA1503')).toStrictEqual([
      '[KIA1503] Gateway \'a\' listeners[0] (\'one\') repeats the hostname \'shop.example.com\' port 80 HTTP of listeners[1] (\'two\'): '
      + 'the listeners conflict and are not programmed (Kiali KIA1503, business/checkers/k8sgateways/multi_match_checker.go); give listeners[0] its own hostname, port or protocol, or merge the two listeners',
      '[KIA1503] Gateway \'a\' listeners[1] (\'two\') repeats the hostname \'shop.example.com\' port 80 HTTP of listeners[0] (\'one\'): '
      + 'the listeners conflict and are not programmed (Kiali KIA1503, business/checkers/k8sgateways/multi_match_checker.go); give listeners[1] its own hostname, port or protocol, or merge the two listeners',
    ]);
    expect(found(objs(...world, k8sGateway('a', [listener('one', 'shop.example.com'), listener('two', 'shop.example.com', 443, 'HTTPS'), listener('three', 'api.example.com')])), 'KIA1503'))
      .toStrictEqual([]);
  });
});

describe('kiali.io/ignore-validations (kiali/kiali models/istio_validation.go)', () => {
  const bad = (annotations?: { [k: string]: string }) => ap({ rules: [{ to: [{ operation: { methods: ['FETCH'], hosts: ['ghost'] } }] }] }, 'ap', 'default', annotations);
  test('suppresses the codes it lists on its object, with the reason; the others stay', () => {
    const report = analyze(objs(...world, bad({ 'kiali.io/ignore-validations': 'KIA0102, KIA0999' })));
    expect(report.findings.filter(f => f.code.startsWith('KIA')).map(f => f.code)).toStrictEqual(['KIA0104']);
    expect(report.suppressed.map(f => [f.code, f.suppressedBecause])).toStrictEqual([['KIA0102', 'kiali.io/ignore-validations annotation (KIA0102)']]);
  });

  test('a code\'s alias counts: KIA1313 listed suppresses mesh-kit\'s MK0007 on the same object (kiali-ambient.ts AMBIENT_CODE_ALIASES)', () => {
    const ambientNs = ns('shop', { 'istio.io/dataplane-mode': 'ambient' });
    const labelled = (annotations?: { [k: string]: string }): M => ({
      kind: 'Service',
      metadata: { name: 'api', namespace: 'shop', labels: { 'istio.io/use-waypoint': 'gone' }, annotations },
      spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: 9080 }] },
    });
    expect(found(objs(ambientNs, deploy('api', 'shop'), labelled()), 'MK0007')).toHaveLength(1);
    const report = analyze(objs(ambientNs, deploy('api', 'shop'), labelled({ 'kiali.io/ignore-validations': 'KIA1313' })));
    expect(report.findings.filter(f => f.code === 'MK0007')).toStrictEqual([]);
    expect(report.suppressed.filter(f => f.code === 'MK0007').map(f => f.suppressedBecause)).toStrictEqual(['kiali.io/ignore-validations annotation (KIA1313)']);
  });

  test('an empty value suppresses every finding on the object; without it nothing is suppressed', () => {
    const report = analyze(objs(...world, bad({ 'kiali.io/ignore-validations': '' })));
    expect(report.findings.filter(f => f.object === 'AuthorizationPolicy default/ap')).toStrictEqual([]);
    expect(report.suppressed.map(f => [f.code, f.suppressedBecause])).toStrictEqual([
      ['KIA0102', 'kiali.io/ignore-validations annotation (every code)'], ['KIA0104', 'kiali.io/ignore-validations annotation (every code)'],
    ]);
    expect(analyze(objs(...world, bad())).suppressed).toStrictEqual([]);
  });
});

describe('IST0176 (istio/istio pkg/config/analysis/analyzers/k8sgateway/crdversion.go)', () => {
  const crd = (name: string, version?: string): M => ({
    kind: 'CustomResourceDefinition',
    metadata: { name, annotations: version === undefined ? undefined : { 'gateway.networking.k8s.io/bundle-version': version } },
    spec: {},
  });
  test('fails if a Gateway API CRD\'s bundle version is below the minimum Istio 1.31 processes (a pre-release counts as its release)', () => {
    expect(found(objs(crd('tlsroutes.gateway.networking.k8s.io', 'v1.4.1'), crd('tcproutes.gateway.networking.k8s.io', 'v1.6.0-rc.1')), 'IST0176')).toStrictEqual([
      '[IST0176] Gateway API CRD "tlsroutes.gateway.networking.k8s.io" is at version "1.4.1" but Istio requires at least "1.5.0"; resources of this kind will not be processed; '
      + 'upgrade the Gateway API CRDs to bundle version 1.5.0 or later to satisfy the minimum version',
    ]);
  });
  test('stays quiet at or above the minimum, without the annotation, for a version that is not semver and for CRDs Istio does not list', () => {
    expect(found(objs(crd('tlsroutes.gateway.networking.k8s.io', 'v1.5.0'), crd('grpcroutes.gateway.networking.k8s.io'),
      crd('backendtlspolicies.gateway.networking.k8s.io', 'latest'), crd('httproutes.gateway.networking.k8s.io', 'v0.1.0')), 'IST0176')).toStrictEqual([]);
  });
  test('reads the Gateway API CRDs given with --crds (analyzeManifests crds), reported on the CRD file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ist0176-'));
    try {
      const crdFile = path.join(dir, 'gateway-api-crds.yaml');
      fs.writeFileSync(crdFile, [
        'apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata:', '  name: tlsroutes.gateway.networking.k8s.io',
        '  annotations:', '    gateway.networking.k8s.io/bundle-version: v1.4.0', 'spec:', '  group: gateway.networking.k8s.io',
        '  names: { kind: TLSRoute, plural: tlsroutes }', '  scope: Namespaced',
        '  versions: [{ name: v1alpha2, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }]', '',
      ].join('\n'));
      const app = path.join(dir, 'app.yaml');
      fs.writeFileSync(app, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n');
      const findings = analyzeManifests([app], { crds: [crdFile] }).report.findings.filter(f => f.code === 'IST0176');
      expect(findings.map(f => [f.object, f.file, f.message])).toStrictEqual([[
        'CustomResourceDefinition tlsroutes.gateway.networking.k8s.io', crdFile,
        '[IST0176] Gateway API CRD "tlsroutes.gateway.networking.k8s.io" is at version "1.4.0" but Istio requires at least "1.5.0"; resources of this kind will not be processed; '
        + 'upgrade the Gateway API CRDs to bundle version 1.5.0 or later to satisfy the minimum version',
      ]]);
      expect(analyzeManifests([app]).report.findings.filter(f => f.code === 'IST0176')).toStrictEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('KIA1301: workloads no AuthorizationPolicy covers (business/checkers/workloads/uncovered_workload_checker.go)', () => {
  const two = [...world, svc('ratings'), deploy('ratings')];
  const forReviews = ap({ selector: { matchLabels: { app: 'reviews' } }, rules: [{}] }, 'reviews');
  test('fails for a workload left out where the mesh has AuthorizationPolicies: none of its namespace selects it or is namespace-wide, none mesh-wide', () => {
    expect(found(objs(...two, forReviews), 'KIA1301')).toStrictEqual([
      '[KIA1301] Deployment \'ratings\' is covered by no AuthorizationPolicy: none in namespace \'default\' selects it or applies to the whole namespace, '
      + 'and none applies mesh-wide from \'istio-system\'; it takes requests from any caller (Kiali KIA1301, business/checkers/workloads/uncovered_workload_checker.go); '
      + 'add an AuthorizationPolicy in namespace \'default\' that selects its labels (ServiceAuthorization), or a namespace-wide one to deny by default',
    ]);
    // a policy of another namespace covers nothing here; a root namespace with a selector covers only what it selects
    expect(found(objs(...two, ns('other'), ap({}, 'elsewhere', 'other')), 'KIA1301')).toHaveLength(2);
    expect(found(objs(...two, ap({ selector: { matchLabels: { app: 'nothing' } } }, 'mesh', 'istio-system')), 'KIA1301')).toHaveLength(2);
  });
  test('stays quiet when every workload is covered (selector, namespace-wide, mesh-wide from the root namespace), and in a mesh without AuthorizationPolicies', () => {
    expect(found(objs(...two, forReviews, ap({ selector: { matchLabels: { app: 'ratings' } } }, 'ratings')), 'KIA1301')).toStrictEqual([]);
    expect(found(objs(...two, ap({}, 'deny-all')), 'KIA1301')).toStrictEqual([]);
    expect(found(objs(...two, ap({}, 'mesh', 'istio-system')), 'KIA1301')).toStrictEqual([]);
    expect(found(objs(...two, ap({}, 'mesh', 'mesh-root')), 'KIA1301', { meshConfig: { rootNamespace: 'mesh-root' } })).toStrictEqual([]);
    expect(found(objs(...two), 'KIA1301')).toStrictEqual([]);
  });
});
