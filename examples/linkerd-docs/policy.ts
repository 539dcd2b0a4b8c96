/**
 * Linkerd's policy, egress and multicluster docs tasks (2-edge), each as a user following the task would write it with
 * mesh-kit's typed constructs, one chart (one file) per task; what the typed API cannot write yet is left out and
 * marked `linkerd-docs: gap <Kind> <namespace>/<name> — why`.
 */
import { ApiObject, App } from 'cdk8s';
import { slowCooker } from './routing';
import {
  AuthorizedClient, DefaultInboundPolicy, EgressNetwork, EgressProtocol, EgressTrafficPolicy, HttpMatch, HttpMethod, MeshChart, MeshClient,
  MeshNamespace, MeshProvider, MeshService, Protocol, RequestMatch, RouteAction, ServiceAuthorization, ServiceRouting, SidecarInjection,
  UnpinnedImages, Volume, VolumeMount, WorkloadSecurity,
} from '@mesh-kit/core';

const linkerd = { mesh: MeshProvider.LINKERD } as const;

/** tasks/fault-injection.md: 10% of booksapp's requests to books sent to an nginx that answers 500. */
export function faultInjection(app: App): void {
  const chart = new MeshChart(app, 'fault-injection', linkerd);
  const books = MeshService.fromAttributes(chart, 'books', { name: 'books', namespace: 'booksapp', ports: [{ port: 7002 }] });
  // linkerd-docs: escape ConfigMap booksapp/error-injector — nginx's configuration (answer every request with a 500): application data, which mesh-kit does not model; a cdk8s ApiObject
  new ApiObject(chart, 'error-injector-config', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'error-injector', namespace: 'booksapp' },
    data: { 'nginx.conf': 'events {}\nhttp {\n    server {\n      listen 8080;\n        location / {\n            return 500;\n        }\n    }\n}' },
  });
  const config = Volume.fromConfigMap('nginx-config', 'error-injector');
  const injector = new MeshService(chart, 'error-injector', {
    namespace: MeshNamespace.fromName('booksapp'),
    ports: [{ port: 8080, name: 'service' }],
    image: 'nginx:alpine',
    containerName: 'nginx',
    volumes: [config],
    volumeMounts: [VolumeMount.of(config, '/etc/nginx/nginx.conf', { subPath: 'nginx.conf' })],
    sidecarInjection: SidecarInjection.ENABLED, // the task pipes it through linkerd inject
    security: WorkloadSecurity.unset(), // nginx:alpine starts as root (it drops to the nginx user itself)
  });
  new ServiceRouting(chart, 'error-split', {
    service: books,
    name: 'error-split',
    routes: [{ action: RouteAction.weightedForward([{ target: books, weight: 90 }, { target: injector, weight: 10 }]) }],
  });
}

/** reference/grpcroute.md: smiley's gRPC traffic split between smiley and smiley2 (weights are proportions: 40 and 50051). */
export function grpcRouting(app: App): void {
  const chart = new MeshChart(app, 'grpc-routing', linkerd);
  const smiley = MeshService.fromAttributes(chart, 'smiley', { name: 'smiley', namespace: 'faces', ports: [{ port: 50051, protocol: Protocol.GRPC }] });
  const smiley2 = MeshService.fromAttributes(chart, 'smiley2', { name: 'smiley2', namespace: 'faces', ports: [{ port: 80, protocol: Protocol.GRPC }] });
  new ServiceRouting(chart, 'smiley-a-b', {
    service: smiley,
    name: 'smiley-a-b',
    routes: [{ action: RouteAction.weightedForward([{ target: smiley, weight: 40 }, { target: smiley2, weight: 50051 }]) }],
  });
}

