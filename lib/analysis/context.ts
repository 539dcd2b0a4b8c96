import { AnalysisContext, AnalysisExternals, AnalyzedObject, HostEntry, InstallationsFacts, MeshConfigFacts, PodTemplateRef } from './model';
import { hostsOverlap } from '../schema/rules/istio-names';

/** Workloads whose `spec.template` makes pods; Argo's `Rollout` (argoproj.io) runs its template's pods as a Deployment does. */
const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job', 'Rollout']);
/** Kubernetes' domain suffix of Service hosts, as Istio's analyzers assume it (`util.DefaultKubernetesDomain`). */
const SVC_DOMAIN = 'svc.cluster.local';

/** A field that should hold a list, as one (anything else: empty). */
export const list = <T>(v: T[] | undefined | null): T[] => (Array.isArray(v) ? v : []);

/** An object's name. */
export const nameOf = (o: AnalyzedObject) => o.manifest.metadata.name;

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Istio's `ConvertHostToFQDN`: a short name becomes `name.namespace.svc.cluster.local`; anything with a dot or a wildcard stays. */
export function toFqdn(namespace: string, host: string): string {
  const h = str(host);
  return h.startsWith('*') || h.includes('.') ? h : `${h}.${namespace}.${SVC_DOMAIN}`;
}

/** A field that should hold a list of strings, as one (anything else: empty; items as strings). */
export const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);

/** A value of a field that should hold a string, as a string (YAML and escape hatches may hold anything). */
export const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Istio's `host.Name.Matches`: the two hosts overlap (either may be a `*.suffix` wildcard). */
export function hostsMatch(x: string, y: string): boolean {
  return hostsOverlap(str(x), str(y));
}

/** Istio's `host.NamesForNamespace`: the hosts of `namespace/host` entries visible from a namespace (`*` and bare hosts always). */
export function namesForNamespace(hosts: readonly string[], namespace: string): string[] {
  return hosts.map(str).flatMap(h => {
    if (!h.includes('/')) return [h];
    const [ns, name] = h.split('/', 2);
    return ns === '*' || ns === namespace ? [name] : [];
  });
}

/** Whether an `exportTo` list exposes to every namespace (empty, or `*`). */
/**
 * The fix for a host with a dot that names a Service only as Kubernetes DNS would complete it (`reviews.bookinfo`,
 * `reviews.bookinfo.svc`): istiod completes names without a dot only (ResolveShortnameToFQDN, istio/istio
 * pilot/pkg/model/config.go), so it looks that name up as it is and finds no Service. Empty when the host is no such name.
 */
export function dottedShortNameHint(ctx: AnalysisContext, host: string): string {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)(\.svc)?$/.exec(host);
  if (!m || ctx.find('Service', '', m[2], m[1]) === undefined) return '';
  return `: istiod completes only names without a dot (ResolveShortnameToFQDN, istio/istio pilot/pkg/model/config.go), so '${host}' is not Service '${m[2]}/${m[1]}'; `
    + `write '${m[1]}.${m[2]}.svc.cluster.local' (or '${m[1]}' from namespace '${m[2]}')`;
}

export const exportsToAll = (exportTo: unknown) => strs(exportTo).length === 0 || strs(exportTo).includes('*');

/** `matchLabels` select these labels (an empty selector selects everything, as Kubernetes' `SelectorFromSet`). */
export function selects(selector: { readonly [k: string]: string } | undefined, labels: { readonly [k: string]: string }): boolean {
  // a loop, not Object.entries: this runs for every pod a selector may pick
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/** A Kubernetes `LabelSelector` (`matchLabels` and `matchExpressions`) selects these labels. */
export function labelSelectorMatches(selector: unknown, labels: { readonly [k: string]: string }): boolean {
  if (!isObj(selector)) return true;
  if (!selects(strMap(selector.matchLabels), labels)) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isObj) : [];
  return expressions.every(e => {
    const key = str(e.key);
    const values = Array.isArray(e.values) ? e.values.map(str) : [];
    switch (str(e.operator)) {
      case 'In': return key in labels && values.includes(labels[key]);
      case 'NotIn': return !(key in labels) || !values.includes(labels[key]);
      case 'Exists': return key in labels;
      case 'DoesNotExist': return !(key in labels);
      default: return false;
    }
  });
}

