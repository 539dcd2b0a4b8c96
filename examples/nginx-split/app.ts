/**
 * The nginx 1.16 / 1.17 split behind an Istio gateway, from the k8s-testbed seed: two versions of
 * one Service, a Gateway for `*.hung.org.hk` and a VirtualService that splits 50/50 (`nginx-split`),
 * plus the same split as a staged canary rollout (90/10 → 50/50 → 0/100).
 */
import { App } from 'cdk8s';
import { ConfigMap } from 'cdk8s-plus-27';
import {
  CanaryOverride,
  ClientTls,
  CanaryPlan,
  CanaryRelease,
  HeaderMatch,
  IngressGateway,
  IngressGatewayRoute,
  IstioApiVersion,
  MeshChart,
  MeshService,
  Protocol,
  RouteAction,
  Suppressions,
  TransportProtocol,
  Volume,
  VolumeMount,
  WorkloadSecurity,
} from '@mesh-kit/core';

/** The echo file each version serves at /echo/test.txt. */
const echoFile = (minor: string) => Volume.fromConfigMap('echo-txt', 'nginx-static-files', { items: { [`echo.txt.v${minor}`]: 'test.txt' } });

/** Builds the seed's manifests (`nginx-split`) into `app`. */
export function buildNginxSplit(app: App): { nginx: MeshService; gateway: IngressGateway } {
  // The seed dates from 2020 and uses networking.istio.io/v1alpha3.
  const chart = new MeshChart(app, 'nginx-split', { istioApiVersion: IstioApiVersion.V1ALPHA3 });

  new ConfigMap(chart, 'StaticFiles', {
    metadata: { name: 'nginx-static-files', namespace: 'default' },
    data: {
      'echo.txt.v1.17': "Hello, I'm going into nginx v1.17.9!!!",
      'echo.txt.v1.16': "Hello, I'm going into nginx v1.16.1!!!",
    },
  });

  const nginx = new MeshService(chart, 'NginxService', {
    name: 'nginx-svc',
    app: 'nginx',
    containerName: 'nginx',
    destinationRuleName: 'nginx',
    subsetsSelectApp: true,
    deploymentLabels: { deploy: 'nginx' },
    replicas: 3,
    ports: [
      { port: 80, transport: TransportProtocol.TCP },
      { port: 443, protocol: Protocol.HTTPS, transport: TransportProtocol.TCP },
    ],
    volumeMounts: [VolumeMount.of(echoFile('1.17'), '/usr/share/nginx/html/echo')],
    // The official nginx image starts as root (it binds port 80, then drops to the nginx user).
    security: WorkloadSecurity.unset(),
    // The seed's DestinationRule writes no TLS (Istio's auto mutual TLS decides).
    trafficPolicy: { tls: ClientTls.auto() },
  });
  nginx.addVersion('v117', { image: 'nginx:1.17.9', label: '1.17', podLabels: { 'minor-version': '1.17.9' } });
  nginx.addVersion('v116', { image: 'nginx:1.16.1', label: '1.16', podLabels: { 'minor-version': '1.16.1' }, volumes: [echoFile('1.16')] });

  const gateway = new IngressGateway(chart, 'Gateway', { name: 'nginx-gateway', servers: [{ port: 80, hosts: ['*.hung.org.hk'] }] });
  const route = new IngressGatewayRoute(chart, 'Route', {
    name: 'nginx',
    gateway,
    hosts: ['nginx.hung.org.hk'],
    routes: [{
      action: RouteAction.weightedForward([
        { target: nginx.version('v117'), weight: 50 },
        { target: nginx.version('v116'), weight: 50 },
      ]),
    }],
  });
  Suppressions.add(route, 'IST0112', 'the seed routes to nginx-svc without a port; both of its ports serve the same site');
  return { nginx, gateway };
}

/**
 * The same split as a staged rollout of 1.17 over 1.16: 90/10, then 50/50, then 0/100, each stage
 * (and the rollback to 100% 1.16) a file of its own. Unlike the seed it names the port (80), so no
 * suppression is needed; `x-canary: always` reaches 1.17 at every stage.
 */
export function buildNginxCanary(app: App, nginx: MeshService, gateway: IngressGateway): CanaryRelease {
  return new CanaryRelease(app, 'nginx-canary', {
    service: nginx,
    stable: nginx.version('v116'),
    canary: nginx.version('v117'),
    plan: CanaryPlan.stages([10, 50, 100]),
    override: CanaryOverride.header(HeaderMatch.exact('x-canary', 'always')),
    ingress: { gateway, hosts: ['nginx.hung.org.hk'] },
    name: 'nginx',
    port: 80,
  });
}
