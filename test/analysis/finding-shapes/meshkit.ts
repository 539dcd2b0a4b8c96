import { ShapeFixture } from './fixture';
import { HttpMatch, IngressGateway, IngressGatewayRoute, MeshChart, MeshNamespace, MeshService, RouteAction } from '../../../lib';

/*
 * The objects of the checks' own unit tests (test/analysis/analyzers.test.ts, kiali-ambient.test.ts,
 * route-conflicts.test.ts, test/install/istio-installation.test.ts), as YAML.
 */

const REVIEWS = `
apiVersion: v1
kind: Namespace
metadata: {name: default, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1, namespace: default}
spec:
  selector: {matchLabels: {app: reviews, version: v1}}
  template:
    metadata: {labels: {app: reviews, version: v1}}
    spec: {containers: [{name: app, image: 'x:1'}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
  subsets: [{name: v1, labels: {version: v1}}]
`;

/** VirtualService 'r' of host reviews, its one HTTP route to subset v1 with `extra`. */
const route = (extra: string) => `${REVIEWS}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: r, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews, subset: v1}}]
    ${extra}
`;

/** Namespace shop in ambient mode with `labels`, and Deployment and Service 'api'. */
const ambient = (labels = '', svcLabels = '{}') => `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient${labels}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: app, image: 'x:1'}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop, labels: ${svcLabels}}
spec: {selector: {app: api}, ports: [{name: http, port: 80}]}
`;

const WAYPOINT = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: wp, namespace: shop}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
`;

/** VirtualServices of the gateway istio-system/web for host shop.example.com. */
const GATEWAY_VS = `
apiVersion: v1
kind: Pod
metadata: {name: ingress, namespace: istio-system, labels: {istio: ingressgateway}}
spec: {containers: [{name: istio-proxy, image: 'proxy:1'}]}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]
`;

const KGATEWAY = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web, namespace: infra}
spec:
  gatewayClassName: istio
  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
---
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: shop}
spec: {selector: {app: shop}, ports: [{name: http, port: 9080}]}
`;

const INSTALLED = { installations: { istio: [{ revision: '1-28', ambient: false, path: 'istio' }] } };

