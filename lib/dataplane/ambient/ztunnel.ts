import { WaypointBinding, serviceWaypoint } from './waypoint';
import { isObj, str } from '../../analysis/context';
import { spreadOverVersions } from '../destinations';
import { routeOnService } from '../gateway-api';
import { defaultServicePort } from '../kubernetes';
import { describeRoutes, routesAttached } from '../linkerd/service-routes';
import { isHttpRequest } from '../policy/protocol';
import { NormalizedRequest } from '../request';
import { RouteDecision, nothingRouted, outcomeOf } from '../result';
import { TrafficDestination, TrafficHop, TrafficResult } from '../types';
import { ServiceInfo, WorkloadInfo, World } from '../world';

/**
 * Istio ambient mode, from a workload enrolled in it: its node's ztunnel takes the connection. A call to a Service
 * that has a waypoint goes to the waypoint over HBONE, and the waypoint applies the routes attached to the Service
 * (GAMMA: HTTPRoute, GRPCRoute, TCPRoute with the Service as parent); any other call is L4: ztunnel spreads
 * connections over the Service's pods and applies no HTTP route at all (istio/ztunnel `src/proxy/outbound.rs`
 * `build_request`: a service-addressed call uses the Service's waypoint, never a workload waypoint).
 */

/** The result of a call routed by a waypoint (or to the Service's pods when no route attaches). */
export function throughWaypoint(world: World, service: ServiceInfo, port: number, req: NormalizedRequest, binding: Extract<WaypointBinding, { kind: 'waypoint' }>,
  first: TrafficHop): TrafficResult {
  const waypoint = `${binding.gateway.namespace}/${binding.gateway.name}`;
  const key = `${service.namespace}/${service.name}`;
  const via = { name: waypoint, service: key };
  const http = isHttpRequest(req);
  const decision: RouteDecision | undefined = routeOnService(world, service, port, req, 'istio');
  const hops: TrafficHop[] = [first];
  if (!decision) {
    const destinations = spreadOverVersions(world, { service, port, weight: 100 }).map(d => ({ ...d, waypoint: via }));
    const { outcome, status } = outcomeOf(destinations, http);
    hops.push({ at: 'waypoint', name: waypoint, decision: `no route attaches to ${key}:${port}: its pods, ${shares(destinations)}` });
    return {
      outcome,
      ...(status !== undefined ? { status } : {}),
      reason: outcome === 'routed' ? `waypoint ${waypoint} sends ${key}:${port} to its pods (no route attaches to the Service)` : destinations[0].unavailable ?? `nothing answers ${key}:${port}`,
      dataPlane: 'istio-ambient',
      route: null,
      destinations,
      redirect: null,
      requestHeaders: http ? { ...req.headers, host: req.host ?? service.fqdn } : null,
      ...(http ? { upstreamRequest: { path: req.pathAndQuery, host: req.host ?? service.fqdn, method: req.method } } : {}),
      filters: {},
      hops,
      notes: [...binding.notes],
    };
  }
  const destinations: TrafficDestination[] = decision.destinations.map(d => ({ ...d, waypoint: via }));
  const route = decision.route ? `${decision.route.kind} ${decision.route.namespace}/${decision.route.name} rule ${decision.route.rule}` : 'no route';
  hops.push({ at: 'waypoint', name: waypoint, decision: decision.outcome === 'routed' ? `${route} → ${shares(destinations)}` : `${route}: ${decision.reason}` });
  return {
    outcome: decision.outcome,
    ...(decision.status !== undefined ? { status: decision.status } : {}),
    reason: `waypoint ${waypoint}: ${decision.reason}`,
    dataPlane: 'istio-ambient',
    route: decision.route,
    destinations,
    redirect: decision.redirect,
    requestHeaders: decision.requestHeaders,
    ...(decision.upstreamRequest ? { upstreamRequest: decision.upstreamRequest } : {}),
    filters: decision.filters,
    hops,
    notes: [...binding.notes, ...decision.notes],
  };
}

const shares = (ds: readonly TrafficDestination[]) => ds.map(d => `${d.service.split('/')[1]}${d.version ? ` ${d.version}` : ''} ${d.weight}%`).join(', ');

