import { App } from 'cdk8s';
import {
  GatewayAllowedRoutes, GatewayProtocol, GatewayRouteKind, GatewayServiceType, GatewayTls, IngressGateway, IngressGatewayRoute, MeshChart,
  MeshNamespace, MeshService, Protocol, RouteAction, ServiceEntry, ServiceRouting, TlsMatch, TrafficApi,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { only, synthError, synthObjects } from '../support/synth';

const gwChart = (app: App, id = 'c', namespace?: string, trafficApi = TrafficApi.GATEWAY_API) => new MeshChart(app, id, { trafficApi, namespace });
const SERVERS = [{ port: 80, protocol: GatewayProtocol.HTTP, hosts: ['shop.example.com'] }];

/** A gateway in `gatewayNs` and routes in each of `routeNs` (undefined: no namespace); the Gateway's listener's allowedRoutes. */
function admitted(gatewayNs: string | undefined, routeNs: Array<string | undefined>, extra: { allowedRoutes?: GatewayAllowedRoutes } = {}): unknown {
  const objects = expectSchemaValid(synthObjects(app => {
    const chart = gwChart(app);
    const gateway = new IngressGateway(chart, 'gw', { namespace: gatewayNs ? MeshNamespace.fromName(gatewayNs) : undefined, servers: SERVERS, ...extra });
    routeNs.forEach((ns, i) => {
      const svc = MeshService.fromAttributes(chart, `svc-${i}`, { name: `shop-${i}`, namespace: ns ?? 'shop', ports: [{ port: 8080 }] });
      new IngressGatewayRoute(chart, `route-${i}`, {
        gateway, namespace: ns ? MeshNamespace.fromName(ns) : undefined, hosts: ['shop.example.com'], routes: [{ action: RouteAction.forward(svc) }],
      });
    });
  }));
  return (only(objects, 'Gateway').spec as { listeners: Array<{ allowedRoutes: unknown }> }).listeners[0].allowedRoutes;
}

function refusal(gatewayNs: string | undefined, routeNs: Array<string | undefined>, extra: { allowedRoutes?: GatewayAllowedRoutes } = {}): string {
  return synthError(app => {
    const chart = gwChart(app);
    const gateway = new IngressGateway(chart, 'gw', { namespace: gatewayNs ? MeshNamespace.fromName(gatewayNs) : undefined, servers: SERVERS, ...extra });
    routeNs.forEach((ns, i) => {
      const svc = MeshService.fromAttributes(chart, `svc-${i}`, { name: `shop-${i}`, namespace: ns ?? 'shop', ports: [{ port: 8080 }] });
      new IngressGatewayRoute(chart, `route-${i}`, {
        gateway, namespace: ns ? MeshNamespace.fromName(ns) : undefined, hosts: ['shop.example.com'], routes: [{ action: RouteAction.forward(svc) }],
      });
    });
  });
}

const byName = (name: string) => ({ namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': name } } } });

describe('a Gateway API Gateway admits the namespaces whose routes attach, no more', () => {
  test('routes of one other namespace: that namespace by matchLabels (the secure-ingress task\'s Gateway in istio-system)', () => {
    expect(admitted('istio-system', ['default'])).toStrictEqual(byName('default'));
  });

  test('routes of several namespaces: matchExpressions In, sorted, the gateway\'s own among them when its routes attach', () => {
    expect(admitted('infra', ['shop', 'infra', 'edge'])).toStrictEqual({
      namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['edge', 'infra', 'shop'] }] } },
    });
    expect(admitted('infra', ['shop', 'edge'])).toStrictEqual({
      namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['edge', 'shop'] }] } },
    });
  });

  test('routes of its own namespace only, or none: Same (a route and a gateway both without a namespace share kubectl\'s)', () => {
    expect(admitted('infra', ['infra'])).toStrictEqual({ namespaces: { from: 'Same' } });
    expect(admitted('infra', [])).toStrictEqual({ namespaces: { from: 'Same' } });
    expect(admitted(undefined, [undefined])).toStrictEqual({ namespaces: { from: 'Same' } });
    // a gateway without a namespace admits a route of a known one by name
    expect(admitted(undefined, ['shop'])).toStrictEqual(byName('shop'));
  });

  test('a route without a namespace attaching to a gateway of a set namespace is refused, not dropped', () => {
    expect(refusal('infra', [undefined])).toBe("Validation failed with the following errors:\n  [c/gw] 'allowedRoutes' cannot admit routes of unknown namespace (without one, a route lands in kubectl's current namespace at apply time, and the Gateway in 'infra' would not admit it): got 'c/route-0'; give each route (or its chart) a namespace, or set allowedRoutes (e.g. GatewayAllowedRoutes.fromNamespaces(['default']))");
  });

  test('routes of the gateway\'s unset namespace and of another: refused (its own cannot be named)', () => {
    expect(refusal(undefined, [undefined, 'shop'])).toBe("Validation failed with the following errors:\n  [c/gw] 'namespace' must be set when routes attach both from the gateway's own namespace and from shop (listeners cannot select their own namespace by name without it): got 'none'; give the gateway (or its chart) a namespace, or set allowedRoutes");
  });
});