/** tasks/restricting-access.md: only web may call emojivoto's voting service over gRPC. */
export function restrictingAccess(app: App): void {
  const chart = new MeshChart(app, 'restricting-access', linkerd);
  const namespace = MeshNamespace.fromName('emojivoto');
  const voting = new MeshService(chart, 'voting-svc', {
    namespace,
    ports: [{ port: 8080, name: 'grpc', protocol: Protocol.GRPC, containerPortName: 'grpc' }],
    image: 'docker.l5d.io/buoyantio/emojivoto-voting-svc:v11',
  });
  // linkerd-docs: gap ServerAuthorization emojivoto/voting-grpc — ServerAuthorization (policy.linkerd.io/v1beta1) is deprecated; mesh-kit writes the AuthorizationPolicy and MeshTLSAuthentication that replace it
  new ServiceAuthorization(chart, 'voting-callers', {
    service: voting,
    allowFrom: [AuthorizedClient.serviceAccount('web', 'emojivoto')],
    linkerdNames: { server: 'voting-grpc' },
  });
}

/** tasks/configuring-per-route-policy.md: books may read authors, webapp may also modify them, probes reach /ping. */
export function perRoutePolicy(app: App): void {
  const chart = new MeshChart(app, 'per-route-policy', linkerd);
  const namespace = MeshNamespace.fromName('booksapp');
  const authors = new MeshService(chart, 'authors', {
    namespace, ports: [{ port: 7001, name: 'service', containerPortName: 'service' }], image: 'buoyantio/booksapp:v0.0.5',
  });
  const books = AuthorizedClient.serviceAccount('books', 'booksapp');
  const webapp = AuthorizedClient.serviceAccount('webapp', 'booksapp');
  const named = (rule: string) => ({ route: `authors-${rule}-route`, policy: `authors-${rule}-policy`, authentication: `authors-${rule}-authn` });
  // linkerd-docs: gap Server booksapp/authors-server — the task's Server selects project: booksapp too (a label of booksapp's own manifests); mesh-kit's selects the service's pods by app: authors, the same pods
  new ServiceAuthorization(chart, 'authors-policy', {
    service: authors,
    linkerdNames: { server: 'authors-server' },
    allowRequests: [
      { name: 'get', allowFrom: [books, webapp], requests: [RequestMatch.pathPrefix('/authors.json', HttpMethod.GET), RequestMatch.pathPrefix('/authors/', HttpMethod.GET)], linkerdNames: named('get') },
      { name: 'probe', allowFrom: [AuthorizedClient.network('0.0.0.0/0'), AuthorizedClient.network('::/0')], requests: [RequestMatch.pathPrefix('/ping', HttpMethod.GET)], linkerdNames: named('probe') },
      {
        name: 'modify',
        allowFrom: [webapp],
        requests: [RequestMatch.pathPrefix('/authors/', HttpMethod.DELETE, HttpMethod.PUT), RequestMatch.pathPrefix('/authors.json', HttpMethod.POST)],
        linkerdNames: named('modify'),
      },
    ],
  });
}

/**
 * tasks/configuring-rate-limiting.md: emojivoto's web open to every caller at 4 requests per second per client
 * (`rate-limiting`), then 6 for the `default` ServiceAccount (`rate-limiting.step-2`).
 */
export function rateLimiting(app: App): void {
  for (const step of [1, 2]) {
    const chart = new MeshChart(app, step === 1 ? 'rate-limiting' : 'rate-limiting-step-2', { ...linkerd, fileName: step === 1 ? 'rate-limiting' : 'rate-limiting.step-2' });
    const namespace = MeshNamespace.fromName('emojivoto');
    const web = new MeshService(chart, 'web-svc', {
      namespace, ports: [{ port: 80, name: 'http', targetPort: 8080, containerPortName: 'http' }], image: 'docker.l5d.io/buoyantio/emojivoto-web:v11',
    });
    new ServiceAuthorization(chart, 'web-callers', {
      service: web,
      accessPolicy: DefaultInboundPolicy.ALL_UNAUTHENTICATED,
      linkerdNames: { server: 'web-http' },
      rateLimit: {
        perClient: 4,
        // the client pods of the task run as the namespace's default ServiceAccount, which this app does not declare
        overrides: step === 2 ? [{ clients: [AuthorizedClient.serviceAccount('default', 'emojivoto')], requestsPerSecond: 6 }] : undefined,
      },
    });
  }
}