/** Kubernetes' `labels.SelectorFromSet(...).String()`: `a=1,b=2`, keys sorted. */
export function selectorString(selector: { readonly [k: string]: string } | undefined): string {
  return Object.keys(selector ?? {}).sort().map(k => `${k}=${str(selector![k])}`).join(',');
}

/** The file name of the objects standing for Istio's default ingress gateway (`istioctl analyze` adds them). */
export const ISTIO_DEFAULTS_FILE = '(istio defaults)';
/** The file of the pods `externals.workloads` declares. */
export const EXTERNALS_FILE = '(externals)';

/** Istio's system namespaces (`util.IsSystemNamespace`), which several checks skip. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage', 'istio-system']);

/** A mapping (not null, not a list). */
export const isObj = (v: unknown): v is { [k: string]: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An object's `spec` as a map (`{}` when it has none or it is not a map): what every analyzer reads of a spec. */
export const specOf = (o: AnalyzedObject): { [k: string]: unknown } => (isObj(o.manifest.spec) ? o.manifest.spec : {});
/** The map items of a list (none when it is not a list). */
export const objs = (v: unknown): Array<{ [k: string]: unknown }> => (Array.isArray(v) ? v.filter(isObj) : []);
/** A field of a map (undefined when it is not a map). */
export const field = (o: unknown, key: string): unknown => (isObj(o) ? o[key] : undefined);
/** A label or annotation map as strings (the same object when it already is one: the usual case). */
export const strMap = (v: unknown): { [k: string]: string } => {
  if (!isObj(v)) return {};
  let plain = true;
  for (const k in v) {
    if (typeof v[k] !== 'string') {
      plain = false;
      break;
    }
  }
  return plain ? v as { [k: string]: string }
    : Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null).map(([k, x]) => [k, str(x)]));
};

/** The facts of a mesh config (`istioctl analyze --meshConfigFile`; Istio's defaults when none). */
export function meshConfigFacts(meshConfig: unknown): MeshConfigFacts {
  const mc = isObj(meshConfig) ? meshConfig : {};
  const def = isObj(mc.defaultConfig) ? mc.defaultConfig : {};
  const meta = strMap(def.proxyMetadata);
  const defaults = isObj(mc.defaultProviders) ? mc.defaultProviders : {};
  const names = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    rootNamespace: typeof mc.rootNamespace === 'string' && mc.rootNamespace !== '' ? mc.rootNamespace : 'istio-system',
    dnsAutoAllocate: meta.ISTIO_META_DNS_CAPTURE === 'true' && meta.ISTIO_META_DNS_AUTO_ALLOCATE === 'true',
    defaultAccessLogging: names(defaults.accessLogging),
    extensionProviders: (Array.isArray(mc.extensionProviders) ? mc.extensionProviders : []).filter(isObj)
      .map(p => ({ name: typeof p.name === 'string' ? p.name : '', kinds: Object.keys(p).filter(k => k !== 'name') })),
    injectorEnablesNamespacesByDefault: false,
    autoMtls: mc.enableAutoMtls !== false,
    trustDomains: [typeof mc.trustDomain === 'string' && mc.trustDomain !== '' ? mc.trustDomain : 'cluster.local', ...names(mc.trustDomainAliases)],
    known: isObj(meshConfig),
  };
}

