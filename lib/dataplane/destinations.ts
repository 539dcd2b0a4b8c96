import { TrafficDestination } from './types';
import { ServiceInfo, ServicePort, WorkloadInfo, World, selectsLabels } from './world';

/** Rounds a share to 1/1000 of a percent, so that sums print cleanly and compare exactly enough. */
export const roundWeight = (w: number): number => Math.round(w * 1000) / 1000;

/**
 * Where one weighted destination's requests land: the Service's pods (narrowed by a subset's labels), grouped by
 * version, each group's share proportional to its pods (Envoy's and kube-proxy's balancing spread requests evenly
 * over ready endpoints). A destination with no pods is one entry marked `unavailable`.
 */
export function spreadOverVersions(world: World, target: {
  readonly service: ServiceInfo;
  readonly port?: number;
  readonly subset?: string;
  /** The subset's labels (DestinationRule `subsets[].labels`), narrowing the Service's pods. */
  readonly subsetLabels?: { readonly [k: string]: string };
  readonly weight: number;
}): TrafficDestination[] {
  const subsetLabels = target.subsetLabels;
  const pods = world.endpoints(target.service).filter(w => subsetLabels === undefined || selectsLabels(subsetLabels, w.podLabels));
  const service = `${target.service.namespace}/${target.service.name}`;
  const base = {
    service,
    ...(target.port !== undefined ? { port: target.port } : {}),
    ...(target.subset !== undefined ? { subset: target.subset } : {}),
  };
  const live = pods.filter(w => w.replicas > 0);
  if (live.length === 0) {
    const why = target.service.selector === undefined ? `Service ${service} has no selector, and no EndpointSlice of it names a pod of the configuration`
      : pods.length > 0 ? `the pods of ${service}${target.subset !== undefined ? ` subset '${target.subset}'` : ''} are scaled to 0`
        : `no pod matches ${service}${target.subset !== undefined ? ` subset '${target.subset}'` : ''}`;
    return [{ ...base, workloads: [], weight: roundWeight(target.weight), unavailable: why }];
  }
  const groups = new Map<string, WorkloadInfo[]>();
  for (const w of live) {
    const key = w.version ?? '';
    const same = groups.get(key);
    if (same) same.push(w);
    else groups.set(key, [w]);
  }
  const total = live.reduce((n, w) => n + w.replicas, 0);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([version, ws]) => ({
    ...base,
    ...(version !== '' ? { version } : {}),
    workloads: ws.map(w => w.key).sort(),
    weight: roundWeight(target.weight * ws.reduce((n, w) => n + w.replicas, 0) / total),
  }));
}

/** The Service port a request to `port` reaches (by number), if the Service declares it. */
export function servicePort(service: ServiceInfo, port: number): ServicePort | undefined {
  return service.ports.find(p => p.port === port);
}

/** Merges destinations that are the same place (service, port, subset, version), adding their shares. */
export function mergeDestinations(ds: readonly TrafficDestination[]): TrafficDestination[] {
  const out: TrafficDestination[] = [];
  const at = new Map<string, number>();
  for (const d of ds) {
    const key = JSON.stringify([d.service, d.port, d.subset, d.version, d.unavailable, d.authorization?.verdict]);
    const i = at.get(key);
    if (i === undefined) {
      at.set(key, out.length);
      out.push(d);
    } else {
      out[i] = { ...out[i], weight: roundWeight(out[i].weight + d.weight) };
    }
  }
  return out;
}
