import { isObj, str, strMap, strs } from '../../analysis/context';
import { ServiceInfo, WorkloadInfo, World, WorldObject, selectsLabels } from '../world';
import { byCreation, creationOf, isIpAddress } from './host';
import { IstioSettings } from './mesh-config';
import { Protocol, kubePortProtocol, parseProtocol } from './protocol';

/**
 * istiod's service registry over the world: Kubernetes Services (istio/istio pilot/pkg/serviceregistry/kube/conversion.go)
 * and ServiceEntries (serviceregistry/serviceentry/conversion.go) as `model.Service`s, with their endpoints, the
 * ExternalName aliases (push_context.go resolveServiceAliases), the hostname index and exportTo visibility
 * (initServiceRegistry, IsServiceVisible).
 *
 * Addresses: a Service that declares no `clusterIP` gets one the way the API server would allocate it (10.96.0.0/16,
 * in the order of the Services' keys), and each workload a pod address (10.244.0.0/16), so that listeners bound to
 * addresses work as in a cluster; in istiod's own test harness (`allocateAddresses: false`) nothing is allocated.
 */

export type Resolution = 'ClientSideLB' | 'DNSLB' | 'DNSRoundRobinLB' | 'Passthrough' | 'Alias' | 'DynamicDNS';

export interface ServicePortModel {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** A ServiceEntry port's `targetPort`; a Kubernetes Service port's target (a number or a container port name). */
  readonly targetPort?: number | string;
}

export interface IstioService {
  readonly hostname: string;
  readonly namespace: string;
  /** The Kubernetes Service's name; a ServiceEntry's host. */
  readonly name: string;
  readonly registry: 'Kubernetes' | 'External';
  /** The VIP, `0.0.0.0` when none. */
  readonly address: string;
  readonly ports: readonly ServicePortModel[];
  readonly resolution: Resolution;
  readonly meshExternal: boolean;
  readonly externalName?: string;
  /** Hostnames of ExternalName Services that alias this one. */
  aliases: string[];
  /** `exportTo`, undefined when not written (the mesh default applies). */
  readonly exportTo?: readonly string[];
  readonly labels: { readonly [k: string]: string };
  readonly creation: number;
  readonly kube?: ServiceInfo;
  readonly object?: WorldObject;
  /** For a copy narrowed to some ports (a Sidecar's port, a VirtualService's destination ports): the registry's service. */
  readonly base?: IstioService;
}

/** The registry's service behind a narrowed copy. */
export const baseService = (s: IstioService): IstioService => s.base ?? s;

/** An endpoint of a service port (a model.ServiceInstance / IstioEndpoint). */
export interface ServiceInstance {
  readonly service: IstioService;
  readonly servicePort: ServicePortModel;
  readonly address: string;
  readonly endpointPort: number;
  readonly labels: { readonly [k: string]: string };
  readonly workload?: WorkloadInfo;
}

