/**
 * Bookinfo's reviews canary (v1 → v2) driven by Flagger under Istio's ambient mode: Flagger routes with the Gateway API
 * (`gatewayapi:v1`, an HTTPRoute attached to the Service `reviews`, which its waypoint applies) and runs Bookinfo's
 * classic A/B test: requests of `end-user: jason` go to v2 for ten analysis runs, then v2 is promoted. Flagger's
 * built-in metrics under the Gateway API read an application's `http_requests_total`, so the analysis reads the
 * waypoint's own (`istio_requests_total{reporter="waypoint"}`) through two MetricTemplates at the add-ons' Prometheus.
 *
 * What runs today, v1, is the stable version: Flagger runs it as `reviews-primary` (copied from the target's template
 * of the previous release), so no Deployment of v1 is written here; the target Deployment `reviews` carries v2's
 * template. The service's waypoint (`reviews-waypoint`, added because the release routes it) is on the Service
 * `reviews`, which Flagger leaves as written: its selector is the one Flagger sets (`app: reviews-primary`).
 */
import { App, Duration } from 'cdk8s';
import {
  CanaryAnalysis,
  CanaryDriver,
  CanaryOverride,
  CanaryPlan,
  CanaryRelease,
  ClientTls,
  DataPlane,
  HeaderMatch,
  MeshChart,
  MeshNamespace,
  MeshService,
  MetricsSource,
  ObservabilityAddons,
} from '@mesh-kit/core';

const image = (name: string) => `registry.istio.io/release/examples-bookinfo-${name}:1.20.3`;

/** Builds the reviews canary into `app` (`flagger/bookinfo.k8s.yaml`), its analysis reading `addons`' Prometheus. */
export function buildBookinfoFlagger(app: App, addons: ObservabilityAddons): CanaryRelease {
  const chart = new MeshChart(app, 'flagger-bookinfo', { fileName: 'flagger/bookinfo', dataPlane: DataPlane.AMBIENT });
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'bookinfo-flagger' });
  const reviews = new MeshService(chart, 'reviews', {
    namespace,
    ports: [{ port: 9080 }],
    serviceAccountName: 'bookinfo-reviews',
    trafficPolicy: { tls: ClientTls.auto() },
  });
  const stable = reviews.addVersion('v1', { image: image('reviews-v1') });
  const canary = reviews.addVersion('v2', { image: image('reviews-v2') });
  return new CanaryRelease(app, 'reviews-flagger', {
    service: reviews,
    stable,
    canary,
    // the weights the staged and Argo Rollouts drivers take; Flagger's A/B test goes by iterations instead
    plan: CanaryPlan.stages([10, 50, 100]),
    override: CanaryOverride.header(HeaderMatch.exact('end-user', 'jason')),
    driver: CanaryDriver.flagger({ iterations: 10 }),
    analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.addons(addons), interval: Duration.minutes(1) }),
  });
}
