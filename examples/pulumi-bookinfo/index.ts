/**
 * `pulumi up` for Bookinfo (see program.ts): Istio installed from its Helm charts, then Bookinfo in a namespace Pulumi
 * creates, behind a gateway whose host and certificate come from other resources.
 * In a platform repo: `import { MeshComponent, MeshInput } from '@mesh-kit/core/pulumi'`.
 */
import { bookinfoProgram } from './program';

const { mesh } = bookinfoProgram();

export const objectCount = mesh.objectCount;
export const resourceNames = mesh.plan.map(p => p.name);
export const releaseNames = mesh.releasePlan.map(r => r.name);
export const productpageHost = mesh.services['bookinfo/productpage'].host;
export const gatewayServers = mesh.gateways['bookinfo-gateway/bookinfo-gateway'].servers;
export const findings = mesh.findings;
