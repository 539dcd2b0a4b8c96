import { buildBookinfoArgo } from './bookinfo-argo';
import { buildBookinfoFlagger } from './bookinfo-flagger';
import { buildBookinfoStaged } from './bookinfo-staged';
import { buildNginxArgo } from './nginx-argo';
import { buildNginxFlagger } from './nginx-flagger';
import { buildNginxStaged } from './nginx-staged';
import { GatewayDeployment, InstallOutput, IstioGateway, IstioInstallation, IstioProfile, MeshApp, MeshChart, ObservabilityAddons, ProgressiveDeliveryController } from '@mesh-kit/core';

const app = new MeshApp();
// the Prometheus the self-driving canaries read (istio-system): dist/observability.k8s.yaml
const addons = new ObservabilityAddons(new MeshChart(app, 'observability'), 'addons', {});
// Istio and the canary controllers (Argo Rollouts and Flagger, each driving its own canaries), installed by Argo CD
// (one pinned Application per chart, in sync waves):
// dist/istio.k8s.yaml
const istio = new MeshChart(app, 'istio', { namespace: 'istio-system', argoCdSyncWaves: true });
const installation = new IstioInstallation(istio, 'istio', {
  version: '1.28.0',
  // the ambient profile (istiod with ambient on, istio-cni, ztunnel): ambient for Bookinfo's Flagger canary, sidecars
  // still injected where namespaces ask (nginx, the Argo canaries), as Istio runs the two side by side
  profile: IstioProfile.AMBIENT,
  output: InstallOutput.argoCd(),
  progressiveDelivery: [
    ProgressiveDeliveryController.argoRollouts({ chartVersion: '2.41.0' }),
    ProgressiveDeliveryController.flagger({ chartVersion: '1.44.0' }),
  ],
});
installation.addObservability(addons);
// the ingress gateway the nginx Gateways select (istio=ingressgateway), the gateway chart's release
new IstioGateway(istio, 'istio-ingressgateway', { installation, deployment: GatewayDeployment.HELM_CHART });
buildNginxStaged(app); // dist/nginx-staged.k8s.yaml and nginx-staged-canary.{stage-10,stage-50,stage-100,rollback}.k8s.yaml
buildNginxArgo(app, addons); // dist/nginx-argo.k8s.yaml
buildBookinfoStaged(app); // dist/bookinfo-staged.k8s.yaml and reviews-staged-canary.{stage-50,stage-100,rollback}.k8s.yaml
buildBookinfoArgo(app, addons); // dist/bookinfo-argo.k8s.yaml
buildNginxFlagger(app, addons); // dist/flagger/nginx.k8s.yaml
buildBookinfoFlagger(app, addons); // dist/flagger/bookinfo.k8s.yaml
app.synth();
