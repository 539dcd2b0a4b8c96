import { isObj, labelSelectorMatches, selects as selectsLabels, str, strMap } from '../analysis/context';
import { Manifest } from '../render/model';

/**
 * The cluster the model routes in: every object given, indexed once (by API group and kind, by namespace and name),
 * with the facts every data plane reads — namespaces and their labels, Services and their ports, the workloads (pod
 * templates) behind them, and which data plane each workload runs.
 */

/** Kubernetes' cluster domain, as Istio and Linkerd assume it. */
export const CLUSTER_DOMAIN = 'cluster.local';

/** An object of the world, with where it came from. */
export interface WorldObject {
  readonly manifest: Manifest;
  /** API group (`''` for the core group). */
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Its position among the objects (the order they were first applied in). */
  readonly index: number;
  /** The file it was read from, when it was. */
  readonly file?: string;
  /** Its line in the file, when read from YAML. */
  readonly line?: number;
}

/** A port of a Service. */
export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  /** The container port (a number, or a container port's name), default the port. */
  readonly targetPort: number | string;
  /** `TCP` (default), `UDP`, `SCTP`. */
  readonly protocol: string;
  readonly appProtocol?: string;
}

/** A Service. */
export interface ServiceInfo {
  readonly object: WorldObject;
  readonly namespace: string;
  readonly name: string;
  /** `name.namespace.svc.cluster.local`. */
  readonly fqdn: string;
  readonly type: string;
  /** `None` for a headless Service; undefined when not written (one is allocated). */
  readonly clusterIP?: string;
  readonly externalName?: string;
  /** The selector; undefined when the Service has none (its endpoints are managed by hand: EndpointSlices). */
  readonly selector?: { readonly [k: string]: string };
  readonly ports: readonly ServicePort[];
  readonly labels: { readonly [k: string]: string };
  readonly annotations: { readonly [k: string]: string };
}

/** How a workload's traffic is handled. */
export type WorkloadDataPlane = 'istio-sidecar' | 'istio-ambient' | 'linkerd' | 'none';

/** A container port of a workload. */
export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: string;
}

/** A workload: a controller with a pod template, or a Pod made directly. */
export interface WorkloadInfo {
  readonly object: WorldObject;
  /** `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, `ReplicationController`, `Job`, `Pod`, `Rollout`. */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** `namespace/name`. */
  readonly key: string;
  readonly podLabels: { readonly [k: string]: string };
  readonly podAnnotations: { readonly [k: string]: string };
  /** Pods it runs: `spec.replicas` (default 1; a DaemonSet counts 1). */
  readonly replicas: number;
  /** The ServiceAccount its pods run as (`default` when not written). */
  readonly serviceAccount: string;
  readonly containerPorts: readonly ContainerPort[];
  /** The pods' `version` label, else `app.kubernetes.io/version`. */
  readonly version?: string;
  readonly dataPlane: WorkloadDataPlane;
}

/** A namespace: declared, or only named by objects in it (then it has no labels). */
export interface NamespaceInfo {
  readonly name: string;
  readonly declared: boolean;
  readonly labels: { readonly [k: string]: string };
  readonly annotations: { readonly [k: string]: string };
}

const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'Pod', 'Rollout']);

const groupOfApiVersion = (apiVersion: unknown): string => {
  const v = str(apiVersion);
  return v.includes('/') ? v.split('/')[0] : '';
};

export { labelSelectorMatches, selectsLabels };

/** The data plane a pod template runs under, from its own labels and annotations and its namespace's. */
export function dataPlaneOf(
  pod: { labels: { readonly [k: string]: string }; annotations: { readonly [k: string]: string } }, ns: NamespaceInfo,
): WorkloadDataPlane {
  // Istio: `sidecar.istio.io/inject` on the pod (label, or the older annotation) wins over the namespace
  // (istio/istio pkg/kube/inject/webhook.go injectRequired, and the injector's namespaceSelector/objectSelector).
  const podInject = pod.labels['sidecar.istio.io/inject'] ?? pod.annotations['sidecar.istio.io/inject'];
  const nsInjection = ns.labels['istio-injection'];
  const nsRevision = ns.labels['istio.io/rev'];
  const istioSidecar = podInject === 'false' ? false
    : podInject === 'true' ? nsInjection !== 'disabled'
      : nsInjection === 'enabled' || (nsInjection === undefined && nsRevision !== undefined) || (nsInjection === undefined && pod.labels['istio.io/rev'] !== undefined);
  if (istioSidecar) return 'istio-sidecar';
  // Ambient: `istio.io/dataplane-mode: ambient` on the namespace or the pod, `none` on the pod opts out
  // (istio/istio pkg/kube/util ambient enablement: a pod with a sidecar is never captured).
  const podMode = pod.labels['istio.io/dataplane-mode'];
  if (podMode !== 'none' && (podMode === 'ambient' || ns.labels['istio.io/dataplane-mode'] === 'ambient')) return 'istio-ambient';
  // Linkerd: `linkerd.io/inject: enabled|ingress` on the pod template or its namespace; `disabled` on the pod opts out.
  const linkerd = pod.annotations['linkerd.io/inject'] ?? ns.annotations['linkerd.io/inject'];
  if (linkerd === 'enabled' || linkerd === 'ingress') return 'linkerd';
  return 'none';
}

