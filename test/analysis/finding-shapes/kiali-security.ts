import { ShapeFixture } from './fixture';

/*
 * The objects of the checks' unit tests (test/analysis/kiali-security.test.ts, kiali-ambient.test.ts), as YAML: one
 * input per check of kiali-security.ts and kiali-ambient.ts.
 */

/** The default namespace (sidecar injection), the root namespace, a Service and its Deployment. */
const WORLD = `
apiVersion: v1
kind: Namespace
metadata: { name: default, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Namespace
metadata: { name: istio-system }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec: { selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews, namespace: default }
spec:
  selector: { matchLabels: { app: reviews } }
  template: { metadata: { labels: { app: reviews } }, spec: { containers: [{ name: app, image: 'x:1' }] } }
`;
const pa = (name: string, namespace: string, mode: string) => `
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: '${name}', namespace: '${namespace}' }
spec: { mtls: { mode: ${mode} } }
`;
const dr = (name: string, namespace: string, host: string, mode: string) => `
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: '${name}', namespace: '${namespace}' }
spec: { host: '${host}', trafficPolicy: { tls: { mode: ${mode} } } }
`;
const ap = (spec: string, name = 'ap', namespace = 'default') => `
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: '${name}', namespace: '${namespace}' }
spec: ${spec}
`;
const AUTO_MTLS_OFF = { meshConfig: { enableAutoMtls: false } };

/** Kiali's security checks (kiali-security.ts). */
const SECURITY: ShapeFixture[] = [
  {
    code: 'KIA0105',
    yaml: WORLD + pa('off', 'default', 'DISABLE') + ap(`{ selector: { matchLabels: { app: reviews } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/default'] } }],
  when: [{ key: source.namespace, values: [default] }] }] }`),
  },
  { code: 'KIA0108', yaml: WORLD + ap('{ rules: [{ from: [{ source: { principals: [example.org/ns/default/sa/ghost] } }] }] }') },
  { code: 'KIA0102', yaml: WORLD + ap('{ rules: [{ to: [{ operation: { methods: [GET, FETCH] } }] }, { to: [{ operation: { methods: [grpc.health.v1.Health/Check] } }] }] }') },
  { code: 'KIA0104', yaml: WORLD + ap('{ rules: [{ to: [{ operation: { hosts: [ghost, ghost.default, reviews] } }] }] }') },
  { code: 'KIA0505', yaml: WORLD + pa('off', 'default', 'DISABLE') + dr('ns-mtls', 'default', '*.default.svc.cluster.local', 'ISTIO_MUTUAL') },
  { code: 'KIA0506', yaml: WORLD + pa('off', 'istio-system', 'DISABLE') + dr('mesh-mtls', 'istio-system', '*.local', 'ISTIO_MUTUAL') },
  { code: 'KIA0207', yaml: WORLD + pa('on', 'default', 'STRICT') + dr('ns-off', 'default', '*.default.svc.cluster.local', 'DISABLE') },
  {
    code: 'KIA0208',
    yaml: WORLD + pa('strict', 'istio-system', 'STRICT') + dr('mesh-off', 'istio-system', '*.local', 'DISABLE') + dr('ns-off', 'default', '*.default.svc.cluster.local', 'DISABLE'),
  },
  { code: 'KIA0401', yaml: WORLD + pa('mesh', 'istio-system', 'STRICT'), options: AUTO_MTLS_OFF },
  { code: 'KIA0501', yaml: WORLD + pa('ns', 'default', 'STRICT'), options: AUTO_MTLS_OFF },
  { code: 'KIA0205', yaml: WORLD + dr('mesh-mtls', 'istio-system', '*.local', 'ISTIO_MUTUAL'), options: AUTO_MTLS_OFF },
  { code: 'KIA0206', yaml: WORLD + dr('ns-mtls', 'default', '*.default.svc.cluster.local', 'ISTIO_MUTUAL'), options: AUTO_MTLS_OFF },
  {
    code: 'KIA1301',
    yaml: `${WORLD}
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ratings, namespace: default }
spec:
  selector: { matchLabels: { app: ratings } }
  template: { metadata: { labels: { app: ratings } }, spec: { containers: [{ name: app, image: 'x:1' }] } }
${ap('{ selector: { matchLabels: { app: reviews } }, rules: [{}] }', 'reviews')}`,
  },
];

