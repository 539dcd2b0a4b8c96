/**
 * The nginx 1.16 → 1.17 canary of the `nginx-split` seed, driven by Flagger under Istio (sidecars): the plan's weights
 * (10, 20, 30, 40, 50, then promotion) become the Canary's `stepWeight: 10` / `maxWeight: 50`, and the analysis reads
 * Istio's own metrics of the canary's pods from the add-ons' Prometheus (Flagger's built-in `request-success-rate` and
 * `request-duration`, with the Canary's `metricsServer`), while Flagger's load tester sends it requests.
 *
 * What runs today, 1.16, is the stable version: Flagger runs it as `nginx-primary`, copied from the target's template
 * of the previous release, so no Deployment of 1.16 is written here. This release puts 1.17's pod template on the target
 * Deployment `nginx`, which is what starts Flagger's analysis; the Service `nginx` selects `app: nginx-primary`, as
 * Flagger sets it, and Flagger writes `nginx-primary`, `nginx-canary` and the VirtualService itself. As in the seed,
 * requests come in through the gateway `nginx-gateway` (`nginx-flagger.hung.org.hk`, a host of its own beside the other
 * drivers' examples): Flagger binds its VirtualService to it for `nginx-flagger.hung.org.hk` (the Canary's `service.gateways` and `service.hosts`), so no gateway route of the seed's is written.
 */
import { App, Duration } from 'cdk8s';
import {
  CanaryAnalysis,
  CanaryDriver,
  CanaryPlan,
  CanaryRelease,
  IngressGateway,
  MeshChart,
  MeshNamespace,
  MeshService,
  MetricsSource,
  ObservabilityAddons,
  WorkloadSecurity,
} from '@mesh-kit/core';

/** Builds nginx's Flagger canary into `app` (`flagger/nginx.k8s.yaml`), its analysis reading `addons`' Prometheus. */
export function buildNginxFlagger(app: App, addons: ObservabilityAddons): CanaryRelease {
  const chart = new MeshChart(app, 'flagger-nginx', { fileName: 'flagger/nginx' });
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'nginx-flagger' });
  const nginx = new MeshService(chart, 'nginx', {
    namespace,
    replicas: 3,
    ports: [{ port: 80 }],
    // The official nginx image starts as root (it binds port 80, then drops to the nginx user), as in the seed.
    security: WorkloadSecurity.unset(),
  });
  const gateway = new IngressGateway(chart, 'Gateway', { name: 'nginx-gateway', namespace, servers: [{ port: 80, hosts: ['nginx-flagger.hung.org.hk'] }] });
  const stable = nginx.addVersion('v116', { image: 'nginx:1.16.1', label: '1.16' });
  const canary = nginx.addVersion('v117', { image: 'nginx:1.17.9', label: '1.17' });
  return new CanaryRelease(app, 'nginx-flagger', {
    service: nginx,
    stable,
    canary,
    plan: CanaryPlan.linear({ stepWeight: 10, maxWeight: 50 }),
    ingress: { gateway, hosts: ['nginx-flagger.hung.org.hk'] },
    driver: CanaryDriver.flagger({ progressDeadline: Duration.minutes(5) }),
    analysis: CanaryAnalysis.meshMetrics({
      metrics: MetricsSource.addons(addons),
      minSuccessRate: 99,
      maxLatency: Duration.millis(500),
      interval: Duration.seconds(30),
      failureLimit: 5,
      loadTestUrl: 'http://flagger-loadtester.nginx-flagger/',
    }),
  });
}
