new MeshComponent('shop', {
  app,
  resourceOptions: [
    { protect: true },
    { select: { kind: 'Deployment' }, ignoreChanges: ['spec.replicas'], customTimeouts: { create: '10m' }, skipAwait: false },
    { select: { chart: 'shop', kind: 'Service', name: 'web' }, retainOnDelete: true, fieldManager: 'platform' },
  ],
  transforms: [({ manifest }) => ({ manifest: { ...manifest, metadata: { ...manifest.metadata, labels: { ...manifest.metadata.labels, team: 'shop' } } } })],
  aliases: { component: ['shop-v1'], charts: { shop: 'storefront' } },
});
// docs: end. What the guide's context gives the lines above: the cdk8s app.
import { App } from 'cdk8s';
import { MeshComponent } from '@mesh-kit/core/pulumi';
declare const app: App;
