import { Mistake, QUIET_PART } from './measure';

/** A namespace in the mesh, a Service and its pods: what most mistakes are made beside. */
const BASE = `apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec: { selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews, version: v1 } }
  template:
    metadata: { labels: { app: reviews, version: v1 } }
    spec: { containers: [{ name: reviews, image: 'example/reviews:1.0.0' }] }
---
`;
const AMBIENT = BASE.replace('istio-injection: enabled', 'istio.io/dataplane-mode: ambient');
const LINKERD = BASE.replace('labels: { istio-injection: enabled }', 'annotations: { linkerd.io/inject: enabled }');
const GW = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: shop-gw, namespace: shop }
spec:
  gatewayClassName: istio
  listeners: [{ name: http, port: 80, protocol: HTTP, hostname: shop.example.com }]
---
`;
const vs = (spec: string, name = 'reviews') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: shop }
spec:
${spec}
---
`;
const dr = (spec: string, name = 'reviews') => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${name}, namespace: shop }
spec:
${spec}
---
`;
const httpRoute = (spec: string, name = 'reviews') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: shop }
spec:
${spec}
---
`;
const ap = (spec: string, name = 'allow') => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ${name}, namespace: shop }
spec:
${spec}
---
`;

/** YAML given to `mesh-kit analyze`, one mistake each. */
export const YAMLS: readonly Mistake[] = [
  // ---- Istio, sidecars
  { id: 'yaml/vs-host-typo', area: 'istio-sidecar', codes: ['IST0101'], yaml: BASE + vs('  hosts: [reviews]\n  http: [{ route: [{ destination: { host: reviewz } }] }]') },
  {
    id: 'yaml/vs-subset-missing',
    area: 'istio-sidecar',
    codes: ['IST0101'],
    yaml: BASE + vs('  hosts: [reviews]\n  http: [{ route: [{ destination: { host: reviews, subset: v3 } }] }]')
    + dr('  host: reviews\n  subsets: [{ name: v1, labels: { version: v1 } }]'),
  },
  { id: 'yaml/vs-subset-without-dr', area: 'istio-sidecar', codes: ['IST0101'], yaml: BASE + vs('  hosts: [reviews]\n  http: [{ route: [{ destination: { host: reviews, subset: v1 } }] }]') },
  { id: 'yaml/vs-gateway-missing', area: 'istio-sidecar', codes: ['IST0101'], yaml: BASE + vs('  hosts: [shop.example.com]\n  gateways: [shop-gateway]\n  http: [{ route: [{ destination: { host: reviews } }] }]') },
  { id: 'yaml/vs-wrong-port', area: 'istio-sidecar', codes: ['IST0101'], yaml: BASE + vs('  hosts: [reviews]\n  http: [{ route: [{ destination: { host: reviews, port: { number: 8080 } } }] }]') },
  {
    id: 'yaml/vs-two-for-one-host',
    area: 'istio-sidecar',
    codes: ['IST0109'],
    yaml: BASE + vs('  hosts: [reviews]\n  http: [{ route: [{ destination: { host: reviews } }] }]')
    + vs('  hosts: [reviews]\n  http: [{ timeout: 2s, route: [{ destination: { host: reviews } }] }]', 'reviews-timeout'),
  },
  {
    id: 'yaml/vs-unreachable-rule',
    area: 'istio-sidecar',
    codes: ['IST0130', 'KIA1105', 'MK0012', 'MK0013', 'MK0014', 'MK0015'],
    yaml: BASE
    + vs('  hosts: [reviews]\n  http:\n  - route: [{ destination: { host: reviews } }]\n  - match: [{ uri: { prefix: /v2 } }]\n    route: [{ destination: { host: reviews } }]'),
  },
  {
    id: 'yaml/vs-retry-per-try-longer',
    area: 'istio-sidecar',
    codes: ['MK0003'],
    yaml: BASE
    + vs('  hosts: [reviews]\n  http: [{ timeout: 1s, retries: { attempts: 3, perTryTimeout: 5s }, route: [{ destination: { host: reviews } }] }]'),
  },
  {
    id: 'yaml/vs-mirror-to-self',
    area: 'istio-sidecar',
    codes: ['MK0002'],
    yaml: BASE
    + vs('  hosts: [reviews]\n  http: [{ mirror: { host: reviews }, route: [{ destination: { host: reviews } }] }]'),
  },
  { id: 'yaml/dr-subset-no-pods', area: 'istio-sidecar', codes: ['IST0173'], yaml: BASE + dr('  host: reviews\n  subsets: [{ name: v2, labels: { version: v2 } }]') },
  {
    id: 'yaml/dr-two-for-one-host',
    area: 'istio-sidecar',
    codes: ['KIA0201'],
    yaml: BASE + dr('  host: reviews\n  subsets: [{ name: v1, labels: { version: v1 } }]')
    + dr('  host: reviews.shop.svc.cluster.local\n  trafficPolicy: { loadBalancer: { simple: ROUND_ROBIN } }', 'reviews-lb'),
  },
  { id: 'yaml/dr-host-missing', area: 'istio-sidecar', codes: ['IST0174', 'KIA0202', 'KIA0209'], yaml: BASE + dr('  host: ratings\n  subsets: [{ name: v1, labels: { version: v1 } }]', 'ratings') },
  { id: 'yaml/service-port-name', area: 'istio-sidecar', codes: ['IST0118'], yaml: BASE.replace('name: http, port: 9080', 'name: web, port: 9080') },
  { id: 'yaml/namespace-not-injected', area: 'istio-sidecar', codes: ['IST0102'], yaml: BASE.replace('labels: { istio-injection: enabled }', 'labels: {}') },
  {
    id: 'yaml/deployment-without-service',
    area: 'istio-sidecar',
    codes: ['IST0116', 'KIA1301'],
    yaml: BASE.replace('app: reviews, version: v1 } }\n  template:\n    metadata: { labels: { app: reviews, version: v1 } }',
      'app: ratings, version: v1 } }\n  template:\n    metadata: { labels: { app: ratings, version: v1 } }'),
  },
  {
    id: 'yaml/gateway-selector-no-pods', area: 'istio-sidecar', codes: ['IST0101'], yaml: `${BASE}apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: shop-gw, namespace: shop }
