/**
 * The observability stack of Istio's `samples/addons`, as one construct, in three flavours:
 *
 * - `istio/` — Prometheus, Grafana (Istio's dashboards from grafana.com at pinned revisions, plus two
 *   of this example's own), Kiali and Jaeger, the mesh-wide Telemetry (1% sampling) and the
 *   extension provider; Grafana, Kiali and Jaeger exposed over HTTPS through an ingress gateway on
 *   `*.mesh.example.com` (opt-in: without `expose` nothing is reachable from outside).
 * - `istio-zipkin/` — the same mesh traced by Zipkin instead of Jaeger (Istio's `extras/zipkin.yaml`).
 * - `linkerd/` — Prometheus scraping Linkerd's proxies, Grafana and Jaeger, and the linkerd-viz
 *   values that point its dashboard at them.
 *
 * Before applying: create the Secrets the add-ons read (no password is ever written here):
 * `grafana-admin` (keys `admin-user`, `admin-password`), `kiali-signing-key` (key `key`, 32
 * characters) and, for the gateway, the TLS Secret `telemetry-gateway-cert`.
 */
import { App } from 'cdk8s';
import { ISTIO_CANARY, ISTIO_GOLDEN_SIGNALS, LINKERD_GOLDEN_SIGNALS } from './dashboards';
import {
  AnalysisOptions, GatewayProtocol, GatewayTls, GrafanaDashboard, IngressGateway, KialiOptions, MeshChart, MeshProvider, ObservabilityAddons,
  TracingBackend,
} from '@mesh-kit/core';

/**
 * The example's analysis settings: the gateway's TLS Secret is created outside the app (by cert-manager, or by
 * hand), so the analysis is told it exists; without this, its `credentialName` is IST0101, as istioctl says.
 */
export const ANALYSIS: AnalysisOptions = { externals: { secrets: ['istio-system/telemetry-gateway-cert'] } };

/** The domain the add-ons are exposed under. */
export const DOMAIN = 'mesh.example.com';

/** Istio's dashboards on grafana.com (the same ones `samples/addons/grafana.yaml` embeds), at one pinned revision. */
const ISTIO_REVISION = 202;
const istioDashboards = [
  GrafanaDashboard.fromGrafanaCom('istio-control-plane', 7645, ISTIO_REVISION),
  GrafanaDashboard.fromJson('golden-signals', ISTIO_GOLDEN_SIGNALS),
  GrafanaDashboard.fromGrafanaCom('istio-mesh', 7639, ISTIO_REVISION, { provider: 'istio-services', folder: 'istio' }),
  GrafanaDashboard.fromGrafanaCom('istio-service', 7636, ISTIO_REVISION, { provider: 'istio-services', folder: 'istio' }),
  GrafanaDashboard.fromGrafanaCom('istio-workload', 7630, ISTIO_REVISION, { provider: 'istio-services', folder: 'istio' }),
  GrafanaDashboard.fromJson('canary', ISTIO_CANARY, { provider: 'istio-services', folder: 'istio' }),
];

/** Istio with Jaeger, exposed through an HTTPS gateway. */
export function buildIstioAddons(app: App): ObservabilityAddons {
  const chart = new MeshChart(app, 'IstioAddons', { fileName: 'istio/addons' });
  const gateway = new IngressGateway(chart, 'telemetry-gateway', {
    namespace: { name: 'istio-system' },
    servers: [
      { port: 443, protocol: GatewayProtocol.HTTPS, name: 'https', hosts: [`*.${DOMAIN}`], tls: GatewayTls.simple('telemetry-gateway-cert') },
      { port: 80, hosts: [`*.${DOMAIN}`], httpsRedirect: true },
    ],
  });
  const kiali: KialiOptions = { viewOnly: true };
  return new ObservabilityAddons(chart, 'Addons', {
    grafana: { dashboards: istioDashboards },
    kiali,
    tracing: TracingBackend.jaeger(),
    expose: { gateway, domain: DOMAIN },
  });
}

/** Istio traced by Zipkin: only the tracing back-end (Istio's `extras/zipkin.yaml`). */
export function buildIstioZipkin(app: App): ObservabilityAddons {
  const chart = new MeshChart(app, 'IstioZipkin', { fileName: 'istio-zipkin/zipkin' });
  return new ObservabilityAddons(chart, 'Addons', {
    prometheus: { enabled: false },
    grafana: { enabled: false },
    kiali: { enabled: false },
    tracing: TracingBackend.zipkin(),
    samplingPercentage: 10,
  });
}

/** Linkerd: Prometheus, Grafana and Jaeger, and the linkerd-viz values wiring its dashboard to them. */
export function buildLinkerdAddons(app: App): ObservabilityAddons {
  const chart = new MeshChart(app, 'LinkerdAddons', { fileName: 'linkerd/addons', mesh: MeshProvider.LINKERD });
  return new ObservabilityAddons(chart, 'Addons', {
    grafana: { dashboards: [GrafanaDashboard.fromJson('golden-signals', LINKERD_GOLDEN_SIGNALS)] },
  });
}
