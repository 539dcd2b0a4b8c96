import { App } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { EnvValue, ImagePullPolicy, MeshChart, MeshClient, MeshNamespace, MeshProvider, MeshService, Protocol, ServiceExposure, ServiceVersion, WorkloadSecurity } from '@mesh-kit/core';

/** Where Linkerd's getting-started pulls emojivoto's images from (run.linkerd.io/emojivoto.yml). */
export const REGISTRY = 'ghcr.io/buoyantio';
export const NS = 'emojivoto';
/** The version every upstream object is labelled with. */
const VERSION = 'v11';

/** The services of the application, and the version each runs. */
export interface Emojivoto {
  readonly chart: MeshChart;
  readonly namespace: MeshNamespace;
  readonly web: MeshService;
  readonly emoji: MeshService;
  readonly voting: MeshService;
  readonly webV11: ServiceVersion;
  readonly emojiV11: ServiceVersion;
  readonly votingV11: ServiceVersion;
  readonly voteBot: MeshClient;
}

/**
 * What emojivoto's own manifests say of every workload (BuoyantIO/emojivoto `kustomize/deployment/*.yml`, which
 * Linkerd's getting-started applies as https://run.linkerd.io/emojivoto.yml): no securityContext, no ServiceAccount
 * token setting, a CPU request only, the image's pull policy left to Kubernetes (IfNotPresent for a tag that is not
 * `latest`, which mesh-kit writes).
 */
const UPSTREAM_POD = { security: WorkloadSecurity.unset(), imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT } as const;

/** A Deployment's labels upstream: Kubernetes' recommended labels, on the Deployment object only. */
const deploymentLabels = (name: string) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': 'emojivoto',
  'app.kubernetes.io/version': VERSION,
});

/** One of emojivoto's gRPC services: the `grpc` port, and the `prom` port its metrics are scraped on. */
function grpcService(chart: MeshChart, namespace: MeshNamespace, name: string, service: string): { service: MeshService; v11: ServiceVersion } {
  const svc = new MeshService(chart, service, {
    namespace,
    serviceAccountName: name,
    ...UPSTREAM_POD,
    deploymentLabels: deploymentLabels(name),
    ports: [
      { port: 8080, targetPort: 8080, protocol: Protocol.GRPC, containerPortName: 'grpc' },
      // Prometheus' port: Linkerd reads no port names (Istio's naming rule does not apply to it)
      { port: 8801, targetPort: 8801, name: 'prom', protocol: Protocol.HTTP, containerPortName: 'prom' },
    ],
    env: { GRPC_PORT: EnvValue.fromValue('8080'), PROM_PORT: EnvValue.fromValue('8801') },
    resources: { cpu: { request: Cpu.millis(100) } },
  });
  const v11 = svc.addVersion(VERSION, { image: `${REGISTRY}/emojivoto-${service}:${VERSION}`, deploymentName: name });
  return { service: svc, v11 };
}

/**
 * emojivoto as emojivoto is (BuoyantIO/emojivoto, the manifests Linkerd's getting-started installs): a web front end
 * (`web-svc`, HTTP) calling two gRPC services (`emoji-svc`, `voting-svc`), and `vote-bot`, a load generator that votes
 * through the front end. `emojivoto.k8s.yaml` holds upstream's eleven objects, object for object; the namespace is
 * meshed (`linkerd.io/inject: enabled`: what getting-started does with `linkerd inject`), and each version has its own
 * Service for the routes mesh-kit adds in files of their own (`routes.ts`, `canary.ts`, `authorization.ts`).
 */
export function buildEmojivoto(app: App): Emojivoto {
  const chart = new MeshChart(app, 'emojivoto', { mesh: MeshProvider.LINKERD });
  const namespace = new MeshNamespace(chart, 'Namespace', { name: NS });

  const { service: emoji, v11: emojiV11 } = grpcService(chart, namespace, 'emoji', 'emoji-svc');
  const { service: voting, v11: votingV11 } = grpcService(chart, namespace, 'voting', 'voting-svc');

  const web = new MeshService(chart, 'web-svc', {
    namespace,
    serviceAccountName: 'web',
    ...UPSTREAM_POD,
    deploymentLabels: deploymentLabels('web'),
    ports: [{ port: 80, targetPort: 8080, containerPortName: 'http' }],
    exposure: ServiceExposure.clusterIp({ writeType: true }), // upstream spells out the default type
    env: {
      WEB_PORT: EnvValue.fromValue('8080'),
      EMOJISVC_HOST: EnvValue.fromValue('emoji-svc.emojivoto:8080'),
      VOTINGSVC_HOST: EnvValue.fromValue('voting-svc.emojivoto:8080'),
      INDEX_BUNDLE: EnvValue.fromValue('dist/index_bundle.js'),
    },
    resources: { cpu: { request: Cpu.millis(100) } },
    dependsOn: [emoji, voting],
  });
  const webV11 = web.addVersion(VERSION, { image: `${REGISTRY}/emojivoto-web:${VERSION}`, deploymentName: 'web' });

  // the load generator: web's image running its vote bot against web-svc, meshed, serving nothing, as the
  // namespace's default ServiceAccount (upstream gives it none)
  const voteBot = new MeshClient(chart, 'vote-bot', {
    namespace,
    serviceAccountName: 'default',
    version: VERSION,
    ...UPSTREAM_POD,
    deploymentLabels: deploymentLabels('vote-bot'),
    image: `${REGISTRY}/emojivoto-web:${VERSION}`,
    command: ['emojivoto-vote-bot'],
    env: { WEB_HOST: EnvValue.fromValue('web-svc.emojivoto:80') },
    resources: { cpu: { request: Cpu.millis(10) } },
  });

  return { chart, namespace, web, emoji, voting, webV11, emojiV11, votingV11, voteBot };
}
