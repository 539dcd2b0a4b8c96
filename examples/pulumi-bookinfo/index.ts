/**
 * `pulumi up` for Bookinfo: the same constructs as the cdk8s example (examples/bookinfo), carried into
 * Pulumi by MeshComponent: one typed @pulumi/kubernetes resource per object `cdk8s synth` writes.
 * In a platform repo: `import { MeshComponent } from '@mesh-kit/core/pulumi'`.
 */
import { App } from 'cdk8s';
import { MeshComponent } from '../../lib/pulumi';
import { buildBookinfo } from '../bookinfo/app';

const app = new App();
// One routing scenario per deployment: scenarios are alternatives for the same VirtualServices.
buildBookinfo(app, { scenarios: ['virtual-service-all-v1'] });

export const mesh = new MeshComponent('bookinfo', { app });
export const objectCount = mesh.objectCount;
export const resourceNames = mesh.plan.map(p => p.name);
