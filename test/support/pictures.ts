import { App, Duration } from 'cdk8s';
import {
  Fault, HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, MeshChart, MeshService, RouteAction,
} from '../../lib';

/** A shop: a gateway with a tricky route, a service split 90/10 with a fault and a mirror. */
export function shop(app: App): void {
  const c = new MeshChart(app, 'shop', { namespace: 'shop' });
  const web = new MeshService(c, 'web', { ports: [{ port: 8080 }] });
  const v1 = web.addVersion('v1', { image: 'nginx:1.27.0' });
  const v2 = web.addVersion('v2', { image: 'nginx:1.27.1' });
  web.addRoute({
    match: [HttpMatch.headers(HeaderMatch.exact('x-user', 'jäson "the #1" [admin] | <b>'))],
    action: RouteAction.forward(v2),
    fault: Fault.delay(Duration.seconds(7), 10),
  });
  web.addRoute({
    action: RouteAction.weightedForward([{ target: v1, weight: 90 }, { target: v2, weight: 10 }]),
    mirror: { target: v2, percentage: 5 },
  });
  const gw = new IngressGateway(c, 'gw', { servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
  new IngressGatewayRoute(c, 'edge', { gateway: gw, hosts: ['shop.example.com'], routes: [{ match: [HttpMatch.prefix('/ä#"[x]`')], action: RouteAction.forward(web) }] });
}
