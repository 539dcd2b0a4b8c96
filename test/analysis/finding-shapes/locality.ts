import { REVIEWS_V1, ShapeFixture } from './fixture';

/** Reviews v1 and DestinationRule 'reviews' with this spec besides its host (lines indented by two). */
export const reviewsRule = (spec: string) => `${REVIEWS_V1}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews
${spec}
`;
const rule = (trafficPolicy: string) => reviewsRule(`  trafficPolicy: ${trafficPolicy}`);

/** Inputs that make the locality checks of issue 36 report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [
  { code: 'MK0057', yaml: rule('{ loadBalancer: { localityLbSetting: { failover: [{ from: us-east1, to: us-west1 }] } } }') },
  {
    code: 'MK0058',
    yaml: rule(`{ outlierDetection: { consecutive5xxErrors: 1 }, loadBalancer: { localityLbSetting: {
    distribute: [{ from: 'us-east1/*', to: { 'us-east1/*': 80, 'us-west1/*': 20 } }], failoverPriority: [topology.kubernetes.io/zone] } } }`),
  },
  { code: 'MK0059', yaml: rule('{ loadBalancer: { localityLbSetting: { enabled: false, failoverPriority: [topology.kubernetes.io/zone] } } }') },
];