spec:
  selector: { istio: ingress-gateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [shop.example.com] }]
`,
  },
  {
    id: 'yaml/gateway-secret-missing', area: 'istio-sidecar', codes: ['IST0101'], yaml: `${BASE}apiVersion: apps/v1
kind: Deployment
metadata: { name: ingress, namespace: shop }
spec:
  selector: { matchLabels: { istio: ingress } }
  template:
    metadata: { labels: { istio: ingress } }
    spec: { containers: [{ name: istio-proxy, image: 'auto' }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: shop-gw, namespace: shop }
spec:
  selector: { istio: ingress }
  servers: [{ port: { number: 443, name: https, protocol: HTTPS }, hosts: [shop.example.com], tls: { mode: SIMPLE, credentialName: shop-cert } }]
`,
  },
  { id: 'yaml/ap-selector-no-pods', area: 'istio-sidecar', codes: ['IST0127'], yaml: BASE + ap('  selector: { matchLabels: { app: reviewz } }\n  rules: [{ from: [{ source: { namespaces: [shop] } }] }]') },
  { id: 'yaml/ap-namespace-missing', area: 'istio-sidecar', codes: ['IST0101', 'KIA0101'], yaml: BASE + ap('  selector: { matchLabels: { app: reviews } }\n  rules: [{ from: [{ source: { namespaces: [frontend] } }] }]') },
  { id: 'yaml/ap-principal-unknown', area: 'istio-sidecar', codes: ['KIA0106'], yaml: BASE + ap('  selector: { matchLabels: { app: reviews } }\n  rules: [{ from: [{ source: { principals: [cluster.local/ns/shop/sa/productpage] } }] }]') },
  {
    id: 'yaml/pa-disable-vs-dr-mutual',
    area: 'istio-sidecar',
    codes: ['KIA0505', 'KIA0501', 'KIA0205', 'KIA0206'],
    yaml: `${BASE}apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: shop }
