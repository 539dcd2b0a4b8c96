import { ShapeFixture } from './fixture';

/** The objects of the quiet-mistake checks' unit tests (quiet-mistakes.test.ts), built once for both. */
export const INGRESS = `
apiVersion: v1
kind: Pod
metadata: { name: ingress, namespace: istio-system, labels: { istio: ingressgateway } }
spec: { containers: [{ name: istio-proxy, image: 'proxy:1' }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: web, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ['*'] }]
---
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: shop, namespace: shop }
spec: { selector: { app: shop }, ports: [{ name: http, port: 9080 }] }
`;
export const redirectVs = (match: string, redirect: string) => `${INGRESS}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: shop, namespace: shop }
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http:
  - match: [${match}]
    redirect: ${redirect}
  - route: [{ destination: { host: shop } }]
`;

export const GRPC = (retryOn: string, port = '{ name: grpc, port: 9090 }') => `
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: shop }
spec: { selector: { app: ratings }, ports: [${port}] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings, namespace: shop }
spec:
  hosts: [ratings]
  http:
  - route: [{ destination: { host: ratings } }]
    retries: { attempts: 3, retryOn: '${retryOn}' }
`;
export const ORIGIN = (drPort: number, routePort: number) => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: shop }
spec:
  hosts: [api.example.com]
  resolution: DNS
  ports: [{ number: 80, name: http, protocol: HTTP }, { number: 443, name: https, protocol: HTTPS }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: shop }
spec:
  hosts: [api.example.com]
  http:
  - match: [{ port: 80 }]
    route: [{ destination: { host: api.example.com, port: { number: ${routePort} } } }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: shop }
spec:
  host: api.example.com
  trafficPolicy:
    portLevelSettings:
    - port: { number: ${drPort} }
      tls: { mode: SIMPLE }
`;
export const AUTHZ = (callerNsLabels: string, pod = '') => `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Namespace
metadata: { name: batch${callerNsLabels} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reports, namespace: batch }
spec: { selector: { matchLabels: { app: reports } }, template: { metadata: { labels: { app: reports${pod} } }, spec: { containers: [{ name: c, image: 'x:1' }] } } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: reviews, namespace: shop }
spec:
  action: ALLOW
  rules:
  - from:
    - source: { principals: [cluster.local/ns/batch/sa/reports] }
    - source: { namespaces: [batch] }
`;
export const EGRESS = (exportTo: string) => `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: istio-egressgateway, namespace: istio-system }
spec:
  selector: { matchLabels: { istio: egressgateway } }
  template: { metadata: { labels: { istio: egressgateway } }, spec: { containers: [{ name: istio-proxy, image: 'istio/proxyv2:1.28.0' }] } }
---
apiVersion: v1
kind: Service
metadata: { name: istio-egressgateway, namespace: istio-system }
spec: { selector: { istio: egressgateway }, ports: [{ name: http2, port: 80, targetPort: 8080 }] }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: cnn, namespace: shop }
spec:
  hosts: [edition.cnn.com]
  exportTo: ${exportTo}
  resolution: DNS
  ports: [{ number: 80, name: http-port, protocol: HTTP }]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: egressgateway, namespace: shop }
spec:
  selector: { istio: egressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [edition.cnn.com] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: through-egress, namespace: shop }
spec:
  hosts: [edition.cnn.com]
  gateways: [egressgateway, mesh]
  http:
  - match: [{ gateways: [mesh], port: 80 }]
    route: [{ destination: { host: istio-egressgateway.istio-system.svc.cluster.local, port: { number: 80 } } }]
  - match: [{ gateways: [egressgateway], port: 80 }]
    route: [{ destination: { host: edition.cnn.com, port: { number: 80 } } }]
`;
export const KGW = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: web, namespace: infra }
spec:
  gatewayClassName: istio
  listeners: [{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: All } } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: shop, namespace: shop }
spec:
  parentRefs: [{ name: web, namespace: infra }]
  hostnames: [shop.example.com]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /old } }]
    filters: [{ type: RequestRedirect, requestRedirect: { path: { type: ReplaceFullPath, replaceFullPath: /old/ } } }]
`;
export const ROUTE = (port: number, extra = '') => `
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec: { selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: reviews, namespace: shop }
spec:
  parentRefs: [{ group: '', kind: Service, name: reviews, port: 9080 }]
  rules: [{ backendRefs: [{ name: reviews, port: ${port}${extra} }] }]
`;

/** Inputs that make the checks of this part report (see finding-shape.test.ts); the same builders as quiet-mistakes.test.ts's. */
export const FIXTURES: readonly ShapeFixture[] = [
  // a redirect that its own rule takes again (a VirtualService's, then an HTTPRoute's)
  { code: 'MK0025', yaml: redirectVs('{ uri: { prefix: /old } }', '{ uri: /old/new }') },
  { code: 'MK0025', yaml: `${INGRESS}\n---\n${KGW}` },
  { code: 'MK0026', yaml: GRPC('5xx,gateway-error') },
  { code: 'MK0027', yaml: ORIGIN(80, 443) },
  { code: 'MK0028', yaml: AUTHZ('') },
  { code: 'MK0029', yaml: EGRESS('[\'.\']') },
  { code: 'MK0030', yaml: ROUTE(8080) },
];
