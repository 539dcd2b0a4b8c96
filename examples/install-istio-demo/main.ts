/**
 * The seed "Istio on OKE", declared instead of typed by hand: `istioctl install --set profile=demo`, then istiod, the
 * ingress gateway and the egress gateway scaled to 2 replicas with PodDisruptionBudgets (one replica with the default
 * budget blocks every node drain) — then Bookinfo, whose Gateway selects the ingress gateway deployed here.
 *
 * dist/istio/ is applied first (its README has the helm commands; the gateways are in dist/istio.k8s.yaml), then the rest.
 */
import { buildBookinfo } from '../bookinfo/app';
import { DisruptionBudget, GatewayKind, InstallOutput, IstioGateway, IstioInstallation, IstioProfile, MeshApp, MeshChart } from '@mesh-kit/core';

const app = new MeshApp();
const istio = new MeshChart(app, 'istio', { namespace: 'istio-system' });
const installation = new IstioInstallation(istio, 'istio', {
  version: '1.28.0',
  profile: IstioProfile.DEMO,
  output: InstallOutput.helm(),
  istiod: { replicas: 2 },
});
// what the seed did by hand: two replicas each, and a budget that lets one go
for (const kind of [GatewayKind.INGRESS, GatewayKind.EGRESS]) {
  new IstioGateway(istio, `istio-${kind}gateway`, { kind, installation, replicas: 2, disruptionBudget: DisruptionBudget.minAvailable(1) });
}
// Bookinfo's Gateway selects `istio: ingressgateway`: the pods of the gateway above
buildBookinfo(app, { scenarios: ['virtual-service-all-v1'] }).productpage.node.addDependency(istio);
app.synth();