spec: { mtls: { mode: DISABLE } }
---
${dr('  host: "*.shop.svc.cluster.local"\n  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }', 'mtls')}`,
  },
  {
    id: 'yaml/sidecar-selector-no-pods', area: 'istio-sidecar', codes: ['IST0101', 'IST0110'], yaml: `${BASE}apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: reviews, namespace: shop }
spec:
  workloadSelector: { labels: { app: reviewz } }
  egress: [{ hosts: ['./*'] }]
`,
  },
  {
    id: 'yaml/se-no-protocol-no-address', area: 'istio-sidecar', codes: ['IST0134'], yaml: `${BASE}apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: db, namespace: shop }
spec:
  hosts: [db.example.com]
  ports: [{ number: 5432, name: tcp, protocol: TCP }]
  resolution: DNS
`,
  },
  { id: 'yaml/schema-bad-field', area: 'istio-sidecar', codes: ['IST0106'], yaml: BASE + vs('  hosts: [reviews]\n  http: [{ route: [{ destination: { host: reviews } }], timeout: 5 }]') },
  {
    id: 'yaml/tls-origination-port-rewrite',
    area: 'istio-sidecar',
    quietList: true,
    codes: QUIET_PART,
    yaml: `${BASE}apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api-ext, namespace: shop }
spec:
  hosts: [api.example.com]
  ports: [{ number: 80, name: http, protocol: HTTP }, { number: 443, name: https, protocol: HTTPS }]
  resolution: DNS
---
${vs('  hosts: [api.example.com]\n  http: [{ route: [{ destination: { host: api.example.com, port: { number: 443 } } }] }]', 'api-ext')}${dr('  host: api.example.com\n  trafficPolicy:\n    portLevelSettings: [{ port: { number: 80 }, tls: { mode: SIMPLE } }]', 'api-ext')}`,
  },
  {
    id: 'yaml/two-routes-same-host-path-one-gateway',
    area: 'istio-sidecar',
    quietList: true,
    codes: ['KIA1106', 'MK0012', 'MK0013', ...QUIET_PART],
    yaml: `${BASE}apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: shop-gw, namespace: shop }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [shop.example.com] }]
---
${vs('  hosts: [shop.example.com]\n  gateways: [shop-gw]\n  http: [{ match: [{ uri: { prefix: /reviews } }], route: [{ destination: { host: reviews } }] }]', 'a')}${vs('  hosts: [shop.example.com]\n  gateways: [shop-gw]\n  http: [{ match: [{ uri: { prefix: /reviews } }], route: [{ destination: { host: reviews, port: { number: 9080 } } }] }]', 'b')}`,
  },
  // ---- Istio, ambient
  {
    id: 'yaml/ambient-l7-policy-without-waypoint',
    area: 'istio-ambient',
    codes: ['MK0005', 'KIA0109', 'KIA0110', 'MK0006'],
    yaml: AMBIENT
    + ap('  selector: { matchLabels: { app: reviews } }\n  rules: [{ to: [{ operation: { methods: [GET] } }] }]'),
  },
  { id: 'yaml/ambient-use-waypoint-missing', area: 'istio-ambient', codes: ['MK0007', 'KIA1313', 'KIA1314'], yaml: AMBIENT.replace('istio.io/dataplane-mode: ambient', 'istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint') },
  {
    id: 'yaml/ambient-envoyfilter', area: 'istio-ambient', codes: ['MK0008', 'MK0023'], yaml: `${AMBIENT}apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: lua, namespace: shop }
