import { REVIEWS_V1, ShapeFixture } from './fixture';

const REVIEWS = REVIEWS_V1;

/** Istio's ingress gateway pod and its Service (from analyzers.test.ts). */
const INGRESS = `
apiVersion: v1
kind: Pod
metadata: { name: ingress, namespace: istio-system, labels: { istio: ingressgateway } }
spec: { containers: [{ name: app, image: 'x:1' }] }
---
apiVersion: v1
kind: Service
metadata: { name: ingress, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  ports: [{ name: http2, port: 80, targetPort: 8080 }, { name: https, port: 443, targetPort: 8443 }]
`;

const gateway = (name: string, spec: string) => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: istio-system }
spec: ${spec}
`;
const tlsServer = (credentialName: string, host: string) =>
  `{ port: { number: 443, name: https, protocol: HTTPS }, tls: { mode: SIMPLE, credentialName: ${credentialName} }, hosts: [${host}] }`;

const envoyFilter = (patch: string, priority = '') => `
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: ef, namespace: default }
spec:
  ${priority}
  configPatches:
  ${patch}
`;

/** Inputs that make the checks of this part report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [
  // annotations.ts
  {
    code: 'IST0108',
    yaml: `
apiVersion: v1
kind: Service
metadata: { name: s, namespace: default, annotations: { sidecar.istio.io/typo: x, sidecar.istio.io/proxyCpu: 100m } }
spec: {}
`,
  },
  {
    code: 'IST0135',
    yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  template: { metadata: { labels: { app: web }, annotations: { sidecar.istio.io/inject: 'true' } }, spec: { containers: [] } }
`,
  },
  {
    code: 'IST0107',
    yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default, annotations: { sidecar.istio.io/proxyCPU: 100m } }
spec:
  selector: { matchLabels: { app: web } }
  template: { metadata: { labels: { app: web } }, spec: { containers: [] } }
---
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: default, labels: { app: p }, annotations: { kubernetes.io/ingress.class: istio } }
spec: { containers: [] }
`,
  },
  {
    code: 'IST0125',
    yaml: `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: default, labels: { app: p }, annotations: { sidecar.istio.io/proxyCPU: lots, sidecar.istio.io/inject: 'yes' } }
spec: { containers: [] }
`,
  },
  // authz.ts
  {
    code: 'IST0127',
    analyzer: 'authz.AuthorizationPoliciesAnalyzer',
    yaml: `${REVIEWS}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: nobody, namespace: default }
spec: { selector: { matchLabels: { app: ghost } } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: root, namespace: istio-system }
spec: { selector: { matchLabels: { app: ghost } } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: empty, namespace: nowhere }
spec: {}
`,
  },
  {
    code: 'IST0101',
    analyzer: 'authz.AuthorizationPoliciesAnalyzer',
    yaml: `${REVIEWS}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ns, namespace: default }
spec: { rules: [{ from: [{ source: { namespaces: [default, bogus, 'def*'], notNamespaces: [defualt] } }] }] }
`,
  },
  // deployment.ts
  {
    code: 'IST0116',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: { name: default, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: a, namespace: default }
spec: { selector: { app: web }, ports: [{ name: http, port: 80, protocol: TCP }] }
---
apiVersion: v1
kind: Service
metadata: { name: b, namespace: default }
spec: { selector: { app: web }, ports: [{ name: udp, port: 80, protocol: UDP, targetPort: 8080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: app, image: 'x:1' }] } }
`,
  },
  {
    code: 'IST0137',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: { name: default, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: a, namespace: default }
spec: { selector: { app: web }, ports: [{ name: http, port: 80, protocol: TCP }] }
---
apiVersion: v1
kind: Service
metadata: { name: c, namespace: default }
spec: { selector: { app: web }, ports: [{ name: http, port: 81, targetPort: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: app, image: 'x:1' }] } }
`,
  },
  {
    code: 'IST0144',
    yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  template: { metadata: { labels: { app: web } }, spec: { securityContext: { runAsUser: 1337 }, containers: [] } }
---
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: default, labels: { app: p } }
spec: { containers: [{ name: sidecar }, { name: app, securityContext: { runAsUser: 1337 } }] }
`,
  },
  // deprecation.ts
  {
    code: 'IST0002',
    yaml: `${REVIEWS}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: f, namespace: default }
spec:
  hosts: [reviews]
  http:
  - fault: { delay: { percent: 50, fixedDelay: 1s }, abort: { percent: 10, httpStatus: 503 } }
    route: [{ destination: { host: reviews } }]
  - mirrorPercent: 20
    mirror: { host: reviews }
    route: [{ destination: { host: reviews } }]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: s, namespace: default }
spec: { outboundTrafficPolicy: { mode: REGISTRY_ONLY, egressProxy: { host: egress.example.com } } }
`,
  },
  // destinationrule.ts
  {
    code: 'IST0128',
    yaml: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ext, namespace: default }
spec:
  host: api.example.com
  trafficPolicy: { tls: { mode: SIMPLE } }
  subsets: [{ name: v1, labels: { version: v1 }, trafficPolicy: { tls: { mode: MUTUAL, credentialName: ca } } }]
