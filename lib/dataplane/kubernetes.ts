import { spreadOverVersions } from './destinations';
import { NormalizedRequest } from './request';
import { nothingRouted, outcomeOf } from './result';
import { TrafficResult } from './types';
import { ServiceInfo, WorkloadInfo, World } from './world';

/** The port a request to a Service uses when it names none: the Service's only port, else 80. */
export function defaultServicePort(service: ServiceInfo | undefined, asked: number | undefined): number {
  if (asked !== undefined) return asked;
  return service && service.ports.length === 1 ? service.ports[0].port : 80;
}

/**
 * A call from a workload without a mesh: kube-proxy sends each connection to one of the Service's ready pods, evenly;
 * no routes apply (they are the mesh's). An ExternalName Service is a DNS alias; a host that is not a Service leaves the
 * cluster as it is.
 */
export function routeByKubeProxy(world: World, caller: WorkloadInfo, req: NormalizedRequest): TrafficResult {
  const host = req.host!;
  const service = world.serviceForHost(host, caller.namespace);
  const http = req.protocol !== 'tcp' && req.protocol !== 'tls';
  const hop = (decision: string) => [{ at: 'kube-proxy', name: caller.key, decision }];
  if (!service) {
    const port = req.port ?? (req.protocol === 'tls' ? 443 : 80);
    return {
      ...outcomeOf([{ service: host, port, workloads: [], weight: 100 }], http),
      reason: `'${host}' is not a Service of the configuration: the call leaves the cluster as addressed`,
      dataPlane: 'kubernetes',
      route: null,
      destinations: [{ service: host, port, workloads: [], weight: 100 }],
      redirect: null,
      requestHeaders: http ? { ...req.headers, host } : null,
      ...(http ? { upstreamRequest: { path: req.pathAndQuery, host, method: req.method } } : {}),
      filters: {},
      hops: hop(`${host}:${port} is not in the cluster: sent out as addressed`),
      notes: [],
    };
  }
  const key = `${service.namespace}/${service.name}`;
  if (service.type === 'ExternalName' && service.externalName) {
    const port = defaultServicePort(service, req.port);
    return {
      ...outcomeOf([{ service: service.externalName, port, workloads: [], weight: 100 }], http),
      reason: `Service ${key} is an ExternalName alias of '${service.externalName}'`,
      dataPlane: 'kubernetes',
      route: null,
      destinations: [{ service: service.externalName, port, workloads: [], weight: 100 }],
      redirect: null,
      requestHeaders: http ? { ...req.headers, host } : null,
      ...(http ? { upstreamRequest: { path: req.pathAndQuery, host, method: req.method } } : {}),
      filters: {},
      hops: hop(`DNS: ${service.fqdn} is a CNAME for ${service.externalName}`),
      notes: [],
    };
  }
  const port = defaultServicePort(service, req.port);
  if (!service.ports.some(p => p.port === port)) {
    return nothingRouted('kubernetes', 'no-route', `Service ${key} has no port ${port} (its ports: ${service.ports.map(p => p.port).join(', ') || 'none'}): the connection is refused`, {
      hops: hop(`${service.fqdn}:${port}: no such Service port`),
    });
  }
  const destinations = spreadOverVersions(world, { service, port, weight: 100 });
  const { outcome, status } = outcomeOf(destinations, http);
  return {
    outcome,
    ...(status !== undefined ? { status } : {}),
    reason: outcome === 'routed' ? `kube-proxy spreads connections to ${key}:${port} over its pods` : destinations[0].unavailable ?? `nothing answers ${key}:${port}`,
    dataPlane: 'kubernetes',
    route: null,
    destinations,
    redirect: null,
    requestHeaders: http ? { ...req.headers, host } : null,
    ...(http ? { upstreamRequest: { path: req.pathAndQuery, host, method: req.method } } : {}),
    filters: {},
    hops: hop(`${service.fqdn}:${port} → ${destinations.map(d => `${d.version ?? d.workloads.join('+') ?? 'pods'} ${d.weight}%`).join(', ')}`),
    notes: [],
  };
}
