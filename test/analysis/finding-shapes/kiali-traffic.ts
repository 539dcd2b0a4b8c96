import { ShapeFixture } from './fixture';

/*
 * Kiali's traffic checks (lib/analysis/analyzers/kiali-traffic.ts), its consistency checks (kiali.ts) and its Gateway
 * API checks (kiali-gateway-api.ts), each made to report from the objects of its unit tests (kiali-traffic.test.ts,
 * analyzers.test.ts, kiali-security.test.ts), with every message site of the check where one input can reach them.
 */

/** The default namespace (injected), Service reviews and its two versions' Deployments. */
const REVIEWS = `
apiVersion: v1
kind: Namespace
metadata: { name: default, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec: { selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1, namespace: default }
spec:
  selector: { matchLabels: { app: reviews, version: v1 } }
  template:
    metadata: { labels: { app: reviews, version: v1 } }
    spec: { containers: [{ name: app, image: 'x:1', ports: [{ containerPort: 9080 }] }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v2, namespace: default }
spec:
  selector: { matchLabels: { app: reviews, version: v2 } }
  template:
    metadata: { labels: { app: reviews, version: v2 } }
    spec: { containers: [{ name: app, image: 'x:1', ports: [{ containerPort: 9080 }] }] }
`;

/** A Gateway API Gateway of namespace `ns` with an HTTP listener that admits routes of its own namespace only. */
const K8S_GATEWAY = (ns: string) => `
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: ${ns} }
spec:
  gatewayClassName: istio
  listeners: [{ name: http, port: 80, protocol: HTTP }]
`;