/** The objects given, indexed for every data plane. */
export class World {
  /** Every object, in input order. */
  public readonly objects: readonly WorldObject[];
  private readonly byGroupKind = new Map<string, WorldObject[]>();
  private readonly byKey = new Map<string, WorldObject>();
  private readonly namespaceInfo = new Map<string, NamespaceInfo>();
  private readonly serviceInfo = new Map<string, ServiceInfo>();
  private readonly workloadInfo = new Map<string, WorkloadInfo>();
  private readonly workloadsByNamespace = new Map<string, WorkloadInfo[]>();
  private readonly endpointCache = new Map<string, readonly WorkloadInfo[]>();
  private readonly memos = new Map<string, unknown>();
  private readonly undeclared = new Map<string, NamespaceInfo>();

  public constructor(manifests: ReadonlyArray<Manifest | { readonly manifest: Manifest; readonly file?: string; readonly line?: number }>) {
    // Applied in order, as `kubectl apply -f` of every file: a later object of one group, kind, namespace and name
    // replaces the earlier one's content and keeps its place (it was created first).
    const objects: WorldObject[] = [];
    manifests.forEach(m => {
      const entry = 'manifest' in m && isObj(m.manifest) && !('apiVersion' in m) ? m as { manifest: Manifest; file?: string; line?: number } : { manifest: m as Manifest };
      const manifest = entry.manifest;
      if (!isObj(manifest) || !isObj(manifest.metadata)) return;
      const group = groupOfApiVersion(manifest.apiVersion);
      const kind = str(manifest.kind);
      const namespace = str(manifest.metadata.namespace) || (kind === 'Namespace' || kind === 'ClusterRole' || kind === 'GatewayClass' ? '' : 'default');
      const name = str(manifest.metadata.name);
      const key = `${group}/${kind}/${namespace}/${name}`;
      const earlier = this.byKey.get(key);
      const o: WorldObject = { manifest, group, kind, namespace, name, index: earlier?.index ?? objects.length, file: entry.file, line: entry.line };
      this.byKey.set(key, o);
      if (earlier) objects[earlier.index] = o;
      else objects.push(o);
    });
    for (const o of objects) {
      const gk = `${o.group}/${o.kind}`;
      const same = this.byGroupKind.get(gk);
      if (same) same.push(o);
      else this.byGroupKind.set(gk, [o]);
    }
    this.objects = objects;
    for (const o of this.list('', 'Namespace')) {
      this.namespaceInfo.set(o.name, {
        name: o.name,
        declared: true,
        // the API server sets `kubernetes.io/metadata.name` on every namespace (Kubernetes 1.22+): namespace selectors may use it
        labels: { ...strMap(o.manifest.metadata.labels), 'kubernetes.io/metadata.name': o.name },
        annotations: strMap(o.manifest.metadata.annotations),
      });
    }
    for (const o of this.list('', 'Service')) this.serviceInfo.set(`${o.namespace}/${o.name}`, serviceOf(o));
    for (const o of objects) {
      if (!WORKLOAD_KINDS.has(o.kind) || !(o.group === '' || o.group === 'apps' || o.group === 'batch' || o.group === 'argoproj.io')) continue;
      const w = workloadOf(o, this.namespace(o.namespace));
      if (!w || this.workloadInfo.has(w.key)) continue;
      this.workloadInfo.set(w.key, w);
      const same = this.workloadsByNamespace.get(w.namespace);
      if (same) same.push(w);
      else this.workloadsByNamespace.set(w.namespace, [w]);
    }
  }

