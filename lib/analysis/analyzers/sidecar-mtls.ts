import { DestinationRuleSpec } from './types';
import { list, nameOf } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';
import { podsOfHost, tlsModes } from './kiali';

/*
 * mesh-kit's own check of DestinationRules' mutual TLS beside Kiali's KIA0207 (kiali.ts): ISTIO_MUTUAL toward pods without a sidecar.
 */

const NET = 'networking.istio.io';
const name = nameOf;
const drSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as DestinationRuleSpec;

const mutualToNoSidecar: Analyzer = {
  analyzer: 'meshkit.DestinationRuleMtlsChecker',
  code: 'MK0001',
  name: 'IstioMutualToWorkloadWithoutSidecar',
  level: FindingLevel.ERROR,
  description: 'a DestinationRule sends ISTIO_MUTUAL to pods that have no sidecar (not in the mesh): they cannot terminate Istio\'s mutual TLS (no Kiali code)',
  run: ctx => ctx.of('DestinationRule', NET).flatMap((dr): RawFinding[] => {
    if (!tlsModes(dr).includes('ISTIO_MUTUAL')) return [];
    const pods = podsOfHost(ctx, ctx.namespaceOf(dr), drSpec(dr).host ?? '');
    const outside = pods.filter(p => !p.inMesh && p.annotations['ambient.istio.io/redirection'] !== 'enabled'
      && ctx.namespace(p.namespace)?.manifest.metadata.labels?.['istio.io/dataplane-mode'] !== 'ambient');
    if (pods.length === 0 || outside.length !== pods.length) return [];
    const subset = list(drSpec(dr).subsets).findIndex(s => s?.trafficPolicy?.tls?.mode === 'ISTIO_MUTUAL');
    const field = drSpec(dr).trafficPolicy?.tls?.mode === 'ISTIO_MUTUAL' ? 'spec.trafficPolicy.tls.mode' : `spec.subsets[${subset}].trafficPolicy.tls.mode`;
    const workload = `${outside[0].object.manifest.kind} '${outside[0].object.manifest.metadata.name}'`;
    return [{
      object: dr,
      message: `DestinationRule '${name(dr)}' sends ISTIO_MUTUAL to '${drSpec(dr).host}', whose pods (${outside[0].object.manifest.metadata.name}) have no sidecar: `
        + 'they cannot answer mutual TLS (mesh-kit MK0001)',
      field,
      value: 'ISTIO_MUTUAL',
      fix: `inject a sidecar into ${workload} (label namespace '${outside[0].namespace}' istio-injection=enabled), or remove ${field} to let auto mutual TLS send plain text to pods without one`,
    }];
  }),
};

/** mesh-kit's check of ISTIO_MUTUAL toward pods without a sidecar. */
export const SIDECAR_MTLS_ANALYZERS: Analyzer[] = [mutualToNoSidecar];
