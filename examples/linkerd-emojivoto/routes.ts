import { App, Duration } from 'cdk8s';
import { NS, Emojivoto } from './app';
import { EgressNetwork, HttpMatch, MeshChart, MeshProvider, RetryOn, RouteAction, ServiceRouting } from '@mesh-kit/core';

/**
 * What mesh-kit adds to emojivoto's calls (`emojivoto-routes.k8s.yaml`): the voting service's GRPCRoute, per method.
 * `Results` only reads, so it is retried on the gRPC statuses worth retrying (`retry.linkerd.io/grpc`, limit 2, 500 ms
 * per try) within a 2 s timeout (`timeout.linkerd.io/request`); a vote is not retried (it would count twice) and gets
 * the timeout only. Linkerd sets retries and timeouts on a whole route (its annotations), hence a GRPCRoute each; the
 * more specific method match wins (Gateway API GRPCRoute precedence).
 */
export function buildVotingRoutes(app: App, { voting }: Emojivoto): ServiceRouting[] {
  const chart = new MeshChart(app, 'emojivoto-routes', { mesh: MeshProvider.LINKERD, namespace: NS });
  const grpc = { port: 8080 };
  const retries = { attempts: 2, perTryTimeout: Duration.millis(500), retryOn: [RetryOn.UNAVAILABLE, RetryOn.RESOURCE_EXHAUSTED] };
  return [
    new ServiceRouting(chart, 'voting-results', {
      service: voting,
      name: 'voting-results',
      port: 8080,
      routes: [{ match: [HttpMatch.grpc('emojivoto.v1.VotingService', 'Results')], action: RouteAction.forward(voting, grpc), retries, timeout: Duration.seconds(2) }],
    }),
    new ServiceRouting(chart, 'voting-votes', {
      service: voting,
      name: 'voting-votes',
      port: 8080,
      routes: [{ match: [HttpMatch.grpc('emojivoto.v1.VotingService')], action: RouteAction.forward(voting, grpc), timeout: Duration.seconds(2) }],
    }),
  ];
}

/** Egress (`emojivoto-egress.k8s.yaml`): nothing leaves the cluster but TLS to GitHub's API. */
export function buildEmojivotoEgress(app: App): EgressNetwork {
  const chart = new MeshChart(app, 'emojivoto-egress', { mesh: MeshProvider.LINKERD, namespace: NS });
  const egress = new EgressNetwork(chart, 'egress', { namespace: NS });
  egress.allow({ hosts: ['api.github.com'], port: 443 });
  return egress;
}
