import { roundWeight, spreadOverVersions } from '../destinations';
import { TrafficDestination } from '../types';
import { WorkloadInfo, selectsLabels } from '../world';
import { ALLOW_ANY_DYNAMIC_DNS_CLUSTER, BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER, parseSubsetKey } from './envoy';
import { hostMatches } from './host';
import { ProxyContext } from './proxy-context';
import { IstioService, baseService } from './registry';
import { destinationRuleFor } from './sidecar-scope';

/**
 * Where an Envoy cluster sends requests, as the user sees it: `outbound|<port>|<subset>|<host>` is the service of that
 * host the proxy sees (istiod builds a cluster per service port, and per subset its DestinationRule defines: a route to
 * any other cluster gets no healthy upstream), narrowed to the subset's labels, spread over the pods' versions;
 * `PassthroughCluster` is the original destination (kube-proxy spreads a Service's VIP over its pods).
 */

/** The destination a request was addressed to, before the mesh: its host, port and what the host resolves to. */
export interface OriginalDestination {
  readonly host: string;
  readonly port: number;
  /** The Service (or ServiceEntry host) the address belongs to, if any. */
  readonly service?: IstioService;
}

/** The service a proxy means by a host: its own scope's, else one the registry has that its namespace sees. */
export function serviceOfHost(ctx: ProxyContext, host: string): IstioService | undefined {
  const own = ctx.scope.servicesByHostname.get(host);
  if (own) return own;
  const byNs = ctx.index.registry.byHostname.get(host);
  if (!byNs) return undefined;
  return byNs.get(ctx.proxy.configNamespace) ?? [...byNs.values()].find(s => ctx.index.registry.visible(s, ctx.proxy.configNamespace));
}

/** A share of requests to a cluster, as destinations. */
export function clusterDestinations(ctx: ProxyContext, cluster: string, weight: number, original: OriginalDestination,
  notFoundStatus: number): TrafficDestination[] {
  if (cluster === PASSTHROUGH_CLUSTER || cluster === ALLOW_ANY_DYNAMIC_DNS_CLUSTER) return originalDestinations(ctx, original, weight);
  if (cluster === BLACKHOLE_CLUSTER) {
    return [{ service: original.host, port: original.port, workloads: [], weight: roundWeight(weight), unavailable: 'BlackHoleCluster: the connection is dropped' }];
  }
  const parsed = parseSubsetKey(cluster);
  if (!parsed) return [{ service: cluster, workloads: [], weight: roundWeight(weight), unavailable: `no cluster '${cluster}' (${notFoundStatus})` }];
  const { host, port, subset } = parsed;
  const base = { port, ...(subset !== '' ? { subset } : {}) };
  const svc = serviceOfHost(ctx, host);
  if (!svc) {
    return [{
      service: host,
      ...base,
      workloads: [],
      weight: roundWeight(weight),
      unavailable: `no service of host '${host}' is visible to the proxy, so Envoy has no cluster ${cluster} (${notFoundStatus})`,
    }];
  }
  const reg = baseService(svc);
  if (!reg.ports.some(p => p.port === port)) {
    return [{
      service: serviceName(reg),
      ...base,
      workloads: [],
      weight: roundWeight(weight),
      unavailable: `${serviceName(reg)} has no port ${port} (its ports: ${reg.ports.map(p => p.port).join(', ') || 'none'}), so Envoy has no cluster ${cluster} (${notFoundStatus})`,
    }];
  }
  let subsetLabels: { readonly [k: string]: string } | undefined;
  if (subset !== '') {
    const dr = destinationRuleFor(ctx.index, ctx.scope, ctx.proxy, host);
    const def = dr?.rule.subsets.find(s => s.name === subset);
    if (!def) {
      const why = dr ? `DestinationRule ${dr.rule.namespace}/${dr.rule.name} defines no subset '${subset}'` : `no DestinationRule of host ${host} applies to the proxy`;
      return [{ service: serviceName(reg), ...base, workloads: [], weight: roundWeight(weight), unavailable: `${why}, so Envoy has no cluster ${cluster} (${notFoundStatus})` }];
    }
    subsetLabels = def.labels;
  }
  if (reg.kube) return spreadOverVersions(ctx.index.world, { service: reg.kube, port, ...(subset !== '' ? { subset } : {}), ...(subsetLabels ? { subsetLabels } : {}), weight });
  return entryDestinations(ctx, reg, port, subset, subsetLabels, weight);
}

