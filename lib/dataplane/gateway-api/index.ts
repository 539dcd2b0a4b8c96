import { NormalizedRequest } from '../request';
import { RouteDecision, nothingRouted } from '../result';
import { TrafficResult } from '../types';
import { ServiceInfo, World, WorldObject } from '../world';

/**
 * The Gateway API as its specification defines it: a request entering a Gateway (listeners, hostnames, attached
 * routes, precedence, filters, ReferenceGrants), and routes attached to a Service (GAMMA).
 */

/** A request entering a Gateway API Gateway. */
export function routeThroughGateway(_world: World, gateway: WorldObject, _req: NormalizedRequest): TrafficResult {
  return nothingRouted('gateway-api', 'undecided', `Gateway API gateways are not modelled yet (Gateway ${gateway.namespace}/${gateway.name})`);
}

/** Which implementation reads routes on a Service: each supports different kinds and fields. */
export type MeshRouteReader = 'istio' | 'linkerd';

/**
 * The routes attached to a Service (GAMMA: HTTPRoute, GRPCRoute, TCPRoute, TLSRoute whose `parentRefs` name the
 * Service; for Linkerd also `policy.linkerd.io` HTTPRoutes) applied to a request for one of its ports: the rule chosen,
 * its destinations and filters; undefined when no route attaches to that Service port (the Service's own endpoints
 * then answer).
 */
export function routeOnService(
  _world: World, _service: ServiceInfo, _port: number, _req: NormalizedRequest, _reader: MeshRouteReader,
): RouteDecision | undefined {
  return undefined;
}