spec:
  workloadSelector: { labels: { app: reviews } }
  configPatches: [{ applyTo: HTTP_FILTER, match: { context: SIDECAR_INBOUND }, patch: { operation: INSERT_BEFORE, value: { name: envoy.lua } } }]
`,
  },
  {
    id: 'yaml/ambient-httproute-no-waypoint',
    area: 'istio-ambient',
    codes: ['MK0006', 'KIA1109', 'KIA1110'],
    yaml: AMBIENT
    + httpRoute('  parentRefs: [{ group: "", kind: Service, name: reviews, port: 9080 }]\n  rules: [{ backendRefs: [{ name: reviews, port: 9080 }], timeouts: { request: 2s } }]'),
  },
  {
    id: 'yaml/ambient-vs-subsets',
    area: 'istio-ambient',
    codes: ['MK0024', 'MK0008'],
    yaml: AMBIENT + dr('  host: reviews\n  subsets: [{ name: v1, labels: { version: v1 } }]')
    + vs('  hosts: [reviews]\n  http: [{ route: [{ destination: { host: reviews, subset: v1 } }] }]'),
  },
  // ---- Gateway API
  { id: 'yaml/httproute-parent-missing', area: 'gateway-api', codes: ['KIA1401'], yaml: BASE + httpRoute('  parentRefs: [{ name: shop-gateway }]\n  rules: [{ backendRefs: [{ name: reviews, port: 9080 }] }]') },
  { id: 'yaml/httproute-backend-missing', area: 'gateway-api', codes: ['KIA1402'], yaml: BASE + GW + httpRoute('  parentRefs: [{ name: shop-gw }]\n  rules: [{ backendRefs: [{ name: ratings, port: 9080 }] }]') },
  {
    id: 'yaml/httproute-backend-other-ns-no-grant',
    area: 'gateway-api',
    codes: ['KIA1402', 'KIA1601'],
    yaml: `${BASE}${GW}apiVersion: v1
kind: Namespace
metadata: { name: other, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: other }
spec: { selector: { app: ratings }, ports: [{ name: http, port: 9080 }] }
---
${httpRoute('  parentRefs: [{ name: shop-gw }]\n  rules: [{ backendRefs: [{ name: ratings, namespace: other, port: 9080 }] }]')}`,
  },
  { id: 'yaml/gateways-same-listener', area: 'gateway-api', codes: ['KIA1501'], yaml: BASE + GW + GW.replace('name: shop-gw', 'name: shop-gw-2') },
  {
    id: 'yaml/gateway-listeners-duplicate',
    area: 'gateway-api',
    codes: ['KIA1503', 'IST0106'],
    yaml: BASE
    + GW.replace('listeners: [{ name: http, port: 80, protocol: HTTP, hostname: shop.example.com }]', 'listeners: [{ name: http, port: 80, protocol: HTTP, hostname: shop.example.com }, { name: http2, port: 80, protocol: HTTP, hostname: shop.example.com }]'),
  },
  {
    id: 'yaml/httproute-shadowed-by-prefix',
    area: 'gateway-api',
    codes: ['MK0012', 'MK0013', 'MK0014', 'MK0015'],
    yaml: BASE + GW
    + httpRoute('  parentRefs: [{ name: shop-gw }]\n  hostnames: [shop.example.com]\n  rules: [{ matches: [{ path: { type: PathPrefix, value: / } }], backendRefs: [{ name: reviews, port: 9080 }] }]', 'all')
    + httpRoute('  parentRefs: [{ name: shop-gw }]\n  hostnames: [shop.example.com]\n  rules: [{ matches: [{ path: { type: PathPrefix, value: / } }], backendRefs: [{ name: reviews, port: 9080 }] }]', 'all-again'),
  },
  {
    id: 'yaml/httproute-bad-path',
    area: 'gateway-api',
    codes: ['IST0106'],
    yaml: BASE + GW
    + httpRoute('  parentRefs: [{ name: shop-gw }]\n  rules: [{ matches: [{ path: { type: PathPrefix, value: reviews } }], backendRefs: [{ name: reviews, port: 9080 }] }]'),
  },
  { id: 'yaml/httproute-backend-wrong-port', area: 'gateway-api', codes: ['KIA1402', 'IST0101', 'MK0030'], yaml: BASE + GW + httpRoute('  parentRefs: [{ name: shop-gw }]\n  rules: [{ backendRefs: [{ name: reviews, port: 8080 }] }]') },
  // ---- Linkerd
  {
    id: 'yaml/linkerd-authn-caller-not-meshed', area: 'linkerd', quietList: true, codes: ['MK0040'], yaml: `${LINKERD}apiVersion: v1
