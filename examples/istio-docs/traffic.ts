/**
 * Istio's traffic-management docs tasks whose objects no other example writes under the tasks' names, as a user
 * following them would write them with mesh-kit's typed constructs, one chart (one file) per task. The workloads
 * (httpbin, fortio) are istio/istio's samples: not in the docs' YAML, not written here.
 */
import { App, Duration } from 'cdk8s';
import { taskChart } from './chart';
import { ClientTls, DestinationPolicy, Fault, MeshService, RouteAction, ServiceRouting } from '@mesh-kit/core';

/** circuit-breaking: httpbin's circuit breaker — one connection, one pending request, one request per connection, ejected on the first 5xx. */
export function circuitBreaking(app: App): void {
  const chart = taskChart(app, 'circuit-breaking');
  const httpbin = MeshService.fromAttributes(chart, 'httpbin-service', { name: 'httpbin', namespace: 'default', ports: [{ port: 8000 }] });
  new DestinationPolicy(chart, 'httpbin', {
    service: httpbin,
    name: 'httpbin',
    trafficPolicy: {
      connectionPool: { maxConnections: 1, http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 },
      // the task's rule sets no TLS: auto mutual TLS, rather than the ISTIO_MUTUAL a DestinationPolicy writes by default
      tls: ClientTls.auto(),
      outlierDetection: { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(3), maxEjectionPercent: 100 },
    },
  });
}

/**
 * request-timeouts: Bookinfo's reviews sent to v2 and ratings delayed 2s (`request-timeouts.k8s.yaml`), then reviews
 * given a half-second timeout (`request-timeouts.timeout.k8s.yaml`). Bookinfo and its DestinationRules (the subsets
 * v1, v2, v3) are istio/istio's samples, applied first as the task says.
 */
export function requestTimeouts(app: App): void {
  const step = (fileName: string, timeout?: Duration) => {
    const chart = taskChart(app, fileName);
    const reviews = MeshService.fromAttributes(chart, 'reviews-service', { name: 'reviews', namespace: 'default', ports: [{ port: 9080 }], versions: ['v1', 'v2', 'v3'] });
    new ServiceRouting(chart, 'reviews', { service: reviews, routes: [{ action: RouteAction.forward(reviews.version('v2')), timeout }] });
    return chart;
  };
  const chart = step('request-timeouts');
  const ratings = MeshService.fromAttributes(chart, 'ratings-service', { name: 'ratings', namespace: 'default', ports: [{ port: 9080 }], versions: ['v1'] });
  // istio-docs: gap VirtualService default/ratings — the task writes the delay's deprecated `percent: 100` (istio/api
  // `networking/v1alpha3/virtual_service.proto`, HTTPFaultInjection.Delay: "percent ... Deprecated: use percentage"); the
  // typed fault writes its replacement, `percentage: {value: 100}`, the same to Istio: the deprecated field is not offered
  new ServiceRouting(chart, 'ratings', { service: ratings, routes: [{ action: RouteAction.forward(ratings.version('v1')), fault: Fault.delay(Duration.seconds(2)) }] });
  step('request-timeouts.timeout', Duration.seconds(0.5));
}
