/**
 * Istio's ambient docs, as a user following them would write them with mesh-kit's typed constructs: getting started
 * (ambient/getting-started: Bookinfo in `default`, secured at L4, then at L7 through a waypoint) and the waypoint
 * guide (ambient/usage/waypoint), whose namespaces are enrolled and consumers labelled by the task's `kubectl label`
 * commands, not written here.
 */
import { App } from 'cdk8s';
import { taskChart } from './chart';
import { bookinfoServices } from '../bookinfo/app';
import {
  AuthorizationAction, AuthorizationPolicy, DataPlane, HttpMatch, ImagePullPolicy, IngressGateway, IngressGatewayRoute, MeshClient, MeshNamespace,
  RequestSource, RouteAction, UnpinnedImages, Waypoint, WaypointFor, WaypointNamespaces, WorkloadSelector,
} from '@mesh-kit/core';

const CURL = 'curlimages/curl';

/**
 * ambient-getting-started: Bookinfo in `default`, enrolled in ambient mode, behind the Gateway API ingress gateway
 * `bookinfo-gateway` (samples/bookinfo/gateway-api/bookinfo-gateway.yaml), and the sleep client. Its two policy steps
 * replace one another (one file each): productpage open only to the ingress gateway's identity, enforced by ztunnel
 * (`ambient-getting-started.k8s.yaml`); then, once the namespace has a waypoint, productpage open only to sleep's GET
 * requests, enforced by the waypoint, which the policy targets through productpage's Service
 * (`ambient-getting-started.l7.k8s.yaml`). The task's reviews 90/10 HTTPRoute is the bookinfo example's
 * (`ambient/route-reviews-90-10`). The task runs sleep as `curlimages/curl`, unpinned: the charts opt out for it.
 */
export function ambientGettingStarted(app: App): void {
  const step = (l7: boolean) => {
    const chart = taskChart(app, l7 ? 'ambient-getting-started.l7' : 'ambient-getting-started', { dataPlane: DataPlane.AMBIENT, allowUnpinnedImages: UnpinnedImages.of(CURL) });
    // `kubectl label namespace default istio.io/dataplane-mode=ambient`; step 2's `istioctl waypoint apply
    // --enroll-namespace` deploys the waypoint `waypoint` (for services, as istioctl labels it) and labels the namespace
    // to use it
    const waypoint = l7 ? new Waypoint(chart, 'waypoint', { namespace: MeshNamespace.fromName('default'), trafficFor: WaypointFor.SERVICE }) : undefined;
    const namespace = new MeshNamespace(chart, 'default', { name: 'default', waypoint });
    const { productpage } = bookinfoServices(chart, { namespace });
    const gateway = new IngressGateway(chart, 'bookinfo-gateway', { namespace, servers: [{ port: 80, hosts: ['*'] }] });
    new IngressGatewayRoute(chart, 'bookinfo', {
      namespace,
      gateway,
      hosts: ['*'],
      routes: [{
        match: [HttpMatch.exact('/productpage'), HttpMatch.prefix('/static'), HttpMatch.exact('/login'), HttpMatch.exact('/logout'), HttpMatch.prefix('/api/v1/products')],
        action: RouteAction.forward(productpage, { followServiceRoutes: false }),
      }],
    });
    new MeshClient(chart, 'sleep', { namespace, image: CURL, command: ['/bin/sleep', 'infinity'], imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT });
    // the Gateway API gateway Istio deploys for `bookinfo-gateway` runs as `bookinfo-gateway-istio`. At L7 the policy
    // is the waypoint's (targetRefs: productpage's Service); mesh-kit's default `waypointOnly` also keeps callers from
    // bypassing the waypoint at productpage's pods, and sends the ingress gateway through it (the task's outcome: only
    // sleep's GET gets in)
    const from = l7 ? RequestSource.serviceAccount('sleep', 'default') : RequestSource.serviceAccount('bookinfo-gateway-istio', 'default');
    new AuthorizationPolicy(chart, 'productpage-viewer', {
      workload: WorkloadSelector.service(productpage),
      action: AuthorizationAction.ALLOW,
      rules: [{ from: [from], to: l7 ? [{ methods: ['GET'] }] : undefined }],
    });
  };
  step(false);
  step(true);
}

/**
 * ambient-waypoint: a waypoint for the Services of `default`, as `istioctl waypoint generate --for service` writes it
 * (`ambient-waypoint.k8s.yaml`); then a waypoint of `common-infrastructure` that the namespace
 * `cross-namespace-waypoint-consumer` uses (`ambient-waypoint.cross-namespace.k8s.yaml`): its listener admits that
 * namespace only, selected by the label Kubernetes puts on every namespace, as the task writes it.
 */
export function ambientWaypoint(app: App): void {
  const chart = taskChart(app, 'ambient-waypoint', { dataPlane: DataPlane.AMBIENT });
  new Waypoint(chart, 'waypoint', { namespace: MeshNamespace.fromName('default'), trafficFor: WaypointFor.SERVICE });
  const cross = taskChart(app, 'ambient-waypoint.cross-namespace', { dataPlane: DataPlane.AMBIENT });
  new Waypoint(cross, 'egress-gateway', {
    namespace: MeshNamespace.fromName('common-infrastructure'),
    allowedNamespaces: WaypointNamespaces.withLabels({ 'kubernetes.io/metadata.name': 'cross-namespace-waypoint-consumer' }),
  });
}