describe('GatewayAllowedRoutes: the listeners admit what is set', () => {
  test('All, Same, by names, by labels, with kinds', () => {
    expect(admitted('infra', [], { allowedRoutes: GatewayAllowedRoutes.all() })).toStrictEqual({ namespaces: { from: 'All' } });
    expect(admitted('infra', ['infra'], { allowedRoutes: GatewayAllowedRoutes.sameNamespace({ kinds: [GatewayRouteKind.HTTP_ROUTE] }) }))
      .toStrictEqual({ namespaces: { from: 'Same' }, kinds: [{ kind: 'HTTPRoute' }] });
    expect(admitted('infra', ['shop'], { allowedRoutes: GatewayAllowedRoutes.fromNamespaces(['shop']) })).toStrictEqual(byName('shop'));
    expect(admitted('infra', ['shop'], { allowedRoutes: GatewayAllowedRoutes.fromNamespaces(['shop', 'edge', 'shop']) })).toStrictEqual({
      namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['edge', 'shop'] }] } },
    });
    expect(admitted('infra', [], { allowedRoutes: GatewayAllowedRoutes.fromLabels({ 'gateway-access': 'true' }) }))
      .toStrictEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { 'gateway-access': 'true' } } } });
  });

  test('routes of unknown namespace are the user\'s call once allowedRoutes is set', () => {
    expect(admitted('infra', [undefined], { allowedRoutes: GatewayAllowedRoutes.all() })).toStrictEqual({ namespaces: { from: 'All' } });
  });

  test('refused when it does not admit a route that attaches', () => {
    expect(refusal('infra', ['shop'], { allowedRoutes: GatewayAllowedRoutes.sameNamespace() })).toBe("Validation failed with the following errors:\n  [c/gw] 'allowedRoutes' must admit the namespaces of the routes that attach to the gateway: got 'shop'; admit shop (GatewayAllowedRoutes.fromNamespaces), or attach those routes to another gateway");
    expect(refusal('infra', ['infra', 'shop'], { allowedRoutes: GatewayAllowedRoutes.fromNamespaces(['shop']) })).toBe("Validation failed with the following errors:\n  [c/gw] 'allowedRoutes' must admit the namespaces of the routes that attach to the gateway: got 'infra'; admit infra (GatewayAllowedRoutes.fromNamespaces), or attach those routes to another gateway");
  });

  test('bad input refused at once, from JavaScript too', () => {
    expect(errorOf(() => GatewayAllowedRoutes.fromNamespaces([]))).toBe("GatewayAllowedRoutes.fromNamespaces: 'allowedRoutes.namespaces' must name at least one namespace: got '[]'; e.g. ['default']");
    expect(errorOf(() => GatewayAllowedRoutes.fromNamespaces(['Not_A_Namespace']))).toBe("GatewayAllowedRoutes.fromNamespaces: 'allowedRoutes.namespaces' must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters): got 'Not_A_Namespace'; write it as 'not-a-namespace'");
    expect(errorOf(() => GatewayAllowedRoutes.fromNamespaces(undefined as unknown as string[]))).toBe("GatewayAllowedRoutes.fromNamespaces: 'names' is required: got undefined; give a list of strings");
    expect(errorOf(() => GatewayAllowedRoutes.fromLabels({}))).toBe("GatewayAllowedRoutes.fromLabels: 'allowedRoutes.labels' must hold at least one label: got '{}'; e.g. { 'gateway-access': 'true' }");
    expect(errorOf(() => GatewayAllowedRoutes.fromLabels({ a: 1 as unknown as string }))).toBe("GatewayAllowedRoutes.fromLabels: 'labels.a' must be a string: got 1; give a string");
    expect(errorOf(() => GatewayAllowedRoutes.all({ kinds: [] }))).toBe("GatewayAllowedRoutes.all: 'allowedRoutes.kinds' must hold at least one route kind: got '[]'; omit it to admit the kinds of the listener's protocol");
    expect(errorOf(() => GatewayAllowedRoutes.all({ kinds: ['Ingress' as GatewayRouteKind] }))).toBe("GatewayAllowedRoutes.all: 'options.kinds[0]' must be one of 'GRPCRoute', 'HTTPRoute', 'TCPRoute', 'TLSRoute': got 'Ingress'; write one of the values listed");
    expect(errorOf(() => new IngressGateway(gwChart(new App()), 'gw', { servers: SERVERS, allowedRoutes: { from: 'All' } as unknown as GatewayAllowedRoutes }))).toBe("[c/gw] IngressGateway: 'props.allowedRoutes' must be a GatewayAllowedRoutes: got {\"from\":\"All\"}; build it with GatewayAllowedRoutes.all(), GatewayAllowedRoutes.fromLabels(), GatewayAllowedRoutes.fromNamespaces(), GatewayAllowedRoutes.sameNamespace()");
  });

  test('Gateway API only: refused on Istio\'s Gateway', () => {
    expect(errorOf(() => new IngressGateway(gwChart(new App(), 'c', 'infra', TrafficApi.ISTIO), 'gw', { servers: SERVERS, allowedRoutes: GatewayAllowedRoutes.all() })))
      .toBe("[c/gw] 'allowedRoutes' is a Gateway API listener setting (TrafficApi.GATEWAY_API only): got 'All'; drop it; with Istio's API write hosts as 'namespace/host' to admit routes of that namespace only");
  });
});

