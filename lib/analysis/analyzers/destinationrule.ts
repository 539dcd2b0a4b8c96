import { ClientTlsSettings, DestinationRuleSpec } from './types';
import { dottedShortNameHint, hostsMatch, list, nameOf, selectorString, selects, str, strMap, toFqdn } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

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
const hint = (at: string) => `set ${at}.caCertificates, or a credentialName with a workloadSelector (or insecureSkipVerify: true, knowingly)`;

const noVerificationDestinationLevel: Analyzer = {
  analyzer: 'destinationrule.CaCertificateAnalyzer',
  code: 'IST0128',
  name: 'NoServerCertificateVerificationDestinationLevel',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule originates TLS (SIMPLE or MUTUAL) without a CA to verify the server',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => {
    const policies = [
      { at: '', field: 'spec.trafficPolicy.tls', p: drSpec(dr).trafficPolicy },
      ...list(drSpec(dr).subsets).map((s, i) => ({ at: ` (subset '${s?.name}')`, field: `spec.subsets[${i}].trafficPolicy.tls`, p: s?.trafficPolicy })),
    ];
    return policies.filter(({ p }) => unverified(p?.tls, dr)).map(({ at, field, p }) => ({
      object: dr,
      message: `DestinationRule '${name(dr)}' has TLS mode ${p?.tls?.mode}${at} but nothing to verify host '${drSpec(dr).host}' with`,
      field,
      value: p?.tls,
      fix: hint(field),
    }));
  }),
};

const noVerificationPortLevel: Analyzer = {
  analyzer: 'destinationrule.CaCertificateAnalyzer',
  code: 'IST0129',
  name: 'NoServerCertificateVerificationPortLevel',
  level: FindingLevel.WARNING,
  description: 'a port of a DestinationRule originates TLS without a CA to verify the server',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => list(drSpec(dr).trafficPolicy?.portLevelSettings)
    .map((s, i) => ({ s, field: `spec.trafficPolicy.portLevelSettings[${i}].tls` })).filter(({ s }) => unverified(s?.tls, dr)).map(({ s, field }) => ({
      object: dr,
      message: `DestinationRule '${name(dr)}' has TLS mode ${s.tls?.mode} on port ${s.port?.number} but nothing to verify host '${drSpec(dr).host}' with`,
      field,
      value: s.tls,
      fix: hint(field),
    }))),
};

const podNotSelected = 'destinationrule.PodNotSelectedAnalyzer';

/** The hosts of the Services and ServiceEntries (FQDNs), which a wildcard DestinationRule host may cover. */
const coveredCache = new WeakMap<AnalysisContext, string[]>();
function coveredHosts(ctx: AnalysisContext): string[] {
  let hosts = coveredCache.get(ctx);
  if (!hosts) {
    hosts = [
      ...ctx.of('Service', '').map(s => toFqdn(ctx.namespaceOf(s), nameOf(s))),
      ...ctx.of('ServiceEntry', NET).flatMap(se => list(((se.manifest.spec ?? {}) as { hosts?: string[] }).hosts).map(h => toFqdn(ctx.namespaceOf(se), str(h)))),
    ];
    coveredCache.set(ctx, hosts);
  }
  return hosts;
}

const unknownHost: Analyzer = {
  analyzer: podNotSelected,
  code: 'IST0174',
  name: 'UnknownDestinationRuleHost',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule\'s host is no Service or ServiceEntry visible from its namespace',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => {
    const host = drSpec(dr).host ?? '';
    if (ctx.destinationHost(ctx.namespaceOf(dr), drSpec(dr).exportTo, host)) return [];
    // a wildcard host (`*.local`, `*.ns.svc.cluster.local`) applies to every Service it covers: istiod looks a
    // destination's rule up by the most specific matching host (istio/istio pilot/pkg/model/push_context.go
    // destinationRule, with MostSpecificHostMatch of pilot/pkg/model/config.go); istioctl's analyzer looks the
    // wildcard up as one host and reports IST0174, which Istio's analyzer suite does not test
    if (str(host).startsWith('*') && coveredHosts(ctx).some(h => hostsMatch(host, h))) return [];
    const dotted = dottedShortNameHint(ctx, str(host));
    const fix = `point spec.host at a Service or ServiceEntry host visible from namespace '${ctx.namespaceOf(dr)}', or declare '${str(host)}' with a ServiceEntry`;
    return [{
      object: dr,
      // a dotted short name's hint ends with the name to write: the fix
      message: `DestinationRule '${name(dr)}' is for host '${host}', which no Service or ServiceEntry visible from namespace '${ctx.namespaceOf(dr)}' declares${dotted ? dotted.slice(0, dotted.lastIndexOf('; ')) : ''}`,
      field: 'spec.host',
      value: str(host),
      fix: dotted ? dotted.slice(dotted.lastIndexOf('; ') + 2) : fix,
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
      const endpoints = entry.object?.manifest.kind === 'ServiceEntry' && entry.workloadSelector === undefined
        ? list(((entry.object.manifest.spec ?? {}) as { endpoints?: Array<{ labels?: { [k: string]: string } }> }).endpoints) : [];
      return list(drSpec(dr).subsets).map((s, i) => ({ s, i })).filter(({ s }) => {
        const selector = { ...(entry.workloadSelector ?? {}), ...(s?.labels ?? {}) };
        // a subset of a ServiceEntry's endpoints takes the endpoints whose labels it matches (istiod builds the
        // subset's cluster from the entry's endpoints: istio/istio pilot/pkg/serviceregistry/serviceentry/conversion.go
        // keeps each endpoint's labels, pilot/pkg/xds/endpoints/endpoint_builder.go filters them by the subset's);
        // istioctl's analyzer matches pods only and reports IST0173
        if (endpoints.some(e => selects(s?.labels ?? {}, strMap(e?.labels)))) return false;
        // the label index finds the pods of a selector; node topology labels (only with Node objects) need every pod
        if (nodes.size > 0 ? !ctx.pods.some(p => selects(selector, labelsOf(p))) : !ctx.anyPodSelectedBy(selector)) return true;
        // istiod gives a subset the endpoints of the host's Service that carry the subset's labels: the pods the
        // Service selects in its own namespace (istio/istio pilot/pkg/xds/endpoints/endpoint_builder.go), where
        // istioctl's analyzer matches the subset's labels against the pods of every namespace
        const svc = entry.object?.manifest.kind === 'Service' ? entry.object : undefined;
        const svcSelector = svc ? strMap((svc.manifest.spec as { selector?: unknown } | undefined)?.selector) : {};
        return svc !== undefined && Object.keys(svcSelector).length > 0 && nodes.size === 0
          && !ctx.anyPodSelectedBy({ ...svcSelector, ...(s?.labels ?? {}) }, ctx.namespaceOf(svc));
      }).map(({ s, i }) => ({
        object: dr,
        message: `DestinationRule '${name(dr)}' subset '${s?.name}' (${JSON.stringify(s?.labels ?? {})}) selects no pod: no traffic sent to it can be served`,
        field: `spec.subsets[${i}].labels`,
        value: s?.labels ?? {},
        fix: `give the pods of host '${str(drSpec(dr).host)}' the labels ${selectorString(s?.labels)}, or change the labels of subset '${s?.name}' to those of pods that serve it`,
      }));
    });
  },
};

/** The DestinationRule checks. */
export const DESTINATION_RULE_ANALYZERS: Analyzer[] = [noVerificationDestinationLevel, noVerificationPortLevel, unknownHost, subsetSelectsNoPods];
