import { Chart, Testing } from 'cdk8s';
import { AnalyzedObject, FindingLevel, Suppressions, analyze } from '../../lib';
import { ANALYZERS } from '../../lib/analysis/codes';
import { Manifest } from '../../lib/render/model';

/*
 * Kiali's ambient checks (kiali/kiali business/checkers/ambient_policy_checker.go, business/checkers/ambient/): a
 * "fails if / stays quiet if" pair per code, with the exact messages; the aliases of mesh-kit's MK0005–MK0008 in
 * suppressions. Kiali's test cases are reimplemented as cases of their own, not copied.
 */

type Labels = { [k: string]: string };
const objs = (...manifests: object[]): AnalyzedObject[] => manifests.map(m => ({ manifest: m as Manifest, file: 'f', mesh: 'istio' }));
const findings = (objects: object[], code: string) => analyze(objs(...objects)).findings.filter(f => f.code === code);
/** The messages of one code (without its `[CODE] ` prefix). */
const found = (objects: object[], code: string) => findings(objects, code).map(f => f.message.replace(/^\[\w+\] /, ''));

const ns = (name: string, labels: Labels = { 'istio.io/dataplane-mode': 'ambient' }) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const AMBIENT = ns('shop');
const ENROLLED = ns('shop', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'wp' });
const SIDECAR = ns('shop', { 'istio-injection': 'enabled' });
const waypoint = (name = 'wp', namespace = 'shop') => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace },
  spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
});
const deploy = (name: string, labels: Labels = {}, podSpec: object = { containers: [{ name: 'app', image: 'x:1' }] }, annotations?: Labels) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name, ...labels }, annotations }, spec: podSpec } },
});
const svc = (name: string, labels: Labels = {}, namespace = 'shop') => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }] },
});
const api = [deploy('api'), svc('api')];
const policy = (kind: string, group: string, name: string, spec: object, namespace = 'shop') => ({ apiVersion: `${group}/v1`, kind, metadata: { name, namespace }, spec });
const GET = [{ to: [{ operation: { methods: ['GET'] } }] }];
const ap = (spec: object, namespace = 'shop') => policy('AuthorizationPolicy', 'security.istio.io', 'p', spec, namespace);
const ra = (spec: object) => policy('RequestAuthentication', 'security.istio.io', 'ra', { jwtRules: [{ issuer: 'https://issuer' }], ...spec });
const wasm = (spec: object) => ({ apiVersion: 'extensions.istio.io/v1alpha1', kind: 'WasmPlugin', metadata: { name: 'w', namespace: 'shop' }, spec: { url: 'oci://x/y:1', ...spec } });
const tel = (spec: object, namespace = 'shop') => policy('Telemetry', 'telemetry.istio.io', 't', spec, namespace);
const toService = { targetRefs: [{ group: '', kind: 'Service', name: 'api' }] };
const bySelector = { selector: { matchLabels: { app: 'api' } } };
const vs = (spec: object, namespace = 'shop') => policy('VirtualService', 'networking.istio.io', 'v', spec, namespace);
const dr = (spec: object, namespace = 'shop') => policy('DestinationRule', 'networking.istio.io', 'd', spec, namespace);
const HTTP = [{ route: [{ destination: { host: 'api' } }] }];
const OUTLIER = { outlierDetection: { consecutive5xxErrors: 5 } };
const P = 'kiali/kiali business/checkers/ambient_policy_checker.go';
const W = 'kiali/kiali business/checkers/ambient/ambient_workload_checker.go';

describe('the catalogue of Kiali\'s ambient checks', () => {
  test('each code under Kiali\'s level (models/istio_validation.go)', () => {
    const levels = Object.fromEntries(ANALYZERS.filter(a => a.analyzer.startsWith('kiali.Ambient')).map(a => [a.code, a.level]));
    const E = FindingLevel.ERROR;
    const Wn = FindingLevel.WARNING;
    expect(levels).toStrictEqual({
      KIA0109: Wn,
      KIA0110: Wn,
      KIA0210: Wn,
      KIA0211: Wn,
      KIA0212: Wn,
      KIA1109: Wn,
      KIA1110: Wn,
      KIA1111: Wn,
      KIA1112: Wn,
      KIA1113: Wn,
      KIA1114: Wn,
      KIA1115: Wn,
      KIA1116: Wn,
      KIA1117: Wn,
      KIA1311: E,
      KIA1312: Wn,
      KIA1313: E,
      KIA1314: E,
      KIA1315: E,
      KIA1316: Wn,
      KIA1317: Wn,
    });
  });
});

