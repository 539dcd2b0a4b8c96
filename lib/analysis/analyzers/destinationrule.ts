import { ClientTlsSettings, DestinationRuleSpec } from './types';
import { list, nameOf, selects } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const NET = 'networking.istio.io';
const drSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as DestinationRuleSpec;
const name = nameOf;

/**
 * TLS that originates without a way to verify the server: SIMPLE or MUTUAL with no caCertificates, and no credentialName
 * that a workloadSelector makes usable (Istio reads a DestinationRule's credentialName only for the workloads it selects).
 */
function unverified(tls: ClientTlsSettings | undefined, dr: AnalyzedObject): boolean {
  if (!tls || !['SIMPLE', 'MUTUAL'].includes(tls.mode ?? '') || tls.insecureSkipVerify === true || tls.caCertificates) return false;
  const selector = drSpec(dr).workloadSelector?.matchLabels;
  return !(tls.credentialName && selector && Object.keys(selector).length > 0);
}
const hint = 'give caCertificates, or a credentialName with a workloadSelector (or insecureSkipVerify: true, knowingly)';

const noVerificationDestinationLevel: Analyzer = {
  analyzer: 'destinationrule.CaCertificateAnalyzer',
  code: 'IST0128',
  name: 'NoServerCertificateVerificationDestinationLevel',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule originates TLS (SIMPLE or MUTUAL) without a CA to verify the server',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => {
    const policies = [{ at: '', p: drSpec(dr).trafficPolicy }, ...list(drSpec(dr).subsets).map(s => ({ at: ` (subset '${s?.name}')`, p: s?.trafficPolicy }))];
    return policies.filter(({ p }) => unverified(p?.tls, dr)).map(({ at, p }) => ({
      object: dr,
      message: `DestinationRule '${name(dr)}' has TLS mode ${p?.tls?.mode}${at} but nothing to verify host '${drSpec(dr).host}' with: ${hint}`,
    }));
  }),
};

const noVerificationPortLevel: Analyzer = {
  analyzer: 'destinationrule.CaCertificateAnalyzer',
  code: 'IST0129',
  name: 'NoServerCertificateVerificationPortLevel',
  level: FindingLevel.WARNING,
  description: 'a port of a DestinationRule originates TLS without a CA to verify the server',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => list(drSpec(dr).trafficPolicy?.portLevelSettings).filter(s => unverified(s?.tls, dr)).map(s => ({
    object: dr,
    message: `DestinationRule '${name(dr)}' has TLS mode ${s.tls?.mode} on port ${s.port?.number} but nothing to verify host '${drSpec(dr).host}' with: ${hint}`,
  }))),
};

const podNotSelected = 'destinationrule.PodNotSelectedAnalyzer';

const unknownHost: Analyzer = {
  analyzer: podNotSelected,
  code: 'IST0174',
  name: 'UnknownDestinationRuleHost',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule\'s host is no Service or ServiceEntry visible from its namespace',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => {
    const host = drSpec(dr).host ?? '';
    return ctx.destinationHost(ctx.namespaceOf(dr), drSpec(dr).exportTo, host) ? [] : [{
      object: dr,
      message: `DestinationRule '${name(dr)}' is for host '${host}', which no Service or ServiceEntry visible from namespace '${ctx.namespaceOf(dr)}' declares`,
    }];
  }),
};

/** Kubernetes topology labels Istio adds to endpoints from their node (istio/istio pilot label.AugmentLabels). */
const TOPOLOGY = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

const subsetSelectsNoPods: Analyzer = {
  analyzer: podNotSelected,
  code: 'IST0173',
  name: 'DestinationRuleSubsetNotSelectPods',
  level: FindingLevel.ERROR,
  description: 'a DestinationRule subset selects no pod (labels, with the node\'s topology labels a pod gets)',
  run: ctx => {
    const nodes = new Map(ctx.of('Node').map(n => [name(n), n.manifest.metadata.labels ?? {}]));
    const labelsOf = (p: typeof ctx.pods[number]) => {
      const node = typeof p.spec.nodeName === 'string' ? p.spec.nodeName : '';
      const nl = nodes.get(node);
      if (!nl) return p.labels;
      return { ...p.labels, ...Object.fromEntries(TOPOLOGY.filter(k => nl[k] !== undefined && nl[k] !== '').map(k => [k, nl[k]])), 'kubernetes.io/hostname': node };
    };
    return ctx.of('DestinationRule', NET).flatMap((dr): RawFinding[] => {
      const entry = ctx.destinationHost(ctx.namespaceOf(dr), drSpec(dr).exportTo, drSpec(dr).host ?? '');
      if (!entry || entry.external) return [];
      return list(drSpec(dr).subsets).filter(s => {
        const selector = { ...(entry.workloadSelector ?? {}), ...(s?.labels ?? {}) };
        // the label index finds the pods of a selector; node topology labels (only with Node objects) need every pod
        return nodes.size > 0 ? !ctx.pods.some(p => selects(selector, labelsOf(p))) : !ctx.anyPodSelectedBy(selector);
      }).map(s => ({
        object: dr,
        message: `DestinationRule '${name(dr)}' subset '${s?.name}' (${JSON.stringify(s?.labels ?? {})}) selects no pod: no traffic sent to it can be served`,
      }));
    });
  },
};

/** The DestinationRule checks. */
export const DESTINATION_RULE_ANALYZERS: Analyzer[] = [noVerificationDestinationLevel, noVerificationPortLevel, unknownHost, subsetSelectsNoPods];
