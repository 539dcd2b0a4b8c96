/**
 * Bookinfo in Istio's ambient mode, as Istio's GitOps reference architecture ships it (`samples/ambient-argo`):
 * the namespace enrolled in ambient mode, waypoints for `details` (revision `stable`) and `reviews` (`rapid`), a
 * Gateway API ingress, and reviews split 90/10 by an HTTPRoute on the Service. The same function renders the same
 * application with sidecars, so a reviewer sees the migration from sidecars to ambient as two outputs
 * (`dist/sidecar/` → `dist/ambient/`) that differ only where the data plane does (and in the namespace's name, so that
 * one app can hold both).
 */
import { App } from 'cdk8s';
import { Bookinfo, bookinfoServices } from './app';
import { buildBookinfoSecurity } from './security';
import { DataPlane, HttpMatch, IngressGateway, IngressGatewayRoute, MeshChart, MeshNamespace, RouteAction, ServiceRouting, Waypoint } from '@mesh-kit/core';

/** Builds Bookinfo for `dataPlane` into `dist/<sidecar|ambient>/` of `app` (a MeshApp, for the folder names). */
export function buildBookinfoMesh(app: App, dataPlane: DataPlane): Bookinfo {
  const dir = dataPlane === DataPlane.AMBIENT ? 'ambient' : 'sidecar';
  // the one setting that differs between the two outputs
  const chart = (id: string) => new MeshChart(app, `${dir}-${id}`, { fileName: `${dir}/${id}`, dataPlane });
  const platform = chart('bookinfo');
  // upstream's namespace is called `ambient` (it enrols it elsewhere; the enrolment is this construct's label); the sidecar
  // side lives in a namespace of its own, so that both sides can be analyzed as one app
  const namespace = new MeshNamespace(platform, 'Namespace', { name: dir });
  const waypoints = dataPlane === DataPlane.AMBIENT ? {
    details: new Waypoint(platform, 'details-waypoint', { name: 'bookinfo-details', namespace, revision: 'stable' }),
    reviews: new Waypoint(platform, 'reviews-waypoint', { name: 'bookinfo-reviews', namespace, revision: 'rapid' }),
  } : {};
  const services = bookinfoServices(platform, { tag: '1.18.0', namespace, waypoints });
  const { productpage, reviews } = services;

  const ingress = chart('bookinfo-gateway');
  const gateway = new IngressGateway(ingress, 'bookinfo-gateway', { namespace, servers: [{ port: 80, hosts: ['*'] }] });
  new IngressGatewayRoute(ingress, 'bookinfo', {
    namespace,
    gateway,
    hosts: ['*'],
    routes: [{
      match: [HttpMatch.exact('/productpage'), HttpMatch.prefix('/static'), HttpMatch.exact('/login'), HttpMatch.exact('/logout'), HttpMatch.prefix('/api/v1/products')],
      // as upstream: the gateway sends to productpage's pods (under ambient mode, a gateway route that follows a service's
      // routes would label its Service istio.io/ingress-use-waypoint); see app.ts
      action: RouteAction.forward(productpage, { followServiceRoutes: false }),
    }],
  });

  new ServiceRouting(chart('route-reviews-90-10'), 'reviews', {
    service: reviews,
    everyPort: true, // as upstream: the HTTPRoute's parentRef names no port
    routes: [{ action: RouteAction.weightedForward([{ target: reviews.version('v1'), weight: 90 }, { target: reviews.version('v2'), weight: 10 }]) }],
  });
  // zero trust, the same code in both modes: under ambient, the L4 part (mutual TLS, allow-nothing) is ztunnel's, the
  // L7 rules (GET, POST) target each Service and run in its waypoint (ratings and productpage get one of their own),
  // and each such workload admits only its waypoint
  buildBookinfoSecurity(app, services, {
    id: `${dir}-security`,
    chart: { fileName: `${dir}/security`, dataPlane },
    ingress: dataPlane === DataPlane.AMBIENT ? ['bookinfo-gateway-istio', namespace.name] : undefined,
  });
  return services;
}
