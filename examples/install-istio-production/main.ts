/**
 * A production installation, reviewed and versioned with the services it serves: Istio's default profile at a
 * revision with the `stable` tag (canary upgrades move the tag, not the namespaces), istiod autoscaled from two pods,
 * access logs in JSON, only registered hosts reachable, the tracing collector of the add-ons registered as a provider —
 * installed by Argo CD (one Application per chart, pinned, in sync waves before the workloads).
 */
import { buildIstioAddons } from '../observability/app';
import {
  AccessLogEncoding, Autoscaling, GatewayDeployment, HttpMatch, IngressGateway, IngressGatewayRoute, InstallOutput, IstioGateway, IstioInstallation,
  MeshApp,
  MeshChart, MeshNamespace, MeshService, NamespaceInjection, OutboundTrafficPolicyMode, RouteAction,
} from '@mesh-kit/core';

// the gateway's certificate is issued by cert-manager, outside this app
const app = new MeshApp({ analysis: { externals: { secrets: ['istio-system/telemetry-gateway-cert'] } } });
const istio = new MeshChart(app, 'istio', { namespace: 'istio-system', argoCdSyncWaves: true });
const installation = new IstioInstallation(istio, 'istio', {
  version: '1.28.0',
  revision: '1-28-0',
  revisionTags: ['stable'],
  output: InstallOutput.argoCd({ project: 'platform' }),
  istiod: { autoscaling: Autoscaling.of({ minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 }) },
  meshConfig: {
    accessLogFile: '/dev/stdout',
    accessLogEncoding: AccessLogEncoding.JSON,
    outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
  },
});
// the ingress gateway is the gateway chart's release, installed by Argo CD after istiod (its values checked with the chart's schema)
const ingress = new IstioGateway(istio, 'istio-ingressgateway', { installation, deployment: GatewayDeployment.HELM_CHART });
// the add-ons' Jaeger collector becomes the mesh config's `jaeger` provider, which their Telemetry names
installation.addObservability(buildIstioAddons(app));

const shop = new MeshChart(app, 'shop', { namespace: 'shop', argoCdSyncWaves: true });
const namespace = new MeshNamespace(shop, 'Namespace', { name: 'shop', injection: NamespaceInjection.revision('stable') });
const web = new MeshService(shop, 'web', { namespace, ports: [{ port: 8080 }], image: 'ghcr.io/example/web:1.4.2' });
const gateway = new IngressGateway(shop, 'web-gateway', { namespace, gateway: ingress, servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
new IngressGatewayRoute(shop, 'web-route', { namespace, gateway, hosts: ['shop.example.com'], routes: [{ match: [HttpMatch.prefix('/')], action: RouteAction.forward(web) }] });
shop.addDependency(istio);
app.synth();