/** Inputs that make the checks of this part report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [
  {
    code: 'IST0127',
    analyzer: 'meshkit.PolicySelectorAnalyzer',
    yaml: `${REVIEWS}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa, namespace: default}
spec: {selector: {matchLabels: {app: ghost}}, mtls: {mode: STRICT}}
`,
  },
  {
    code: 'MK0001',
    yaml: REVIEWS.replace('istio-injection: enabled', 'istio-injection: disabled'),
  },
  { code: 'MK0002', yaml: route('mirror: {host: reviews, subset: v1}') },
  { code: 'MK0003', yaml: route('timeout: 2s\n    retries: {attempts: 3, perTryTimeout: 2s}') },
  { code: 'MK0004', yaml: route('fault: {abort: {httpStatus: 500, percentage: {value: 10}}}\n    retries: {attempts: 3}') },
  {
    // a CUSTOM action: Kiali does not classify it as L7, so MK0005 reports it
    code: 'MK0005',
    yaml: `${ambient()}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: p, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  action: CUSTOM
  provider: {name: ext}
  rules: [{to: [{operation: {ports: ['80']}}]}]
`,
  },
  {
    code: 'MK0006',
    yaml: `${ambient()}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: shop}
spec:
  parentRefs: [{group: '', kind: Service, name: api}]
  rules: [{backendRefs: [{name: api, port: 80}]}]
`,
  },
  // (a Namespace's findings cannot be checked yet: the shape test takes the name of 'Namespace shop' as 'Namespace shop')
  { code: 'MK0007', yaml: ambient('', '{istio.io/use-waypoint: gone}') },
  {
    code: 'MK0008',
    yaml: `${ambient()}---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: ef, namespace: shop}
spec:
  workloadSelector: {labels: {app: api}}
  configPatches: [{applyTo: HTTP_FILTER, patch: {operation: INSERT_FIRST, value: {name: lua}}}]
`,
  },
  {
    code: 'MK0009',
    yaml: `
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: mesh-default, namespace: istio-system}
spec:
  tracing: [{providers: [{name: jaeger}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ext-authz, namespace: istio-system}
spec:
  action: CUSTOM
  provider: {name: oauth2-proxy}
  rules: [{from: [{source: {principals: ['*']}}]}]
`,
    options: { meshConfig: { extensionProviders: [] } },
  },
  {
    code: 'MK0010',
    yaml: `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web, namespace: shop, labels: {istio.io/rev: 1-27}}
spec:
  gatewayClassName: istio
  listeners: [{name: http, port: 80, protocol: HTTP}]
`,
    options: INSTALLED,
  },
  {
    code: 'MK0011',
    yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, istio.io/dataplane-mode: ambient}}
    spec: {containers: [{name: app, image: 'x:1'}]}
`,
    options: INSTALLED,
  },
  {
    code: 'MK0012',
    analyzer: 'meshkit.GatewayVirtualServiceMergeAnalyzer',
    yaml: `${GATEWAY_VS}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  exportTo: [istio-system]
  http: [{match: [{uri: {prefix: /api}}], route: [{destination: {host: a}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http: [{match: [{uri: {prefix: /api/v2}}], route: [{destination: {host: b}}]}]
`,
  },
  {
    code: 'MK0012',
    analyzer: 'meshkit.HTTPRoutePrecedenceAnalyzer',
    yaml: `${KGATEWAY}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: shop}
spec:
  parentRefs: [{name: web, namespace: infra}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    backendRefs: [{name: shop, port: 9080}]
  - matches: [{path: {type: PathPrefix, value: /api}}]
    backendRefs: [{name: shop, port: 9080}]
`,
  },
  {
    code: 'MK0013',
    analyzer: 'meshkit.GatewayVirtualServiceMergeAnalyzer',
    yaml: `${GATEWAY_VS}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http: [{match: [{uri: {prefix: /api}}], route: [{destination: {host: a}}]}, {route: [{destination: {host: a}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http: [{match: [{uri: {prefix: /api/v2}}], route: [{destination: {host: b}}]}, {route: [{destination: {host: b}}]}]
`,
  },
  {
    code: 'MK0013',
    analyzer: 'meshkit.HTTPRoutePrecedenceAnalyzer',
    yaml: `${KGATEWAY}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: a, namespace: shop}
spec:
  parentRefs: [{name: web, namespace: infra}]
  rules: [{matches: [{path: {type: PathPrefix, value: /api}}], backendRefs: [{name: shop, port: 9080}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: b, namespace: shop}
spec:
  parentRefs: [{name: web, namespace: infra}]
  rules: [{matches: [{path: {type: PathPrefix, value: /api}}], backendRefs: [{name: shop, port: 9080}]}]
`,
  },
  {
    code: 'MK0014',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reviews, namespace: shop}
spec:
  parentRefs: [{group: '', kind: Service, name: reviews, namespace: shop, port: 9080}]
  rules: [{backendRefs: [{name: reviews, port: 9080}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews.shop.svc.cluster.local]
  http: [{route: [{destination: {host: reviews.shop.svc.cluster.local}}]}]
`,
  },
  {
    code: 'MK0015',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop, labels: {istio.io/use-waypoint: waypoint, istio.io/use-waypoint-namespace: infra}}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b, namespace: shop}
spec:
  hosts: [reviews.shop.svc.cluster.local]
  http: [{route: [{destination: {host: reviews.shop.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: infra}
spec:
  hosts: [reviews.shop.svc.cluster.local]
  http: [{route: [{destination: {host: reviews.shop.svc.cluster.local}}]}]
`,
  },
  {
    code: 'MK0023',
    yaml: `${ambient('', '{istio.io/use-waypoint: wp, istio.io/use-waypoint-namespace: infra}')}---
apiVersion: v1
kind: Namespace
metadata: {name: infra}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: wp, namespace: infra}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
`,
  },
  {
    code: 'MK0024',
    yaml: `${ambient(', istio.io/use-waypoint: wp')}---${WAYPOINT}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: v, namespace: shop}
spec:
  hosts: [api]
  http: [{route: [{destination: {host: api}}]}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: d, namespace: shop}
spec:
  host: api
  subsets: [{name: v1, labels: {app: api}}]
`,
  },
  {
    // reported from constructs only (a gateway route combined with a service's routes), never from YAML
    code: 'MK0020',
    program: app => {
      const chart = new MeshChart(app, 'shop');
      const namespace = new MeshNamespace(chart, 'Namespace', { name: 'shop' });
      const reviews = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }] });
      for (const v of ['v1', 'v2']) reviews.addVersion(v, { image: `example/reviews:${v}.0.0` });
      reviews.addRoute({ match: [HttpMatch.regex('/api/v[0-9]+/.*')], action: RouteAction.forward(reviews.version('v2')) });
      reviews.addRoute({ action: RouteAction.forward(reviews.version('v1')) });
      const gateway = new IngressGateway(chart, 'shop-gateway', { namespace, servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
      new IngressGatewayRoute(chart, 'shop', { namespace, gateway, hosts: ['shop.example.com'], routes: [{ match: [HttpMatch.prefix('/api')], action: RouteAction.forward(reviews) }] });
    },
  },
];
