/**
 * Linkerd's policy, egress and multicluster docs tasks (2-edge), each as a user following the task would write it with
 * mesh-kit's typed constructs, one chart (one file) per task; what the typed API cannot write yet is left out and
 * marked `linkerd-docs: gap <Kind> <namespace>/<name> — why`.
 */
import { ApiObject, App } from 'cdk8s';
import {
  AuthorizedClient, EgressNetwork, EgressProtocol, EgressTrafficPolicy, HttpMatch, MeshChart, MeshClient, MeshNamespace, MeshProvider, MeshService, Protocol,
  RouteAction, ServiceAuthorization, ServiceRouting, SidecarInjection, Volume, VolumeMount, WorkloadSecurity,
} from '@mesh-kit/core';
import { slowCooker } from './routing';

const linkerd = { mesh: MeshProvider.LINKERD } as const;

/** tasks/fault-injection.md: 10% of booksapp's requests to books sent to an nginx that answers 500. */
export function faultInjection(app: App): void {
  const chart = new MeshChart(app, 'fault-injection', linkerd);
  const books = MeshService.fromAttributes(chart, 'books', { name: 'books', namespace: 'booksapp', ports: [{ port: 7002 }] });
  // linkerd-docs: escape ConfigMap booksapp/error-injector — nginx's configuration (answer every request with a 500): application data, which mesh-kit does not model; a cdk8s ApiObject
  new ApiObject(chart, 'error-injector-config', {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'error-injector', namespace: 'booksapp' },
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
  const voting = new MeshService(chart, 'voting-svc', { namespace, ports: [{ port: 8080, name: 'grpc', protocol: Protocol.GRPC }], image: 'docker.l5d.io/buoyantio/emojivoto-voting-svc:v11' });
  // linkerd-docs: gap Server emojivoto/voting-grpc — the task's Server is named by the task (voting-grpc) and labelled; ServiceAuthorization names its Server after the service and port
  // linkerd-docs: gap ServerAuthorization emojivoto/voting-grpc — ServerAuthorization (policy.linkerd.io/v1beta1) is deprecated; mesh-kit writes the AuthorizationPolicy and MeshTLSAuthentication that replace it
  new ServiceAuthorization(chart, 'voting-callers', { service: voting, allowFrom: [AuthorizedClient.serviceAccount('web', 'emojivoto')] });
}

/** tasks/configuring-per-route-policy.md: books may read authors, webapp may also modify them, probes reach /ping. */
export function perRoutePolicy(app: App): void {
  const chart = new MeshChart(app, 'per-route-policy', linkerd);
  const namespace = MeshNamespace.fromName('booksapp');
  const authors = new MeshService(chart, 'authors', { namespace, ports: [{ port: 7001, name: 'service' }], image: 'buoyantio/booksapp:v0.0.5' });
  // linkerd-docs: gap Server booksapp/authors-server — per-route authorization (routes attached to a Server, policies targeting a route) is not typed yet
  // linkerd-docs: gap HTTPRoute booksapp/authors-get-route — as above
  // linkerd-docs: gap AuthorizationPolicy booksapp/authors-get-policy — as above
  // linkerd-docs: gap MeshTLSAuthentication booksapp/authors-get-authn — as above
  // linkerd-docs: gap HTTPRoute booksapp/authors-probe-route — as above
  // linkerd-docs: gap NetworkAuthentication booksapp/authors-probe-authn — as above
  // linkerd-docs: gap AuthorizationPolicy booksapp/authors-probe-policy — as above
  // linkerd-docs: gap HTTPRoute booksapp/authors-modify-route — as above
  // linkerd-docs: gap AuthorizationPolicy booksapp/authors-modify-policy — as above
  // linkerd-docs: gap MeshTLSAuthentication booksapp/authors-modify-authn — as above
  new ServiceAuthorization(chart, 'authors-callers', {
    service: authors,
    allowFrom: [AuthorizedClient.serviceAccount('books', 'booksapp'), AuthorizedClient.serviceAccount('webapp', 'booksapp')],
  });
}

/** tasks/configuring-rate-limiting.md: emojivoto's web at 4 requests per second per client, 6 for the default ServiceAccount. */
export function rateLimiting(app: App): void {
  const chart = new MeshChart(app, 'rate-limiting', linkerd);
  const namespace = MeshNamespace.fromName('emojivoto');
  const web = new MeshService(chart, 'web-svc', { namespace, ports: [{ port: 80, name: 'http', targetPort: 8080 }], image: 'docker.l5d.io/buoyantio/emojivoto-web:v11' });
  // linkerd-docs: gap Server emojivoto/web-http — named by the task; ServiceAuthorization names its Server after the service and port
  // linkerd-docs: gap HTTPLocalRateLimitPolicy emojivoto/web-http — as above; and an override for a ServiceAccount the app does not declare (emojivoto/default)
  new ServiceAuthorization(chart, 'web-callers', {
    service: web,
    allowFrom: [AuthorizedClient.network('0.0.0.0/0'), AuthorizedClient.network('::/0')],
    rateLimit: { perClient: 4 },
  });
}

/**
 * tasks/managing-egress-traffic.md: all egress allowed and observed from a curl pod, then HTTP GET /get and TLS to
 * httpbin.org only (`egress`); then all TLS on 443, and unencrypted HTTP answered by an internal service
 * (`egress.step-2`).
 */
export function egress(app: App): void {
  for (const step of [1, 2]) {
    const chart = new MeshChart(app, step === 1 ? 'egress' : 'egress-step-2', { ...linkerd, fileName: step === 1 ? 'egress' : 'egress.step-2' });
    const namespace = MeshNamespace.fromName('egress-test');
    const all = new EgressNetwork(chart, 'all-egress-traffic', { namespace: 'egress-test', name: 'all-egress-traffic', trafficPolicy: EgressTrafficPolicy.ALLOW });
    all.allow({ name: 'httpbin-get', port: 80, protocol: EgressProtocol.HTTP, match: [HttpMatch.prefix('/get')] });
    if (step === 1) {
      // linkerd-docs: gap Pod egress-test/client — MeshClient writes a Deployment (a client the cluster restarts), not a bare Pod, and pins the image (curlimages/curl has no tag)
      new MeshClient(chart, 'client', {
        namespace,
        image: 'curlimages/curl:8.11.1',
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
  // linkerd-docs: gap Server mc-demo/bb — named by the task; ServiceAuthorization names its objects after the service
  // linkerd-docs: gap AuthorizationPolicy mc-demo/bb-authz — as above
  // linkerd-docs: gap MeshTLSAuthentication mc-demo/bb-good — as above
  const bb = new MeshService(chart, 'bb', {
    namespace,
    ports: [{ port: 8080, name: 'http' }],
    containerName: 'terminus',
    args: ['terminus', '--h1-server-port=8080', '--response-text=hello\n'],
    image: 'buoyantio/bb:v0.0.6',
  });
  // the clients run in the other cluster (west) and call bb through its mirror, bb-target
  const good = slowCooker(chart, namespace, 'http://bb-target:8080');
  slowCooker(chart, namespace, 'http://bb-target:8080', 'slow-cooker-evil');
  new ServiceAuthorization(chart, 'bb-callers', { service: bb, allowFrom: [AuthorizedClient.workload(good)] });
}
