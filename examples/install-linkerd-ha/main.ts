/**
 * Linkerd's control plane in high availability (three replicas, disruption budgets, anti-affinity, an injector that
 * fails closed), its identity from the Secrets cert-manager and trust-manager keep (nothing secret in Git), linkerd-viz
 * wired to the add-ons — installed by Flux, each HelmRelease pinned and depending on the one before — and Emojivoto.
 */
import { buildEmojivoto } from '../linkerd-emojivoto/app';
import { buildLinkerdAddons } from '../observability/app';
import { InstallOutput, LinkerdIdentity, LinkerdInstallation, MeshApp, MeshChart, MeshProvider } from '@mesh-kit/core';

const app = new MeshApp();
const linkerd = new MeshChart(app, 'linkerd', { mesh: MeshProvider.LINKERD });
new LinkerdInstallation(linkerd, 'linkerd', {
  version: '2025.11.3',
  output: InstallOutput.flux(),
  identity: LinkerdIdentity.fromSecrets(),
  observability: buildLinkerdAddons(app),
});
buildEmojivoto(app);
app.synth();