/** A call from an ambient workload. */
export function routeFromZtunnel(world: World, caller: WorkloadInfo, req: NormalizedRequest): TrafficResult {
  const host = req.host!;
  const http = isHttpRequest(req);
  const service = world.serviceForHost(host, caller.namespace);
  const hop = (decision: string): TrafficHop => ({ at: 'ztunnel', name: caller.key, decision });
  if (!service) {
    // ztunnel passes calls to addresses it does not know (no REGISTRY_ONLY in ztunnel); a ServiceEntry's waypoint is not modelled
    const port = req.port ?? (req.protocol === 'tls' ? 443 : 80);
    const declared = world.list('networking.istio.io', 'ServiceEntry').find(se => isObj(se.manifest.spec) && Array.isArray(se.manifest.spec.hosts)
      && se.manifest.spec.hosts.map(str).some(h => h.toLowerCase() === host));
    const destinations = [{ service: host, port, workloads: [], weight: 100 }];
    return {
      ...outcomeOf(destinations, http),
      reason: `'${host}' is not a Service of the configuration: ztunnel sends the connection out as addressed`,
      dataPlane: 'istio-ambient',
      route: null,
      destinations,
      redirect: null,
      requestHeaders: http ? { ...req.headers, host } : null,
      ...(http ? { upstreamRequest: { path: req.pathAndQuery, host, method: req.method } } : {}),
      filters: {},
      hops: [hop(`${host}:${port} is outside the mesh: passed through`)],
      notes: declared ? [`ServiceEntry ${declared.namespace}/${declared.name} declares '${host}': the model does not route ServiceEntries through waypoints (egress waypoints); ztunnel passes the call through`] : [],
    };
  }
  const key = `${service.namespace}/${service.name}`;
  if (service.type === 'ExternalName' && service.externalName) {
    const port = defaultServicePort(service, req.port);
    const destinations = [{ service: service.externalName, port, workloads: [], weight: 100 }];
    return {
      ...outcomeOf(destinations, http),
      reason: `Service ${key} is an ExternalName alias of '${service.externalName}': ztunnel sends the connection there as addressed`,
      dataPlane: 'istio-ambient',
      route: null,
      destinations,
      redirect: null,
      requestHeaders: http ? { ...req.headers, host } : null,
      ...(http ? { upstreamRequest: { path: req.pathAndQuery, host, method: req.method } } : {}),
      filters: {},
      hops: [hop(`DNS: ${service.fqdn} is a CNAME for ${service.externalName}`)],
      notes: [],
    };
  }
  const port = defaultServicePort(service, req.port);
  if (!service.ports.some(p => p.port === port)) {
    return nothingRouted('istio-ambient', 'no-route', `Service ${key} has no port ${port} (its ports: ${service.ports.map(p => p.port).join(', ') || 'none'}): the connection is refused`, {
      hops: [hop(`${service.fqdn}:${port}: no such Service port`)],
    });
  }
  const notes: string[] = [];
  const headless = service.clusterIP === 'None';
  const binding = headless ? { kind: 'none' as const } : serviceWaypoint(world, service);
  if (headless) notes.push(`Service ${key} is headless: its name resolves to pod addresses, so no Service waypoint applies (workload waypoints are not modelled)`);
  if (binding.kind === 'unbound') notes.push(binding.why);
  if (binding.kind === 'waypoint') {
    return throughWaypoint(world, service, port, req, binding, hop(`HBONE to waypoint ${binding.gateway.namespace}/${binding.gateway.name}: ${binding.via}`));
  }
  const attached = routesAttached(world, service, port);
  if (attached.length > 0) notes.push(`${describeRoutes(attached)} ${attached.length === 1 ? 'attaches' : 'attach'} to ${key} but it has no waypoint: ztunnel applies no route (L4 only)`);
  const destinations = spreadOverVersions(world, { service, port, weight: 100 });
  const { outcome, status } = outcomeOf(destinations, http);
  return {
    outcome,
    ...(status !== undefined ? { status } : {}),
    reason: outcome === 'routed' ? `ztunnel spreads connections to ${key}:${port} over its pods (L4: ${binding.kind === 'opt-out' ? 'the Service opts out of waypoints' : 'no waypoint'})`
      : destinations[0].unavailable ?? `nothing answers ${key}:${port}`,
    dataPlane: 'istio-ambient',
    route: null,
    destinations,
    redirect: null,
    requestHeaders: http ? { ...req.headers, host } : null,
    ...(http ? { upstreamRequest: { path: req.pathAndQuery, host, method: req.method } } : {}),
    filters: {},
    hops: [hop(`${service.fqdn}:${port} → ${shares(destinations)}`)],
    notes,
  };
}