/** Inputs that make the checks of this part report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [
  // --- kiali-traffic.ts ---
  {
    code: 'KIA0201',
    analyzer: 'kiali.DestinationRuleMultiMatchChecker',
    yaml: `${REVIEWS}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: a, namespace: default }
spec: { host: reviews, subsets: [{ name: v1, labels: { version: v1 } }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: b, namespace: default }
spec: { host: reviews.default.svc.cluster.local, subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }] }
`,
  },
  {
    code: 'KIA0209',
    analyzer: 'kiali.DestinationRuleNoDestinationChecker',
    yaml: `${REVIEWS}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: bare, namespace: default }
spec: { host: reviews, subsets: [{ name: all }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: mixed, namespace: default }
spec: { host: reviews, subsets: [{ name: v1, labels: { version: v1 } }, { name: every, labels: {} }] }
`,
  },
  {
    code: 'KIA0204',
    analyzer: 'kiali.DestinationRuleTrafficPolicyChecker',
    yaml: `${REVIEWS}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: mesh-mtls, namespace: istio-system }
spec: { host: '*.local', trafficPolicy: { tls: { mode: ISTIO_MUTUAL } } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec: { host: reviews, trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } }
`,
  },
  {
    code: 'KIA1108',
    analyzer: 'kiali.VirtualServiceNoGatewayChecker',
    yaml: `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: legacy, namespace: default }
spec:
  hosts: [shop.example.com]
  gateways: [gw.istio-system]
  http:
    - match: [{ gateways: [gw.istio-system.svc.cluster.local] }]
      route: [{ destination: { host: reviews } }]
`,
  },
  {
    code: 'KIA1106',
    analyzer: 'kiali.VirtualServiceSingleHostChecker',
    yaml: `${REVIEWS}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: a, namespace: default }
spec: { hosts: [reviews], gateways: [istio-system/gw], http: [{ route: [{ destination: { host: reviews } }] }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: b, namespace: default }
spec: { hosts: [reviews.default.svc.cluster.local], gateways: [istio-system/gw], http: [{ route: [{ destination: { host: reviews } }] }] }
`,
  },
  {
    code: 'KIA0301',
    analyzer: 'kiali.GatewayMultiMatchChecker',
    yaml: `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: one, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers:
    - { port: { number: 80, name: http, protocol: HTTP }, hosts: [shop.example.com, api.example.com] }
    - { port: { number: 80, name: http-2, protocol: HTTP }, hosts: [api.example.com] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: two, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ['*.example.com'] }]
`,
  },
  {
    code: 'KIA0601',
    analyzer: 'kiali.PortChecker',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: { name: default, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec: { selector: { app: reviews }, ports: [{ name: web, port: 9080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews, namespace: default }
spec:
  selector: { matchLabels: { app: reviews } }
  template:
    metadata: { labels: { app: reviews } }
    spec: { containers: [{ name: app, image: 'x:1' }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: gw, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 443, name: web, protocol: HTTPS }, hosts: [shop.example.com], tls: { mode: PASSTHROUGH } }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec: { hosts: [api.example.com], ports: [{ number: 443, name: secure, protocol: TLS }], resolution: DNS }
`,
  },
  {
    code: 'KIA0602',
    analyzer: 'kiali.PortChecker',
    yaml: `${REVIEWS}
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: default }
spec: { selector: { app: reviews }, ports: [{ name: web, port: 9080, appProtocol: fancy }] }
`,
  },
  {
    code: 'KIA0701',
    analyzer: 'kiali.ServicePortMappingChecker',
    yaml: `${REVIEWS}
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: default }
spec: { selector: { app: reviews }, ports: [{ name: http, port: 8080 }, { name: http-admin, port: 80, targetPort: admin }] }
`,
  },
  {
    code: 'KIA1211',
    analyzer: 'kiali.ServiceEntryMultiMatchChecker',
    yaml: `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: a, namespace: default }
spec: { hosts: [api.example.com], ports: [{ number: 443, name: tls, protocol: TLS }], resolution: DNS }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: b, namespace: default }
spec: { hosts: [api.example.com], ports: [{ number: 443, name: tls, protocol: TLS }], resolution: DNS }
`,
  },
  {
    code: 'KIA0005',
    analyzer: 'kiali.ExportToNamespaceChecker',
    yaml: `${REVIEWS}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec: { host: reviews, exportTo: [., ghost] }
`,
  },
  {
    code: 'KIA1004',
    analyzer: 'kiali.SidecarEgressHostChecker',
    yaml: `${REVIEWS}
---
apiVersion: v1
kind: Namespace
metadata: { name: other }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: egress, namespace: default }
spec:
  egress:
    - hosts: [default/ghost.default.svc.cluster.local, other/reviews.default.svc.cluster.local]
`,
  },
  {
    code: 'KIA1006',
    analyzer: 'kiali.SidecarGlobalChecker',
    yaml: `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: istio-system }
spec: { workloadSelector: { labels: { app: reviews } }, egress: [{ hosts: ['./*'] }] }
`,
  },
  {
    code: 'KIA1007',
    analyzer: 'kiali.SidecarOutboundTrafficPolicyModeChecker',
    yaml: `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: default }
spec: { outboundTrafficPolicy: {}, egress: [{ hosts: ['./*'] }] }
`,
  },
  {
    code: 'KIA1701',
    analyzer: 'kiali.WorkloadGroupServiceAccountsChecker',
    yaml: `
apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: { name: vms, namespace: default }
spec: { metadata: { labels: { app: vm } }, template: { serviceAccount: ghost } }
`,
  },
  {
    code: 'KIA1702',
    analyzer: 'kiali.WorkloadGroupDuplicateLabelsChecker',
    yaml: `
apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: { name: a, namespace: default }
spec: { metadata: { labels: { app: vm } }, template: { serviceAccount: default } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: { name: b, namespace: default }
spec: { metadata: { labels: { app: vm } }, template: { serviceAccount: default } }
`,
  },
  // --- kiali.ts ---
  {
    code: 'KIA0207',
    analyzer: 'kiali.DestinationRuleMtlsChecker',
    yaml: `${REVIEWS}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: strict, namespace: default }
spec: { mtls: { mode: STRICT } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: top, namespace: default }
spec: { host: reviews, trafficPolicy: { tls: { mode: DISABLE } } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: subset, namespace: default }
spec: { host: reviews, subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 }, trafficPolicy: { tls: { mode: DISABLE } } }] }
`,
  },
  {
    code: 'KIA0106',
    analyzer: 'kiali.AuthorizationPolicyChecker',
    yaml: `${REVIEWS}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ap, namespace: default }
spec:
  rules:
    - from:
        - source: { principals: [cluster.local/ns/default/sa/default, cluster.local/ns/default/sa/ghost] }
        - source: { principals: ['*/ns/default/sa/ghost*', just-a-string] }
