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
  // Indexes, so that every check stays linear in the size of the app (a bench synthesizes 35,000 objects).
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  const services = byKind.get('Service') ?? [];
  const order = new Map(services.map((s, i) => [s, i]));
  const serviceByKey = new Map<string, AnalyzedObject>();
  const servicesByNs = new Map<string, AnalyzedObject[]>();
  /** `namespace|label=value` of a Service's first selector label: the candidates of a pod with that label. */
  const servicesByLabel = new Map<string, AnalyzedObject[]>();
  for (const s of services) {
    const ns = namespaceOf(s);
    if (!serviceByKey.has(`${s.manifest.metadata.name}.${ns}`)) serviceByKey.set(`${s.manifest.metadata.name}.${ns}`, s);
    push(servicesByNs, ns, s);
    const first = Object.entries((s.manifest.spec as { selector?: { [k: string]: string } } | undefined)?.selector ?? {})[0];
    if (first) push(servicesByLabel, `${ns}|${first[0]}=${first[1]}`, s);
  }
  const podsByNs = new Map<string, PodTemplateRef[]>();
  const podsByLabel = new Map<string, PodTemplateRef[]>();
  for (const p of pods) {
    push(podsByNs, p.namespace, p);
    for (const [k, v] of Object.entries(p.labels)) push(podsByLabel, `${p.namespace}|${k}=${v}`, p);
  }
  const serviceKeyOf = (host: string, fromNamespace: string): string | undefined => {
    const parts = host.split('.');
    const rest = parts.slice(2).join('.');
    if (parts.length === 1) return `${parts[0]}.${fromNamespace}`;
    if (parts.length === 2 || rest === `svc.${clusterDomain}` || rest === 'svc') return `${parts[0]}.${parts[1]}`;
    return undefined;
  };
  const serviceOf = (host: string, fromNamespace: string): AnalyzedObject | undefined => {
    const key = serviceKeyOf(host, fromNamespace);
    return key === undefined ? undefined : serviceByKey.get(key);
  };
  const drsByService = new Map<string, AnalyzedObject[]>();
  for (const d of (byKind.get('DestinationRule') ?? []).filter(x => groupOf(x.manifest.apiVersion) === 'networking.istio.io')) {
    const host = (d.manifest.spec as { host?: string } | undefined)?.host;
    const key = host !== undefined && isClusterLocal(host, clusterDomain) ? serviceKeyOf(host, namespaceOf(d)) : undefined;
    if (key) push(drsByService, key, d);
  }
  const entries = byKind.get('ServiceEntry') ?? [];
  const serviceEntryDeclares = (host: string) => entries.some(e => ((e.manifest.spec as { hosts?: string[] })?.hosts ?? []).some(h =>
    h === host || (h.startsWith('*.') && host.endsWith(h.slice(1)))));
  const ofCache = new Map<string, AnalyzedObject[]>();
  const selectingCache = new Map<PodTemplateRef, AnalyzedObject[]>();
  return {
    objects,
    of: (kind, group) => {
      const key = `${kind}|${group ?? '*'}`;
      let list = ofCache.get(key);
      if (!list) {
        list = (byKind.get(kind) ?? []).filter(o => group === undefined || groupOf(o.manifest.apiVersion) === group);
        ofCache.set(key, list);
      }
      return list;
    },
    namespaceOf,
    pods,
    serviceOf,
    serviceEntryDeclares,
    namespaceObject: name => (byKind.get('Namespace') ?? []).find(n => n.manifest.metadata.name === name),
    servicesIn: ns => servicesByNs.get(ns) ?? [],
    podsIn: ns => podsByNs.get(ns) ?? [],
    servicesSelecting: pod => {
      let found = selectingCache.get(pod);
      if (!found) {
        const candidates = new Set(Object.entries(pod.labels).flatMap(([k, v]) => servicesByLabel.get(`${pod.namespace}|${k}=${v}`) ?? []));
        found = [...candidates].filter(s => selects((s.manifest.spec as { selector?: { [k: string]: string } }).selector, pod.labels))
          .sort((a, b) => order.get(a)! - order.get(b)!);
        selectingCache.set(pod, found);
      }
      return found;
    },
    podsSelectedBy: (ns, selector) => {
      const first = Object.entries(selector)[0];
      return first ? (podsByLabel.get(`${ns}|${first[0]}=${first[1]}`) ?? []).filter(p => selects(selector, p.labels)) : [];
    },
    destinationRulesOf: key => drsByService.get(key) ?? [],
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
