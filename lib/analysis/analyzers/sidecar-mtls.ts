import { DestinationRuleSpec } from './types';
import { nameOf } from '../context';
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
    return pods.length > 0 && outside.length === pods.length ? [{
      object: dr,
      message: `DestinationRule '${name(dr)}' sends ISTIO_MUTUAL to '${drSpec(dr).host}', whose pods (${outside[0].object.manifest.metadata.name}) have no sidecar: `
        + 'they cannot answer mutual TLS (mesh-kit MK0001): inject them, or use tls DISABLE / auto mutual TLS',
    }] : [];
  }),
};

/** mesh-kit's check of ISTIO_MUTUAL toward pods without a sidecar. */
export const SIDECAR_MTLS_ANALYZERS: Analyzer[] = [mutualToNoSidecar];
