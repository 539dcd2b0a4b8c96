import { MeshApp, MeshChart, ObservabilityAddons } from '@mesh-kit/core';
import { buildBookinfoArgo } from './bookinfo-argo';
import { buildBookinfoStaged } from './bookinfo-staged';
import { buildNginxArgo } from './nginx-argo';
import { buildNginxStaged } from './nginx-staged';

const app = new MeshApp();
// the Prometheus the self-driving canaries read (istio-system): dist/observability.k8s.yaml
const addons = new ObservabilityAddons(new MeshChart(app, 'observability'), 'addons', {});
buildNginxStaged(app); // dist/nginx-staged.k8s.yaml and nginx-staged-canary.{stage-10,stage-50,stage-100,rollback}.k8s.yaml
buildNginxArgo(app, addons); // dist/nginx-argo.k8s.yaml
buildBookinfoStaged(app); // dist/bookinfo-staged.k8s.yaml and reviews-staged-canary.{stage-50,stage-100,rollback}.k8s.yaml
buildBookinfoArgo(app, addons); // dist/bookinfo-argo.k8s.yaml
app.synth();