`,
  },
  {
    code: 'IST0129',
    yaml: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ext, namespace: default }
spec:
  host: api.example.com
  trafficPolicy: { portLevelSettings: [{ port: { number: 80 } }, { port: { number: 443 }, tls: { mode: MUTUAL } }] }
`,
  },
  {
    code: 'IST0174',
    yaml: `${REVIEWS}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ghost, namespace: default }
spec: { host: ghost }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: dotted, namespace: default }
spec: { host: reviews.default.svc }
`,
  },
  {
    code: 'IST0173',
    yaml: `${REVIEWS}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec: { host: reviews, subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }] }
`,
  },
  // envoyfilter.ts
  {
    code: 'IST0151',
    yaml: envoyFilter('- { applyTo: HTTP_FILTER, patch: { operation: INSERT_BEFORE, value: { name: lua } } }'),
  },
  {
    code: 'IST0152',
    yaml: envoyFilter('- { applyTo: CLUSTER, patch: { operation: REPLACE, value: {} } }'),
  },
  {
    code: 'IST0153',
    yaml: `${envoyFilter('- { applyTo: HTTP_ROUTE, patch: { operation: ADD, value: {} } }')}
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: config, namespace: default }
spec: { configPatches: [{ applyTo: ROUTE_CONFIGURATION, patch: { operation: ADD, value: {} } }] }
`,
  },
  {
    code: 'IST0154',
    yaml: envoyFilter(`- { applyTo: ROUTE_CONFIGURATION, patch: { operation: REMOVE } }
  - { applyTo: HTTP_ROUTE, patch: { operation: REMOVE } }`),
  },
  {
    code: 'IST0155',
    yaml: envoyFilter(`- { applyTo: HTTP_FILTER, match: { proxy: { proxyVersion: '^1\\.2.*' } }, patch: { operation: INSERT_AFTER, value: { name: v } } }
  - { applyTo: HTTP_FILTER, patch: { operation: INSERT_AFTER, value: { name: v } } }`),
  },
  // gateway.ts
  {
    code: 'IST0101',
    analyzer: 'gateway.IngressGatewayPortAnalyzer',
    yaml: gateway('lost', '{ selector: { istio: nope }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }] }'),
  },
  {
    code: 'IST0101',
    analyzer: 'gateway.SecretAnalyzer',
    yaml: `${INGRESS}
---
${gateway('lost', '{ selector: { istio: nope }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }] }')}
---
${gateway('tls', `{ selector: { istio: ingressgateway }, servers: [${tlsServer('missing', 'a.example.com')}, { port: { number: 443, name: https-b, protocol: HTTPS }, tls: { mode: SIMPLE, credentialNames: [other] }, hosts: [b.example.com] }] }`)}
`,
  },
  {
    code: 'IST0162',
    yaml: `${INGRESS}
---
${gateway('a', '{ selector: { istio: ingressgateway }, servers: [{ port: { number: 8080, name: http, protocol: HTTP }, hosts: [shop.example.com] }, { port: { number: 9999, name: http-x, protocol: HTTP }, hosts: [x.example.com] }] }')}
`,
  },
  {
    code: 'IST0161',
    yaml: `${INGRESS}
---
apiVersion: v1
kind: Secret
metadata: { name: nokey, namespace: istio-system }
data: { tls.crt: eA== }
---
apiVersion: v1
kind: Secret
metadata: { name: nocert, namespace: istio-system }
data: { tls.key: eA== }
---
apiVersion: v1
kind: Secret
metadata: { name: garbage, namespace: istio-system }
stringData: { tls.crt: not a certificate, tls.key: not a key }
---
${gateway('tls', `{ selector: { istio: ingressgateway }, servers: [${tlsServer('nokey', 'a.example.com')}, ${tlsServer('nocert', 'b.example.com')}, ${tlsServer('garbage', 'c.example.com')}] }`)}
`,
  },
  {
    code: 'IST0145',
    yaml: `${INGRESS}
---
${gateway('a', '{ selector: { istio: ingressgateway }, servers: [{ port: { number: 8080, name: http, protocol: HTTP }, hosts: [shop.example.com] }] }')}
---
${gateway('b', '{ selector: { istio: ingressgateway }, servers: [{ port: { number: 8080, name: http, protocol: HTTP }, hosts: ["*.example.com"] }] }')}
`,
  },
  {
    code: 'IST0138',
    yaml: `${INGRESS}
---
${gateway('a', `{ selector: { istio: ingressgateway }, servers: [${tlsServer('shared', 'a.example.com')}] }`)}
---
${gateway('b', `{ selector: { istio: ingressgateway }, servers: [${tlsServer('shared', 'b.example.com')}] }`)}
---
${gateway('c', '{ selector: { istio: ingressgateway }, servers: [{ port: { number: 443, name: https, protocol: HTTPS }, tls: { mode: SIMPLE, serverCertificate: /etc/c.pem, privateKey: /etc/k.pem }, hosts: [c.example.com] }] }')}
---
${gateway('d', '{ selector: { istio: ingressgateway }, servers: [{ port: { number: 443, name: https, protocol: HTTPS }, tls: { mode: SIMPLE, serverCertificate: /etc/c.pem, privateKey: /etc/k.pem }, hosts: [d.example.com] }] }')}
`,
  },
  // injection.ts
  {
    code: 'IST0102',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: { name: plain }
`,
  },
  {
    code: 'IST0148',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: { name: plain, labels: { team: shop } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: istio-sidecar-injector, namespace: istio-system }
data: { values: '{"sidecarInjectorWebhook":{"enableNamespacesByDefault":true}}' }
`,
  },
  {
    code: 'IST0123',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: { name: both, labels: { istio-injection: enabled, istio.io/rev: canary } }
---
apiVersion: v1
kind: Namespace
metadata: { name: all-three, labels: { istio-injection: enabled, istio.io/rev: canary, istio.io/dataplane-mode: ambient } }
`,
  },
  // k8sgateway.ts
  {
    code: 'IST0166',
    yaml: `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ap, namespace: default }
spec: { selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: gw } } }
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: t, namespace: default }
spec: { selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: gw } } }
`,
  },
  {
    code: 'IST0176',
    yaml: `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: tlsroutes.gateway.networking.k8s.io, annotations: { gateway.networking.k8s.io/bundle-version: v1.4.1 } }
spec: {}
`,
  },
];
