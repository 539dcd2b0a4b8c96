import { ShapeFixture } from './fixture';

const INGRESS = `
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

/** Inputs that make the checks of this part report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [
  // a redirect that its own rule takes again (a VirtualService's, then an HTTPRoute's)
  {
    code: 'MK0025',
    yaml: `${INGRESS}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: shop, namespace: shop }
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http:
  - match: [{ uri: { prefix: /old } }]
    redirect: { uri: /old/new }
  - route: [{ destination: { host: shop } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: web, namespace: infra }
spec:
  gatewayClassName: istio
  listeners: [{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: All } } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: legacy, namespace: shop }
spec:
  parentRefs: [{ name: web, namespace: infra }]
  hostnames: [legacy.example.com]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /old } }]
    filters: [{ type: RequestRedirect, requestRedirect: { path: { type: ReplaceFullPath, replaceFullPath: /old/ } } }]
`,
  },
  {
    code: 'MK0026',
    yaml: `
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: shop }
spec: { selector: { app: ratings }, ports: [{ name: grpc, port: 9090 }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings, namespace: shop }
spec:
  hosts: [ratings]
  http:
  - route: [{ destination: { host: ratings } }]
    retries: { attempts: 3, retryOn: '5xx,gateway-error' }
`,
  },
  {
    code: 'MK0027',
    yaml: `
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
    route: [{ destination: { host: api.example.com, port: { number: 443 } } }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: shop }
spec:
  host: api.example.com
  trafficPolicy:
    portLevelSettings:
    - port: { number: 80 }
      tls: { mode: SIMPLE }
`,
  },
  {
    code: 'MK0028',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Namespace
metadata: { name: batch }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reports, namespace: batch }
spec: { selector: { matchLabels: { app: reports } }, template: { metadata: { labels: { app: reports } }, spec: { containers: [{ name: c, image: 'x:1' }] } } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: reviews, namespace: shop }
spec:
  rules:
  - from:
    - source: { principals: [cluster.local/ns/batch/sa/reports] }
    - source: { namespaces: [batch] }
`,
  },
  {
    code: 'MK0029',
    yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: istio-egressgateway, namespace: istio-system }
spec:
  selector: { matchLabels: { istio: egressgateway } }
  template: { metadata: { labels: { istio: egressgateway } }, spec: { containers: [{ name: istio-proxy, image: 'istio/proxyv2:1.28.0' }] } }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: cnn, namespace: shop }
spec:
  hosts: [edition.cnn.com]
  exportTo: ['.']
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
  gateways: [egressgateway]
  http:
  - route: [{ destination: { host: edition.cnn.com, port: { number: 80 } } }]
`,
  },
  {
    code: 'MK0030',
    yaml: `
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
  rules: [{ backendRefs: [{ name: reviews, port: 8080 }] }]
`,
  },
];