/** The ambient fixtures' objects (as kiali-ambient.test.ts builds them): namespace 'shop', Deployment and Service 'api'. */
const shop = (labels: string) => `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { ${labels} } }
`;
const AMBIENT = shop('istio.io/dataplane-mode: ambient');
const ENROLLED = shop('istio.io/dataplane-mode: ambient, istio.io/use-waypoint: wp');
const SIDECAR = shop('istio-injection: enabled');
const OTHER = `
---
apiVersion: v1
kind: Namespace
metadata: { name: other }
`;
const WAYPOINT = `
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: wp, namespace: shop }
spec: { gatewayClassName: istio-waypoint, listeners: [{ name: mesh, port: 15008, protocol: HBONE }] }
`;
const deploy = (labels = '', extra = '', annotations = '') => `
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api${labels ? `, ${labels}` : ''} }${annotations ? `, annotations: { ${annotations} }` : ''} }
    spec: { containers: [{ name: app, image: 'x:1' }${extra}] }
`;
const SERVICE = `
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80 }] }
`;
const API = deploy() + SERVICE;
const policy = (apiVersion: string, kind: string, name: string, spec: string, namespace = 'shop') => `
---
apiVersion: ${apiVersion}
kind: ${kind}
metadata: { name: ${name}, namespace: ${namespace} }
spec: ${spec}
`;
const TO_SERVICE = 'targetRefs: [{ group: "", kind: Service, name: api }]';
const BY_SELECTOR = 'selector: { matchLabels: { app: api } }';
const GET = 'rules: [{ to: [{ operation: { methods: [GET] } }] }]';
const authz = (attach: string) => policy('security.istio.io/v1', 'AuthorizationPolicy', 'p', `{ ${attach}, ${GET} }`);
const reqAuthn = (attach: string) => policy('security.istio.io/v1', 'RequestAuthentication', 'ra', `{ ${attach}, jwtRules: [{ issuer: 'https://issuer' }] }`);
const wasm = (attach: string) => policy('extensions.istio.io/v1alpha1', 'WasmPlugin', 'w', `{ ${attach}, url: 'oci://x/y:1' }`);
const telemetry = (attach: string) => policy('telemetry.istio.io/v1', 'Telemetry', 't', `{ ${attach}${attach ? ', ' : ''}tracing: [{ randomSamplingPercentage: 10 }] }`);
const HTTP = 'http: [{ route: [{ destination: { host: api } }] }]';
const vs = (hosts: string, namespace = 'shop') => policy('networking.istio.io/v1', 'VirtualService', 'v', `{ hosts: [${hosts}], ${HTTP} }`, namespace);
const l7Dr = (host: string, namespace = 'shop') => policy('networking.istio.io/v1', 'DestinationRule', 'd', `{ host: '${host}', trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5 } } }`, namespace);

/** Kiali's ambient checks (kiali-ambient.ts). */
const AMBIENT_CHECKS: ShapeFixture[] = [
  { code: 'KIA0109', yaml: AMBIENT + API + authz(TO_SERVICE) },
  { code: 'KIA0110', yaml: ENROLLED + WAYPOINT + API + authz(BY_SELECTOR) },
  { code: 'KIA1110', yaml: AMBIENT + API + reqAuthn(TO_SERVICE) },
  { code: 'KIA1115', yaml: ENROLLED + WAYPOINT + API + reqAuthn(BY_SELECTOR) },
  { code: 'KIA1111', yaml: AMBIENT + API + wasm(TO_SERVICE) },
  { code: 'KIA1116', yaml: ENROLLED + WAYPOINT + API + wasm(BY_SELECTOR) },
  { code: 'KIA1112', yaml: AMBIENT + API + telemetry(TO_SERVICE) },
  { code: 'KIA1117', yaml: ENROLLED + WAYPOINT + API + telemetry('') },
  { code: 'KIA1109', yaml: AMBIENT + vs('ext.example.com') },
  { code: 'KIA1113', yaml: AMBIENT + API + vs('api') },
  { code: 'KIA1114', yaml: `${ENROLLED}${OTHER}${WAYPOINT}${API}${vs('api.shop', 'other')}` },
  { code: 'KIA0210', yaml: AMBIENT + l7Dr('ext.example.com') },
  { code: 'KIA0211', yaml: AMBIENT + API + l7Dr('api') },
  { code: 'KIA0212', yaml: `${ENROLLED}${OTHER}${WAYPOINT}${API}${l7Dr('api.shop', 'other')}` },
  { code: 'KIA1311', yaml: shop('istio.io/dataplane-mode: ambient, istio.io/rev: stable') + API },
  { code: 'KIA1312', yaml: SIDECAR + deploy('istio.io/use-waypoint: wp') + WAYPOINT },
  { code: 'KIA1313', yaml: AMBIENT + deploy('istio.io/use-waypoint: gone') },
  { code: 'KIA1314', yaml: SIDECAR + deploy('', '', 'ambient.istio.io/redirection: enabled') },
  { code: 'KIA1315', yaml: AMBIENT + deploy('', ', { name: istio-proxy, image: \'proxyv2:1\' }') },
  { code: 'KIA1316', yaml: AMBIENT + deploy('sidecar.istio.io/inject: "true"') },
  { code: 'KIA1317', yaml: AMBIENT + API + authz(BY_SELECTOR) },
];

/** Inputs that make the checks of this part report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [...SECURITY, ...AMBIENT_CHECKS];
