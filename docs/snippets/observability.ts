const addons = new ObservabilityAddons(chart, 'Addons', {
  grafana: { dashboards: [GrafanaDashboard.fromGrafanaCom('istio-mesh', 7639, 202)] },
  tracing: TracingBackend.jaeger(),          // or .zipkin(), .none()
  samplingPercentage: 1,                     // a mesh-wide Telemetry in istio-system
  expose: { gateway, domain: 'mesh.example.com' }, // opt-in: grafana./kiali./tracing.mesh.example.com
});
// docs: end. What the guide's context gives the lines above: a chart and an ingress gateway.
import { GrafanaDashboard, IngressGateway, MeshChart, ObservabilityAddons, TracingBackend } from '@mesh-kit/core';
declare const chart: MeshChart;
declare const gateway: IngressGateway;
export { addons };
