import { App } from 'cdk8s';
import {
  ClientTls, DestinationPolicy, HostNames, IngressGateway, IngressGatewayRoute, Mesh, MeshApp, MeshChart, MeshNamespace, MeshService, MeshSettings,
  Protocol, RouteAction, ServiceEntry, ServiceRouting,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { K8sObject } from '../support/shared';
import { only, synthObjects } from '../support/synth';

/**
 * `hostNames`: how Istio's objects name in-cluster Services. HostNames.FULLY_QUALIFIED writes every in-cluster Service
 * as `<name>.<namespace>.svc.cluster.local`, as Istio recommends and its authn-policy task writes it.
 */

/** reviews (v1, v2) routed by version and called from productpage, an external host, an ingress route with hosts `*`. */
function shop(chart: MeshChart): void {
  const namespace = new MeshNamespace(chart, 'ns', { name: 'shop' });
  const reviews = new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }] });
  const v1 = reviews.addVersion('v1', { image: 'ghcr.io/example/reviews:1.0.0' });
  reviews.addVersion('v2', { image: 'ghcr.io/example/reviews:2.0.0' });
  reviews.addRoute({ action: RouteAction.forward(v1) });
  const ratings = MeshService.fromAttributes(chart, 'ratings', { name: 'ratings', namespace: 'other', ports: [{ port: 9080 }] });
  new DestinationPolicy(chart, 'ratings-tls', { service: ratings, namespace, trafficPolicy: { tls: ClientTls.istioMutual() } });
  new MeshService(chart, 'productpage', { namespace, ports: [{ port: 9080 }], image: 'ghcr.io/example/productpage:1.0.0', dependsOn: [reviews] });
  const api = new ServiceEntry(chart, 'api', { namespace: 'shop', hosts: ['api.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP }] });
  new ServiceRouting(chart, 'api-routes', { service: api, routes: [{ action: RouteAction.forward(api) }] });
  const gateway = new IngressGateway(chart, 'gw', { namespace, servers: [{ port: 80, hosts: ['*'] }] });
  new IngressGatewayRoute(chart, 'front', { gateway, namespace, hosts: ['*'], routes: [{ action: RouteAction.forward(reviews) }] });
}

const objectsWith = (hostNames?: HostNames): K8sObject[] =>
  expectSchemaValid(synthObjects(app => shop(new MeshChart(app, 'c', { namespace: 'shop', ...(hostNames ? { hostNames } : {}) }))));
const spec = (objects: K8sObject[], kind: string, name: string): any => only(objects, kind, name).spec;

describe('HostNames.SHORT (the default)', () => {
  const objects = objectsWith();

  test('a Service of the object\'s own namespace by its short name', () => {
    expect(spec(objects, 'VirtualService', 'reviews').hosts).toStrictEqual(['reviews']);
    expect(spec(objects, 'VirtualService', 'reviews').http[0].route[0].destination.host).toBe('reviews');
    expect(spec(objects, 'DestinationRule', 'reviews').host).toBe('reviews');
    expect(spec(objects, 'VirtualService', 'front').http[0].route[0].destination.host).toBe('reviews');
  });

  test('a Service of another namespace fully qualified, as before', () => {
    expect(spec(objects, 'DestinationRule', 'ratings').host).toBe('ratings.other.svc.cluster.local');
  });

  test('is what HostNames.SHORT writes', () => {
    expect(objectsWith(HostNames.SHORT)).toStrictEqual(objects);
  });
});

describe('HostNames.FULLY_QUALIFIED', () => {
  const objects = objectsWith(HostNames.FULLY_QUALIFIED);

  test('a Service of the object\'s own namespace as <name>.<namespace>.svc.cluster.local: VirtualService hosts and destinations, DestinationRule host', () => {
    expect(spec(objects, 'VirtualService', 'reviews').hosts).toStrictEqual(['reviews.shop.svc.cluster.local']);
    expect(spec(objects, 'VirtualService', 'reviews').http[0].route[0].destination).toStrictEqual({ host: 'reviews.shop.svc.cluster.local', subset: 'v1' });
    expect(spec(objects, 'DestinationRule', 'reviews').host).toBe('reviews.shop.svc.cluster.local');
    expect(spec(objects, 'VirtualService', 'front').http[0].route[0].destination.host).toBe('reviews.shop.svc.cluster.local');
  });

  test('another namespace\'s Service, an external host and `*` unchanged', () => {
    expect(spec(objects, 'DestinationRule', 'ratings').host).toBe('ratings.other.svc.cluster.local');
    expect(spec(objects, 'VirtualService', 'api.example.com').hosts).toStrictEqual(['api.example.com']);
    expect(spec(objects, 'VirtualService', 'api.example.com').http[0].route[0].destination.host).toBe('api.example.com');
    expect(spec(objects, 'VirtualService', 'front').hosts).toStrictEqual(['*']);
  });

  test('nothing else changes (the DestinationRule of every service is its host\'s too)', () => {
    const short = objectsWith();
    const differs = objects.filter((o, i) => JSON.stringify(o) !== JSON.stringify(short[i])).map(o => `${o.kind}/${o.metadata.name}`);
    expect(differs).toStrictEqual(['DestinationRule/reviews', 'VirtualService/reviews', 'DestinationRule/productpage', 'VirtualService/front']);
  });

  test('from the app\'s settings (MeshSettings.apply), for every chart below it', () => {
    const objects2 = synthObjects(app => {
      MeshSettings.apply(app, { hostNames: HostNames.FULLY_QUALIFIED });
      shop(new MeshChart(app, 'c', { namespace: 'shop' }));
    });
    expect(objects2).toStrictEqual(objects);
  });

  test('the data-plane model reads the fully qualified hosts: a call routes by the VirtualService to its subset, the gateway\'s too', () => {
    const build = (hostNames: HostNames) => {
      const app = new MeshApp({ outdir: '/tmp/mesh-kit-host-names-test' });
      shop(new MeshChart(app, 'c', { namespace: 'shop', hostNames }));
      return Mesh.fromApp(app);
    };
    for (const hostNames of [HostNames.SHORT, HostNames.FULLY_QUALIFIED]) {
      const mesh = build(hostNames);
      const r = mesh.request({ from: 'shop/productpage', host: 'reviews', port: 9080 });
      expect([r.outcome, r.route?.name, r.destinations.map(d => d.workloads)]).toStrictEqual(['routed', 'reviews', [['shop/reviews-v1']]]);
      const g = mesh.request({ gateway: 'shop/gw', host: 'anything.example.com' });
      expect([g.outcome, g.route?.name]).toStrictEqual(['routed', 'front']);
    }
  });
});

test('fails if the value is not a HostNames', () => {
  expect(errorOf(() => new MeshChart(new App(), 'c', { hostNames: 'fqdn' as HostNames })))
    .toBe('[c] MeshChart: \'props.hostNames\' must be one of \'FullyQualified\', \'Short\': got \'fqdn\'; write one of the values listed');
});
