import { AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

type Where = 'pod' | 'service' | 'any';
type Check = (v: string) => string | undefined;

const oneOf = (...values: string[]): Check => v => (values.includes(v) ? undefined : `must be one of ${values.join(', ')}`);
const bool = oneOf('true', 'false');
const quantity: Check = v => (/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.test(v) ? undefined : 'must be a Kubernetes quantity, e.g. 100m or 128Mi');
const ports: Check = v => (v === '' || v === '*' || /^\d{1,5}(,\s*\d{1,5})*$/.test(v) ? undefined : 'must be \'*\' or a comma-separated list of port numbers');
const cidrs: Check = v => (v === '' || v === '*' || /^[0-9a-fA-F.:]+\/\d{1,3}(,\s*[0-9a-fA-F.:]+\/\d{1,3})*$/.test(v) ? undefined : 'must be \'*\' or a comma-separated list of CIDRs');
const json: Check = v => { try { JSON.parse(v); return undefined; } catch { return 'must be JSON'; } };
const positive: Check = v => (/^\d+$/.test(v) ? undefined : 'must be a whole number');

/** Istio's annotations this analyzer knows: where each belongs, and what its value must be. */
const KNOWN: { [key: string]: { where: Where; check?: Check; deprecated?: string } } = {
  'sidecar.istio.io/inject': { where: 'pod', check: bool, deprecated: 'use the pod label sidecar.istio.io/inject instead' },
  'sidecar.istio.io/proxyCPU': { where: 'pod', check: quantity },
  'sidecar.istio.io/proxyMemory': { where: 'pod', check: quantity },
  'sidecar.istio.io/proxyCPULimit': { where: 'pod', check: quantity },
  'sidecar.istio.io/proxyMemoryLimit': { where: 'pod', check: quantity },
  'sidecar.istio.io/logLevel': { where: 'pod', check: oneOf('trace', 'debug', 'info', 'warning', 'error', 'critical', 'off') },
  'sidecar.istio.io/componentLogLevel': { where: 'pod' },
  'sidecar.istio.io/agentLogLevel': { where: 'pod' },
  'sidecar.istio.io/proxyImage': { where: 'pod' },
  'sidecar.istio.io/proxyImageType': { where: 'pod' },
  'sidecar.istio.io/interceptionMode': { where: 'pod', check: oneOf('REDIRECT', 'TPROXY', 'NONE') },
  'sidecar.istio.io/rewriteAppHTTPProbers': { where: 'pod', check: bool },
  'sidecar.istio.io/userVolume': { where: 'pod', check: json },
  'sidecar.istio.io/userVolumeMount': { where: 'pod', check: json },
  'sidecar.istio.io/bootstrapOverride': { where: 'pod' },
  'sidecar.istio.io/discoveryAddress': { where: 'pod' },
  'sidecar.istio.io/statsInclusionPrefixes': { where: 'pod', deprecated: 'use proxy.istio.io/config\'s proxyStatsMatcher' },
  'sidecar.istio.io/statsInclusionSuffixes': { where: 'pod', deprecated: 'use proxy.istio.io/config\'s proxyStatsMatcher' },
  'sidecar.istio.io/statsInclusionRegexps': { where: 'pod', deprecated: 'use proxy.istio.io/config\'s proxyStatsMatcher' },
  'sidecar.istio.io/statsHistogramBuckets': { where: 'pod', check: json },
  'sidecar.istio.io/statsCompression': { where: 'pod' },
  'sidecar.istio.io/extraStatTags': { where: 'pod' },
  'sidecar.istio.io/enableCoreDump': { where: 'pod', check: bool },
  'sidecar.istio.io/nativeSidecar': { where: 'pod', check: bool },
  'sidecar.istio.io/status': { where: 'pod' },
  'traffic.sidecar.istio.io/includeOutboundIPRanges': { where: 'pod', check: cidrs },
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': { where: 'pod', check: cidrs },
  'traffic.sidecar.istio.io/includeInboundPorts': { where: 'pod', check: ports },
  'traffic.sidecar.istio.io/excludeInboundPorts': { where: 'pod', check: ports },
  'traffic.sidecar.istio.io/includeOutboundPorts': { where: 'pod', check: ports },
  'traffic.sidecar.istio.io/excludeOutboundPorts': { where: 'pod', check: ports },
  'traffic.sidecar.istio.io/kubevirtInterfaces': { where: 'pod' },
  'traffic.sidecar.istio.io/excludeInterfaces': { where: 'pod' },
  'proxy.istio.io/config': { where: 'pod' },
  'proxy.istio.io/overrides': { where: 'pod' },
  'readiness.status.sidecar.istio.io/applicationPorts': { where: 'pod', check: ports },
  'readiness.status.sidecar.istio.io/initialDelaySeconds': { where: 'pod', check: positive },
  'readiness.status.sidecar.istio.io/periodSeconds': { where: 'pod', check: positive },
  'readiness.status.sidecar.istio.io/failureThreshold': { where: 'pod', check: positive },
  'status.sidecar.istio.io/port': { where: 'pod', check: positive },
  'prometheus.istio.io/merge-metrics': { where: 'pod', check: bool },
  'inject.istio.io/templates': { where: 'pod' },
  'ambient.istio.io/redirection': { where: 'pod' },
  'networking.istio.io/exportTo': { where: 'service' },
  'networking.istio.io/traffic-distribution': { where: 'service' },
  'networking.istio.io/address-type': { where: 'service' },
  'networking.istio.io/service-type': { where: 'service' },
  'alpha.istio.io/kubernetes-serviceaccounts': { where: 'service' },
  'alpha.istio.io/canonical-serviceaccounts': { where: 'service' },
  'istio.io/rev': { where: 'any' },
  'istio.io/dry-run': { where: 'any', check: bool },
  'galley.istio.io/analyze-suppress': { where: 'any' },
  'topology.istio.io/controlPlaneClusters': { where: 'any' },
};

/** Annotations in one of Istio's domains (`*.istio.io/...`). */
const isIstio = (key: string) => /^([a-z0-9-]+\.)*istio\.io\//.test(key);

interface Placed { object: AnalyzedObject; where: 'pod' | 'service' | 'other'; at: string; annotations: { readonly [k: string]: string } }

const placedCache = new WeakMap<readonly AnalyzedObject[], Placed[]>();

/** Every annotation map of the Istio charts' objects that has an Istio annotation: metadata, and pod templates (computed once per analysis). */
function placed(objects: readonly AnalyzedObject[]): Placed[] {
  const cached = placedCache.get(objects);
  if (cached) return cached;
  const out: Placed[] = [];
  for (const o of objects.filter(x => x.mesh === 'istio')) {
    const kind = o.manifest.kind;
    out.push({ object: o, where: kind === 'Pod' ? 'pod' : kind === 'Service' ? 'service' : 'other', at: 'metadata.annotations', annotations: o.manifest.metadata.annotations ?? {} });
    const tpl = (o.manifest.spec as { template?: { metadata?: { annotations?: { [k: string]: string } } } } | undefined)?.template;
    if (tpl?.metadata?.annotations) out.push({ object: o, where: 'pod', at: 'spec.template.metadata.annotations', annotations: tpl.metadata.annotations });
  }
  const relevant = out.filter(p => Object.keys(p.annotations).some(isIstio));
  placedCache.set(objects, relevant);
  return relevant;
}

const describe = (p: Placed) => `${p.object.manifest.kind} '${p.object.manifest.metadata.name}' ${p.at}`;

const misplaced: Analyzer = {
  code: 'IST0107',
  name: 'MisplacedAnnotation',
  level: FindingLevel.WARNING,
  description: 'an Istio annotation is on a kind of object it does not apply to (e.g. a pod annotation on a Deployment\'s own metadata)',
  run: ctx => placed(ctx.objects).flatMap(p => Object.keys(p.annotations).flatMap((k): RawFinding[] => {
    const known = KNOWN[k];
    if (!known || known.where === 'any' || known.where === p.where) return [];
    return [{ object: p.object, message: `${describe(p)}: annotation '${k}' applies to ${known.where === 'pod' ? 'pods (a workload\'s spec.template.metadata)' : 'Services'} only` }];
  })),
};

const unknown: Analyzer = {
  code: 'IST0108',
  name: 'UnknownAnnotation',
  level: FindingLevel.WARNING,
  description: 'an annotation in an Istio domain is not one Istio knows (usually a typo)',
  run: ctx => placed(ctx.objects).flatMap(p => Object.keys(p.annotations).filter(k => isIstio(k) && !KNOWN[k]).map(k => ({
    object: p.object,
    message: `${describe(p)}: unknown Istio annotation '${k}'`,
  }))),
};

const invalid: Analyzer = {
  code: 'IST0125',
  name: 'InvalidAnnotation',
  level: FindingLevel.WARNING,
  description: 'a known Istio annotation has a value Istio cannot use',
  run: ctx => placed(ctx.objects).flatMap(p => Object.entries(p.annotations).flatMap(([k, v]) => {
    const why = KNOWN[k]?.check?.(v);
    return why ? [{ object: p.object, message: `${describe(p)}: annotation '${k}' ${why}: got '${v}'` }] : [];
  })),
};

const deprecated: Analyzer = {
  code: 'IST0135',
  name: 'DeprecatedAnnotation',
  level: FindingLevel.INFO,
  description: 'a deprecated Istio annotation is used',
  run: ctx => placed(ctx.objects).flatMap(p => Object.keys(p.annotations).filter(k => KNOWN[k]?.deprecated).map(k => ({
    object: p.object,
    message: `${describe(p)}: annotation '${k}' is deprecated: ${KNOWN[k].deprecated}`,
  }))),
};

/** The annotation checks. */
export const ANNOTATION_ANALYZERS: Analyzer[] = [misplaced, unknown, invalid, deprecated];