kind: Namespace
metadata: { name: frontend }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: frontend }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { serviceAccountName: web, containers: [{ name: web, image: 'example/web:1.0.0' }] }
---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: { name: web-callers, namespace: shop }
spec:
  identityRefs: [{ kind: ServiceAccount, name: web, namespace: frontend }]
`,
  },
  {
    id: 'yaml/linkerd-ap-caller-not-meshed', area: 'linkerd', quietList: true, codes: ['MK0040'], yaml: `${LINKERD}apiVersion: apps/v1
kind: Deployment
metadata: { name: batch, namespace: shop }
spec:
  selector: { matchLabels: { app: batch } }
  template:
    metadata: { labels: { app: batch }, annotations: { linkerd.io/inject: disabled } }
    spec: { serviceAccountName: batch, containers: [{ name: batch, image: 'example/batch:1.0.0' }] }
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: allow-batch, namespace: shop }
spec:
  targetRef: { group: core, kind: Namespace, name: shop }
  requiredAuthenticationRefs: [{ kind: ServiceAccount, name: batch }]
`,
  },
  {
    id: 'yaml/linkerd-two-egress-networks-everything', area: 'linkerd', quietList: true, codes: ['MK0041'], yaml: `${LINKERD}apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata: { name: all-external, namespace: shop }
spec: { trafficPolicy: Allow }
---
apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata: { name: internet, namespace: shop }
spec:
  trafficPolicy: Deny
  networks: [{ cidr: 0.0.0.0/0 }, { cidr: '::/0' }]
`,
  },
  {
    id: 'yaml/linkerd-egress-bad-policy', area: 'linkerd', codes: ['IST0106'], yaml: `${LINKERD}apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata: { name: all-external, namespace: shop }
spec: { trafficPolicy: Block }
`,
  },
  {
    id: 'yaml/linkerd-httproute-backend-missing',
    area: 'linkerd',
    codes: ['KIA1402'],
    yaml: LINKERD
    + httpRoute('  parentRefs: [{ group: core, kind: Service, name: reviews, port: 9080 }]\n  rules: [{ backendRefs: [{ name: reviews-canary, port: 9080 }] }]'),
  },
  {
    id: 'yaml/linkerd-authn-unknown-account', area: 'linkerd', codes: ['IST0101', 'KIA0106', 'MK0042'], yaml: `${LINKERD}apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: { name: callers, namespace: shop }
spec:
  identityRefs: [{ kind: ServiceAccount, name: productpage }]
`,
  },
  {
    id: 'yaml/linkerd-ap-target-missing', area: 'linkerd', codes: ['IST0101', 'MK0042'], yaml: `${LINKERD}apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: allow, namespace: shop }
spec:
  targetRef: { group: policy.linkerd.io, kind: Server, name: reviews-http }
  requiredAuthenticationRefs: [{ group: policy.linkerd.io, kind: MeshTLSAuthentication, name: callers }]
`,
  },
  {
    id: 'yaml/linkerd-server-bad-port', area: 'linkerd', codes: ['IST0106'], yaml: `${LINKERD}apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: { name: reviews, namespace: shop }
spec:
  podSelector: { matchLabels: { app: reviews } }
  port: 0
`,
  },
];
