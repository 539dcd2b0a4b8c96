import { WorkloadInfo } from '../world';
import { IstioIndex, SidecarConfig } from './config-index';
import { ConsolidatedRule, ruleForProxy } from './destination-rules';
import { hostMatches, hostSubsetOf, isWildcard, mostSpecificHostMatch } from './host';
import { parseProtocol } from './protocol';
import { IstioService, ServicePortModel } from './registry';
import { VirtualServiceConfig } from './vs-model';

/**
 * A proxy and what it sees: its Sidecar scope (istio/istio pilot/pkg/model/sidecar.go convertToSidecarScope,
 * DefaultSidecarScopeForGateway; push_context.go getSidecarScope) — the egress listeners with their services and
 * VirtualServices (Sidecar `egress.hosts`, exportTo), the DestinationRule of each service — and its service targets
 * (the service ports whose endpoints are the proxy's own).
 */

export interface ProxyModel {
  readonly type: 'sidecar' | 'router';
  readonly labels: { readonly [k: string]: string };
  /** The proxy's own namespace (its pod's). */
  readonly namespace: string;
  /** The namespace whose configuration applies (a sidecar's; `default` for istiod's test gateways). */
  readonly configNamespace: string;
  readonly ips: readonly string[];
  readonly workload?: WorkloadInfo;
}

/** A service port whose endpoint is this proxy (model.ServiceTarget). */
export interface ServiceTarget {
  readonly service: IstioService;
  readonly port: ServicePortModel;
  readonly targetPort: number;
}

export interface EgressListener {
  readonly port?: { readonly number: number; readonly protocol: string; readonly name: string };
  readonly bind: string;
  readonly captureMode: string;
  readonly services: readonly IstioService[];
  readonly virtualServices: readonly VirtualServiceConfig[];
  /** Per service host, the VirtualService (namespace/name) whose host covers it most specifically. */
  readonly mostSpecificVs: ReadonlyMap<string, string>;
}

export interface SidecarScope {
  readonly name: string;
  readonly namespace: string;
  readonly sidecar?: SidecarConfig;
  readonly egress: readonly EgressListener[];
  readonly services: readonly IstioService[];
  readonly servicesByHostname: ReadonlyMap<string, IstioService>;
  readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY' | 'ALLOW_ANY_DYNAMIC_DNS';
}

interface HostClassification {
  readonly exact: Set<string>;
  readonly all: string[];
  readonly excluded: string[];
}

const excludedBy = (hc: HostClassification, h: string) => hc.excluded.some(e => hostSubsetOf(h, e));

function matchesImported(hc: HostClassification, h: string): boolean {
  if (hc.exact.has(h)) return true;
  for (const imported of hc.all) {
    if (!isWildcard(h) && !isWildcard(imported)) continue;
    if (hostSubsetOf(h, imported)) return true;
  }
  return false;
}

function vsMatchesImported(hc: HostClassification, vsHost: string, gatewaySemantics: boolean): boolean {
  if (hc.exact.has(vsHost)) return true;
  for (const imported of hc.all) {
    if (!isWildcard(vsHost) && !isWildcard(imported)) continue;
    if (gatewaySemantics ? hostSubsetOf(vsHost, imported) : hostMatches(vsHost, imported)) return true;
  }
  return false;
}

/** The Sidecar resource of a sidecar proxy: one selecting its labels, else its namespace's, else the root namespace's. */
export function sidecarFor(index: IstioIndex, proxy: ProxyModel): SidecarConfig | undefined {
  if (proxy.type !== 'sidecar') return undefined;
  const own = index.sidecars.filter(s => s.namespace === proxy.configNamespace);
  for (const s of own) {
    if (s.workloadSelector && !Object.entries(s.workloadSelector).every(([k, v]) => proxy.labels[k] === v)) continue;
    return s;
  }
  return index.sidecars.find(s => s.namespace === index.settings.rootNamespace && !s.workloadSelector);
}