describe('serviceType: the Service of the gateway Istio deploys', () => {
  test('written as networking.istio.io/service-type (the egress-gateway task\'s ClusterIP); none by default', () => {
    const gatewayOf = (serviceType?: GatewayServiceType) => only(expectSchemaValid(synthObjects(app => {
      new IngressGateway(gwChart(app, 'c', 'default'), 'gw', { servers: SERVERS, serviceType });
    })), 'Gateway');
    expect(gatewayOf(GatewayServiceType.CLUSTER_IP).metadata).toStrictEqual({ name: 'gw', namespace: 'default', annotations: { 'networking.istio.io/service-type': 'ClusterIP' } });
    expect(gatewayOf().metadata).toStrictEqual({ name: 'gw', namespace: 'default' });
  });

  test('an unknown type, or one on Istio\'s Gateway, refused', () => {
    expect(errorOf(() => new IngressGateway(gwChart(new App()), 'gw', { servers: SERVERS, serviceType: 'External' as GatewayServiceType }))).toBe("[c/gw] IngressGateway: 'props.serviceType' must be one of 'ClusterIP', 'LoadBalancer', 'NodePort': got 'External'; write one of the values listed");
    expect(errorOf(() => new IngressGateway(gwChart(new App(), 'c', 'infra', TrafficApi.ISTIO), 'gw', { servers: SERVERS, serviceType: GatewayServiceType.NODE_PORT })))
      .toBe("[c/gw] 'serviceType' is for a gateway Istio deploys from a Gateway API Gateway (TrafficApi.GATEWAY_API only): got 'NodePort'; drop it; set the Service type where the gateway is deployed (IstioGateway, or Istio's installation)");
  });
});

describe('TLS by SNI through an egress gateway under the Gateway API (the egress-gateway task\'s HTTPS step)', () => {
  test('TLSRoutes with a ServiceEntry parent and a Hostname backend, through a TLS Passthrough listener', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = gwChart(app, 'c', 'default');
      const cnn = new ServiceEntry(chart, 'cnn', { name: 'cnn', hosts: ['edition.cnn.com'], ports: [{ number: 443, name: 'tls', protocol: Protocol.TLS }] });
      const gateway = new IngressGateway(chart, 'cnn-egress-gateway', {
        serviceType: GatewayServiceType.CLUSTER_IP,
        servers: [{ port: 443, name: 'tls', protocol: GatewayProtocol.TLS, hosts: ['edition.cnn.com'], tls: GatewayTls.passthrough() }],
      });
      const gatewayService = MeshService.fromAttributes(chart, 'gw-svc', { name: 'cnn-egress-gateway-istio', namespace: 'default', ports: [{ port: 443, protocol: Protocol.TLS }] });
      const sni = [TlsMatch.sni(['edition.cnn.com'])];
      new ServiceRouting(chart, 'to-gateway', {
        service: cnn, name: 'to-gateway', everyPort: true, tlsRoutes: [{ match: sni, action: RouteAction.forward(gatewayService, { port: 443 }) }],
      });
      new IngressGatewayRoute(chart, 'from-gateway', {
        gateway, hosts: ['edition.cnn.com'], tlsRoutes: [{ match: sni, action: RouteAction.forward(cnn, { port: 443, followServiceRoutes: false }) }],
      });
    }));
    const routes = objects.filter(o => o.kind === 'TLSRoute');
    expect(routes.map(o => [o.metadata.name, o.spec])).toStrictEqual([
      ['to-gateway', {
        hostnames: ['edition.cnn.com'],
        parentRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'cnn' }],
        rules: [{ backendRefs: [{ name: 'cnn-egress-gateway-istio', port: 443 }] }],
      }],
      ['from-gateway', {
        hostnames: ['edition.cnn.com'],
        parentRefs: [{ name: 'cnn-egress-gateway' }],
        rules: [{ backendRefs: [{ group: 'networking.istio.io', kind: 'Hostname', name: 'edition.cnn.com', port: 443 }] }],
      }],
    ]);
    expect(only(objects, 'Gateway').spec).toStrictEqual({
      gatewayClassName: 'istio',
      listeners: [{ name: 'tls', port: 443, protocol: 'TLS', hostname: 'edition.cnn.com', tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'Same' } } }],
    });
  });
});
