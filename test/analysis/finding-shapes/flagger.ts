import { ShapeFixture } from './fixture';

/** Istio's success-rate query at the destination, as Flagger's istio observer writes it. */
const ISTIO_QUERY = 'sum(rate(istio_requests_total{reporter="destination", destination_workload_namespace="{{ namespace }}", destination_workload="{{ target }}", '
  + 'response_code!~"5.*"}[{{ interval }}])) / sum(rate(istio_requests_total{reporter="destination", destination_workload_namespace="{{ namespace }}", '
  + 'destination_workload="{{ target }}"}[{{ interval }}])) * 100';

/** The hand-written YAML of a Flagger canary in namespace `shop`, piece by piece (the Flagger checks' tests build their cases from them). */
export const FLAGGER_FIXTURE_YAML = {
  ISTIO_QUERY,
  /** Namespace `shop`: sidecars, or ambient (with a namespace waypoint if asked). */
  namespace: (mode: 'sidecar' | 'ambient' = 'sidecar', waypoint?: string) => `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { ${mode === 'ambient' ? `istio.io/dataplane-mode: ambient${waypoint ? `, istio.io/use-waypoint: ${waypoint}` : ''}` : 'istio-injection: enabled'} }
---`,
  deployment: (name: string, o: { selector?: string } = {}) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  selector: { matchLabels: { ${o.selector ?? `app: ${name}`} } }
  template:
    metadata: { labels: { ${o.selector ?? `app: ${name}`} } }
    spec: { containers: [{ name: app, image: '${name}:1.0', ports: [{ containerPort: 9080 }] }] }
---`,
  service: (name: string, selector: string) => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec: { selector: { ${selector} }, ports: [{ name: http, port: 9080 }] }
---`,
  virtualService: (name: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: shop }
spec: { hosts: [${name}], http: [{ route: [{ destination: { host: ${name} } }] }] }
---`,
  template: (name: string, query: string) => `
apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: { name: ${name}, namespace: shop }
spec:
  provider: { type: prometheus, address: 'http://prometheus.istio-system:9090' }
  query: '${query}'
---`,
  canary: (o: { target?: string; service?: string; provider?: string; templateRef?: string; steps?: string[]; gatewayRefs?: boolean; match?: boolean } = {}) => `
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: reviews, namespace: shop }
spec:
  provider: ${o.provider ?? 'istio'}
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: ${o.target ?? 'reviews'} }
  service:
    port: 9080
    ${o.service !== undefined ? `name: ${o.service}` : ''}
    ${o.gatewayRefs ? 'gatewayRefs: [{ group: core, kind: Service, name: reviews, namespace: shop, port: 9080 }]' : ''}
  analysis:
    interval: 1m
    threshold: 5
    ${o.match ? 'iterations: 10' : ''}
    ${o.match ? 'match: [{ headers: { end-user: { exact: jason } } }]' : ''}
    ${o.match ? '' : (o.steps ?? ['stepWeight: 10', 'maxWeight: 50']).join('\n    ')}
    metrics:
      - ${o.templateRef !== undefined ? `{ name: success-rate, templateRef: { name: ${o.templateRef} }, thresholdRange: { min: 99 }, interval: 1m }`
        : '{ name: request-success-rate, thresholdRange: { min: 99 }, interval: 1m }'}
`,
};

const Y = FLAGGER_FIXTURE_YAML;

/** Inputs that make the Flagger checks of issue 35 report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [
  { code: 'MK0050', yaml: Y.namespace() + Y.canary({ target: 'reviews-v2' }) },
  { code: 'MK0051', yaml: Y.namespace() + Y.deployment('reviews-v2') + Y.service('reviews', 'app: reviews') + Y.canary({ target: 'reviews-v2', service: 'reviews' }) },
  { code: 'MK0052', yaml: Y.namespace() + Y.deployment('reviews') + Y.canary({ templateRef: 'success-rate' }) },
  { code: 'MK0053', yaml: Y.namespace() + Y.deployment('reviews') + Y.template('success-rate', ISTIO_QUERY) + Y.canary({ templateRef: 'success-rate', provider: 'linkerd' }) },
  { code: 'MK0054', yaml: Y.namespace() + Y.deployment('reviews') + Y.canary({ steps: ['stepWeight: 20', 'maxWeight: 10'] }) },
  { code: 'MK0055', yaml: Y.namespace() + Y.deployment('reviews') + Y.service('reviews', 'app: reviews') + Y.service('reviews-canary', 'app: reviews') + Y.canary() },
  { code: 'MK0056', yaml: Y.namespace('ambient') + Y.deployment('reviews') + Y.canary({ provider: 'gatewayapi:v1', gatewayRefs: true, match: true }) },
];
