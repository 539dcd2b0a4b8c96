/**
 * Bookinfo on the Kubernetes Gateway API (Istio's `samples/bookinfo/gateway-api`): the same services
 * and routing intent, rendered with TrafficApi.GATEWAY_API into `dist/gateway-api/`: per-version
 * Services instead of DestinationRule subsets, HTTPRoutes attached to each Service (GAMMA) or to a
 * Gateway of class `istio`.
 */
import { App } from 'cdk8s';
import { Bookinfo, bookinfoServices } from './app';
import { HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, MeshChart, RouteAction, ServiceRouting, Suppressions, TrafficApi } from '@mesh-kit/core';

/** Builds the Gateway API flavour of Bookinfo into `app` (a MeshApp, for the `gateway-api/` file names). */
export function buildBookinfoGatewayApi(app: App): Bookinfo {
  // a routing scenario is an alternative of the others (one applied at a time over the base files): `scenario` is true
  const chart = (id: string, scenario = false) => {
    const c = new MeshChart(app, `gateway-api-${id}`, {
      fileName: `gateway-api/${id}`, trafficApi: TrafficApi.GATEWAY_API, ...(scenario ? { alternativeGroup: 'bookinfo-gateway-api-routing' } : {}),
    });
    // Istio's samples/bookinfo/gateway-api and networking/ are applied one or the other, never both: a Service has
    // an HTTPRoute here or a VirtualService there
    Suppressions.add(c, 'MK0014', 'the Gateway API flavour of Bookinfo is an alternative to the Istio API files in dist/, never applied with them');
    return c;
  };
  const services = bookinfoServices(chart('bookinfo'));
  const { productpage, reviews, ratings, details } = services;

  // gateway-api/bookinfo-gateway.yaml: Istio deploys the gateway for the Gateway; it listens on 80.
  const ingress = chart('bookinfo-gateway');
  const gateway = new IngressGateway(ingress, 'bookinfo-gateway', { servers: [{ port: 80, hosts: ['*'] }] });
  new IngressGatewayRoute(ingress, 'bookinfo', {
    gateway,
    hosts: ['*'],
    routes: [{
      match: [HttpMatch.exact('/productpage'), HttpMatch.prefix('/static'), HttpMatch.exact('/login'), HttpMatch.exact('/logout'), HttpMatch.prefix('/api/v1/products')],
      // upstream's HTTPRoute sends to the productpage Service, not through its routes (route-all-v1 pins it to v1 for
      // calls inside the mesh only): followServiceRoutes: false keeps it so (see app.ts)
      action: RouteAction.forward(productpage, { followServiceRoutes: false }),
    }],
  });

  const allV1 = chart('route-all-v1', true);
  for (const svc of [reviews, productpage, ratings, details]) {
    new ServiceRouting(allV1, svc.name, { service: svc, routes: [{ action: RouteAction.forward(svc.version('v1')) }] });
  }
  const pin = (id: string, version: string) =>
    new ServiceRouting(chart(id, true), 'reviews', { service: reviews, routes: [{ action: RouteAction.forward(reviews.version(version)) }] });
  pin('route-reviews-v1', 'v1');
  pin('route-reviews-v3', 'v3');
  // Istio's request-routing task under the Gateway API: jason sees reviews v2, everyone else v1 (the Istio API's
  // virtual-service-reviews-test-v2)
  new ServiceRouting(chart('route-reviews-test-v2', true), 'reviews', {
    service: reviews,
    routes: [
      { match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: RouteAction.forward(reviews.version('v2')) },
      { action: RouteAction.forward(reviews.version('v1')) },
    ],
  });
  const split = (id: string, to: string, weight: number) => new ServiceRouting(chart(id, true), 'reviews', {
    service: reviews,
    routes: [{ action: RouteAction.weightedForward([{ target: reviews.version('v1'), weight: 100 - weight }, { target: reviews.version(to), weight }]) }],
  });
  split('route-reviews-50-v3', 'v3', 50);
  split('route-reviews-90-10', 'v2', 10);
  return services;
}
