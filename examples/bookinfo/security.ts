/**
 * Bookinfo, zero trust (Istio's security tasks, as constructs): STRICT mutual TLS for the
 * namespace, every call denied, then each service opened to exactly its callers — productpage to
 * the ingress gateway (GET and POST: the login form), details and reviews to productpage, ratings to
 * reviews (GET only).
 * A separate file (`security.k8s.yaml`), applied after the platform.
 */
import { App } from 'cdk8s';
import { Bookinfo } from './app';
import { AuthorizationPolicy, MeshChart, PeerAuthentication, RequestSource, WorkloadSelector } from '../../lib';

export function buildBookinfoSecurity(app: App, { productpage, details, reviews, ratings }: Bookinfo): MeshChart {
  const chart = new MeshChart(app, 'security');
  new PeerAuthentication(chart, 'mtls');
  const get = [{ methods: ['GET'] }];
  AuthorizationPolicy.denyAllThenAllow(chart, 'productpage', {
    workload: WorkloadSelector.service(productpage),
    allow: [{ from: [RequestSource.serviceAccount('istio-ingressgateway-service-account', 'istio-system')], to: [{ methods: ['GET', 'POST'] }] }],
  });
  for (const [callee, caller] of [[details, productpage], [reviews, productpage], [ratings, reviews]] as const) {
    new AuthorizationPolicy(chart, `${callee.name}-viewer`, { workload: WorkloadSelector.service(callee), rules: [{ from: [RequestSource.service(caller)], to: get }] });
  }
  return chart;
}