/** Indexes the objects once for every analyzer. */
export function contextOf(objects: readonly AnalyzedObject[], options: {
  readonly world?: 'closed' | 'partial';
  readonly externals?: AnalysisExternals;
  readonly meshConfig?: MeshConfigFacts;
  readonly installations?: InstallationsFacts;
} = {}): AnalysisContext {
  const byKind = new Map<string, AnalyzedObject[]>();
  for (const o of objects) {
    const same = byKind.get(o.manifest.kind);
    if (same) same.push(o);
    else byKind.set(o.manifest.kind, [o]);
  }
  const namespaceOf = (o: AnalyzedObject) => o.manifest.metadata.namespace ?? 'default';
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const values = m.get(k);
    if (values) values.push(v);
    else m.set(k, [v]);
  };
  const namespaces = new Map<string, AnalyzedObject>();
  for (const n of byKind.get('Namespace') ?? []) if (!namespaces.has(n.manifest.metadata.name)) namespaces.set(n.manifest.metadata.name, n);
  const externals = options.externals ?? {};
  const externalNamespaces = new Set(externals.namespaces ?? []);
  const usedNamespaces = new Set(objects.map(o => o.manifest.metadata.namespace).filter((n): n is string => n !== undefined));

  // Injection, as Istio's util.inMesh reads it: an istio-proxy container, the pod's own sidecar.istio.io/inject
  // label or annotation, else the namespace's istio-injection label (or a revision, or ambient mode).
  const namespaceInMesh = (ns: string): boolean | undefined => {
    const n = namespaces.get(ns);
    if (!n) return undefined;
    const l = n.manifest.metadata.labels ?? {};
    return l['istio-injection'] === 'enabled' || (l['istio-injection'] === undefined && l['istio.io/rev'] !== undefined)
      || l['istio.io/dataplane-mode'] === 'ambient';
  };
  const pods: PodTemplateRef[] = [];
  type Labels = { [k: string]: string };
  const addPod = (object: AnalyzedObject, namespace: string, labels: Labels, annotations: Labels, spec: { [k: string]: unknown },
    template: boolean) => {
    const array = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
    const containers = [...array(spec.containers), ...array(spec.initContainers)];
    const proxy = containers.some(c => isObj(c) && c.name === 'istio-proxy');
    const own = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
    // a namespace the objects do not hold is unknown: in a partial world (an app) it is taken to be in the mesh
    const inMesh = proxy || annotations['ambient.istio.io/redirection'] === 'enabled'
      || (own !== undefined ? own === 'true' : (namespaceInMesh(namespace) ?? options.world === 'partial'));
    pods.push({ object, namespace, labels, annotations, spec, template, inMesh });
  };
  for (const o of objects) {
    const spec = o.manifest.spec;
    if (WORKLOAD_KINDS.has(o.manifest.kind) && isObj(spec) && isObj(spec.template)) {
      const meta = isObj(spec.template.metadata) ? spec.template.metadata : {};
      addPod(o, namespaceOf(o), strMap(meta.labels), strMap(meta.annotations), isObj(spec.template.spec) ? spec.template.spec : {}, true);
    } else if (o.manifest.kind === 'Pod' && groupOf(o.manifest.apiVersion) === '') {
      addPod(o, namespaceOf(o), strMap(o.manifest.metadata.labels), strMap(o.manifest.metadata.annotations), isObj(spec) ? spec : {}, false);
    }
  }
  const podsByNs = new Map<string, PodTemplateRef[]>();
  const podsByLabel = new Map<string, PodTemplateRef[]>();
  for (const p of pods) {
    push(podsByNs, p.namespace, p);
    for (const [k, v] of Object.entries(p.labels)) push(podsByLabel, `${k}=${v}`, p);
  }
  /** Pods (any namespace, or one) that a selector selects; an empty selector selects all of them. */
  const podsSelectedBy = (selector: { readonly [k: string]: string } | undefined, ns?: string): PodTemplateRef[] => {
    // the selector's rarest label picks the candidates (a subset's `version: v1` is on many pods, `app: x` on few)
    let candidates: PodTemplateRef[] | undefined;
    for (const [k, v] of Object.entries(selector ?? {})) {
      const withLabel = podsByLabel.get(`${k}=${v}`) ?? [];
      if (candidates === undefined || withLabel.length < candidates.length) candidates = withLabel;
    }
    candidates ??= ns === undefined ? pods : podsByNs.get(ns) ?? [];
    return candidates.filter(p => (ns === undefined || p.namespace === ns) && selects(selector, p.labels));
  };
  const anyPodSelectedBy = (selector: { readonly [k: string]: string } | undefined, ns?: string): boolean => {
    let candidates: PodTemplateRef[] | undefined;
    for (const [k, v] of Object.entries(selector ?? {})) {
      const withLabel = podsByLabel.get(`${k}=${v}`) ?? [];
      if (candidates === undefined || withLabel.length < candidates.length) candidates = withLabel;
    }
    return (candidates ?? (ns === undefined ? pods : podsByNs.get(ns) ?? []))
      .some(p => (ns === undefined || p.namespace === ns) && selects(selector, p.labels));
  };

  // Istio's util.InitServiceEntryHostMap: every ServiceEntry host and every Service, keyed by `scope/fqdn`
  // where the scope is a namespace the entry is visible in, or `*`.
  const hostMap = new Map<string, HostEntry>();
  for (const se of (byKind.get('ServiceEntry') ?? []).filter(x => groupOf(x.manifest.apiVersion) === 'networking.istio.io')) {
    const spec = isObj(se.manifest.spec) ? se.manifest.spec : {};
    const exportTo = Array.isArray(spec.exportTo) ? spec.exportTo.map(String) : [];
    const ns = namespaceOf(se);
    const entry: HostEntry = {
      object: se,
      ports: (Array.isArray(spec.ports) ? spec.ports : []).filter(isObj).map(p => Number(p.number)),
      workloadSelector: isObj(spec.workloadSelector) ? strMap(spec.workloadSelector.labels) : undefined,
    };
    const scopes = exportsToAll(exportTo) ? ['*'] : exportTo.map(e => (e === '.' ? ns : e));
    for (const h of Array.isArray(spec.hosts) ? spec.hosts.map(String) : []) {
      for (const scope of scopes) hostMap.set(`${scope}/${toFqdn(ns, h)}`, entry);
    }
  }
  for (const svc of (byKind.get('Service') ?? []).filter(x => groupOf(x.manifest.apiVersion) === '')) {
    const spec = isObj(svc.manifest.spec) ? svc.manifest.spec : {};
    const ns = namespaceOf(svc);
    const exportTo = svc.manifest.metadata.annotations?.['networking.istio.io/exportTo'];
    const entry: HostEntry = { object: svc, ports: (Array.isArray(spec.ports) ? spec.ports : []).filter(isObj).map(p => Number(p.port)) };
    for (const scope of exportTo === undefined ? ['*'] : exportTo.split(',').map(x => x.trim()).map(x => (x === '.' ? ns : x))) {
      hostMap.set(`${scope}/${toFqdn(ns, svc.manifest.metadata.name)}`, entry);
    }
  }
  const wildcardEntries = [...hostMap].filter(([k]) => k.includes('/*'));
  /** `namespace/name` of external Services (namespace `*`: any namespace). */
  const externalServices = new Set((externals.services ?? []).map(s => (s.includes('/') ? s : `*/${s}`)));
  const isExternalService = (fqdn: string) => {
    const m = new RegExp(`^([^.]+)\\.([^.]+)\\.${SVC_DOMAIN.replace(/\./g, '\\.')}$`).exec(fqdn);
    return m !== null && (externalServices.has(`${m[2]}/${m[1]}`) || externalServices.has(`*/${m[1]}`));
  };
  const externalHosts = externals.hosts ?? [];
  /** Istio's util.GetDestinationHost, then (partial world) what is declared external. */
  const destinationHost = (sourceNs: string, exportTo: readonly string[] | undefined, host: string): HostEntry | undefined => {
    const fqdn = toFqdn(sourceNs, host);
    const all = hostMap.get(`*/${fqdn}`);
    if (all) return all;
    const scopes = strs(exportTo);
    // '.' is the source's own namespace (a VirtualService exported to '.' sees the entries of its namespace)
    for (const scope of scopes.length > 0 ? scopes.filter(e => e !== '*').map(e => (e === '.' ? sourceNs : e)) : [sourceNs]) {
      const hit = hostMap.get(`${scope}/${fqdn}`);
      if (hit) return hit;
    }
    for (const [key, entry] of wildcardEntries) {
      const [scope, seHost] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
      if (scope !== '*' && scope !== sourceNs) continue;
      if (fqdn.replace(/^\*/, '').endsWith(seHost.slice(1))) return entry;
    }
    if (options.world === 'partial') {
      const parts = fqdn.split('.');
      const serviceNs = fqdn.endsWith(`.${SVC_DOMAIN}`) && parts.length === 5 ? parts[1] : undefined;
      if ((serviceNs !== undefined && externalNamespaces.has(serviceNs)) || isExternalService(fqdn) || externalHosts.some(h => hostsMatch(h, fqdn))) {
        return { external: true, ports: [] };
      }
    }
    return undefined;
  };

  /** Services with a selector, by `namespace|first selector label`: the candidates for a pod with that label. */
  /** namespace -> `label=value` -> Services whose selector starts with it. */
  const servicesByLabel = new Map<string, Map<string, AnalyzedObject[]>>();
  const serviceSelectors = new Map<AnalyzedObject, { [k: string]: string }>();
  for (const svc of (byKind.get('Service') ?? []).filter(x => groupOf(x.manifest.apiVersion) === '')) {
    const selector = strMap(isObj(svc.manifest.spec) ? svc.manifest.spec.selector : undefined);
    serviceSelectors.set(svc, selector);
    const first = Object.entries(selector)[0];
    if (first) {
      const ns = namespaceOf(svc);
      if (!servicesByLabel.has(ns)) servicesByLabel.set(ns, new Map());
      push(servicesByLabel.get(ns)!, `${first[0]}=${first[1]}`, svc);
    }
  }
  const selectingCache = new Map<PodTemplateRef, AnalyzedObject[]>();
  const serviceOrder = new Map((byKind.get('Service') ?? []).map((svc, i) => [svc, i]));
  const servicesSelecting = (pod: PodTemplateRef): AnalyzedObject[] => {
    let found = selectingCache.get(pod);
    if (!found) {
      const candidates = new Set<AnalyzedObject>();
      const inNamespace = servicesByLabel.get(pod.namespace);
      if (inNamespace) for (const [k, v] of Object.entries(pod.labels)) for (const svc of inNamespace.get(`${k}=${v}`) ?? []) candidates.add(svc);
      found = [...candidates].filter(svc => selects(serviceSelectors.get(svc), pod.labels));
      if (found.length > 1) found.sort((a, b) => serviceOrder.get(a)! - serviceOrder.get(b)!);
      selectingCache.set(pod, found);
    }
    return found;
  };

  // objects by kind, group, namespace and name: built on the first look-up (most apps need it for a few kinds only)
  const keysByKind = new Map<string, Map<string, AnalyzedObject>>();
  const keyed = (kind: string): Map<string, AnalyzedObject> => {
    let m = keysByKind.get(kind);
    if (!m) {
      m = new Map();
      for (const o of byKind.get(kind) ?? []) {
        const key = `${groupOf(o.manifest.apiVersion)}|${namespaceOf(o)}|${o.manifest.metadata.name}`;
        if (!m.has(key)) m.set(key, o);
      }
      keysByKind.set(kind, m);
    }
    return m;
  };
  const find = (kind: string, group: string, ns: string, name: string) => keyed(kind).get(`${group}|${ns}|${name}`);
  const externalSet = (declared: readonly string[] | undefined) => new Set(declared ?? []);
  const extGateways = externalSet(externals.gateways);
  const extSecrets = externalSet(externals.secrets);
  const ofCache = new Map<string, AnalyzedObject[]>();
  return {
    objects,
    world: options.world ?? 'closed',
    meshConfig: options.meshConfig ?? meshConfigFacts(undefined),
    installations: options.installations,
    of: (kind, group) => {
      const key = `${kind}|${group ?? '*'}`;
      let ofKind = ofCache.get(key);
      if (!ofKind) {
        ofKind = (byKind.get(kind) ?? []).filter(o => group === undefined || groupOf(o.manifest.apiVersion) === group);
        ofCache.set(key, ofKind);
      }
      return ofKind;
    },
    find,
    namespaceOf,
    namespace: name => namespaces.get(name),
    namespaceExists: name => namespaces.has(name) || (options.world === 'partial' && (externalNamespaces.has(name) || usedNamespaces.has(name))),
    gatewayExists: (ns, name) => find('Gateway', 'networking.istio.io', ns, name) !== undefined || find('Gateway', 'gateway.networking.k8s.io', ns, name) !== undefined
      || (options.world === 'partial' && (extGateways.has(`${ns}/${name}`) || extGateways.has(`*/${name}`) || externalNamespaces.has(ns))),
    secretExists: (ns, name) => find('Secret', '', ns, name) !== undefined || (options.world === 'partial' && (extSecrets.has(`${ns}/${name}`) || externalNamespaces.has(ns))),
    pods,
    podsIn: ns => podsByNs.get(ns) ?? [],
    podsSelectedBy,
    anyPodSelectedBy,
    servicesSelecting,
    destinationHost,
  };
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

/** `Kind namespace/name` of an object (`Kind name` when it names no namespace), as Istio's messages name their resource. */
export function idOf(o: AnalyzedObject): string {
  const ns = o.manifest.metadata.namespace;
  return `${o.manifest.kind} ${ns ? `${ns}/` : ''}${o.manifest.metadata.name}`;
}