  /** Objects of one API group (`''`: core) and kind, in input order; in one namespace when given. */
  public list(group: string, kind: string, namespace?: string): readonly WorldObject[] {
    const all = this.byGroupKind.get(`${group}/${kind}`) ?? [];
    return namespace === undefined ? all : all.filter(o => o.namespace === namespace);
  }

  /** One object by group, kind, namespace and name. */
  public get(group: string, kind: string, namespace: string, name: string): WorldObject | undefined {
    return this.byKey.get(`${group}/${kind}/${namespace}/${name}`);
  }

  /** A namespace (declared or only used; an unknown one has no labels). */
  public namespace(name: string): NamespaceInfo {
    let info = this.namespaceInfo.get(name) ?? this.undeclared.get(name);
    if (!info) {
      // a namespace only named by objects in it: it exists (it must, for them to), with the label the API server gives every namespace
      info = { name, declared: false, labels: { 'kubernetes.io/metadata.name': name }, annotations: {} };
      this.undeclared.set(name, info);
    }
    return info;
  }

  /** A value derived from the objects, computed once per world (engines keep their indexes here). */
  public memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  /** Every namespace declared or holding an object, sorted. */
  public namespaces(): string[] {
    const names = new Set<string>(this.namespaceInfo.keys());
    for (const o of this.objects) if (o.kind !== 'Namespace') names.add(o.namespace);
    return [...names].sort();
  }

  /** A Service by namespace and name. */
  public service(namespace: string, name: string): ServiceInfo | undefined {
    return this.serviceInfo.get(`${namespace}/${name}`);
  }

  /** Every Service, in input order. */
  public services(): readonly ServiceInfo[] {
    return [...this.serviceInfo.values()];
  }

  /** A workload by `namespace/name` (the first of that name when kinds differ). */
  public workload(key: string): WorkloadInfo | undefined {
    return this.workloadInfo.get(key);
  }

  /** Every workload, in input order. */
  public workloads(): readonly WorkloadInfo[] {
    return [...this.workloadInfo.values()];
  }

  /** The workloads of a namespace whose pod labels a selector selects. */
  public workloadsSelected(namespace: string, selector: { readonly [k: string]: string }): readonly WorkloadInfo[] {
    return (this.workloadsByNamespace.get(namespace) ?? []).filter(w => selectsLabels(selector, w.podLabels));
  }

  /**
   * The workloads behind a Service: those its selector selects; for a Service without a selector (its endpoints managed
   * by hand), the workloads whose pods its EndpointSlices (or Endpoints) name as ready `targetRef`s.
   */
  public endpoints(service: ServiceInfo): readonly WorkloadInfo[] {
    const key = `${service.namespace}/${service.name}`;
    let found = this.endpointCache.get(key);
    if (!found) {
      const selector = service.selector;
      found = selector === undefined || Object.keys(selector).length === 0 ? this.manualEndpoints(service)
        : this.workloadsSelected(service.namespace, selector);
      this.endpointCache.set(key, found);
    }
    return found;
  }

  /**
   * The workloads named by a selector-less Service's EndpointSlices (label `kubernetes.io/service-name`) and Endpoints
   * (same name): each ready endpoint's `targetRef` Pod is a Pod of the configuration, or a pod of the controller whose
   * name prefixes the pod's (`<deployment>-<hash>-<id>`, `<statefulset>-<n>`; the longest such name).
   */
  private manualEndpoints(service: ServiceInfo): WorkloadInfo[] {
    const refs: Array<{ namespace: string; name: string }> = [];
    const targetOf = (v: unknown) => {
      if (!isObj(v) || (v.kind !== undefined && v.kind !== 'Pod')) return;
      refs.push({ namespace: str(v.namespace) || service.namespace, name: str(v.name) });
    };
    for (const slice of this.list('discovery.k8s.io', 'EndpointSlice', service.namespace)) {
      if (strMap(slice.manifest.metadata.labels)['kubernetes.io/service-name'] !== service.name) continue;
      const endpoints = Array.isArray(slice.manifest.endpoints) ? slice.manifest.endpoints.filter(isObj) : [];
      for (const e of endpoints) if (!(isObj(e.conditions) && e.conditions.ready === false)) targetOf(e.targetRef);
    }
    const legacy = this.get('', 'Endpoints', service.namespace, service.name);
    for (const subset of legacy && Array.isArray(legacy.manifest.subsets) ? legacy.manifest.subsets.filter(isObj) : []) {
      for (const a of Array.isArray(subset.addresses) ? subset.addresses.filter(isObj) : []) targetOf(a.targetRef);
    }
    const out: WorkloadInfo[] = [];
    for (const ref of refs) {
      const pod = this.workloadInfo.get(`${ref.namespace}/${ref.name}`);
      const owner = pod ?? (this.workloadsByNamespace.get(ref.namespace) ?? [])
        .filter(w => w.kind !== 'Pod' && ref.name.startsWith(`${w.name}-`))
        .sort((a, b) => b.name.length - a.name.length)[0];
      if (owner && !out.includes(owner)) out.push(owner);
    }
    return out;
  }