describe('AuthorizationPolicy, RequestAuthentication, WasmPlugin and Telemetry under ambient (Kiali\'s AmbientPolicyChecker)', () => {
  test('KIA0109 fails if an L7 AuthorizationPolicy targets a Service not enrolled to use a waypoint', () => {
    expect(found([AMBIENT, ...api, ap({ ...toService, rules: GET })], 'KIA0109')).toStrictEqual([`AuthorizationPolicy 'p' in ambient namespace 'shop' uses HTTP methods, which only a waypoint applies, but its target Service 'shop/api' is not enrolled to use a waypoint: no waypoint processes that traffic, so nothing applies it (Kiali KIA0109, ${P}); create a waypoint in namespace 'shop' (a Gateway of class istio-waypoint) and label Service 'api' istio.io/use-waypoint with its name`]);
    // namespace-wide, in a namespace not enrolled; by selector, on a workload not enrolled
    expect(found([AMBIENT, ...api, ap({ rules: GET })], 'KIA0109')).toHaveLength(1);
    expect(found([AMBIENT, ...api, ap({ ...bySelector, rules: GET })], 'KIA0109')).toHaveLength(1);
    // a Service opted out (use-waypoint: none) in an enrolled namespace
    expect(found([ENROLLED, waypoint(), deploy('api'), svc('api', { 'istio.io/use-waypoint': 'none' }), ap({ ...toService, rules: GET })], 'KIA0109')).toHaveLength(1);
  });

  test('KIA0109 stays quiet if the Service or namespace is enrolled, the policy is L4, the namespace is not ambient, or it targets a Gateway', () => {
    expect(found([AMBIENT, waypoint(), deploy('api'), svc('api', { 'istio.io/use-waypoint': 'wp' }), ap({ ...toService, rules: GET })], 'KIA0109')).toStrictEqual([]);
    expect(found([ENROLLED, waypoint(), ...api, ap({ ...toService, rules: GET })], 'KIA0109')).toStrictEqual([]);
    expect(found([AMBIENT, ...api, ap({ ...toService, rules: [{ to: [{ operation: { ports: ['80'] } }] }] })], 'KIA0109')).toStrictEqual([]);
    expect(found([AMBIENT, ...api, ap({ ...toService, rules: [{ when: [{ key: 'destination.port', values: ['80'] }] }] })], 'KIA0109')).toStrictEqual([]);
    expect(found([SIDECAR, ...api, ap({ ...toService, rules: GET })], 'KIA0109')).toStrictEqual([]);
    // a selector that picks only workloads opted out of ambient mode
    expect(found([AMBIENT, deploy('api', { 'istio.io/dataplane-mode': 'none' }), svc('api'), ap({ ...bySelector, rules: GET })], 'KIA0109')).toStrictEqual([]);
    // attached to the waypoint itself (Kiali falls back to the namespace's label here; the waypoint applies it to what it serves)
    expect(found([AMBIENT, waypoint(), ...api, ap({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'wp' }], rules: GET })], 'KIA0109')).toStrictEqual([]);
  });

  test('KIA0110 fails if an L7 AuthorizationPolicy of an ambient namespace attaches by selector or namespace-wide', () => {
    expect(found([ENROLLED, waypoint(), ...api, ap({ ...bySelector, rules: GET })], 'KIA0110')).toStrictEqual([`AuthorizationPolicy 'p' in ambient namespace 'shop' uses HTTP methods, which only a waypoint applies, and attaches by selector with no targetRefs: waypoints ignore such policies, and ztunnel cannot apply L7 ones: it fails safe, Istio enforces it as a DENY policy (istio.io docs ambient/usage/l4-policy) (Kiali KIA0110, ${P}); replace spec.selector with targetRefs to Service 'api' or to its waypoint Gateway`]);
    expect(found([ENROLLED, waypoint(), ...api, ap({ rules: [{ when: [{ key: 'request.headers[x-user]', values: ['a'] }] }] })], 'KIA0110')).toHaveLength(1);
    expect(found([ENROLLED, waypoint(), ...api, ap({ rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] })], 'KIA0110')).toHaveLength(1);
  });

  test('KIA0110 stays quiet if the policy has targetRefs, is L4 only, or is in a namespace not in ambient mode', () => {
    expect(found([ENROLLED, waypoint(), ...api, ap({ ...toService, rules: GET })], 'KIA0110')).toStrictEqual([]);
    expect(found([ENROLLED, waypoint(), ...api, ap({ ...bySelector, rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/default'] } }] }] })], 'KIA0110')).toStrictEqual([]);
    expect(found([SIDECAR, ...api, ap({ ...bySelector, rules: GET })], 'KIA0110')).toStrictEqual([]);
    expect(found([ns('shop', {}), ...api, ap({ ...bySelector, rules: GET })], 'KIA0110')).toStrictEqual([]);
  });

  test('KIA1110 fails if a RequestAuthentication targets a Service not enrolled; stays quiet if it is, or out of ambient mode', () => {
    expect(found([AMBIENT, ...api, ra(toService)], 'KIA1110')).toStrictEqual([`RequestAuthentication 'ra' in ambient namespace 'shop' uses JWT validation, which only a waypoint applies, but its target Service 'shop/api' is not enrolled to use a waypoint: no waypoint processes that traffic, so nothing applies it (Kiali KIA1110, ${P}); create a waypoint in namespace 'shop' (a Gateway of class istio-waypoint) and label Service 'api' istio.io/use-waypoint with its name`]);
    expect(found([ENROLLED, waypoint(), ...api, ra(toService)], 'KIA1110')).toStrictEqual([]);
    expect(found([SIDECAR, ...api, ra(toService)], 'KIA1110')).toStrictEqual([]);
  });

  test('KIA1115 fails if a RequestAuthentication of an ambient namespace attaches by selector; stays quiet with targetRefs', () => {
    expect(found([ENROLLED, waypoint(), ...api, ra(bySelector)], 'KIA1115')).toStrictEqual([`RequestAuthentication 'ra' in ambient namespace 'shop' uses JWT validation, which only a waypoint applies, and attaches by selector with no targetRefs: waypoints ignore such policies, and ztunnel cannot apply L7 ones: it has no effect (Kiali KIA1115, ${P}); replace spec.selector with targetRefs to Service 'api' or to its waypoint Gateway`]);
    expect(found([ENROLLED, waypoint(), ...api, ra(toService)], 'KIA1115')).toStrictEqual([]);
    expect(found([SIDECAR, ...api, ra(bySelector)], 'KIA1115')).toStrictEqual([]);
  });

  test('KIA1111 fails if a WasmPlugin targets a Service not enrolled; stays quiet if it is enrolled', () => {
    expect(found([AMBIENT, ...api, wasm(toService)], 'KIA1111')).toStrictEqual([`WasmPlugin 'w' in ambient namespace 'shop' uses a Wasm filter, which only a waypoint applies, but its target Service 'shop/api' is not enrolled to use a waypoint: no waypoint processes that traffic, so nothing applies it (Kiali KIA1111, ${P}); create a waypoint in namespace 'shop' (a Gateway of class istio-waypoint) and label Service 'api' istio.io/use-waypoint with its name`]);
    expect(found([ENROLLED, waypoint(), ...api, wasm(toService)], 'KIA1111')).toStrictEqual([]);
  });

  test('KIA1116 fails if a WasmPlugin of an ambient namespace attaches by selector; stays quiet with targetRefs, or out of ambient mode', () => {
    expect(found([ENROLLED, waypoint(), ...api, wasm(bySelector)], 'KIA1116')).toStrictEqual([`WasmPlugin 'w' in ambient namespace 'shop' uses a Wasm filter, which only a waypoint applies, and attaches by selector with no targetRefs: waypoints ignore such policies, and ztunnel cannot apply L7 ones: it has no effect (Kiali KIA1116, ${P}); replace spec.selector with targetRefs to Service 'api' or to its waypoint Gateway`]);
    expect(found([ENROLLED, waypoint(), ...api, wasm(toService)], 'KIA1116')).toStrictEqual([]);
    expect(found([SIDECAR, ...api, wasm(bySelector)], 'KIA1116')).toStrictEqual([]);
  });

  test('KIA1112 fails if an L7 Telemetry targets a Service not enrolled; stays quiet if enrolled, or if it only collects L4 metrics', () => {
    const logs = { accessLogging: [{ providers: [{ name: 'envoy' }] }] };
    expect(found([AMBIENT, ...api, tel({ ...toService, ...logs })], 'KIA1112')).toStrictEqual([`Telemetry 't' in ambient namespace 'shop' uses access logging, which only a waypoint applies, but its target Service 'shop/api' is not enrolled to use a waypoint: no waypoint processes that traffic, so nothing applies it (Kiali KIA1112, ${P}); create a waypoint in namespace 'shop' (a Gateway of class istio-waypoint) and label Service 'api' istio.io/use-waypoint with its name`]);
    expect(found([AMBIENT, ...api, tel({ ...toService, metrics: [{ providers: [{ name: 'prometheus' }], overrides: [{ disabled: true }] }] })], 'KIA1112')).toHaveLength(1);
    expect(found([ENROLLED, waypoint(), ...api, tel({ ...toService, ...logs })], 'KIA1112')).toStrictEqual([]);
    expect(found([AMBIENT, ...api, tel({ ...toService, metrics: [{ providers: [{ name: 'prometheus' }] }] })], 'KIA1112')).toStrictEqual([]);
  });

  test('KIA1117 fails if an L7 Telemetry of an ambient namespace has no targetRefs; stays quiet with them, or mesh-wide in the root namespace', () => {
    const tracing = { tracing: [{ randomSamplingPercentage: 10 }] };
    expect(found([ENROLLED, waypoint(), ...api, tel(tracing)], 'KIA1117')).toStrictEqual([`Telemetry 't' in ambient namespace 'shop' uses tracing, which only a waypoint applies, and attaches by namespace with no targetRefs: waypoints ignore such policies, and ztunnel cannot apply L7 ones: it has no effect (Kiali KIA1117, ${P}); add targetRefs to the Service or to its waypoint Gateway`]);
    expect(found([ENROLLED, waypoint(), ...api, tel({ ...toService, ...tracing })], 'KIA1117')).toStrictEqual([]);
    expect(found([ENROLLED, waypoint(), ns('istio-system', {}), ...api, tel(tracing, 'istio-system')], 'KIA1117')).toStrictEqual([]);
  });
});

describe('VirtualService and DestinationRule under ambient (keyed off the destination Service)', () => {
  test('KIA1109 fails if a mesh VirtualService of an ambient namespace not enrolled routes no ambient Service', () => {
    expect(found([AMBIENT, vs({ hosts: ['ext.example.com'], http: HTTP })], 'KIA1109')).toStrictEqual([`VirtualService 'v' (HTTP or TLS routes for mesh traffic) is in ambient namespace 'shop', which is not enrolled to use a waypoint (no istio.io/use-waypoint label): nothing applies its L7 configuration (Kiali KIA1109, ${P}); create a waypoint in namespace 'shop' (a Gateway of class istio-waypoint) and label namespace 'shop' istio.io/use-waypoint with its name`]);
  });

  test('KIA1109 stays quiet if the namespace is enrolled, the VirtualService serves a gateway only, or routes TCP only', () => {
    expect(found([ENROLLED, waypoint(), vs({ hosts: ['ext.example.com'], http: HTTP })], 'KIA1109')).toStrictEqual([]);
    expect(found([AMBIENT, vs({ hosts: ['ext.example.com'], gateways: ['istio-system/ingress'], http: HTTP })], 'KIA1109')).toStrictEqual([]);
    expect(found([AMBIENT, vs({ hosts: ['ext.example.com'], tcp: [{ route: [{ destination: { host: 'ext.example.com' } }] }] })], 'KIA1109')).toStrictEqual([]);
  });

  test('KIA1113 fails if a mesh VirtualService routes an ambient Service not enrolled; stays quiet if the Service is, or is not ambient', () => {
    expect(found([AMBIENT, ...api, vs({ hosts: ['api'], http: HTTP })], 'KIA1113')).toStrictEqual([`VirtualService 'v' (HTTP or TLS routes for mesh traffic) configures the ambient Service 'shop/api' ('api'), which is not enrolled to use a waypoint: no waypoint processes its traffic and ztunnel applies no L7 configuration (Kiali KIA1113, ${P}); create a waypoint in namespace 'shop' (a Gateway of class istio-waypoint) and label Service 'api' (or namespace 'shop') istio.io/use-waypoint with its name`]);
    expect(found([AMBIENT, waypoint(), deploy('api'), svc('api', { 'istio.io/use-waypoint': 'wp' }), vs({ hosts: ['api'], http: HTTP })], 'KIA1113')).toStrictEqual([]);
    expect(found([SIDECAR, ...api, vs({ hosts: ['api'], http: HTTP })], 'KIA1113')).toStrictEqual([]);
  });

  test('KIA1114 fails if a mesh VirtualService is not in its ambient Service\'s namespace; stays quiet in it', () => {
    const other = ns('other', {});
    expect(found([ENROLLED, other, waypoint(), ...api, vs({ hosts: ['api.shop.svc.cluster.local'], http: HTTP }, 'other')], 'KIA1114')).toStrictEqual([`VirtualService 'v' (HTTP or TLS routes for mesh traffic) is in namespace 'other', not in the namespace of the ambient Service 'shop/api' it configures ('api.shop.svc.cluster.local'): a waypoint applies only the VirtualServices of its Service's namespace (Kiali KIA1114, ${P}); move VirtualService 'v' to namespace 'shop'`]);
    expect(found([ENROLLED, other, waypoint(), ...api, vs({ hosts: ['api.shop'], http: HTTP }, 'other')], 'KIA1114')).toHaveLength(1);
    expect(found([ENROLLED, waypoint(), ...api, vs({ hosts: ['api.shop.svc.cluster.local'], http: HTTP })], 'KIA1114')).toStrictEqual([]);
  });

  test('KIA0210 fails if an L7 DestinationRule of an ambient namespace not enrolled names no ambient Service; stays quiet if enrolled, or L4', () => {
    expect(found([AMBIENT, dr({ host: 'ext.example.com', trafficPolicy: OUTLIER })], 'KIA0210')).toStrictEqual([`DestinationRule 'd' (outlier detection) is in ambient namespace 'shop', which is not enrolled to use a waypoint (no istio.io/use-waypoint label): nothing applies its L7 configuration (Kiali KIA0210, ${P}); create a waypoint in namespace 'shop' (a Gateway of class istio-waypoint) and label namespace 'shop' istio.io/use-waypoint with its name`]);
    expect(found([ENROLLED, waypoint(), dr({ host: 'ext.example.com', trafficPolicy: OUTLIER })], 'KIA0210')).toStrictEqual([]);
    expect(found([AMBIENT, dr({ host: 'ext.example.com', trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } })], 'KIA0210')).toStrictEqual([]);
  });

  test('KIA0211 fails if an L7 DestinationRule configures an ambient Service not enrolled; stays quiet if it is', () => {
    expect(found([AMBIENT, ...api, dr({ host: 'api', trafficPolicy: OUTLIER })], 'KIA0211')).toStrictEqual([`DestinationRule 'd' (outlier detection) configures the ambient Service 'shop/api' ('api'), which is not enrolled to use a waypoint: no waypoint processes its traffic and ztunnel applies no L7 configuration (Kiali KIA0211, ${P}); create a waypoint in namespace 'shop' (a Gateway of class istio-waypoint) and label Service 'api' (or namespace 'shop') istio.io/use-waypoint with its name`]);
    const hash = { loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } } };
    expect(found([AMBIENT, ...api, dr({ host: 'api', subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: hash }] })], 'KIA0211')).toHaveLength(1);
    expect(found([AMBIENT, ...api, dr({ host: 'api', trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 1 } } } })], 'KIA0211')).toHaveLength(1);
    expect(found([ENROLLED, waypoint(), ...api, dr({ host: 'api', trafficPolicy: OUTLIER })], 'KIA0211')).toStrictEqual([]);
  });

  test('KIA0212 fails if an L7 DestinationRule is not in its ambient Service\'s namespace; stays quiet in it', () => {
    const other = ns('other', {});
    expect(found([ENROLLED, other, waypoint(), ...api, dr({ host: 'api.shop', trafficPolicy: OUTLIER }, 'other')], 'KIA0212')).toStrictEqual([`DestinationRule 'd' (outlier detection) is in namespace 'other', not in the namespace of the ambient Service 'shop/api' it configures ('api.shop'): a waypoint applies only the DestinationRules of its Service's namespace (Kiali KIA0212, ${P}); move DestinationRule 'd' to namespace 'shop'`]);
    expect(found([ENROLLED, waypoint(), ...api, dr({ host: 'api.shop', trafficPolicy: OUTLIER })], 'KIA0212')).toStrictEqual([]);
  });
});

