import { closest } from '../../core/closest';
import { ISTIO_ANNOTATIONS, IstioMetadataDefinition } from '../generated/istio-data';
import { AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

/** A value rule: undefined when the value is good, else what a good value is (`one of true, false`). */
type Check = (v: string) => string | undefined;

const oneOf = (...values: string[]): Check => v => (values.includes(v) ? undefined : `one of ${values.join(', ')}`);
const bool = oneOf('true', 'false');
const quantity: Check = v => (/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(v) ? undefined : 'a Kubernetes quantity, e.g. 100m or 128Mi');
const ports: Check = v => (v === '' || v === '*' || /^\s*\d{1,5}(\s*,\s*\d{1,5})*\s*$/.test(v) ? undefined : '\'*\' or a comma-separated list of port numbers');
const cidrs: Check = v => (v === '' || v === '*' || /^\s*[0-9a-fA-F.:]+\/\d{1,3}(\s*,\s*[0-9a-fA-F.:]+\/\d{1,3})*\s*$/.test(v) ? undefined : '\'*\' or a comma-separated list of CIDRs');
const json: Check = v => {
  try {
    JSON.parse(v);
    return undefined;
  } catch {
    return 'JSON';
  }
};
const whole: Check = v => (/^\d+$/.test(v) ? undefined : 'a whole number');

/** The value rules Istio's injector applies to its annotations (istio/istio pkg/kube/inject: AnnotationValidation). */
const VALUE_RULES: { readonly [annotation: string]: Check } = {
  'sidecar.istio.io/inject': bool,
  'sidecar.istio.io/proxyCPU': quantity,
  'sidecar.istio.io/proxyMemory': quantity,
  'sidecar.istio.io/proxyCPULimit': quantity,
  'sidecar.istio.io/proxyMemoryLimit': quantity,
  'sidecar.istio.io/logLevel': oneOf('trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'),
  'sidecar.istio.io/interceptionMode': oneOf('REDIRECT', 'TPROXY', 'NONE'),
  'sidecar.istio.io/rewriteAppHTTPProbers': bool,
  'sidecar.istio.io/userVolume': json,
  'sidecar.istio.io/userVolumeMount': json,
  'sidecar.istio.io/statsHistogramBuckets': json,
  'sidecar.istio.io/enableCoreDump': bool,
  'sidecar.istio.io/nativeSidecar': bool,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': cidrs,
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': cidrs,
  'traffic.sidecar.istio.io/includeInboundPorts': ports,
  'traffic.sidecar.istio.io/excludeInboundPorts': ports,
  'traffic.sidecar.istio.io/includeOutboundPorts': ports,
  'traffic.sidecar.istio.io/excludeOutboundPorts': ports,
  'readiness.status.sidecar.istio.io/applicationPorts': ports,
  'readiness.status.sidecar.istio.io/initialDelaySeconds': whole,
  'readiness.status.sidecar.istio.io/periodSeconds': whole,
  'readiness.status.sidecar.istio.io/failureThreshold': whole,
  'status.sidecar.istio.io/port': whole,
  'prometheus.istio.io/merge-metrics': bool,
  'istio.io/dry-run': bool,
};

const DEFINITIONS = new Map<string, IstioMetadataDefinition>(ISTIO_ANNOTATIONS.map(a => [a.name, a]));

/** Istio's `istioAnnotation`: a key whose domain ends in `istio.io`, or the documented `kubernetes.io/ingress.class`. */
const isIstio = (key: string) => {
  const slash = key.indexOf('/');
  return key === 'kubernetes.io/ingress.class' || (slash > 0 ? key.slice(0, slash) : key).endsWith('istio.io');
};
const hasIstioKey = (m: { readonly [k: string]: string }) => {
  for (const k in m) if (isIstio(k)) return true;
  return false;
};

/** The kinds whose own annotations Istio checks (annotations.K8sAnalyzer). */
const CHECKED_KINDS = new Set(['Namespace', 'Service', 'Pod', 'Deployment']);

type Strings = { readonly [k: string]: string };
interface Placed { object: AnalyzedObject; kind: string; at: string; annotations: Strings; labels: Strings }

const placedCache = new WeakMap<readonly AnalyzedObject[], Placed[]>();

/**
 * Every annotation map Istio would check: the own metadata of Namespaces, Services, Pods and Deployments; and, as the
 * Pods they will become, the pod templates of workloads (computed once per analysis).
 */
function placed(objects: readonly AnalyzedObject[]): Placed[] {
  const cached = placedCache.get(objects);
  if (cached) return cached;
  const out: Placed[] = [];
  for (const o of objects.filter(x => x.mesh === 'istio')) {
    const kind = o.manifest.kind;
    const core = !o.manifest.apiVersion.includes('/') || o.manifest.apiVersion.startsWith('apps/');
    const own = o.manifest.metadata.annotations;
    if (CHECKED_KINDS.has(kind) && core && own && hasIstioKey(own)) {
      out.push({ object: o, kind, at: 'metadata.annotations', annotations: o.manifest.metadata.annotations ?? {}, labels: o.manifest.metadata.labels ?? {} });
    }
    const tpl = (o.manifest.spec as { template?: { metadata?: { annotations?: Strings; labels?: Strings } } } | undefined)?.template;
    if (kind !== 'Pod' && tpl?.metadata?.annotations && typeof tpl.metadata.annotations === 'object' && hasIstioKey(tpl.metadata.annotations)) {
      out.push({ object: o, kind: 'Pod', at: 'spec.template.metadata.annotations', annotations: tpl.metadata.annotations, labels: tpl.metadata.labels ?? {} });
    }
  }
  placedCache.set(objects, out);
  return out;
}

const where = (p: Placed) => `${p.object.manifest.kind} '${p.object.manifest.metadata.name}' ${p.at}`;
/** What a check says of one annotation: what is wrong, and what to do. */
interface Said { readonly message: string; readonly fix: string; readonly value?: unknown }
/**
 * Runs a check on every Istio annotation of every map Istio checks: the finding's field is the annotation
 * (`metadata.annotations['sidecar.istio.io/inject']`), its value the annotation's name unless the check says otherwise.
 */
const each = (fn: (p: Placed, key: string, value: string, def: IstioMetadataDefinition | undefined) => Said | undefined) =>
  (objects: readonly AnalyzedObject[]): RawFinding[] => placed(objects).flatMap(p => Object.entries(p.annotations).filter(([k]) => isIstio(k))
    .flatMap(([k, v]) => {
      const said = fn(p, k, String(v), DEFINITIONS.get(k));
      return said ? [{ object: p.object, message: said.message, field: `${p.at}['${k}']`, value: said.value ?? k, fix: said.fix }] : [];
    }));
const appliesTo = (def: IstioMetadataDefinition, kind: string) => def.resources.includes('Any') || def.resources.includes(kind);
const K8S = 'annotations.K8sAnalyzer';

const unknown: Analyzer = {
  analyzer: K8S,
  code: 'IST0108',
  name: 'UnknownAnnotation',
  level: FindingLevel.WARNING,
  description: 'an annotation in an Istio domain is not one Istio defines (istio/api annotations.yaml): usually a typo',
  run: ctx => each((p, k, _v, def) => {
    if (def) return undefined;
    // a misspelt name of the same domain (sidecar.istio.io/proxyCpu): names compared without their domain
    const domain = k.slice(0, k.indexOf('/') + 1);
    const names = [...DEFINITIONS.keys()].filter(d => d.startsWith(domain) && domain !== '').map(d => d.slice(domain.length));
    const near = domain ? closest(k.slice(domain.length), names) : undefined;
    return {
      message: `${where(p)}: unknown Istio annotation '${k}'`,
      fix: near ? `rename it to '${domain}${near}'` : 'remove it, or write an annotation Istio defines (istio/api annotation/annotations.yaml)',
    };
  })(ctx.objects),
};

const deprecated: Analyzer = {
  analyzer: K8S,
  code: 'IST0135',
  name: 'DeprecatedAnnotation',
  level: FindingLevel.INFO,
  description: 'a deprecated Istio annotation is used',
  run: ctx => each((p, k, v, def) => {
    if (!def?.deprecated) return undefined;
    if (k === 'sidecar.istio.io/inject' && 'sidecar.istio.io/inject' in p.labels) return undefined;
    return k === 'sidecar.istio.io/inject'
      ? {
        message: `${where(p)}: annotation '${k}' is deprecated in favor of the "sidecar.istio.io/inject" label`,
        fix: `write it as the label sidecar.istio.io/inject: '${v}' in ${p.object.manifest.kind === 'Pod' ? 'metadata.labels' : 'spec.template.metadata.labels'} instead`,
      }
      : { message: `${where(p)}: annotation '${k}' is deprecated`, fix: `remove annotation '${k}' (istio/api annotation/annotations.yaml marks it deprecated)` };
  })(ctx.objects),
};

const misplaced: Analyzer = {
  analyzer: K8S,
  code: 'IST0107',
  name: 'MisplacedAnnotation',
  level: FindingLevel.WARNING,
  description: 'an Istio annotation is on a kind of resource it does not apply to (e.g. a pod annotation on a Deployment\'s own metadata)',
  run: ctx => each((p, k, _v, def) => (def && !appliesTo(def, p.kind)
    ? {
      message: `${where(p)}: annotation '${k}' applies to ${def.resources.join(', ')} only`,
      fix: def.resources.includes('Pod') && p.kind === 'Deployment'
        ? `move it to spec.template.metadata.annotations of Deployment '${p.object.manifest.metadata.name}'`
        : `move it to the ${def.resources.join(' or ')} it is meant for, or remove it from ${p.object.manifest.kind} '${p.object.manifest.metadata.name}'`,
    }
    : undefined))(ctx.objects),
};

const invalid: Analyzer = {
  analyzer: K8S,
  code: 'IST0125',
  name: 'InvalidAnnotation',
  level: FindingLevel.WARNING,
  description: 'an Istio annotation has a value Istio cannot use',
  run: ctx => each((p, k, v, def) => {
    if (!def || !appliesTo(def, p.kind)) return undefined;
    const good = VALUE_RULES[k]?.(v);
    return good ? { message: `${where(p)}: annotation '${k}' must be ${good}: got '${v}'`, value: v, fix: `set it to ${good}` } : undefined;
  })(ctx.objects),
};

/** The annotation checks, from Istio's own definitions. */
export const ANNOTATION_ANALYZERS: Analyzer[] = [unknown, deprecated, misplaced, invalid];