export function buildSidecarScope(index: IstioIndex, proxy: ProxyModel): SidecarScope {
  const ns = proxy.configNamespace;
  const registry = index.registry;
  if (proxy.type === 'router') {
    // DefaultSidecarScopeForGateway: every service the namespace sees, the `mesh` VirtualServices it sees
    const services = dedupeServices(registry.servicesVisibleTo(ns));
    const egress: EgressListener = { bind: '', captureMode: '', services, virtualServices: index.virtualServicesForGateway(ns, 'mesh'), mostSpecificVs: new Map() };
    return { name: 'default-sidecar', namespace: ns, egress: [egress], services, servicesByHostname: new Map(services.map(s => [s.hostname, s])), outboundTrafficPolicy: index.settings.outboundTrafficPolicy };
  }
  const sidecar = sidecarFor(index, proxy);
  const egressConfigs = sidecar && sidecar.egress.length > 0 ? sidecar.egress : [{ bind: '', captureMode: '', hosts: ['*/*'] }];
  const egress = egressConfigs.map(e => egressListener(index, ns, e));
  const services: IstioService[] = [];
  const byHost = new Map<string, number>();
  const add = (s: IstioService | undefined) => {
    if (!s) return;
    const at = byHost.get(s.hostname);
    if (at === undefined) {
      byHost.set(s.hostname, services.length);
      services.push(s);
      return;
    }
    const existing = services[at];
    if (existing === s) return;
    if (existing.registry === 'Kubernetes' && s.registry !== 'Kubernetes') return;
    if (existing.registry !== 'Kubernetes' && s.registry === 'Kubernetes') {
      services[at] = s;
      return;
    }
    if (samePorts(existing.ports, s.ports)) return;
    if (existing.namespace !== s.namespace || existing.resolution !== s.resolution || existing.registry !== s.registry) return;
    services[at] = {
      ...existing,
      ports: [...existing.ports, ...s.ports.filter(p => !existing.ports.some(q => q.port === p.port))],
      base: existing.base ?? existing,
    };
  };
  egressConfigs.forEach((e, i) => {
    const listener = egress[i];
    for (const s of listener.services) add(s);
    for (const vs of listener.virtualServices) {
      for (const [host, ports] of vsDestinations(vs, ns)) {
        const byNs = registry.byHostname.get(host);
        if (!byNs) continue;
        const pick = (s: IstioService) => (e.port ? matchingListenerPort(s, e.port.number) : matchingPorts(s, ports));
        const local = byNs.get(ns);
        if (local) {
          add(pick(local));
        } else {
          const candidates = [...byNs.values()].filter(s => registry.visible(s, ns));
          const best = candidates.find(s => s.registry === 'Kubernetes') ?? candidates.sort((a, b) => a.creation - b.creation)[0];
          if (best) add(pick(best));
        }
      }
    }
  });
  const mode = sidecar?.outboundTrafficPolicy ?? index.settings.outboundTrafficPolicy;
  return { name: sidecar?.name ?? 'default-sidecar', namespace: ns, ...(sidecar ? { sidecar } : {}), egress, services, servicesByHostname: new Map(services.map(s => [s.hostname, s])), outboundTrafficPolicy: mode };
}

const samePorts = (a: readonly ServicePortModel[], b: readonly ServicePortModel[]) =>
  a.length === b.length && a.every((p, i) => p.port === b[i].port && p.name === b[i].name && p.protocol === b[i].protocol);

function dedupeServices(list: readonly IstioService[]): IstioService[] {
  const seen = new Set<string>();
  return list.filter(s => (seen.has(s.hostname) ? false : (seen.add(s.hostname), true)));
}

