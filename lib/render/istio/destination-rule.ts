import { DestinationRuleSpec } from '../../imports/networking.istio.io';
import { hostOf } from '../hosts';
import { metadataOf } from '../metadata';
import { DestinationRuleModel, Manifest, RenderContext, ServiceModel } from '../model';

/**
 * Renders the DestinationRule of a service: one subset per version, selected by the `version` label
 * (and `app` when asked), with the service's and each version's traffic policy.
 */
export function renderDestinationRule(service: ServiceModel, ctx: RenderContext): Manifest {
  // a single workload (no versions) has no subset
  const versions = service.versions.filter(v => !v.unversioned);
  return renderDestinationRuleOf({
    name: service.destinationRuleName,
    namespace: service.namespace,
    host: hostOf({ name: service.name, namespace: service.namespace }, service.namespace, ctx.clusterDomain, ctx.qualifiedHosts),
    subsets: versions.map(v => ({
      name: v.name,
      labels: (service.subsetsSelectApp ? { app: service.app, version: v.label } : { version: v.label }) as { [key: string]: string },
      trafficPolicy: v.trafficPolicy,
    })),
    trafficPolicy: service.trafficPolicy,
    istioMutualByDefault: service.istioMutualByDefault,
    exportTo: service.exportTo,
  }, ctx);
}

/**
 * Renders a DestinationRule. Traffic policies are in Istio's wire format already (the model uses Istio's field names
 * and enum strings), so they are attached as they are, never through the generated types, whose property for
 * `consecutive5xxErrors` is named `consecutive5XxErrors`. Istio does not inherit the host's policy into a port's
 * (`portLevelSettings`): the default mutual TLS is written into each port's policy that sets no TLS.
 */
export function renderDestinationRuleOf(dr: DestinationRuleModel, ctx: RenderContext): Manifest {
  const spec: DestinationRuleSpec = {
    host: dr.host,
    exportTo: dr.exportTo ? [...dr.exportTo] : undefined,
    // a subset without labels is every endpoint of the host (written without `labels`, as Istio's egress-gateway task does)
    subsets: dr.subsets.map(s => ({ name: s.name, labels: Object.keys(s.labels).length > 0 ? { ...s.labels } : undefined })),
  };
  const subsets = spec.subsets!.map((s, i) => ({ ...s, trafficPolicy: dr.subsets[i].trafficPolicy }));
  const mutual = { mode: 'ISTIO_MUTUAL' };
  const policy = dr.istioMutualByDefault ? {
    ...dr.trafficPolicy,
    tls: mutual,
    portLevelSettings: dr.trafficPolicy?.portLevelSettings?.map(p => ({ ...p, tls: p.tls ?? mutual })),
  } : dr.trafficPolicy;
  return {
    apiVersion: `networking.istio.io/${ctx.istioApiVersion}`,
    kind: 'DestinationRule',
    metadata: metadataOf(dr.name, dr.namespace),
    spec: {
      ...spec,
      subsets: subsets.length > 0 ? subsets : undefined,
      trafficPolicy: policy,
    },
  };
}
