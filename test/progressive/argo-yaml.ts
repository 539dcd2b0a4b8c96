/** Argo Rollouts objects as hand-written YAML: a good Istio subset-level set-up, and its parts to break one at a time (issue 35). */

export const NS = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec: { selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---`;

export const VS = (route = 'primary') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http:
    - name: ${route}
      route:
        - { destination: { host: reviews, subset: stable }, weight: 100 }
        - { destination: { host: reviews, subset: canary }, weight: 0 }
---`;

export const DR = (subsets = ['stable', 'canary']) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
  subsets: [${subsets.map(s => `{ name: ${s}, labels: { app: reviews } }`).join(', ')}]
---`;

export const TEMPLATE = (name = 'mesh-metrics', query = 'sum(rate(istio_requests_total{reporter="destination",destination_service_name="reviews",response_code!~"5.*"}[1m]))') => `
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: ${name}, namespace: shop }
spec:
  metrics:
    - name: success-rate
      interval: 1m
      successCondition: result[0] >= 0.99
      provider: { prometheus: { address: 'http://prometheus.istio-system:9090', query: '${query}' } }
---`;

export interface RolloutParts {
  readonly routes?: string;
  readonly canarySubset?: string;
  readonly managed?: string;
  readonly headerRoute?: string;
  readonly template?: string;
  readonly routing?: string;
  readonly services?: string;
}

export const ROLLOUT = (p: RolloutParts = {}) => `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: reviews, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews } }
  template:
    metadata: { labels: { app: reviews, version: v3 } }
    spec: { containers: [{ name: reviews, image: 'reviews:3.0' }] }
  strategy:
    canary:${p.services ?? ''}
      analysis: { templates: [{ templateName: ${p.template ?? 'mesh-metrics'} }] }
      trafficRouting:
        managedRoutes: [{ name: ${p.managed ?? 'jason'} }]
${p.routing ?? `        istio:
          virtualService: { name: reviews, routes: [${p.routes ?? 'primary'}] }
          destinationRule: { name: reviews, stableSubsetName: stable, canarySubsetName: ${p.canarySubset ?? 'canary'} }`}
      steps:
        - setHeaderRoute: { name: ${p.headerRoute ?? 'jason'}, match: [{ headerName: end-user, headerValue: { exact: jason } }] }
        - setWeight: 10
        - pause: { duration: 5m }
`;

export const GOOD = NS + VS() + DR() + TEMPLATE() + ROLLOUT();

/** The Gateway API plugin's set-up: stable and canary Services, and the HTTPRoute of their rule. */
export const PLUGIN = (route = 'reviews', backends = ['reviews-stable', 'reviews-canary']) => `${NS}
apiVersion: v1
kind: Service
metadata: { name: reviews-stable, namespace: shop }
spec: { selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: reviews-canary, namespace: shop }
spec: { selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: reviews, namespace: shop }
spec:
  parentRefs: [{ group: '', kind: Service, name: reviews, port: 9080 }]
  rules: [{ backendRefs: [${backends.map((b, i) => `{ name: ${b}, port: 9080, weight: ${i === 0 ? 100 : 0} }`).join(', ')}] }]
---${TEMPLATE()}${ROLLOUT({
  services: `
      stableService: reviews-stable
      canaryService: reviews-canary`,
  routing: `        plugins:
          argoproj-labs/gatewayAPI: { httpRoutes: [{ name: ${route}, useHeaderRoutes: true }], namespace: shop }`,
})}`;
