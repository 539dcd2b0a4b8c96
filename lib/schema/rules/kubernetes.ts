/**
 * What the API server refuses that no CRD schema says, for Kubernetes' own kinds and every object's metadata:
 * names per kind, label and annotation keys and values, container port names (k8s.io/apimachinery
 * pkg/util/validation, kubernetes pkg/apis/core/validation).
 *
 * @module
 */
import { Obj, arr, obj } from './util';
import { DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN, LABEL_VALUE, labelKeyProblem as keyProblem } from '../../core/names';
import { Manifest } from '../../render/model';

/** The API server's limit on all annotations of an object together (keys and values). */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Kinds whose names are DNS-1123 labels (at most 63 characters), or DNS-1035 labels for Services. */
const LABEL_NAMED = new Set(['Namespace']);

function nameProblem(kind: string, name: string): string | undefined {
  if (kind === 'Service') {
    return name.length <= 63 && DNS1035_LABEL.test(name) ? undefined
      : `must be a DNS-1035 label for a Service (at most 63 characters: lower case letters, digits and '-', starting with a letter): got '${name}'`;
  }
  if (LABEL_NAMED.has(kind)) {
    return name.length <= 63 && DNS1123_LABEL.test(name) ? undefined
      : `must be a DNS-1123 label for a ${kind} (at most 63 characters: lower case letters, digits and '-'): got '${name}'`;
  }
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name) ? undefined
    : `must be a DNS-1123 subdomain (at most 253 characters: lower case letters, digits, '-' and '.'): got '${name}'`;
}

function labelProblems(labels: unknown, at: string): string[] {
  if (!labels || typeof labels !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const kp = keyProblem(k);
    if (kp) out.push(`${at}: label key ${kp}`);
    if (typeof v === 'string' && (v.length > 63 || !LABEL_VALUE.test(v))) {
      out.push(`${at}/${k}: a label value must be at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit: got '${v}'`);
    }
  }
  return out;
}

/** IANA_SVC_NAME: a container port name (at most 15 characters, lower case letters, digits and '-', a letter at least, no '--'). */
function portNameProblem(name: string): string | undefined {
  if (name.length > 15) return `must be at most 15 characters (IANA_SVC_NAME): got '${name}' (${name.length})`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.includes('--') || !/[a-z]/.test(name)) {
    return `must be an IANA_SVC_NAME (lower case letters, digits and '-', at least one letter, no '--', not starting or ending with '-'): got '${name}'`;
  }
  return undefined;
}

function podSpecProblems(spec: Obj | undefined, at: string): string[] {
  if (!spec) return [];
  const out: string[] = [];
  for (const key of ['initContainers', 'containers']) {
    arr(spec[key]).forEach((c, i) => {
      const container = obj(c);
      if (!container) return;
      const cat = `${at}/${key}/${i}`;
      if (typeof container.name === 'string' && (container.name.length > 63 || !DNS1123_LABEL.test(container.name))) {
        out.push(`${cat}/name: must be a DNS-1123 label (at most 63 characters): got '${container.name}'`);
      }
      const seen = new Set<string>();
      arr(container.ports).forEach((p, j) => {
        const name = obj(p)?.name;
        if (typeof name !== 'string') return;
        const problem = portNameProblem(name);
        if (problem) out.push(`${cat}/ports/${j}/name: ${problem}`);
        if (seen.has(name)) out.push(`${cat}/ports/${j}/name: must be unique in the container: got '${name}' twice`);
        seen.add(name);
      });
    });
  }
  return out;
}

/** Kubernetes' own validation of an object's metadata, workload pod templates and Service ports. */
export function kubernetesProblems(o: Manifest): string[] {
  const out: string[] = [];
  const meta = obj(o.metadata) ?? {};
  if (typeof meta.name === 'string') {
    const p = nameProblem(o.kind, meta.name);
    if (p) out.push(`/metadata/name: ${p}`);
  }
  if (typeof meta.namespace === 'string' && (meta.namespace.length > 63 || !DNS1123_LABEL.test(meta.namespace))) {
    out.push(`/metadata/namespace: must be a DNS-1123 label (at most 63 characters): got '${meta.namespace}'`);
  }
  out.push(...labelProblems(meta.labels, '/metadata/labels'));
  const annotations = obj(meta.annotations);
  if (annotations) {
    let size = 0;
    for (const [k, v] of Object.entries(annotations)) {
      const kp = keyProblem(k);
      if (kp) out.push(`/metadata/annotations: annotation key ${kp}`);
      size += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    }
    if (size > MAX_ANNOTATIONS_BYTES) out.push(`/metadata/annotations: must total at most 256 KiB: got ${size} bytes`);
  }
  const spec = obj((o as unknown as Obj).spec);
  // the specs of Kubernetes' own kinds (custom resources carry their own rules in their schemas)
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  if (!spec || (group.includes('.') && !(group.endsWith('.k8s.io') && !group.startsWith('gateway.')))) return out;
  out.push(...labelProblems(obj(spec.selector)?.matchLabels ?? (o.kind === 'Service' ? spec.selector : undefined), '/spec/selector'));
  const template = obj(spec.template) ?? obj(obj(obj(spec.jobTemplate)?.spec)?.template);
  if (template) {
    const tat = spec.template ? '/spec/template' : '/spec/jobTemplate/spec/template';
    out.push(...labelProblems(obj(template.metadata)?.labels, `${tat}/metadata/labels`));
    out.push(...podSpecProblems(obj(template.spec), `${tat}/spec`));
  }
  if (o.kind === 'Pod') out.push(...podSpecProblems(spec, '/spec'));
  if (o.kind === 'Service') {
    arr(spec.ports).forEach((p, i) => {
      const name = obj(p)?.name;
      if (typeof name === 'string' && (name.length > 63 || !DNS1123_LABEL.test(name))) {
        out.push(`/spec/ports/${i}/name: must be a DNS-1123 label (at most 63 characters): got '${name}'`);
      }
    });
  }
  return out;
}
