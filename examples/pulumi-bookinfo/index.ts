/**
 * `pulumi up` for Bookinfo: the same constructs as the cdk8s example (examples/bookinfo), carried into
 * Pulumi by MeshComponent: one typed @pulumi/kubernetes resource per object `cdk8s synth` writes —
 * after Istio itself, installed from its Helm charts as `helm.v3.Release`s in order (base, istiod),
 * with the ingress gateway Bookinfo's Gateway selects.
 * In a platform repo: `import { MeshComponent } from '@mesh-kit/core/pulumi'`.
 */
import { App } from 'cdk8s';
import { IstioGateway, IstioInstallation, MeshChart } from '../../lib';
import { MeshComponent } from '../../lib/pulumi';
import { buildBookinfo } from '../bookinfo/app';

const app = new App();
// Istio first: every object of the component depends on its releases (installation → workloads → routes)
const istio = new MeshChart(app, 'istio', { namespace: 'istio-system' });
const installation = new IstioInstallation(istio, 'istio', { version: '1.28.0' });
new IstioGateway(istio, 'istio-ingressgateway', { installation });
// One routing scenario per deployment: scenarios are alternatives for the same VirtualServices.
buildBookinfo(app, { scenarios: ['virtual-service-all-v1'] });

export const mesh = new MeshComponent('bookinfo', { app });
export const objectCount = mesh.objectCount;
export const resourceNames = mesh.plan.map(p => p.name);
export const releaseNames = mesh.releasePlan.map(r => r.name);
