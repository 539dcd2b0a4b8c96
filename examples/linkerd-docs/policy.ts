/**
 * Linkerd's policy, egress and multicluster docs tasks (2-edge), each as a user following the task would write it with
 * mesh-kit's typed constructs, one chart (one file) per task; what the typed API cannot write yet is left out and
 * marked `linkerd-docs: gap <Kind> <namespace>/<name> — why`.
 */
import { App } from 'cdk8s';
import {
  AuthorizedClient, EgressNetwork, EgressProtocol, EgressTrafficPolicy, MeshChart, MeshNamespace, MeshProvider, MeshService, Protocol, RouteAction,
  ServiceAuthorization, ServiceRouting,
} from '@mesh-kit/core';

const linkerd = { mesh: MeshProvider.LINKERD } as const;

/** tasks/fault-injection.md: 10% of booksapp's requests to books sent to an nginx that answers 500. */
export function faultInjection(app: App): void {
  const chart = new MeshChart(app, 'fault-injection', linkerd);
  const books = MeshService.fromAttributes(chart, 'books', { name: 'books', namespace: 'booksapp', ports: [{ port: 7002 }] });
  // linkerd-docs: gap ConfigMap booksapp/error-injector — mesh-kit writes no ConfigMaps (the nginx.conf answering 500); a Volume only reads one
  // linkerd-docs: gap Deployment booksapp/error-injector — depends on the ConfigMap above (nginx:alpine is unpinned, which mesh-kit refuses)
  // linkerd-docs: gap Service booksapp/error-injector — written with its Deployment (above)
  const injector = MeshService.fromAttributes(chart, 'error-injector', { name: 'error-injector', namespace: 'booksapp', ports: [{ port: 8080, name: 'service' }] });
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
  // linkerd-docs: gap GRPCRoute faces/smiley-a-b — weights 40 and 50051 are proportions in the Gateway API; mesh-kit reads weights as percentages (0 to 100, summing to 100)
  new ServiceRouting(chart, 'smiley-a-b', {
    service: smiley,
    name: 'smiley-a-b',
    routes: [{ action: RouteAction.weightedForward([{ target: smiley, weight: 40 }, { target: smiley2, weight: 60 }]) }],
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

/** tasks/managing-egress-traffic.md: all egress allowed and observed, then HTTP GET /get and TLS to httpbin.org only, then unencrypted HTTP through an internal egress. */
export function egress(app: App): void {
  const chart = new MeshChart(app, 'egress', linkerd);
  const all = new EgressNetwork(chart, 'all-egress-traffic', { namespace: 'egress-test', name: 'all-egress-traffic', trafficPolicy: EgressTrafficPolicy.ALLOW });
  // linkerd-docs: gap Pod egress-test/client — a meshed client without a Service (a curl pod) cannot be declared
  // linkerd-docs: gap HTTPRoute egress-test/httpbin-get — egress by port without hostnames, with a path match, is not typed
  // linkerd-docs: gap TLSRoute egress-test/tls-egress — the task's second TLSRoute has no hostnames (all TLS on 443)
  // linkerd-docs: gap Service egress-test/internal-egress — a meshed Service with no workload of mesh-kit's (the task's nginx is unpinned)
  // linkerd-docs: gap Deployment egress-test/internal-egress — as above
  // linkerd-docs: gap HTTPRoute egress-test/unencrypted-http — egress to a Service backend is not typed
  all.allow({ name: 'tls-egress', hosts: ['httpbin.org'], port: 443, protocol: EgressProtocol.TLS });
}

/** tasks/pod-to-pod-multicluster.md: bb in mc-demo, only the good slow-cooker may call it. */
export function multicluster(app: App): void {
  const chart = new MeshChart(app, 'multicluster', linkerd);
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'mc-demo' });
  // linkerd-docs: gap TrafficSplit test/podinfo — SMI TrafficSplit (split.smi-spec.io) is not written by mesh-kit; it writes HTTPRoutes
  // linkerd-docs: gap Deployment mc-demo/slow-cooker — a meshed load generator without a Service
  // linkerd-docs: gap ServiceAccount mc-demo/slow-cooker — as above
  // linkerd-docs: gap Deployment mc-demo/slow-cooker-evil — as above
  // linkerd-docs: gap ServiceAccount mc-demo/slow-cooker-evil — as above
  // linkerd-docs: gap Server mc-demo/bb — named by the task; ServiceAuthorization names its objects after the service
  // linkerd-docs: gap AuthorizationPolicy mc-demo/bb-authz — as above
  // linkerd-docs: gap MeshTLSAuthentication mc-demo/bb-good — as above
  const bb = new MeshService(chart, 'bb', {
    namespace,
    ports: [{ port: 8080, name: 'http' }],
    containerName: 'terminus',
    args: ['terminus', '--h1-server-port=8080', '--response-text=hello\n'],
    image: 'buoyantio/bb:v0.0.5',
  });
  new ServiceAuthorization(chart, 'bb-callers', { service: bb, allowFrom: [AuthorizedClient.serviceAccount('slow-cooker', 'mc-demo')] });
}
