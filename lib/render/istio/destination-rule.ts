import { DestinationRuleSpec } from '../../imports/networking.istio.io';
import { metadataOf } from '../metadata';
import { Manifest, RenderContext, ServiceModel } from '../model';

/**
 * Renders the DestinationRule of a service: one subset per version, selected by the `version` label
 * (and `app` when asked), with the service's and each version's traffic policy.
 *
 * Traffic policies are in Istio's wire format already (the model uses Istio's field names and enum
 * strings), so they are attached as they are, never through the generated types, whose property
 * for `consecutive5xxErrors` is named `consecutive5XxErrors`.
 */
export function renderDestinationRule(service: ServiceModel, ctx: RenderContext): Manifest {
  // a single workload (no versions) has no subset
  const versions = service.versions.filter(v => !v.unversioned);
  const spec: DestinationRuleSpec = {
    host: service.name,
    subsets: versions.map(v => {
      const labels: { [key: string]: string } = service.subsetsSelectApp ? { app: service.app, version: v.label } : { version: v.label };
      return { name: v.name, labels };
    }),
  };
  const subsets = spec.subsets!.map((s, i) => ({ ...s, trafficPolicy: versions[i].trafficPolicy }));
  return {
    apiVersion: `networking.istio.io/${ctx.istioApiVersion}`,
    kind: 'DestinationRule',
    metadata: metadataOf(service.destinationRuleName, service.namespace),
    spec: {
      ...spec,
      subsets: subsets.length > 0 ? subsets : undefined,
      trafficPolicy: service.istioMutualByDefault ? { ...service.trafficPolicy, tls: { mode: 'ISTIO_MUTUAL' } } : service.trafficPolicy,
    },
  };
}
