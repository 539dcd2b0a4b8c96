/**
 * Bookinfo's reviews, v1 → v3 driven by Argo Rollouts: the same intent as bookinfo-staged.ts with
 * `CanaryDriver.argoRollouts()`. `bookinfo-argo.k8s.yaml` holds the Rollout `reviews` (v3's pod template) in place of
 * the reviews-v1 and reviews-v3 Deployments, a `setHeaderRoute` step for jason, the mesh VirtualService `reviews` with
 * the route `canary-split`, the DestinationRule with Argo's `stable` and `canary` subsets beside v2's, and the
 * AnalysisTemplate of v3's success rate and latency; reviews-v2 stays a Deployment of its own.
 */
import { App, Duration } from 'cdk8s';
import { bookinfoIn } from './bookinfo-staged';
import { ArgoPause, CanaryAnalysis, CanaryDriver, CanaryOverride, CanaryPlan, CanaryRelease, HeaderMatch, MetricsSource, ObservabilityAddons } from '@mesh-kit/core';

/** The rollout driven by Argo Rollouts, analysed by `addons`' Prometheus. */
export function buildBookinfoArgo(app: App, addons: ObservabilityAddons): CanaryRelease {
  const { reviews } = bookinfoIn(app, 'bookinfo-argo', 'bookinfo-argo');
  return new CanaryRelease(app, 'reviews-argo-canary', {
    service: reviews,
    stable: reviews.version('v1'),
    canary: reviews.version('v3'),
    plan: CanaryPlan.stages([50, 100]),
    override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')),
    driver: CanaryDriver.argoRollouts({ pause: ArgoPause.of(Duration.minutes(10)) }),
    analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.addons(addons), minSuccessRate: 99, maxLatency: Duration.millis(1000) }),
  });
}
