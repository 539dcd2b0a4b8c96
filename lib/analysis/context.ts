import { AnalysisContext, AnalyzedObject, PodTemplateRef } from './model';

const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job']);

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Indexes the app's objects once for every analyzer. */
export function contextOf(objects: readonly AnalyzedObject[], clusterDomain = 'cluster.local'): AnalysisContext {
  const byKind = new Map<string, AnalyzedObject[]>();
  for (const o of objects) {
    const list = byKind.get(o.manifest.kind) ?? [];
    list.push(o);
    byKind.set(o.manifest.kind, list);
  }
  const namespaceOf = (o: AnalyzedObject) => o.manifest.metadata.namespace ?? 'default';
  const pods: PodTemplateRef[] = [];
  for (const o of objects) {
    const spec = o.manifest.spec as { template?: { metadata?: { labels?: {}; annotations?: {} }; spec?: {} }; jobTemplate?: unknown } | undefined;
    if (WORKLOAD_KINDS.has(o.manifest.kind) && spec?.template) {
      pods.push({
        object: o,
        namespace: namespaceOf(o),
        labels: spec.template.metadata?.labels ?? {},
        annotations: spec.template.metadata?.annotations ?? {},
        spec: spec.template.spec ?? {},
      });
    } else if (o.manifest.kind === 'Pod') {
      const meta = o.manifest.metadata;
      const podSpec = (o.manifest.spec ?? {}) as {};
      pods.push({ object: o, namespace: namespaceOf(o), labels: meta.labels ?? {}, annotations: meta.annotations ?? {}, spec: podSpec });
    }
  }
  const services = byKind.get('Service') ?? [];
  const serviceOf = (host: string, fromNamespace: string): AnalyzedObject | undefined => {
    const parts = host.split('.');
    const suffix = `svc.${clusterDomain}`;
    let name: string;
    let ns: string;
    if (parts.length === 1) [name, ns] = [parts[0], fromNamespace];
    else if (parts.length === 2) [name, ns] = [parts[0], parts[1]];
    else if (parts.slice(2).join('.') === suffix || parts.slice(2).join('.') === 'svc') [name, ns] = [parts[0], parts[1]];
    else return undefined;
    return services.find(s => s.manifest.metadata.name === name && namespaceOf(s) === ns);
  };
  const entries = byKind.get('ServiceEntry') ?? [];
  const serviceEntryDeclares = (host: string) => entries.some(e => ((e.manifest.spec as { hosts?: string[] })?.hosts ?? []).some(h =>
    h === host || (h.startsWith('*.') && host.endsWith(h.slice(1)))));
  return {
    objects,
    of: (kind, group) => (byKind.get(kind) ?? []).filter(o => group === undefined || groupOf(o.manifest.apiVersion) === group),
    namespaceOf,
    pods,
    serviceOf,
    serviceEntryDeclares,
    namespaceObject: name => (byKind.get('Namespace') ?? []).find(n => n.manifest.metadata.name === name),
  };
}

/** Whether a host is local to the cluster (a short name, `name.namespace`, or `*.svc.<domain>`): only those can be checked against the app's Services. */
export function isClusterLocal(host: string, clusterDomain = 'cluster.local'): boolean {
  const parts = host.split('.');
  return !host.includes('*') && (parts.length <= 2 || host.endsWith(`.svc.${clusterDomain}`) || host.endsWith('.svc'));
}

/** `matchLabels` selects a pod with these labels (no expressions). */
export function selects(selector: { readonly [k: string]: string } | undefined, labels: { readonly [k: string]: string }): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * Objects of one identity (kind, namespace, name) in different files are alternatives (one file or
 * the other is applied, e.g. the routing scenarios of an example), never two objects in the cluster:
 * the distinct identities among `objects`.
 */
export function distinct(objects: readonly AnalyzedObject[]): AnalyzedObject[] {
  const seen = new Set<string>();
  return objects.filter(o => {
    const key = idOf(o);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `Kind namespace/name` of an object. */
export function idOf(o: AnalyzedObject): string {
  const ns = o.manifest.metadata.namespace;
  return `${o.manifest.kind} ${ns ? `${ns}/` : ''}${o.manifest.metadata.name}`;
}
