/**
 * The installation of the ambient Bookinfo (examples/bookinfo, `dist/ambient/`): Istio's ambient profile, so istiod,
 * istio-cni and ztunnel, in install order, with the revision tags its waypoints name (`stable`, `rapid`).
 */
import { buildBookinfoMesh } from '../bookinfo/ambient';
import { DataPlane, InstallOutput, IstioInstallation, IstioProfile, MeshApp, MeshChart } from '@mesh-kit/core';

const app = new MeshApp();
const istio = new MeshChart(app, 'istio', { namespace: 'istio-system' });
new IstioInstallation(istio, 'istio', {
  version: '1.28.0',
  profile: IstioProfile.AMBIENT,
  revision: '1-28-0',
  revisionTags: ['stable', 'rapid'],
  output: InstallOutput.helm(),
});
buildBookinfoMesh(app, DataPlane.AMBIENT);
app.synth();
