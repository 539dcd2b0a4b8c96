/**
 * Bookinfo, zero trust (Istio's security tasks, as constructs): STRICT mutual TLS for the
 * namespace, every call denied, then each service opened to exactly its callers — productpage to
 * the ingress gateway (GET and POST: the login form), details and reviews to productpage, ratings to
 * reviews (GET only).
 * A separate file (`security.k8s.yaml`), applied after the platform.
 */
import { App } from 'cdk8s';
import { Bookinfo } from './app';
import { AuthorizationPolicy, MeshChart, MeshChartProps, PeerAuthentication, RequestSource, WorkloadSelector } from '@mesh-kit/core';

/** Where the security chart goes and who the ingress gateway is. */
export interface BookinfoSecurityOptions {
  /** The chart's props (its file, its data plane). */
  readonly chart?: MeshChartProps;
  /** The chart id. */
  readonly id?: string;
  /** The ingress gateway's identity, `[serviceAccount, namespace]`: Istio's default gateway, or one Istio deploys for a Gateway API Gateway. */
  readonly ingress?: [string, string];
}

export function buildBookinfoSecurity(app: App, services: Bookinfo, options: BookinfoSecurityOptions = {}): MeshChart {
  const { productpage, details, reviews, ratings } = services;
  const chart = new MeshChart(app, options.id ?? 'security', options.chart);
  new PeerAuthentication(chart, 'mtls', { namespace: productpage.namespace });
  const get = [{ methods: ['GET'] }];
  const [ingressAccount, ingressNamespace] = options.ingress ?? ['istio-ingressgateway-service-account', 'istio-system'];
  AuthorizationPolicy.denyAllThenAllow(chart, 'productpage', {
    workload: WorkloadSelector.service(productpage),
    allow: [{ from: [RequestSource.serviceAccount(ingressAccount, ingressNamespace)], to: [{ methods: ['GET', 'POST'] }] }],
  });
  for (const [callee, caller] of [[details, productpage], [reviews, productpage], [ratings, reviews]] as const) {
    new AuthorizationPolicy(chart, `${callee.name}-viewer`, { workload: WorkloadSelector.service(callee), rules: [{ from: [RequestSource.service(caller)], to: get }] });
  }
  return chart;
}
