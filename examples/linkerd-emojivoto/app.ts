import { App, Duration } from 'cdk8s';
import {
  AuthorizationMode, AuthorizedClient, CanaryPlan, CanaryRelease, DefaultInboundPolicy, EgressNetwork, EnvValue, HttpMatch, MeshChart, MeshNamespace,
  MeshProvider, MeshService, Protocol, RetryOn, RouteAction, ServiceAuthorization, ServiceRouting,
} from '@mesh-kit/core';

const REGISTRY = 'docker.l5d.io/buoyantio';
const NS = 'emojivoto';

/** The services of the application. */
export interface Emojivoto {
  readonly web: MeshService;
  readonly emoji: MeshService;
  readonly voting: MeshService;
}

/**
 * Linkerd's demo application, emojivoto, in its shape: a web front end (HTTP) calling two gRPC services, `emoji-svc`
 * and `voting-svc`, on Linkerd 2.20 (Gateway API GRPCRoutes). The voting service is routed per method — `Results` to
 * its v2, every other call to v1 — with retries on the gRPC statuses worth retrying and a timeout; the pods reach one
 * external API (GitHub's) and nothing else outside the cluster.
 */
export function buildEmojivoto(app: App): Emojivoto {
  const chart = new MeshChart(app, 'emojivoto', { mesh: MeshProvider.LINKERD });
  // every pod is meshed, and a port without a Server admits meshed callers of the cluster only
  const namespace = new MeshNamespace(chart, 'Namespace', { name: NS, defaultInboundPolicy: DefaultInboundPolicy.CLUSTER_AUTHENTICATED });
  const grpcEnv = { GRPC_PORT: EnvValue.fromValue('8080'), PROM_PORT: EnvValue.fromValue('8801') };

  const emoji = new MeshService(chart, 'emoji-svc', { namespace, ports: [{ port: 8080, protocol: Protocol.GRPC }] });
  emoji.addVersion('v11', { image: `${REGISTRY}/emojivoto-emoji-svc:v11`, env: grpcEnv });
  emoji.addVersion('v12', { image: `${REGISTRY}/emojivoto-emoji-svc:v12`, env: grpcEnv });

  const voting = new MeshService(chart, 'voting-svc', { namespace, ports: [{ port: 8080, protocol: Protocol.GRPC }] });
  const votingV1 = voting.addVersion('v1', { image: `${REGISTRY}/emojivoto-voting-svc:v11`, env: grpcEnv });
  const votingV2 = voting.addVersion('v2', { image: `${REGISTRY}/emojivoto-voting-svc:v12`, env: grpcEnv });

  const web = new MeshService(chart, 'web-svc', {
    namespace,
    ports: [{ port: 80, targetPort: 8080 }],
    image: `${REGISTRY}/emojivoto-web:v11`,
    env: {
      WEB_PORT: EnvValue.fromValue('8080'),
      EMOJISVC_HOST: EnvValue.fromValue('emoji-svc.emojivoto:8080'),
      VOTINGSVC_HOST: EnvValue.fromValue('voting-svc.emojivoto:8080'),
      INDEX_BUNDLE: EnvValue.fromValue('dist/index_bundle.js'),
    },
  });

  // per-method routing of the voting service; Linkerd sets retries and the timeout on the whole GRPCRoute
  const retries = { attempts: 2, perTryTimeout: Duration.millis(500), retryOn: [RetryOn.UNAVAILABLE, RetryOn.RESOURCE_EXHAUSTED] };
  new ServiceRouting(chart, 'voting-routes', {
    service: voting,
    routes: [
      { match: [HttpMatch.grpc('emojivoto.v1.VotingService', 'Results')], action: RouteAction.forward(votingV2), retries, timeout: Duration.seconds(2) },
      { match: [HttpMatch.grpc('emojivoto.v1.VotingService')], action: RouteAction.forward(votingV1), retries, timeout: Duration.seconds(2) },
    ],
  });

  // egress: nothing leaves the cluster but TLS to GitHub's API
  const egress = new EgressNetwork(chart, 'egress', { namespace: NS });
  egress.allow({ hosts: ['api.github.com'], port: 443 });
  return { web, emoji, voting };
}

/** The rollout of emoji-svc v12 over v11, a GRPCRoute per stage (`emoji-canary.stage-10`, `-50`, `-100`, `.rollback`). */
export function buildEmojiCanary(app: App, { emoji }: Emojivoto): void {
  new CanaryRelease(app, 'emoji-canary', { service: emoji, stable: emoji.version('v11'), canary: emoji.version('v12'), plan: CanaryPlan.stages([10, 50, 100]) });
}

/**
 * Authorization, observed before it is enforced: the same policy as two files, `authorization-audit` (Servers in
 * `accessPolicy: audit`: every call gets through, the ones the policy would refuse are reported) and then
 * `authorization-enforce`. Only web-svc may call the gRPC services; the voting service is rate limited, web-svc
 * getting a higher share.
 */
export function buildEmojivotoAuthorization(app: App, { web, emoji, voting }: Emojivoto): void {
  for (const mode of [AuthorizationMode.AUDIT, AuthorizationMode.ENFORCE]) {
    const chart = new MeshChart(app, `authorization-${mode}`, { mesh: MeshProvider.LINKERD, namespace: NS });
    new ServiceAuthorization(chart, 'emoji-callers', { service: emoji, allowFrom: [AuthorizedClient.service(web)], mode });
    new ServiceAuthorization(chart, 'voting-callers', {
      service: voting,
      allowFrom: [AuthorizedClient.service(web)],
      mode,
      rateLimit: { requestsPerSecond: 100, perClient: 20, overrides: [{ clients: [AuthorizedClient.service(web)], requestsPerSecond: 80 }] },
    });
    // the front end takes browsers' traffic from the cluster's ingress
    new ServiceAuthorization(chart, 'web-callers', { service: web, allowFrom: [AuthorizedClient.network('10.0.0.0/8')], mode });
  }
}
