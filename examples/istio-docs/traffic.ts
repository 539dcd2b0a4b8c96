/**
 * Istio's traffic-management docs tasks whose objects no other example writes under the tasks' names, as a user
 * following them would write them with mesh-kit's typed constructs, one chart (one file) per task. The workloads
 * (httpbin, fortio) are istio/istio's samples: not in the docs' YAML, not written here.
 */
import { App, Duration } from 'cdk8s';
import { ClientTls, DestinationPolicy, MeshChart, MeshService } from '@mesh-kit/core';

/** circuit-breaking: httpbin's circuit breaker — one connection, one pending request, one request per connection, ejected on the first 5xx. */
export function circuitBreaking(app: App): void {
  const chart = new MeshChart(app, 'circuit-breaking');
  const httpbin = MeshService.fromAttributes(chart, 'httpbin-service', { name: 'httpbin', namespace: 'default', ports: [{ port: 8000 }] });
  new DestinationPolicy(chart, 'httpbin', {
    service: httpbin,
    name: 'httpbin',
    trafficPolicy: {
      connectionPool: { maxConnections: 1, http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 },
      // the task's rule sets no TLS: auto mutual TLS, rather than the ISTIO_MUTUAL a DestinationPolicy writes by default
      tls: ClientTls.auto(),
      // istio-docs: near-miss — durations are written in seconds (`baseEjectionTime: 180s`; the task writes `3m`, the
      // same duration to Istio), so the strict comparison does not count this object
      outlierDetection: { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(3), maxEjectionPercent: 100 },
    },
  });
}
