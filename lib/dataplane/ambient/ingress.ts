import { recordRequestAtWaypoint } from './handoff';
import { ingressUsesWaypoint, serviceWaypoint } from './waypoint';
import { Caller } from '../caller';
import { mergeDestinations, roundWeight } from '../destinations';
import { routeOnService } from '../gateway-api';
import { istioGatewayKind } from '../policy/identity';
import { NormalizedRequest } from '../request';
import { outcomeOf } from '../result';
import { TrafficDestination, TrafficHop, TrafficResult } from '../types';
import { ServiceInfo, World } from '../world';

/**
 * Istio gateways and waypoints: a gateway sends a Service's share to the Service's waypoint only when the Service (or
 * its namespace) says `istio.io/ingress-use-waypoint: "true"`; the waypoint then applies the routes attached to the
 * Service to the request as the gateway forwards it (istio/istio `pilot/pkg/networking/core/listener_waypoint.go`
 * `findServiceWaypoint`, the ambient docs' "use a waypoint from an ingress gateway"). Otherwise the gateway sends to
 * the pods directly and the waypoint's policies never see the request.
 *
 * For the mesh dispatcher: call it on every gateway result, after the gateway's own routing; it changes only the
 * shares of Services bound to a waypoint with ingress-use-waypoint, and only for gateways Istio runs.
 */
export function throughIngressWaypoints(world: World, caller: Caller, result: TrafficResult, req: NormalizedRequest): TrafficResult {
  if (caller.kind !== 'gateway' || (result.outcome !== 'routed' && result.outcome !== 'unavailable') || result.destinations.length === 0) return result;
  const gateway = caller.gateway;
  const istio = gateway.group === 'networking.istio.io' || istioGatewayKind(world, gateway) === 'gateway';
  if (!istio) return result;
  // the shares of each Service port the gateway sends to
  const groups = new Map<string, { service: ServiceInfo; port?: number; shares: TrafficDestination[] }>();
  for (const d of result.destinations) {
    const [ns, name] = d.service.split('/');
    const service = name !== undefined ? world.service(ns, name) : undefined;
    if (!service || d.waypoint) continue;
    const key = `${d.service}:${d.port ?? ''}`;
    const g = groups.get(key);
    if (g) g.shares.push(d);
    else groups.set(key, { service, port: d.port, shares: [d] });
  }
  const replaced = new Map<TrafficDestination, TrafficDestination[]>();
  const hops: TrafficHop[] = [];
  const notes: string[] = [];
  let upstream: Pick<TrafficResult, 'requestHeaders' | 'upstreamRequest'> | undefined;
  let forwarded: NormalizedRequest | undefined;
  for (const { service, port, shares } of groups.values()) {
    const binding = serviceWaypoint(world, service);
    if (binding.kind !== 'waypoint') continue;
    const key = `${service.namespace}/${service.name}`;
    const waypoint = `${binding.gateway.namespace}/${binding.gateway.name}`;
    if (!ingressUsesWaypoint(world, service)) {
      notes.push(`${key} uses waypoint ${waypoint}, but not for ingress (no istio.io/ingress-use-waypoint: "true"): the gateway sends to its pods directly`);
      continue;
    }
    const svcPort = port ?? service.ports[0]?.port;
    if (svcPort === undefined) continue;
    // the request as the gateway forwards it
    const up = result.upstreamRequest;
    const path = up?.path ?? req.pathAndQuery;
    const i = path.indexOf('?');
    const atWaypoint: NormalizedRequest = {
      ...req,
      host: up?.host ?? req.host,
      port: svcPort,
      method: up?.method ?? req.method,
      path: i < 0 ? path : path.slice(0, i),
      pathAndQuery: path,
      query: i < 0 ? [] : path.slice(i + 1).split('&').filter(p => p !== '').map(p => {
        const j = p.indexOf('=');
        return j < 0 ? [p, ''] as const : [p.slice(0, j), p.slice(j + 1)] as const;
      }),
      headers: result.requestHeaders ?? req.headers,
    };
    forwarded = atWaypoint;
    const total = shares.reduce((n, d) => n + d.weight, 0);
    const via = { name: waypoint, service: key };
    const decision = routeOnService(world, service, svcPort, atWaypoint, 'istio');
    if (!decision) {
      for (const d of shares) replaced.set(d, [{ ...d, waypoint: via }]);
      hops.push({ at: 'waypoint', name: waypoint, decision: `${key}:${svcPort}: no route attaches to the Service: its pods` });
      continue;
    }
    const route = decision.route ? `${decision.route.kind} ${decision.route.namespace}/${decision.route.name} rule ${decision.route.rule}` : 'no route';
    if (decision.outcome !== 'routed' && decision.outcome !== 'unavailable') {
      // the waypoint answers itself (404, a redirect): the share gets no answer from the Service
      for (const [j, d] of shares.entries()) replaced.set(d, j === 0 ? [{ ...d, weight: total, waypoint: via, unavailable: `waypoint ${waypoint} answers: ${decision.reason}` }] : []);
      hops.push({ at: 'waypoint', name: waypoint, decision: `${route}: ${decision.reason}` });
      continue;
    }
    const scaled = decision.destinations.map(d => ({ ...d, weight: roundWeight(d.weight * total / 100), waypoint: via }));
    shares.forEach((d, j) => replaced.set(d, j === 0 ? scaled : []));
    hops.push({ at: 'waypoint', name: waypoint, decision: `${route} → ${decision.destinations.map(d => `${d.service.split('/')[1]}${d.version ? ` ${d.version}` : ''} ${d.weight}%`).join(', ')}` });
    notes.push(...decision.notes);
    if (groups.size === 1) {
      upstream = { requestHeaders: decision.requestHeaders, ...(decision.upstreamRequest ? { upstreamRequest: decision.upstreamRequest } : {}) };
    }
  }
  if (replaced.size === 0) return notes.length === 0 ? result : { ...result, notes: [...result.notes, ...notes] };
  const destinations = mergeDestinations(result.destinations.flatMap(d => replaced.get(d) ?? [d]));
  const http = req.protocol !== 'tcp' && req.protocol !== 'tls';
  const { outcome, status } = outcomeOf(destinations, http);
  const { status: _old, ...rest } = result;
  const out: TrafficResult = {
    ...rest,
    outcome,
    ...(status !== undefined ? { status } : {}),
    reason: outcome === 'routed' ? `${result.reason}, through the waypoint` : destinations.find(d => d.unavailable)?.unavailable ?? result.reason,
    destinations,
    ...(upstream ?? {}),
    hops: [...result.hops, ...hops],
    notes: [...result.notes, ...notes],
  };
  return forwarded ? recordRequestAtWaypoint(out, forwarded) : out;
}
