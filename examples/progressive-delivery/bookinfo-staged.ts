/**
 * Bookinfo's reviews, v1 → v3 as staged files: Istio's traffic-shifting task (istio.io docs
 * tasks/traffic-management/traffic-shifting: every request to v1, then 50/50, then v3) with mesh-kit's default driver,
 * jason reaching v3 at every stage. v3 rather than v2: the task shifts to v3 (red stars, told apart from v1 at a glance).
 */
import { App } from 'cdk8s';
import { Bookinfo, bookinfoServices } from '../bookinfo/app';
import { CanaryOverride, CanaryPlan, CanaryRelease, HeaderMatch, MeshChart, MeshNamespace } from '@mesh-kit/core';

/** Bookinfo's four services in namespace `namespace` of a chart of its own. */
export function bookinfoIn(app: App, chartId: string, namespace: string): Bookinfo {
  const chart = new MeshChart(app, chartId);
  return bookinfoServices(chart, { namespace: new MeshNamespace(chart, 'Namespace', { name: namespace }) });
}

/** The staged rollout: `bookinfo-staged.k8s.yaml`, then `reviews-staged-canary.stage-{50,100}.k8s.yaml` and the rollback. */
export function buildBookinfoStaged(app: App): CanaryRelease {
  const { reviews } = bookinfoIn(app, 'bookinfo-staged', 'bookinfo-staged');
  return new CanaryRelease(app, 'reviews-staged-canary', {
    service: reviews,
    stable: reviews.version('v1'),
    canary: reviews.version('v3'),
    plan: CanaryPlan.stages([50, 100]),
    override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')),
  });
}
