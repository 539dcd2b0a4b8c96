/**
 * Two small dashboards of this example, written here (not downloaded): the four golden signals of
 * every service, from Istio's standard metrics and from Linkerd's proxy metrics.
 */

/** A time-series panel of one PromQL query. */
function panel(id: number, title: string, expr: string, unit: string, x: number, y: number): object {
  return {
    id,
    title,
    type: 'timeseries',
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { h: 8, w: 12, x, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: [{ expr, legendFormat: '{{service}}', refId: 'A' }],
  };
}

function dashboard(uid: string, title: string, tags: string[], panels: object[]): string {
  return JSON.stringify({
    uid,
    title,
    tags,
    schemaVersion: 39,
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', current: { text: 'Prometheus', value: 'Prometheus' } }] },
    panels,
  });
}

const ISTIO = 'istio_requests_total{reporter="destination"}';

/** Requests, errors, latency and TCP traffic per destination service (Istio standard metrics). */
export const ISTIO_GOLDEN_SIGNALS = dashboard('mesh-kit-istio-golden-signals', 'Golden signals (Istio)', ['istio', 'mesh-kit'], [
  panel(1, 'Requests per second', `sum by (service) (label_replace(rate(${ISTIO}[5m]), "service", "$1", "destination_service_name", "(.*)"))`, 'reqps', 0, 0),
  panel(2, 'Error ratio (5xx)', 'sum by (service) (label_replace(rate(istio_requests_total{reporter="destination",response_code=~"5.."}[5m]), "service", "$1", "destination_service_name", "(.*)"))'
    + ` / sum by (service) (label_replace(rate(${ISTIO}[5m]), "service", "$1", "destination_service_name", "(.*)"))`, 'percentunit', 12, 0),
  panel(3, 'P99 latency', 'histogram_quantile(0.99, sum by (service, le) (label_replace(rate(istio_request_duration_milliseconds_bucket{reporter="destination"}[5m]), "service", "$1", "destination_service_name", "(.*)")))', 'ms', 0, 8),
  panel(4, 'TCP bytes received', 'sum by (service) (label_replace(rate(istio_tcp_received_bytes_total{reporter="destination"}[5m]), "service", "$1", "destination_service_name", "(.*)"))', 'Bps', 12, 8),
]);

/** Requests per version: how a canary's share of traffic moves (Istio standard metrics). */
export const ISTIO_CANARY = dashboard('mesh-kit-istio-canary', 'Canary traffic by version (Istio)', ['istio', 'mesh-kit'], [
  panel(1, 'Requests per second by version', `sum by (service) (label_replace(rate(${ISTIO}[5m]), "service", "$1/$2", "destination_service_name;destination_version", "(.*);(.*)"))`, 'reqps', 0, 0),
]);

/** Requests, success rate and latency per deployment (Linkerd proxy metrics). */
export const LINKERD_GOLDEN_SIGNALS = dashboard('mesh-kit-linkerd-golden-signals', 'Golden signals (Linkerd)', ['linkerd', 'mesh-kit'], [
  panel(1, 'Requests per second', 'sum by (service) (label_replace(rate(response_total{direction="inbound"}[5m]), "service", "$1", "deployment", "(.*)"))', 'reqps', 0, 0),
  panel(2, 'Success rate', 'sum by (service) (label_replace(rate(response_total{direction="inbound",classification="success"}[5m]), "service", "$1", "deployment", "(.*)"))'
    + ' / sum by (service) (label_replace(rate(response_total{direction="inbound"}[5m]), "service", "$1", "deployment", "(.*)"))', 'percentunit', 12, 0),
  panel(3, 'P99 latency', 'histogram_quantile(0.99, sum by (service, le) (label_replace(rate(response_latency_ms_bucket{direction="inbound"}[5m]), "service", "$1", "deployment", "(.*)")))', 'ms', 0, 8),
]);
