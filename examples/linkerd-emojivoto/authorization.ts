import { App } from 'cdk8s';
import { Emojivoto, NS } from './app';
import { AuthorizationMode, AuthorizedClient, MeshChart, MeshProvider, ServiceAuthorization } from '@mesh-kit/core';

/**
 * Authorization, observed before it is enforced, mesh-kit's addition: the same policy as two files,
 * `authorization-audit` (Servers in `accessPolicy: audit`: every call gets through, the ones the policy would refuse are
 * reported) and then `authorization-enforce`. Only web-svc may call the gRPC services; the voting service is rate
 * limited, web-svc getting a higher share; web-svc takes traffic from the cluster's network. The gRPC ports only: the
 * `prom` ports stay open to the metrics scrapers (the cluster's default inbound policy).
 */
export function buildEmojivotoAuthorization(app: App, { web, emoji, voting }: Emojivoto): void {
  for (const mode of [AuthorizationMode.AUDIT, AuthorizationMode.ENFORCE]) {
    const chart = new MeshChart(app, `authorization-${mode}`, { mesh: MeshProvider.LINKERD, namespace: NS });
    new ServiceAuthorization(chart, 'emoji-callers', { service: emoji, ports: [8080], allowFrom: [AuthorizedClient.service(web)], mode });
    new ServiceAuthorization(chart, 'voting-callers', {
      service: voting,
      ports: [8080],
      allowFrom: [AuthorizedClient.service(web)],
      mode,
      rateLimit: { requestsPerSecond: 100, perClient: 20, overrides: [{ clients: [AuthorizedClient.service(web)], requestsPerSecond: 80 }] },
    });
    // the front end takes browsers' traffic from the cluster's ingress
    new ServiceAuthorization(chart, 'web-callers', { service: web, allowFrom: [AuthorizedClient.network('10.0.0.0/8')], mode });
  }
}