/** Services and instances given directly, as istiod's tests feed its in-memory registry. */
export interface InjectedRegistry {
  readonly services: ReadonlyArray<{
    hostname: string;
    address: string;
    resolution?: Resolution;
    namespace?: string;
    ports: ReadonlyArray<{ name: string; port: number; protocol: string }>;
  }>;
  readonly instances: ReadonlyArray<{ service: string; servicePort: number; endpointAddresses: readonly string[]; endpointPort: number }>;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export class Registry {
  /** Every service, sorted as istiod sorts them (creation time, name, namespace). */
  public readonly services: IstioService[] = [];
  /** hostname → namespace → service (the first of a namespace wins, a Kubernetes Service over a ServiceEntry). */
  public readonly byHostname = new Map<string, Map<string, IstioService>>();
  private readonly instances = new Map<IstioService, ServiceInstance[]>();
  private readonly podIps = new Map<string, string>();

  public constructor(private readonly world: World, private readonly settings: IstioSettings, allocate: boolean, injected?: InjectedRegistry) {
    if (allocate) {
      world.workloads().forEach((w, i) => this.podIps.set(w.key, `10.244.${Math.floor(i / 250)}.${(i % 250) + 1}`));
    }
    const kubeKeys = world.services().map(s => `${s.namespace}/${s.name}`).sort();
    const vip = new Map(kubeKeys.map((k, i) => [k, `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`]));
    const svcs: IstioService[] = [];
    for (const s of world.services()) svcs.push(this.fromKube(s, allocate ? vip.get(`${s.namespace}/${s.name}`) : undefined));
    for (const o of world.list('networking.istio.io', 'ServiceEntry')) svcs.push(...this.fromServiceEntry(o));
    for (const s of injected?.services ?? []) {
      svcs.push({
        hostname: s.hostname,
        namespace: s.namespace ?? s.hostname.split('.')[1] ?? 'default',
        name: s.hostname.split('.')[0],
        registry: 'Kubernetes',
        address: s.address,
        ports: s.ports.map(p => ({ name: p.name, port: p.port, protocol: parseProtocol(p.protocol) })),
        resolution: s.resolution ?? 'ClientSideLB',
        meshExternal: false,
        aliases: [],
        labels: {},
        creation: 0,
      });
    }
    svcs.sort((a, b) => byCreation(a, b));
    this.services.push(...svcs);
    this.resolveAliases();
    for (const s of this.services) {
      let byNs = this.byHostname.get(s.hostname);
      if (!byNs) this.byHostname.set(s.hostname, byNs = new Map());
      const existing = byNs.get(s.namespace);
      if (!existing || (existing.registry !== 'Kubernetes' && s.registry === 'Kubernetes')) byNs.set(s.namespace, s);
    }
    for (const i of injected?.instances ?? []) {
      const svc = this.services.find(s => s.hostname === i.service);
      const port = svc?.ports.find(p => p.port === i.servicePort);
      if (!svc || !port) continue;
      const list = this.instances.get(svc) ?? [];
      for (const a of i.endpointAddresses) list.push({ service: svc, servicePort: port, address: a, endpointPort: i.endpointPort, labels: {} });
      this.instances.set(svc, list);
    }
  }

  /** The pod address the model gives a workload (undefined in istiod's test harness). */
  public podIp(w: WorkloadInfo): string | undefined {
    return this.podIps.get(w.key);
  }

  /** The endpoints of a service (every port), computed once. */
  public instancesOf(narrowed: IstioService): readonly ServiceInstance[] {
    const s = baseService(narrowed);
    let found = this.instances.get(s);
    if (!found) {
      found = s.kube ? this.kubeInstances(s, s.kube) : s.object ? this.seInstances(s, s.object) : [];
      this.instances.set(s, found);
    }
    return found;
  }

  /** The endpoints of one service port. */
  public instancesOfPort(s: IstioService, port: number): readonly ServiceInstance[] {
    return this.instancesOf(s).filter(i => i.servicePort.port === port);
  }

  /** Whether a namespace sees a service (IsServiceVisible: exportTo, or the mesh default). */
  public visible(s: IstioService, namespace: string): boolean {
    const exportTo = s.exportTo && s.exportTo.length > 0 ? s.exportTo : this.settings.defaultServiceExportTo;
    if (exportTo.includes('~') && exportTo.length === 1) return false;
    return exportTo.includes('*') || ((exportTo.includes('.') || exportTo.includes(s.namespace)) && s.namespace === namespace) || exportTo.includes(namespace);
  }

  /** servicesExportedToNamespace: the services a namespace sees, those exported to it by name before the public ones. */
  public servicesVisibleTo(namespace: string): IstioService[] {
    const isPublic = (s: IstioService) => {
      const e = s.exportTo && s.exportTo.length > 0 ? s.exportTo : this.settings.defaultServiceExportTo;
      return e.includes('*');
    };
    return [...this.services.filter(s => !isPublic(s) && this.visible(s, namespace)), ...this.services.filter(s => isPublic(s))];
  }

  private fromKube(s: ServiceInfo, allocated: string | undefined): IstioService {
    let resolution: Resolution = 'ClientSideLB';
    let address = '0.0.0.0';
    let externalName: string | undefined;
    if (s.type === 'ExternalName' && s.externalName) {
      externalName = s.externalName;
      resolution = 'Alias';
    }
    if (s.clusterIP === 'None') resolution = 'Passthrough';
    else if (s.clusterIP !== undefined && s.clusterIP !== '') address = s.clusterIP;
    else if (allocated && resolution !== 'Alias') address = allocated;
    const exportTo = s.annotations['networking.istio.io/exportTo'];
    return {
      hostname: `${s.name}.${s.namespace}.svc.${this.settings.domainSuffix}`,
      namespace: s.namespace,
      name: s.name,
      registry: 'Kubernetes',
      address,
      ports: s.ports.map(p => ({ name: p.name ?? '', port: p.port, protocol: kubePortProtocol(p.port, p.name, p.protocol, p.appProtocol), targetPort: p.targetPort })),
      resolution,
      meshExternal: externalName !== undefined,
      ...(externalName !== undefined ? { externalName } : {}),
      aliases: [],
      ...(exportTo !== undefined ? { exportTo: exportTo.split(',').map(e => e.trim()) } : {}),
      labels: s.labels,
      creation: creationOf(s.object.manifest.metadata),
      kube: s,
      object: s.object,
    };
  }

  private fromServiceEntry(o: WorldObject): IstioService[] {
    const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
    const res = str(spec.resolution);
    const resolution: Resolution = res === 'NONE' || res === '' ? 'Passthrough' : res === 'DNS' ? 'DNSLB' : res === 'DNS_ROUND_ROBIN' ? 'DNSRoundRobinLB'
      : res === 'DYNAMIC_DNS' ? 'DynamicDNS' : 'ClientSideLB';
    const ports = (Array.isArray(spec.ports) ? spec.ports : []).filter(isObj).map((p): ServicePortModel => ({
      name: str(p.name),
      port: num(p.number),
      protocol: parseProtocol(p.protocol),
      ...(num(p.targetPort) > 0 ? { targetPort: num(p.targetPort) } : {}),
    }));
    const addresses = strs(spec.addresses).map(a => (/\/(32|128)$/.test(a) ? a.replace(/\/(32|128)$/, '') : a))
      .filter(a => isIpAddress(a) || /^[0-9a-fA-F:.]+\/\d+$/.test(a));
    const exportTo = strs(spec.exportTo);
    return strs(spec.hosts).map(h => ({
      hostname: h,
      namespace: o.namespace,
      name: h,
      registry: 'External' as const,
      address: addresses[0] ?? '0.0.0.0',
      ports,
      resolution,
      meshExternal: str(spec.location) !== 'MESH_INTERNAL',
      aliases: [],
      ...(exportTo.length > 0 ? { exportTo } : {}),
      labels: strMap(o.manifest.metadata.labels),
      creation: creationOf(o.manifest.metadata),
      object: o,
    }));
  }

  /** resolveServiceAliases: each ExternalName Service (following chains) becomes an alias of the service it names. */
  private resolveAliases(): void {
    const raw = new Map<string, string>();
    for (const s of this.services) if (s.resolution === 'Alias' && s.externalName) raw.set(s.hostname, s.externalName);
    for (const [alias, target] of raw) {
      let concrete = target;
      const seen = new Set([alias, target]);
      let loop = false;
      while (raw.has(concrete)) {
        const next = raw.get(concrete)!;
        if (seen.has(next)) {
          loop = true;
          break;
        }
        seen.add(next);
        concrete = next;
      }
      if (loop) continue;
      for (const s of this.services) if (s.hostname === concrete && !s.aliases.includes(alias)) s.aliases.push(alias);
    }
  }

  private kubeInstances(s: IstioService, k: ServiceInfo): ServiceInstance[] {
    const out: ServiceInstance[] = [];
    // EndpointSlices written in the configuration (endpoints by address, as istiod's tests give them)
    for (const slice of this.world.list('discovery.k8s.io', 'EndpointSlice', k.namespace)) {
      if (strMap(slice.manifest.metadata.labels)['kubernetes.io/service-name'] !== k.name) continue;
      const m = slice.manifest as unknown as { endpoints?: unknown; ports?: unknown };
      const slicePorts = (Array.isArray(m.ports) ? m.ports : []).filter(isObj);
      for (const e of (Array.isArray(m.endpoints) ? m.endpoints : []).filter(isObj)) {
        for (const sp of s.ports) {
          const p = slicePorts.find(x => str(x.name) === sp.name) ?? (slicePorts.length === 1 && s.ports.length === 1 ? slicePorts[0] : undefined);
          if (!p) continue;
          for (const a of strs(e.addresses)) out.push({ service: s, servicePort: sp, address: a, endpointPort: num(p.port), labels: {} });
        }
      }
    }
    // the pods the selector selects
    for (const w of this.world.endpoints(k)) {
      for (const sp of s.ports) {
        const port = targetPortOf(sp, w);
        if (port === undefined) continue;
        out.push({ service: s, servicePort: sp, address: this.podIps.get(w.key) ?? '', endpointPort: port, labels: w.podLabels, workload: w });
      }
    }
    return out;
  }

  private seInstances(s: IstioService, o: WorldObject): ServiceInstance[] {
    const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
    const endpoints = (Array.isArray(spec.endpoints) ? spec.endpoints : []).filter(isObj);
    const out: ServiceInstance[] = [];
    const portOf = (sp: ServicePortModel, overrides: { [k: string]: unknown }) =>
      num(overrides[sp.name]) || (typeof sp.targetPort === 'number' ? sp.targetPort : sp.port);
    for (const e of endpoints) {
      for (const sp of s.ports) {
        out.push({
          service: s,
          servicePort: sp,
          address: str(e.address),
          endpointPort: portOf(sp, isObj(e.ports)
            ? e.ports : {}),
          labels: strMap(e.labels),
        });
      }
    }
    const selector = isObj(spec.workloadSelector) ? strMap(spec.workloadSelector.labels) : undefined;
    if (selector) {
      for (const w of this.world.workloads()) {
        if (w.namespace !== o.namespace || !selectsLabels(selector, w.podLabels)) continue;
        for (const sp of s.ports) out.push({ service: s, servicePort: sp, address: this.podIps.get(w.key) ?? '', endpointPort: portOf(sp, {}), labels: w.podLabels, workload: w });
      }
    }
    if (endpoints.length === 0 && !selector && (s.resolution === 'DNSLB' || s.resolution === 'DNSRoundRobinLB')) {
      for (const sp of s.ports) out.push({ service: s, servicePort: sp, address: s.hostname, endpointPort: portOf(sp, {}), labels: {} });
    }
    return out;
  }
}

/** A Service port's target on one workload: a number, or a container port's name (undefined when the pod has none of that name). */
export function targetPortOf(sp: ServicePortModel, w: WorkloadInfo): number | undefined {
  const t = sp.targetPort;
  if (typeof t === 'number') return t;
  if (typeof t === 'string') return w.containerPorts.find(c => c.name === t)?.containerPort;
  return sp.port;
}
