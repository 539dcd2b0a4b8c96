import { DestinationRuleSpec, toJson_DestinationRuleSpec } from '../../imports/networking.istio.io';
import { metadataOf } from '../metadata';
import { Manifest, RenderContext, ServiceModel } from '../model';

/**
 * Renders the DestinationRule of a service: one subset per version, selected by the `version` label.
 */
export function renderDestinationRule(service: ServiceModel, ctx: RenderContext): Manifest {
  const spec: DestinationRuleSpec = {
    host: service.name,
    subsets: service.versions.map(v => {
      const labels: { [key: string]: string } = service.subsetsSelectApp ? { app: service.app, version: v.label } : { version: v.label };
      return { name: v.name, labels };
    }),
  };
  return {
    apiVersion: `networking.istio.io/${ctx.istioApiVersion}`,
    kind: 'DestinationRule',
    metadata: metadataOf(service.destinationRuleName, service.namespace),
    spec: toJson_DestinationRuleSpec(spec),
  };
}
