import { routeGatewayRequest } from './gateway';
import { MeshRouteReader, routeServiceRequest } from './service-routes';
import { NormalizedRequest } from '../request';
import { RouteDecision } from '../result';
import { TrafficResult } from '../types';
import { ServiceInfo, World, WorldObject } from '../world';

/**
 * The Gateway API as its specification defines it: a request entering a Gateway (listeners, hostnames, attached
 * routes, precedence, filters, ReferenceGrants), and routes attached to a Service (GAMMA).
 */

export type { MeshRouteReader } from './service-routes';

/** A request entering a Gateway API Gateway. */
export function routeThroughGateway(world: World, gateway: WorldObject, req: NormalizedRequest): TrafficResult {
  return routeGatewayRequest(world, gateway, req);
}

/**
 * The routes attached to a Service (GAMMA: HTTPRoute, GRPCRoute, TCPRoute, TLSRoute whose `parentRefs` name the
 * Service; for Linkerd also `policy.linkerd.io` HTTPRoutes) applied to a request for one of its ports: the rule chosen,
 * its destinations and filters; undefined when no route attaches to that Service port (the Service's own endpoints
 * then answer).
 */
export function routeOnService(world: World, service: ServiceInfo, port: number, req: NormalizedRequest,
  reader: MeshRouteReader): RouteDecision | undefined {
  return routeServiceRequest(world, service, port, req, reader);
}