`,
  },
  {
    code: 'KIA1104',
    analyzer: 'kiali.RouteChecker',
    yaml: `${REVIEWS}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: one, namespace: default }
spec: { hosts: [reviews], http: [{ route: [{ destination: { host: reviews }, weight: 90 }] }], tcp: [{ route: [{ destination: { host: reviews }, weight: 50 }] }] }
`,
  },
  {
    code: 'KIA1105',
    analyzer: 'kiali.RouteChecker',
    yaml: `${REVIEWS}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: twice, namespace: default }
spec:
  hosts: [reviews]
  http:
    - route:
        - { destination: { host: reviews, subset: v1 }, weight: 50 }
        - { destination: { host: reviews.default.svc.cluster.local, subset: v1 }, weight: 50 }
`,
  },
  // --- kiali-gateway-api.ts ---
  {
    code: 'KIA1401',
    analyzer: 'kiali.K8sRouteChecker',
    yaml: `${REVIEWS}
---
apiVersion: v1
kind: Namespace
metadata: { name: istio-system }
${K8S_GATEWAY('istio-system')}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: default }
spec:
  parentRefs: [{ name: ghost }, { name: gw, namespace: istio-system }]
  rules: [{ backendRefs: [{ name: reviews, port: 9080 }] }]
`,
  },
  {
    code: 'KIA1402',
    analyzer: 'kiali.K8sRouteChecker',
    yaml: `${REVIEWS}
---
apiVersion: v1
kind: Namespace
metadata: { name: other }
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: other }
spec: { selector: { app: ratings }, ports: [{ name: http, port: 9080 }] }
${K8S_GATEWAY('default')}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - backendRefs:
        - { name: ghost, port: 9080 }
        - { name: reviews.default.svc.cluster.local, port: 9080 }
        - { name: ratings, namespace: other, port: 9080 }
`,
  },
  {
    code: 'KIA1601',
    analyzer: 'kiali.K8sReferenceGrantChecker',
    yaml: `${REVIEWS}
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: g, namespace: default }
spec:
  from: [{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ghost }]
  to: [{ group: '', kind: Service }]
`,
  },
  {
    code: 'KIA1501',
    analyzer: 'kiali.K8sGatewayChecker',
    yaml: `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: a, namespace: default }
spec: { gatewayClassName: istio, listeners: [{ name: http, hostname: shop.example.com, port: 80, protocol: HTTP }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: b, namespace: istio-system }
spec: { gatewayClassName: istio, listeners: [{ name: web, hostname: shop.example.com, port: 80, protocol: HTTP }] }
`,
  },
  {
    code: 'KIA1502',
    analyzer: 'kiali.K8sGatewayChecker',
    yaml: `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: a, namespace: default }
spec: { gatewayClassName: istio, addresses: [{ value: 10.0.0.1 }], listeners: [{ name: http, port: 80, protocol: HTTP }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: b, namespace: default }
spec: { gatewayClassName: istio, addresses: [{ type: IPAddress, value: 10.0.0.1 }], listeners: [{ name: http, port: 80, protocol: HTTP }] }
`,
  },
  {
    code: 'KIA1503',
    analyzer: 'kiali.K8sGatewayChecker',
    yaml: `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: a, namespace: default }
spec:
  gatewayClassName: istio
  listeners:
    - { name: one, hostname: shop.example.com, port: 80, protocol: HTTP }
    - { name: two, hostname: shop.example.com, port: 80, protocol: HTTP }
`,
  },
];
