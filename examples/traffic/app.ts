import { App, Duration } from 'cdk8s';
import {
  CanaryPlan, CanaryRelease, ClientTls, DelegateRoutes, DestinationPolicy, GatewayProtocol, HttpMatch, IngressGateway, IngressGatewayRoute,
  Locality, LocalityLoadBalancing, MeshChart, MeshNamespace, MeshService, Protocol, RetryOn, RouteAction, ServiceEntry, ServiceRouting, TopologyLabel,
  TrafficApi,
} from '@mesh-kit/core';

const TCP_ECHO = 'docker.io/istio/tcp-echo-server:1.3';
const NGINX = 'docker.io/library/nginx:1.27.3';
const HELLOWORLD_V1 = 'registry.istio.io/release/examples-helloworld-v1:1.0';
const HELLOWORLD_V2 = 'registry.istio.io/release/examples-helloworld-v2:1.0';

/**
 * Istio's TCP traffic shifting task: tcp-echo v1 and v2 behind an ingress gateway's TCP listener on 31400, rolled from
 * v1 to 80/20 to v2 with a CanaryRelease whose stages are TCP routes (`tcp-echo-rollout.stage-20`, `.stage-100`, `.rollback`).
 * Rendered with Istio's API (a VirtualService's `tcp` routes) or the Gateway API (a TCPRoute), in namespaces of their own.
 */
export function buildTcpShifting(app: App, trafficApi: TrafficApi = TrafficApi.ISTIO): void {
  const gatewayApi = trafficApi === TrafficApi.GATEWAY_API;
  const name = gatewayApi ? 'tcp-echo-gateway-api' : 'tcp-echo';
  const chart = new MeshChart(app, `${name}-app`, { trafficApi });
  const namespace = new MeshNamespace(chart, 'Namespace', { name: gatewayApi ? 'tcp-shifting-gateway-api' : 'istio-io-tcp-traffic-shifting' });
  const gateway = new IngressGateway(chart, 'Gateway', {
    name: 'tcp-echo-gateway', namespace, servers: [{ port: 31400, protocol: GatewayProtocol.TCP, hosts: ['*'] }],
  });
  const echo = new MeshService(chart, 'tcp-echo', { namespace, ports: [{ port: 9000, protocol: Protocol.TCP }, { port: 9001, protocol: Protocol.TCP, name: 'tcp-other' }] });
  const v1 = echo.addVersion('v1', { image: TCP_ECHO, args: ['9000,9001,9002', 'one'] });
  const v2 = echo.addVersion('v2', { image: TCP_ECHO, args: ['9000,9001,9002', 'two'] });
  new CanaryRelease(app, `${name}-rollout`, {
    service: echo, stable: v1, canary: v2, port: 9000, plan: CanaryPlan.stages([20, 100]), ingress: { gateway, hosts: ['*'], gatewayPort: 31400 },
  });
}

/**
 * Egress to an external HTTPS API with TLS origination: the application calls `http://edition.cnn.com` (port 80).
 * - `egress-mesh`: the sidecar sends port 80 on to 443 (a route with a port rewrite) and a DestinationPolicy opens TLS
 *   there, with SNI and the CA it verifies the server with — Istio's egress TLS origination task;
 * - `egress-gateway`: the same call leaves through the egress gateway, which originates the TLS;
 * - an external database reached through the egress gateway as TCP.
 */
export function buildEgress(app: App): void {
  const mesh = new MeshChart(app, 'egress-mesh');
  const ns = new MeshNamespace(mesh, 'Namespace', { name: 'egress-mesh' });
  const cnn = new ServiceEntry(mesh, 'edition-cnn-com', {
    namespace: ns.name, hosts: ['edition.cnn.com'], ports: [{ number: 80, protocol: Protocol.HTTP, name: 'http-port' }, { number: 443, name: 'https-port' }],
  });
  new ServiceRouting(mesh, 'rewrite-port', {
    service: cnn,
    name: 'rewrite-port-for-edition-cnn-com',
    exportTo: ['.'],
    routes: [{ match: [HttpMatch.where({ port: 80 })], action: RouteAction.forward(cnn, { port: 443 }) }],
  });
  new DestinationPolicy(mesh, 'originate-tls', {
    service: cnn,
    name: 'originate-tls-for-edition-cnn-com',
    exportTo: ['.'],
    trafficPolicy: { ports: [{ port: 443, tls: ClientTls.simple({ sni: 'edition.cnn.com', caCertificates: '/etc/ssl/certs/ca-certificates.crt' }) }] },
  });

  const viaGateway = new MeshChart(app, 'egress-gateway');
  const gns = new MeshNamespace(viaGateway, 'Namespace', { name: 'egress-gateway' });
  new ServiceEntry(viaGateway, 'cnn', { namespace: gns.name, hosts: ['edition.cnn.com'], tlsOrigination: { credentialName: 'cnn-ca' }, egressGateway: {} });
  new ServiceEntry(viaGateway, 'orders-db', {
    namespace: gns.name,
    hosts: ['orders-db.example.com'],
    addresses: ['10.20.0.15'],
    ports: [{ number: 5432, protocol: Protocol.TCP, name: 'tcp-postgres' }],
    egressGateway: {},
  });
}

/**
 * A gRPC service routed per method: `SayHelloAgain` to v2, every other call of `helloworld.Greeter` to v1, retried on
 * the gRPC statuses worth retrying. Istio's API matches the method's path; the Gateway API writes a GRPCRoute.
 */