/** A ServiceEntry host: its workloads (by version) when it selects some, else the host itself (external, or addresses written). */
function entryDestinations(ctx: ProxyContext, svc: IstioService, port: number, subset: string,
  labels: { readonly [k: string]: string } | undefined, weight: number): TrafficDestination[] {
  const instances = ctx.index.registry.instancesOfPort(svc, port).filter(i => labels === undefined || selectsLabels(labels, i.labels));
  const base = { service: svc.hostname, port, ...(subset !== '' ? { subset } : {}) };
  const workloads = [...new Set(instances.map(i => i.workload).filter((w): w is WorkloadInfo => w !== undefined))];
  if (workloads.length > 0) return byVersion(base, workloads, weight);
  if (instances.length === 0 && (svc.resolution === 'ClientSideLB' || (svc.resolution === 'Passthrough' && labels !== undefined))) {
    return [{ ...base, workloads: [], weight: roundWeight(weight), unavailable: `ServiceEntry host ${svc.hostname} has no endpoints${subset ? ` in subset '${subset}'` : ''}: no healthy upstream` }];
  }
  return [{ ...base, workloads: [], weight: roundWeight(weight) }];
}

function byVersion(base: { service: string; port: number; subset?: string }, workloads: readonly WorkloadInfo[],
  weight: number): TrafficDestination[] {
  const live = workloads.filter(w => w.replicas > 0);
  if (live.length === 0) return [{ ...base, workloads: [], weight: roundWeight(weight), unavailable: `the pods of ${base.service} are scaled to 0` }];
  const total = live.reduce((n, w) => n + w.replicas, 0);
  const groups = new Map<string, WorkloadInfo[]>();
  for (const w of live) groups.set(w.version ?? '', [...(groups.get(w.version ?? '') ?? []), w]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([version, ws]) => ({
    ...base,
    ...(version !== '' ? { version } : {}),
    workloads: ws.map(w => w.key).sort(),
    weight: roundWeight(weight * ws.reduce((n, w) => n + w.replicas, 0) / total),
  }));
}

/** The original destination: a Service's pods as kube-proxy spreads them, or the host outside the mesh. */
export function originalDestinations(ctx: ProxyContext, original: OriginalDestination, weight: number): TrafficDestination[] {
  const svc = original.service;
  if (svc?.kube && svc.kube.type !== 'ExternalName') {
    if (!svc.ports.some(p => p.port === original.port)) {
      return [{ service: serviceName(svc), port: original.port, workloads: [], weight: roundWeight(weight), unavailable: `${serviceName(svc)} has no port ${original.port}: the connection is refused` }];
    }
    return spreadOverVersions(ctx.index.world, { service: svc.kube, port: original.port, weight });
  }
  if (svc && !svc.kube) return entryDestinations(ctx, svc, original.port, '', undefined, weight);
  return [{ service: original.host, port: original.port, workloads: [], weight: roundWeight(weight) }];
}

/** `namespace/name` of a Kubernetes Service, a ServiceEntry's host. */
export const serviceName = (s: IstioService): string => (s.kube ? `${s.namespace}/${s.name}` : s.hostname);

/**
 * What a host the caller addresses resolves to (DNS): a Kubernetes Service (short names in the caller's namespace), an
 * ExternalName alias followed to the Service it names, or a ServiceEntry host (wildcards too); its address when known.
 */
export function resolveHost(ctx: ProxyContext, host: string, namespace: string): { service?: IstioService; address?: string } {
  const world = ctx.index.world;
  const registry = ctx.index.registry;
  let kube = world.serviceForHost(host, namespace);
  for (let hops = 0; kube && kube.type === 'ExternalName' && kube.externalName && hops < 5; hops++) {
    const target = world.serviceForHost(kube.externalName, kube.namespace);
    if (!target) {
      const se = entryForHost(ctx, kube.externalName);
      return se ? { service: se, ...(se.address !== '0.0.0.0' ? { address: se.address } : {}) } : {};
    }
    kube = target;
  }
  if (kube) {
    const svc = registry.byHostname.get(`${kube.name}.${kube.namespace}.svc.${ctx.index.settings.domainSuffix}`)?.get(kube.namespace);
    if (!svc) return {};
    if (svc.resolution === 'Passthrough') {
      const pod = registry.instancesOf(svc).find(i => i.address !== '' && i.workload?.replicas !== 0);
      return { service: svc, ...(pod ? { address: pod.address } : {}) };
    }
    return { service: svc, ...(svc.address !== '0.0.0.0' ? { address: svc.address } : {}) };
  }
  const se = entryForHost(ctx, host);
  return se ? { service: se, ...(se.address !== '0.0.0.0' && !se.address.includes('/') ? { address: se.address } : {}) } : {};
}

function entryForHost(ctx: ProxyContext, host: string): IstioService | undefined {
  const exact = ctx.index.registry.byHostname.get(host);
  if (exact) return serviceOfHost(ctx, host);
  return ctx.index.registry.services.find(s => s.registry === 'External' && hostMatches(s.hostname, host) && ctx.index.registry.visible(s, ctx.proxy.configNamespace));
}