function egressListener(index: IstioIndex, configNamespace: string, e: SidecarConfig['egress'][number]): EgressListener {
  const byNs = new Map<string, HostClassification>();
  let allExact = true;
  for (const h of e.hosts) {
    if ((h.match(/\//g) ?? []).length !== 1) continue;
    let [ns, name] = h.split('/');
    const excluded = ns.startsWith('~');
    if (excluded) ns = ns.slice(1) || '*';
    if (ns === '.') ns = configNamespace;
    let hc = byNs.get(ns);
    if (!hc) byNs.set(ns, hc = { exact: new Set(), all: [], excluded: [] });
    if (excluded) {
      hc.excluded.push(name);
      continue;
    }
    if (!isWildcard(name)) hc.exact.add(name);
    else allExact = false;
    if (ns === '*') allExact = false;
    hc.all.push(name);
  }
  const virtualServices = selectVirtualServices(index, configNamespace, byNs);
  const registry = index.registry;
  let candidates: IstioService[];
  if (allExact) {
    candidates = [];
    for (const [ns, hc] of byNs) {
      for (const h of hc.exact) {
        const s = registry.byHostname.get(h)?.get(ns);
        if (s && registry.visible(s, configNamespace)) candidates.push(s);
      }
    }
    candidates.sort((a, b) => a.creation - b.creation || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.namespace < b.namespace ? -1 : 1));
  } else {
    candidates = registry.servicesVisibleTo(configNamespace);
  }
  const portNumber = e.port && parseProtocol(e.port.protocol) !== 'HTTP_PROXY' ? e.port.number : undefined;
  const wildcard = byNs.get('*');
  const imported: IstioService[] = [];
  for (const s of candidates) {
    const nsHosts = byNs.get(s.namespace);
    if ((nsHosts && excludedBy(nsHosts, s.hostname)) || (wildcard && excludedBy(wildcard, s.hostname))) continue;
    const pick = (hc: HostClassification) => {
      if (!matchesImported(hc, s.hostname)) return undefined;
      const svc = portNumber !== undefined ? matchingListenerPort(s, portNumber) : s;
      if (!svc) return undefined;
      const aliases = svc.aliases.filter(a => matchesImported(hc, a));
      return aliases.length === svc.aliases.length ? svc : { ...svc, aliases, base: svc.base ?? svc };
    };
    const fromNs = nsHosts ? pick(nsHosts) : undefined;
    if (fromNs) {
      imported.push(fromNs);
      continue;
    }
    const fromWildcard = wildcard ? pick(wildcard) : undefined;
    if (fromWildcard) imported.push(fromWildcard);
  }
  // UnifiedSidecarScoping: one service per host — the config namespace's, else a Kubernetes Service over a ServiceEntry
  const valid = new Map<string, { ns: string; kube: boolean }>();
  for (const s of imported) {
    const np = { ns: s.namespace, kube: s.registry === 'Kubernetes' };
    const ex = valid.get(s.hostname);
    if (!ex) valid.set(s.hostname, np);
    else if (s.namespace === configNamespace) valid.set(s.hostname, np);
    else if (!ex.kube && np.kube && (np.ns === configNamespace || ex.ns !== configNamespace)) valid.set(s.hostname, np);
  }
  const services = imported.filter(s => valid.get(s.hostname)?.ns === s.namespace);
  return {
    ...(e.port ? { port: e.port } : {}),
    bind: e.bind,
    captureMode: e.captureMode,
    services,
    virtualServices,
    mostSpecificVs: wildcardVsIndex(virtualServices, services),
  };
}

/** SelectVirtualServices: the `mesh` VirtualServices the egress hosts import (gateway-semantics routes of the namespace first). */
function selectVirtualServices(index: IstioIndex, configNamespace: string, byNs: ReadonlyMap<string, HostClassification>): VirtualServiceConfig[] {
  const out: VirtualServiceConfig[] = [];
  const seen = new Set<VirtualServiceConfig>();
  const wildcard = byNs.get('*');
  const add = (vs: VirtualServiceConfig, hc: HostClassification) => {
    if (seen.has(vs)) return;
    const nsExcl = byNs.get(vs.namespace);
    const gw = vs.semantics === 'gateway';
    for (const h of vs.hosts) {
      if (!vsMatchesImported(hc, h, gw)) continue;
      if ((nsExcl && excludedBy(nsExcl, h)) || (wildcard && excludedBy(wildcard, h))) continue;
      out.push(vs);
      seen.add(vs);
      return;
    }
  };
  for (const list of index.meshVirtualServiceLists(configNamespace)) {
    for (const gwMatch of [true, false]) {
      for (const vs of list) {
        const gwExact = vs.semantics === 'gateway' && vs.namespace === configNamespace;
        if (gwMatch !== gwExact) continue;
        const hc = byNs.get(vs.namespace);
        if (hc) add(vs, hc);
        if (wildcard) add(vs, wildcard);
      }
    }
  }
  return out;
}

/** computeWildcardHostVirtualServiceIndex: per service host, the first VirtualService whose host covers it most specifically. */
function wildcardVsIndex(vses: readonly VirtualServiceConfig[], services: readonly IstioService[]): Map<string, string> {
  const specific = new Map<string, VirtualServiceConfig>();
  const wild = new Map<string, VirtualServiceConfig>();
  for (const vs of vses) {
    for (const h of vs.hosts) {
      const m = isWildcard(h) ? wild : specific;
      if (!m.has(h)) m.set(h, vs);
    }
  }
  const out = new Map<string, string>();
  for (const s of services) {
    const found = mostSpecificHostMatch(s.hostname, specific, wild);
    if (found) out.set(s.hostname, `${found[1].namespace}/${found[1].name}`);
  }
  return out;
}

/** serviceMatchingListenerPort: the service narrowed to the Sidecar egress port, or undefined when it has no such port. */
function matchingListenerPort(s: IstioService, port: number): IstioService | undefined {
  const p = s.ports.find(x => x.port === port);
  if (!p) return undefined;
  return s.ports.length === 1 ? s : { ...s, ports: [{ name: p.name, port: p.port, protocol: p.protocol }], base: s.base ?? s };
}

/** serviceMatchingVirtualServicePorts: the service narrowed to the ports VirtualService destinations name. */
function matchingPorts(s: IstioService, ports: ReadonlySet<number>): IstioService | undefined {
  if (ports.size === 0 || ports.has(0)) return s;
  const found = s.ports.filter(p => ports.has(p.port));
  if (found.length === s.ports.length) return s;
  return found.length > 0 ? { ...s, ports: found, base: s.base ?? s } : undefined;
}

/** virtualServiceDestinationsFilteredBySourceNamespace: destination hosts and ports of rules that apply to the namespace. */
function vsDestinations(vs: VirtualServiceConfig, configNamespace: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  const add = (host: string, port: number | undefined) => {
    let s = out.get(host);
    if (!s) out.set(host, s = new Set());
    s.add(port ?? 0);
  };
  for (const h of vs.http) {
    let matched = true;
    for (const m of h.match) {
      if (m.sourceNamespace !== '') {
        if (m.sourceNamespace === configNamespace) {
          matched = true;
          break;
        }
        matched = false;
      }
    }
    if (!matched) continue;
    for (const r of h.route) add(r.destination.host, r.destination.port);
    for (const m of h.mirrors) add(m.destination.host, m.destination.port);
  }
  for (const t of [...vs.tcp, ...vs.tls]) for (const r of t.route) add(r.destination.host, r.destination.port);
  return out;
}

/** The DestinationRule a proxy applies to a service host (PushContext.destinationRule + SidecarScope.DestinationRule). */
export function destinationRuleFor(index: IstioIndex, scope: SidecarScope, proxy: ProxyModel, hostname: string): ConsolidatedRule | undefined {
  const svc = scope.servicesByHostname.get(hostname);
  const svcNs = svc?.namespace ?? index.registry.servicesVisibleTo(scope.namespace).find(s => s.hostname === hostname)?.namespace ?? '';
  return ruleForProxy(index.destinationRules.lookup(scope.namespace, hostname, svcNs), scope.namespace, proxy.labels);
}

/** The proxy's service targets: the endpoints of every service whose address is one of the proxy's, or that are its workload's. */
export function serviceTargets(index: IstioIndex, proxy: ProxyModel): ServiceTarget[] {
  const out: ServiceTarget[] = [];
  for (const s of index.registry.services) {
    if (s.resolution === 'Alias') continue;
    for (const i of index.registry.instancesOf(s)) {
      const mine = (proxy.workload !== undefined && i.workload === proxy.workload) || (i.address !== '' && proxy.ips.includes(i.address));
      if (mine && !out.some(t => t.service === s && t.port.port === i.servicePort.port)) {
        out.push({
          service: s,
          port: i.servicePort,
          targetPort: i.endpointPort,
        });
      }
    }
  }
  return out;
}
