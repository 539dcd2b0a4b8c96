import { DestinationRuleSpec } from './types';
import { isClusterLocal, selects } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel } from '../model';
import { serviceKey } from './virtual-service';

const NET = 'networking.istio.io';
const drSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as DestinationRuleSpec;
const name = (o: AnalyzedObject) => o.manifest.metadata.name;
const VERIFYING = ['SIMPLE', 'MUTUAL'];

const noVerificationDestinationLevel: Analyzer = {
  code: 'IST0128',
  name: 'NoServerCertificateVerificationDestinationLevel',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule originates TLS (SIMPLE or MUTUAL) without a CA to verify the server',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => {
    const policies = [{ at: '', p: drSpec(dr).trafficPolicy }, ...(drSpec(dr).subsets ?? []).map(s => ({ at: ` (subset '${s.name}')`, p: s.trafficPolicy }))];
    return policies.flatMap(({ at, p }) => {
      const tls = p?.tls;
      return tls && VERIFYING.includes(tls.mode ?? '') && !tls.caCertificates && !tls.credentialName && !tls.insecureSkipVerify
        ? [{ object: dr, message: `DestinationRule '${name(dr)}' has TLS mode ${tls.mode}${at} but no caCertificates (or credentialName) to verify host '${drSpec(dr).host}'` }]
        : [];
    });
  }),
};

const noVerificationPortLevel: Analyzer = {
  code: 'IST0129',
  name: 'NoServerCertificateVerificationPortLevel',
  level: FindingLevel.WARNING,
  description: 'a port of a DestinationRule originates TLS without a CA to verify the server',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => (drSpec(dr).trafficPolicy?.portLevelSettings ?? []).flatMap(s => {
    const tls = s.tls;
    return tls && VERIFYING.includes(tls.mode ?? '') && !tls.caCertificates && !tls.credentialName && !tls.insecureSkipVerify
      ? [{ object: dr, message: `DestinationRule '${name(dr)}' has TLS mode ${tls.mode} on port ${s.port?.number} but no caCertificates (or credentialName) to verify host '${drSpec(dr).host}'` }]
      : [];
  })),
};

const subsetSelectsNoPods: Analyzer = {
  code: 'IST0173',
  name: 'DestinationRuleSubsetNotSelectPods',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule subset selects none of the pods of its Service (when the Service is in the app)',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => {
    const host = drSpec(dr).host;
    const svc = host ? ctx.serviceOf(host, ctx.namespaceOf(dr)) : undefined;
    if (!svc) return [];
    const ns = ctx.namespaceOf(svc);
    const selector = (svc.manifest.spec as { selector?: { [k: string]: string } })?.selector ?? {};
    const pods = ctx.podsSelectedBy(ns, selector);
    if (pods.length === 0) return [];
    return (drSpec(dr).subsets ?? []).filter(s => !pods.some(p => selects(s.labels, p.labels))).map(s => ({
      object: dr,
      message: `DestinationRule '${name(dr)}' subset '${s.name}' (${JSON.stringify(s.labels ?? {})}) selects none of the pods of Service '${svc.manifest.metadata.name}'`,
    }));
  }),
};

const unknownHost: Analyzer = {
  code: 'IST0174',
  name: 'UnknownDestinationRuleHost',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule\'s host is a Service of a namespace where the app declares Services, but not one of them',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => {
    const host = drSpec(dr).host;
    if (!host || !isClusterLocal(host) || ctx.serviceOf(host, ctx.namespaceOf(dr)) || ctx.serviceEntryDeclares(host)) return [];
    const ns = serviceKey(host, ctx.namespaceOf(dr)).split('.')[1];
    const known = ctx.servicesIn(ns);
    return known.length > 0
      ? [{ object: dr, message: `DestinationRule '${name(dr)}' is for host '${host}', which is none of the Services of namespace '${ns}' (${known.map(s => `'${s.manifest.metadata.name}'`).join(', ')})` }]
      : [];
  }),
};

/** The DestinationRule checks. */
export const DESTINATION_RULE_ANALYZERS: Analyzer[] = [noVerificationDestinationLevel, noVerificationPortLevel, subsetSelectsNoPods, unknownHost];
