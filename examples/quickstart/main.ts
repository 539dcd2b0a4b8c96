import { HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, MeshApp, MeshChart, MeshNamespace, MeshService, RouteAction } from '@mesh-kit/core';

const app = new MeshApp(); // a cdk8s App that writes nothing on error and orders objects for kubectl apply
const chart = new MeshChart(app, 'shop'); // one chart, one file: dist/shop.k8s.yaml
const namespace = new MeshNamespace(chart, 'Namespace', { name: 'shop' }); // istio-injection=enabled

const reviews = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }] }); // port named 'http'
const v1 = reviews.addVersion('v1', { image: 'example/reviews:1.0.0' }); // Deployment reviews-v1 + subset v1
const v2 = reviews.addVersion('v2', { image: 'example/reviews:2.0.0' });

reviews.addRoute({ match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: RouteAction.forward(v2) });
reviews.addRoute({ action: RouteAction.weightedForward([{ target: v1, weight: 90 }, { target: v2, weight: 10 }]) });

const gateway = new IngressGateway(chart, 'shop-gateway', { namespace, servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
new IngressGatewayRoute(chart, 'shop', {
  namespace,
  gateway,
  hosts: ['shop.example.com'], // a host the gateway does not serve is a synth error
  routes: [{ match: [HttpMatch.prefix('/reviews')], action: RouteAction.forward(reviews) }],
});

app.synth();