describe('workloads under ambient (Kiali\'s AmbientWorkloadChecker), reported on the workload', () => {
  test('KIA1311 fails if a workload is enrolled in ambient mode and for sidecar injection (Istio injects a namespace with istio.io/rev)', () => {
    expect(found([ns('shop', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'stable' }), ...api], 'KIA1311')).toStrictEqual([`Deployment 'api' is enrolled both in ambient mode (istio.io/dataplane-mode) and for sidecar injection (istio-injection, istio.io/rev or sidecar.istio.io/inject): it must be enrolled one way (Kiali KIA1311, ${W}); label it istio.io/dataplane-mode: none to keep the sidecar, or sidecar.istio.io/inject: "false" to keep ambient mode`]);
    expect(found([SIDECAR, deploy('api', { 'istio.io/dataplane-mode': 'ambient' })], 'KIA1311')).toHaveLength(1);
  });

  test('KIA1311 stays quiet if the workload opts out of one of them', () => {
    expect(found([ns('shop', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'stable' }), deploy('api', { 'istio.io/dataplane-mode': 'none' })], 'KIA1311')).toStrictEqual([]);
    expect(found([SIDECAR, deploy('api', { 'istio.io/dataplane-mode': 'ambient', 'sidecar.istio.io/inject': 'false' })], 'KIA1311')).toStrictEqual([]);
    expect(found([AMBIENT, ...api], 'KIA1311')).toStrictEqual([]);
  });

  test('KIA1312 fails if a workload uses a waypoint out of ambient mode; stays quiet in ambient mode', () => {
    expect(found([SIDECAR, deploy('api', { 'istio.io/use-waypoint': 'wp' }), waypoint()], 'KIA1312')).toStrictEqual([`Deployment 'api' uses waypoint 'shop/wp' (istio.io/use-waypoint) but is not in ambient mode: only ztunnel sends traffic through a waypoint (Kiali KIA1312, ${W}); enrol it in ambient mode (istio.io/dataplane-mode: ambient), or remove the istio.io/use-waypoint label`]);
    expect(found([AMBIENT, deploy('api', { 'istio.io/use-waypoint': 'wp' }), waypoint()], 'KIA1312')).toStrictEqual([]);
    expect(found([SIDECAR, deploy('api', { 'istio.io/use-waypoint': 'none' })], 'KIA1312')).toStrictEqual([]);
  });

  test('KIA1313 fails if a workload\'s or its namespace\'s use-waypoint names no waypoint; stays quiet if it exists', () => {
    expect(found([ENROLLED, ...api], 'KIA1313')).toStrictEqual([`Deployment 'api' uses waypoint 'shop/wp' (istio.io/use-waypoint on the namespace), but there is no Gateway of class istio-waypoint by that name (Kiali KIA1313, ${W}); create waypoint 'wp' in namespace 'shop' (a Gateway of class istio-waypoint), or name an existing one in the namespace's istio.io/use-waypoint label`]);
    expect(found([AMBIENT, deploy('api', { 'istio.io/use-waypoint': 'gone' })], 'KIA1313')).toStrictEqual([
      'Deployment \'api\' uses waypoint \'shop/gone\' (istio.io/use-waypoint on the workload), but there is no Gateway of class istio-waypoint by that name '
      + `(Kiali KIA1313, ${W}); create waypoint 'gone' in namespace 'shop' (a Gateway of class istio-waypoint), or name an existing one in the workload's istio.io/use-waypoint label`,
    ]);
    expect(found([ENROLLED, waypoint(), ...api], 'KIA1313')).toStrictEqual([]);
    // a Gateway of another class is no waypoint
    expect(found([ENROLLED, { ...waypoint(), spec: { gatewayClassName: 'istio', listeners: [] } }, ...api], 'KIA1313')).toHaveLength(1);
  });

  test('KIA1314 fails if a sidecar-enrolled workload\'s pod is redirected to ztunnel; stays quiet without the redirection', () => {
    expect(found([SIDECAR, deploy('api', {}, undefined, { 'ambient.istio.io/redirection': 'enabled' })], 'KIA1314')).toStrictEqual([`Deployment 'api' is enrolled for sidecar injection and its pod is redirected to ztunnel (ambient.istio.io/redirection: enabled): it must be enrolled one way (Kiali KIA1314, ${W}); label it istio.io/dataplane-mode: none to keep the sidecar, or sidecar.istio.io/inject: "false" to keep ambient mode`]);
    expect(found([SIDECAR, ...api], 'KIA1314')).toStrictEqual([]);
  });

  test('KIA1315 fails if a workload with a sidecar is enrolled in ambient mode; stays quiet if it opts out (dataplane-mode none)', () => {
    expect(found([AMBIENT, deploy('api', { 'sidecar.istio.io/inject': 'true' })], 'KIA1315')).toStrictEqual([`Deployment 'api' has a sidecar (an istio-proxy container, or sidecar.istio.io/inject: true) and is enrolled in ambient mode by its own or its namespace's istio.io/dataplane-mode (Kiali KIA1315, ${W}); label the workload istio.io/dataplane-mode: none to keep the sidecar, or remove its sidecar.istio.io/inject label`]);
    expect(found([AMBIENT, deploy('api', {}, { containers: [{ name: 'app', image: 'x:1' }, { name: 'istio-proxy', image: 'proxyv2:1' }] })], 'KIA1315')).toHaveLength(1);
    expect(found([AMBIENT, deploy('api', { 'sidecar.istio.io/inject': 'true', 'istio.io/dataplane-mode': 'none' })], 'KIA1315')).toStrictEqual([]);
    expect(found([AMBIENT, ...api], 'KIA1315')).toStrictEqual([]);
  });

  test('KIA1316 fails if a workload with a sidecar is in an ambient namespace; stays quiet in a sidecar namespace', () => {
    expect(found([AMBIENT, deploy('api', { 'sidecar.istio.io/inject': 'true' })], 'KIA1316')).toStrictEqual([`Deployment 'api' has a sidecar in ambient namespace 'shop': it is served by its sidecar, not by ztunnel and its namespace's waypoints (Kiali KIA1316, ${W}); move it to ambient mode (remove its sidecar.istio.io/inject label), or out of namespace 'shop'`]);
    expect(found([SIDECAR, deploy('api', { 'sidecar.istio.io/inject': 'true' })], 'KIA1316')).toStrictEqual([]);
  });

  test('KIA1317 fails if an L7 AuthorizationPolicy reaches an ambient workload without a waypoint', () => {
    expect(found([AMBIENT, ...api, ap({ rules: GET })], 'KIA1317')).toStrictEqual([`Deployment 'api' is in ambient mode without a waypoint, and the L7 AuthorizationPolicy 'p' applies to it: ztunnel cannot evaluate L7 rules (Kiali KIA1317, ${W}); create a waypoint in namespace 'shop' (a Gateway of class istio-waypoint) and label the workload (or its Service, or namespace 'shop') istio.io/use-waypoint with its name`]);
    expect(found([AMBIENT, ...api, ap({ ...toService, rules: GET })], 'KIA1317')).toHaveLength(1);
  });

  test('KIA1317 stays quiet with a waypoint (of the workload, its Service or namespace), an L4 policy, a policy for others, or a workload opted out', () => {
    expect(found([ENROLLED, waypoint(), ...api, ap({ rules: GET })], 'KIA1317')).toStrictEqual([]);
    expect(found([AMBIENT, waypoint(), deploy('api'), svc('api', { 'istio.io/use-waypoint': 'wp' }), ap({ ...toService, rules: GET })], 'KIA1317')).toStrictEqual([]);
    expect(found([AMBIENT, ...api, ap({ rules: [{ to: [{ operation: { ports: ['80'] } }] }] })], 'KIA1317')).toStrictEqual([]);
    expect(found([AMBIENT, ...api, ap({ selector: { matchLabels: { app: 'other' } }, rules: GET })], 'KIA1317')).toStrictEqual([]);
    expect(found([AMBIENT, deploy('api', { 'istio.io/dataplane-mode': 'none' }), svc('api'), ap({ rules: GET })], 'KIA1317')).toStrictEqual([]);
  });
});