/**
 * tasks/managing-egress-traffic.md: all egress allowed and observed from a curl pod, then HTTP GET /get and TLS to
 * httpbin.org only (`egress`); then all TLS on 443, and unencrypted HTTP answered by an internal service
 * (`egress.step-2`).
 */
export function egress(app: App): void {
  for (const step of [1, 2]) {
    // the docs run curlimages/curl untagged: this chart opts out of the pinned-image rule for that image alone
    const chart = new MeshChart(app, step === 1 ? 'egress' : 'egress-step-2', {
      ...linkerd, fileName: step === 1 ? 'egress' : 'egress.step-2', allowUnpinnedImages: UnpinnedImages.of('curlimages/curl'),
    });
    const namespace = MeshNamespace.fromName('egress-test');
    const all = new EgressNetwork(chart, 'all-egress-traffic', { namespace: 'egress-test', name: 'all-egress-traffic', trafficPolicy: EgressTrafficPolicy.ALLOW });
    all.allow({ name: 'httpbin-get', port: 80, protocol: EgressProtocol.HTTP, match: [HttpMatch.prefix('/get')] });
    if (step === 1) {
      // linkerd-docs: gap Pod egress-test/client — MeshClient writes a Deployment (a client the cluster restarts), not a bare Pod
      new MeshClient(chart, 'client', {
        namespace,
        image: 'curlimages/curl',
        command: ['sh', '-c', 'sleep infinity'],
        sidecarInjection: SidecarInjection.ENABLED,
        podAnnotations: { 'config.linkerd.io/proxy-metrics-hostname-labels': 'true' },
      });
      all.allow({ name: 'tls-egress', hosts: ['httpbin.org'], port: 443, protocol: EgressProtocol.TLS });
      continue;
    }
    all.allow({ name: 'tls-egress', port: 443, protocol: EgressProtocol.TLS }); // every host: all TLS on 443
    const internal = new MeshService(chart, 'internal-egress', {
      namespace,
      ports: [{ port: 80, name: 'one' }],
      image: 'buoyantio/bb:v0.0.5',
      containerName: 'legacy-app',
      command: ['sh', '-c'],
      args: ['/out/bb terminus --h1-server-port 80 --response-text \'You cannot go there right now\' --fire-and-forget'],
      sidecarInjection: SidecarInjection.ENABLED,
    });
    all.allow({ name: 'unencrypted-http', port: 80, protocol: EgressProtocol.HTTP, action: RouteAction.forward(internal) });
  }
}

/** tasks/pod-to-pod-multicluster.md: bb in mc-demo, only the good slow-cooker may call it. */
export function multicluster(app: App): void {
  const chart = new MeshChart(app, 'multicluster', linkerd);
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'mc-demo' });
  // linkerd-docs: gap TrafficSplit test/podinfo — SMI TrafficSplit (split.smi-spec.io) is not written by mesh-kit; it writes HTTPRoutes
  const bb = new MeshService(chart, 'bb', {
    namespace,
    ports: [{ port: 8080, name: 'http' }],
    containerName: 'terminus',
    args: ['terminus', '--h1-server-port=8080', '--response-text=hello\n'],
    image: 'buoyantio/bb:v0.0.6',
  });
  // linkerd-docs: gap Server mc-demo/bb — the task leaves the protocol to Linkerd's detection (no proxyProtocol); mesh-kit states the one it knows, HTTP/1
  // the clients run in the other cluster (west) and call bb through its mirror, bb-target
  const good = slowCooker(chart, namespace, 'http://bb-target:8080');
  slowCooker(chart, namespace, 'http://bb-target:8080', 'slow-cooker-evil');
  new ServiceAuthorization(chart, 'bb-callers', {
    service: bb,
    allowFrom: [AuthorizedClient.workload(good)],
    linkerdNames: { server: 'bb', policy: 'bb-authz', authentication: 'bb-good' },
  });
}