export function buildGrpc(app: App, trafficApi: TrafficApi = TrafficApi.ISTIO): void {
  const gatewayApi = trafficApi === TrafficApi.GATEWAY_API;
  const chart = new MeshChart(app, gatewayApi ? 'grpc-gateway-api' : 'grpc', { trafficApi });
  const namespace = new MeshNamespace(chart, 'Namespace', { name: gatewayApi ? 'grpc-gateway-api' : 'grpc' });
  const greeter = new MeshService(chart, 'greeter', { namespace, ports: [{ port: 50051, protocol: Protocol.GRPC }] });
  const v1 = greeter.addVersion('v1', { image: 'docker.io/grpc/greeter-server:1.66.0' });
  const v2 = greeter.addVersion('v2', { image: 'docker.io/grpc/greeter-server:1.67.0' });
  new ServiceRouting(chart, 'greeter-routes', {
    service: greeter,
    routes: [
      { name: 'say-hello-again', match: [HttpMatch.grpc('helloworld.Greeter', 'SayHelloAgain')], action: RouteAction.forward(v2) },
      {
        name: 'greeter',
        match: [HttpMatch.grpc('helloworld.Greeter')],
        action: RouteAction.forward(v1),
        // the Gateway API's GRPCRoute has neither timeouts nor retries
        ...(gatewayApi ? {} : {
          timeout: Duration.seconds(5),
          retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.UNAVAILABLE, RetryOn.RESOURCE_EXHAUSTED] },
        }),
      },
    ],
  });
}

/**
 * One host split across teams (Istio's VirtualService delegation): the platform team's root VirtualService on
 * `shop.example.com` hands `/catalog` to the catalog team and `/orders` to the orders team, whose routes live in
 * their own namespaces.
 */
export function buildDelegation(app: App): void {
  const platform = new MeshChart(app, 'platform');
  const pns = new MeshNamespace(platform, 'Namespace', { name: 'platform' });
  const gateway = new IngressGateway(platform, 'Gateway', { name: 'shop-gateway', namespace: pns, servers: [{ port: 80, hosts: ['shop.example.com'] }] });

  const team = (name: string, prefix: string) => {
    const chart = new MeshChart(app, name);
    const namespace = new MeshNamespace(chart, 'Namespace', { name });
    const svc = new MeshService(chart, name, { namespace, ports: [{ port: 8080, targetPort: 80 }] });
    const v1 = svc.addVersion('v1', { image: NGINX });
    const v2 = svc.addVersion('v2', { image: NGINX });
    return new DelegateRoutes(chart, `${name}-routes`, {
      namespace,
      routes: [
        { match: [HttpMatch.prefix(`${prefix}/beta`)], action: RouteAction.forward(v2) },
        { match: [HttpMatch.prefix(prefix)], action: RouteAction.forward(v1) },
      ],
    });
  };
  const catalog = team('catalog', '/catalog');
  const orders = team('orders', '/orders');
  new IngressGatewayRoute(platform, 'shop', {
    gateway,
    hosts: ['shop.example.com'],
    namespace: pns,
    routes: [
      { name: 'catalog', match: [HttpMatch.prefix('/catalog')], action: RouteAction.delegate(catalog) },
      { name: 'orders', match: [HttpMatch.prefix('/orders')], action: RouteAction.delegate(orders) },
    ],
  });
}

/**
 * Istio's locality load-balancing tasks (tasks/traffic-management/locality-load-balancing/failover and /distribute) on
 * Istio's helloworld sample, in one cluster: each version's pods say their locality with Istio's pod label
 * (`ServiceVersionOptions.locality`) instead of living on nodes of different zones. `helloworld` fails over by network,
 * region, then zone, with the task's outlier detection, without which Istio would never fail over; `helloworld-weighted`
 * sends clients of region1/zone1 70/20/10 to their own zone, the next zone and region3, which needs no outlier detection.
 */
export function buildLocality(app: App): void {
  const chart = new MeshChart(app, 'locality');
  const namespace = new MeshNamespace(chart, 'Namespace', { name: 'sample' });
  const zone1 = Locality.of('region1/zone1');
  const zone2 = Locality.of('region1/zone2');
  const zone4 = Locality.of('region3/zone4');
  const helloworld = new MeshService(chart, 'helloworld', {
    namespace,
    ports: [{ port: 5000 }],
    trafficPolicy: {
      locality: LocalityLoadBalancing.failoverPriority([TopologyLabel.NETWORK, TopologyLabel.REGION, TopologyLabel.ZONE]),
      // the failover task's: eject an endpoint at its first 5xx, for a minute
      outlierDetection: { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(1) },
    },
  });
  helloworld.addVersion('v1', { image: HELLOWORLD_V1, locality: zone1 });
  helloworld.addVersion('v2', { image: HELLOWORLD_V2, locality: zone2 });
  const weighted = new MeshService(chart, 'helloworld-weighted', {
    namespace,
    ports: [{ port: 5000 }],
    trafficPolicy: {
      locality: LocalityLoadBalancing.distribute([{
        from: Locality.of('region1/zone1/*'),
        to: [
          { locality: Locality.of('region1/zone1/*'), weight: 70 },
          { locality: Locality.of('region1/zone2/*'), weight: 20 },
          { locality: Locality.of('region3/zone4/*'), weight: 10 },
        ],
      }]),
    },
  });
  weighted.addVersion('v1', { image: HELLOWORLD_V1, locality: zone1 });
  weighted.addVersion('v2', { image: HELLOWORLD_V2, locality: zone2 });
  weighted.addVersion('v3', { image: HELLOWORLD_V2, locality: zone4 });
}