describe('workloads Kiali leaves out of its ambient checks', () => {
  test('stays quiet on a workload scaled to zero (Kiali checks pods), and on waypoints and gateways', () => {
    const scaledToZero = { ...deploy('api', { 'sidecar.istio.io/inject': 'true' }), spec: { ...deploy('api', { 'sidecar.istio.io/inject': 'true' }).spec, replicas: 0 } };
    expect(found([AMBIENT, scaledToZero], 'KIA1316')).toStrictEqual([]);
    expect(found([AMBIENT, deploy('api', { 'sidecar.istio.io/inject': 'true' })], 'KIA1316')).toHaveLength(1);
    const wp = deploy('wp', { 'gateway.istio.io/managed': 'istio.io-mesh-controller', 'gateway.networking.k8s.io/gateway-name': 'wp', 'istio.io/use-waypoint': 'gone' });
    expect(['KIA1312', 'KIA1313', 'KIA1317'].flatMap(c => found([SIDECAR, wp, ap({ rules: GET })], c))).toStrictEqual([]);
    const ingress = deploy('ingress', { istio: 'ingressgateway' });
    expect(found([AMBIENT, ingress, ap({ rules: GET })], 'KIA1317')).toStrictEqual([]);
    expect(found([AMBIENT, deploy('api'), ap({ rules: GET })], 'KIA1317')).toHaveLength(1);
  });
});

