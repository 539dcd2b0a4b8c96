import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { emit } from '../hosting/cdk8s/emit';
import { InstallationModel, renderArgoApplications, renderFluxObjects } from '../render/install';
import { Manifest } from '../render/model';

/**
 * Emits the GitOps objects (Argo CD Applications, Flux HelmRepository and HelmReleases) of an installation that are not
 * yet in `emitted`, into its chart. Their bodies are rendered at synth (add-ons added later count), and so are their
 * annotations: the sync waves number the releases, which a gateway deployed with the gateway chart adds to.
 */
export function emitGitOpsObjects(scope: Construct, model: () => InstallationModel, emitted: Map<string, ApiObject>): void {
  const kind = model().output.kind;
  if (kind !== 'argo-cd' && kind !== 'flux') return;
  const objects = (): Manifest[] => (kind === 'argo-cd' ? renderArgoApplications(model()) : renderFluxObjects(model()));
  for (const o of objects()) {
    const key = `${o.kind}/${o.metadata.name}`;
    if (emitted.has(key)) continue;
    emitted.set(key, emit(scope, key.replace('/', '-'), {
      apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, renderedAnnotations: true, body: ['spec'],
    }, () => objects().find(x => `${x.kind}/${x.metadata.name}` === key)!));
  }
}
