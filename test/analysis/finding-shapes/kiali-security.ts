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

/** Inputs that make the checks of this part report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [...SECURITY];