describe('mesh-kit\'s MK0005–MK0008 and the Kiali codes that replaced them', () => {
  test('where Kiali reports the mistake on the same object, only Kiali\'s code is reported', () => {
    const objects = [AMBIENT, ...api, ap({ ...bySelector, rules: GET }), vs({ hosts: ['api'], http: HTTP }), ra(toService)];
    const codes = analyze(objs(...objects)).findings.map(f => `${f.code} ${f.object}`).filter(c => /^(MK000[5-8]|KIA0109|KIA0110|KIA111[035])/.test(c));
    expect(codes).toStrictEqual(['KIA0109 AuthorizationPolicy shop/p', 'KIA0110 AuthorizationPolicy shop/p', 'KIA1110 RequestAuthentication shop/ra', 'KIA1113 VirtualService shop/v']);
    // a namespace naming a missing waypoint: KIA1313 on its workloads, no MK0007 on the namespace
    expect(analyze(objs(ENROLLED, ...api)).findings.map(f => `${f.code} ${f.object}`).filter(c => /^(MK0007|KIA1313)/.test(c))).toStrictEqual(['KIA1313 Deployment shop/api']);
    // without workloads, MK0007 still reports the namespace
    expect(found([ENROLLED], 'MK0007')).toHaveLength(1);
  });

  test('a suppression naming the MK code suppresses the Kiali code (Suppressions.add, --suppress, the annotation)', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    Suppressions.add(chart, 'MK0005', 'selector policy kept until the waypoint lands');
    const policyObject = { manifest: ap({ ...bySelector, rules: GET }) as Manifest, file: 'f', mesh: 'istio', construct: chart };
    const report = analyze([...objs(ENROLLED, waypoint(), ...api), policyObject]);
    expect(report.findings.filter(f => f.code === 'KIA0110')).toStrictEqual([]);
    expect(report.suppressed.filter(f => f.code === 'KIA0110').map(f => f.suppressedBecause)).toStrictEqual(['selector policy kept until the waypoint lands']);

    const byRule = analyze(objs(AMBIENT, ...api, ap({ ...toService, rules: GET })), { suppress: ['MK0006=AuthorizationPolicy shop/*'] });
    expect(byRule.findings.filter(f => f.code === 'KIA0109')).toStrictEqual([]);
    expect(byRule.suppressed.filter(f => f.code === 'KIA0109').map(f => f.suppressedBecause)).toStrictEqual(['suppressed by \'MK0006=AuthorizationPolicy shop/*\'']);

    const annotated = { ...vs({ hosts: ['api'], http: HTTP }), metadata: { name: 'v', namespace: 'shop', annotations: { 'galley.istio.io/analyze-suppress': 'MK0008' } } };
    expect(findings([AMBIENT, ...api, annotated], 'KIA1113')).toStrictEqual([]);
    expect(analyze(objs(AMBIENT, ...api, annotated)).suppressed.map(f => f.code)).toContain('KIA1113');
  });

  test('MK0024 (Info, no warning): a VirtualService and subsets for a Service its waypoint serves, which Kiali accepts; a suppression of MK0008, its former code, covers it', () => {
    const routed = [ENROLLED, waypoint(), ...api, vs({ hosts: ['api'], http: HTTP }), dr({ host: 'api', subsets: [{ name: 'v1', labels: { app: 'api' } }] })];
    const report = analyze(objs(...routed));
    expect(report.findings.filter(f => f.code === 'MK0024').map(f => [f.object, f.level])).toStrictEqual([['DestinationRule shop/d', 'Info'], ['VirtualService shop/v', 'Info']]);
    expect(report.findings.filter(f => f.level !== 'Info')).toStrictEqual([]);
    expect(analyze(objs(...routed), { suppress: ['MK0008=*'] }).findings.filter(f => f.code === 'MK0024')).toStrictEqual([]);
    // a sidecar namespace: no advice
    expect(found([ns('shop', { 'istio-injection': 'enabled' }), ...api, vs({ hosts: ['api'], http: HTTP })], 'MK0024')).toStrictEqual([]);
  });

  test('and the reverse: a suppression naming the Kiali code suppresses the MK code; unrelated codes stay reported', () => {
    // MK0005 still reports a CUSTOM action (Kiali does not classify it as L7)
    const custom = ap({ ...bySelector, action: 'CUSTOM', provider: { name: 'ext' }, rules: [{ to: [{ operation: { ports: ['80'] } }] }] });
    expect(found([AMBIENT, ...api, custom], 'MK0005')).toHaveLength(1);
    expect(analyze(objs(AMBIENT, ...api, custom), { suppress: ['KIA0110=*'] }).findings.filter(f => f.code === 'MK0005')).toStrictEqual([]);
    // MK0007 on a Service, suppressed by KIA1313 in its annotation
    const labelled = { ...svc('api', { 'istio.io/use-waypoint': 'gone' }), metadata: { name: 'api', namespace: 'shop', labels: { 'istio.io/use-waypoint': 'gone' }, annotations: { 'galley.istio.io/analyze-suppress': 'KIA1313' } } };
    expect(found([AMBIENT, deploy('api'), svc('api', { 'istio.io/use-waypoint': 'gone' })], 'MK0007')).toHaveLength(1);
    expect(found([AMBIENT, deploy('api'), labelled], 'MK0007')).toStrictEqual([]);
    // MK0005 is no alias of KIA0109
    expect(found([AMBIENT, ...api, ap({ ...toService, rules: GET })], 'KIA0109')).toHaveLength(1);
    expect(analyze(objs(AMBIENT, ...api, ap({ ...toService, rules: GET })), { suppress: ['MK0005=*'] }).findings.filter(f => f.code === 'KIA0109')).toHaveLength(1);
  });
});
