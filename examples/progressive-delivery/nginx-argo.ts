/**
 * nginx 1.16 → 1.17 driven by Argo Rollouts: the same intent as nginx-staged.ts with `CanaryDriver.argoRollouts()`. One
 * file, `nginx-argo.k8s.yaml`: the Rollout (1.17's pod template; 10 → 50 → promotion, a 5-minute pause at each weight),
 * the gateway's VirtualService whose route `canary-split` Argo shifts, the DestinationRule with Argo's `stable` and
 * `canary` subsets, and the AnalysisTemplate that reads 1.17's success rate and latency from the add-ons' Prometheus.
 */
import { App } from 'cdk8s';
import { nginxService } from './nginx-staged';
import { CanaryAnalysis, CanaryDriver, CanaryOverride, CanaryPlan, CanaryRelease, HeaderMatch, MetricsSource, ObservabilityAddons } from '@mesh-kit/core';

/** The rollout driven by Argo Rollouts, analysed by `addons`' Prometheus. */
export function buildNginxArgo(app: App, addons: ObservabilityAddons): CanaryRelease {
  const { nginx, gateway, host } = nginxService(app, 'nginx-argo', 'nginx-argo');
  return new CanaryRelease(app, 'nginx-argo-canary', {
    service: nginx,
    stable: nginx.version('v116'),
    canary: nginx.version('v117'),
    plan: CanaryPlan.stages([10, 50, 100]),
    override: CanaryOverride.header(HeaderMatch.exact('x-canary', 'always')),
    ingress: { gateway, hosts: [host] },
    name: 'nginx',
    port: 80,
    driver: CanaryDriver.argoRollouts(),
    analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.addons(addons) }),
  });
}