  /**
   * The Service a host names from a namespace, as Kubernetes DNS resolves it: `name` (in the caller's namespace),
   * `name.namespace`, `name.namespace.svc`, `name.namespace.svc.cluster.local`.
   */
  public serviceForHost(host: string, fromNamespace: string): ServiceInfo | undefined {
    const h = host.replace(/\.$/, '').toLowerCase();
    const parts = h.split('.');
    if (parts.length === 1) return this.service(fromNamespace, parts[0]);
    if (parts.length === 2 || (parts.length === 3 && parts[2] === 'svc')
      || (parts.length === 5 && parts[2] === 'svc' && `${parts[3]}.${parts[4]}` === CLUSTER_DOMAIN)) return this.service(parts[1], parts[0]);
    return undefined;
  }
}

function serviceOf(o: WorldObject): ServiceInfo {
  const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
  const ports = (Array.isArray(spec.ports) ? spec.ports : []).filter(isObj).map((p): ServicePort => {
    const port = Number(p.port);
    const target = p.targetPort;
    return {
      name: typeof p.name === 'string' ? p.name : undefined,
      port,
      targetPort: typeof target === 'number' ? target : typeof target === 'string' && target !== '' ? (/^\d+$/.test(target) ? Number(target) : target) : port,
      protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
      appProtocol: typeof p.appProtocol === 'string' ? p.appProtocol : undefined,
    };
  });
  return {
    object: o,
    namespace: o.namespace,
    name: o.name,
    fqdn: `${o.name}.${o.namespace}.svc.${CLUSTER_DOMAIN}`,
    type: typeof spec.type === 'string' ? spec.type : 'ClusterIP',
    clusterIP: typeof spec.clusterIP === 'string' ? spec.clusterIP : undefined,
    externalName: typeof spec.externalName === 'string' ? spec.externalName : undefined,
    selector: isObj(spec.selector) ? strMap(spec.selector) : undefined,
    ports,
    labels: strMap(o.manifest.metadata.labels),
    annotations: strMap(o.manifest.metadata.annotations),
  };
}

function workloadOf(o: WorldObject, ns: NamespaceInfo): WorkloadInfo | undefined {
  const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
  const template = o.kind === 'Pod' ? { metadata: o.manifest.metadata, spec } : isObj(spec.template) ? spec.template : undefined;
  if (!template) return undefined;
  const meta = isObj(template.metadata) ? template.metadata : {};
  const podSpec = isObj(template.spec) ? template.spec : {};
  const podLabels = strMap(meta.labels);
  const podAnnotations = strMap(meta.annotations);
  const containers = (Array.isArray(podSpec.containers) ? podSpec.containers : []).filter(isObj);
  const containerPorts = containers.flatMap(c => (Array.isArray(c.ports) ? c.ports : []).filter(isObj).map((p): ContainerPort => ({
    name: typeof p.name === 'string' ? p.name : undefined,
    containerPort: Number(p.containerPort),
    protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
  })));
  const replicas = o.kind === 'Pod' || o.kind === 'DaemonSet' ? 1 : typeof spec.replicas === 'number' ? spec.replicas : 1;
  return {
    object: o,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
    key: `${o.namespace}/${o.name}`,
    podLabels,
    podAnnotations,
    replicas,
    serviceAccount: str(podSpec.serviceAccountName) || str(podSpec.serviceAccount) || 'default',
    containerPorts,
    version: podLabels.version ?? podLabels['app.kubernetes.io/version'],
    dataPlane: dataPlaneOf({ labels: podLabels, annotations: podAnnotations }, ns),
  };
}
