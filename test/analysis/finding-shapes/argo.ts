import { ShapeFixture } from './fixture';
import { DR, NS, PLUGIN, ROLLOUT, TEMPLATE, VS } from '../../progressive/argo-yaml';

/** Inputs that make the Argo Rollouts checks of issue 35 report (see finding-shape.test.ts): test/progressive/argo-yaml.ts's objects, one part broken. */
export const FIXTURES: readonly ShapeFixture[] = [
  { code: 'MK0043', yaml: NS + VS('split') + DR() + TEMPLATE() + ROLLOUT() },
  { code: 'MK0044', yaml: NS + VS() + DR(['stable', 'v3']) + TEMPLATE() + ROLLOUT() },
  { code: 'MK0045', yaml: NS + VS() + DR() + TEMPLATE() + ROLLOUT({ services: '\n      stableService: reviews-stable\n      canaryService: reviews' }) },
  { code: 'MK0046', yaml: NS + VS() + DR() + TEMPLATE() + ROLLOUT({ headerRoute: 'end-user' }) },
  { code: 'MK0047', yaml: NS + VS() + DR() + TEMPLATE('success-rate') + ROLLOUT() },
  { code: 'MK0048', yaml: TEMPLATE('m', 'sum(rate(istio_requests_total{direction="inbound",deployment="reviews"}[1m]))') },
  { code: 'MK0049', yaml: PLUGIN('reviews-split') },
];
