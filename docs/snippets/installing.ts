const istio = new MeshChart(app, 'istio', { namespace: 'istio-system' });
const installation = new IstioInstallation(istio, 'istio', {
  version: '1.28.0',                       // exact: the charts (and istiod's images) are pinned
  profile: IstioProfile.DEMO,              // istioctl's profiles; the charts' `profile` value under Helm
  output: InstallOutput.helm(),            // or istioOperator(), argoCd({ project }), flux()
  istiod: { replicas: 2 },                 // default: autoscaled from 2 to 5 pods
  meshConfig: { accessLogFile: '/dev/stdout', outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY },
  observability: addons,                   // the add-ons' tracing collector becomes an extension provider
});
const ingress = new IstioGateway(istio, 'istio-ingressgateway', { installation });
new IngressGateway(apps, 'web', { gateway: ingress, servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
// docs: end. What the guide's context gives the lines above (test/readme.test.ts runs them with these built).
import { App } from 'cdk8s';
import { IngressGateway, InstallOutput, IstioGateway, IstioInstallation, IstioProfile, MeshChart, ObservabilityAddons, OutboundTrafficPolicyMode } from '@mesh-kit/core';
declare const app: App;
declare const apps: MeshChart;
declare const addons: ObservabilityAddons;
