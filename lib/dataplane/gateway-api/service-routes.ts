import { routesIndex } from './attachment';
import { httpDecision, streamDecision } from './decide';
import { bestHostnameMatch } from './hostnames';
import { linkerdPolicyRoutes, linkerdRefusal } from './linkerd';
import { isGrpc, selectHttpRule } from './matching';
import { ParentRef, Route, RouteKind, compareRoutes } from './objects';
import { NormalizedRequest } from '../request';
import { RouteDecision } from '../result';
import { ServiceInfo, World } from '../world';

/**
 * Routes attached to a Service (GAMMA: gateway-api GEP-1426, the "Gateway API for Service Mesh" documentation,
 * `apis/v1/shared_types.go` `ParentReference`): a route whose parentRef is a core Service (and, with `port` or
 * `sectionName`, one of its ports) applies to requests for that Service from meshed clients.
 *
 * - Producer routes (in the Service's namespace) apply to every client; consumer routes (in another namespace) only to
 *   clients of their own namespace, and replace the producer routes for them.
 * - Of the route kinds attached to one Service port, one applies: GRPCRoute, else HTTPRoute, else TLSRoute, else
 *   TCPRoute (GEP-1426 "Route types"). HTTP requests meet GRPCRoutes and HTTPRoutes, TLS connections TLSRoutes, plain TCP
 *   connections TCPRoutes.
 * - Hostnames are not consulted (GEP-1426: implementations SHOULD NOT infer anything from them); backendRefs need no
 *   ReferenceGrant. When routes apply but no rule matches, the request is rejected (404).
 */

/** Which implementation reads routes on a Service: each supports different kinds and fields. */
export type MeshRouteReader = 'istio' | 'linkerd';

const KIND_ORDER: readonly RouteKind[] = ['GRPCRoute', 'HTTPRoute', 'TLSRoute', 'TCPRoute'];

/** Whether a parentRef names the Service, and the port (by number, or by name as `sectionName`). */
function namesServicePort(p: ParentRef, service: ServiceInfo, port: number): boolean {
  if ((p.group !== '' && p.group !== 'core') || p.kind !== 'Service' || p.namespace !== service.namespace || p.name !== service.name) return false;
  if (p.port !== undefined && p.port !== port) return false;
  if (p.sectionName !== undefined && service.ports.find(sp => sp.port === port)?.name !== p.sectionName) return false;
  return true;
}

/** The routes that apply to a request for a Service port from a namespace, and what was left aside. */
export function serviceRoutes(world: World, service: ServiceInfo, port: number, fromNamespace: string,
  reader: MeshRouteReader): { routes: Route[]; notes: string[] } {
  const notes: string[] = [];
  const attached = [
    ...(routesIndex(world).byParent.get(`Service ${service.namespace}/${service.name}`) ?? []),
    ...(reader === 'linkerd' ? linkerdPolicyRoutes(world).filter(r => r.parentRefs.some(p => p.kind === 'Service' && p.namespace === service.namespace && p.name === service.name)) : []),
  ].filter(r => r.parentRefs.some(p => namesServicePort(p, service, port)));
  const readable = attached.filter(r => {
    if (r.invalid !== undefined) {
      notes.push(`${r.key} is not accepted (every rule is invalid: ${r.invalid})`);
      return false;
    }
    const refused = reader === 'linkerd' ? linkerdRefusal(world, r) : undefined;
    if (refused !== undefined) notes.push(refused);
    return refused === undefined;
  });
  const consumer = readable.filter(r => r.namespace !== service.namespace && r.namespace === fromNamespace);
  const routes = consumer.length > 0 ? consumer : readable.filter(r => r.namespace === service.namespace);
  if (consumer.length > 0 && readable.some(r => r.namespace === service.namespace)) {
    notes.push(`the consumer route${consumer.length > 1 ? 's' : ''} of namespace ${fromNamespace} (${consumer.map(r => r.key).join(', ')}) replace${consumer.length > 1 ? '' : 's'} the producer routes of ${service.namespace}`);
  }
  return { routes: routes.sort(compareRoutes), notes };
}

/**
 * The routes attached to a Service applied to a request for one of its ports: the rule chosen, its destinations and
 * filters; undefined when no route attaches to that Service port (the Service's own endpoints then answer).
 */
export function routeServiceRequest(world: World, service: ServiceInfo, port: number, req: NormalizedRequest,
  reader: MeshRouteReader): RouteDecision | undefined {
  const fromNamespace = req.source.kind === 'workload' ? req.source.workload.namespace : req.source.gateway.namespace;
  const { routes, notes } = serviceRoutes(world, service, port, fromNamespace, reader);
  const stream = req.protocol === 'tcp' || req.protocol === 'tls';
  const eligible: readonly RouteKind[] = req.protocol === 'tcp' ? ['TCPRoute'] : req.protocol === 'tls' ? ['TLSRoute', 'TCPRoute'] : ['GRPCRoute', 'HTTPRoute'];
  const kind = KIND_ORDER.find(k => eligible.includes(k) && routes.some(r => r.kind === k));
  if (kind === undefined) return undefined;
  const applied = routes.filter(r => r.kind === kind);
  const conflicted = routes.filter(r => r.kind !== kind && KIND_ORDER.indexOf(r.kind) > KIND_ORDER.indexOf(kind));
  if (conflicted.length > 0) notes.push(`${conflicted.map(r => r.key).join(', ')} ${conflicted.length > 1 ? 'are' : 'is'} ignored: ${kind}s take this Service port first (GEP-1426)`);
  const svc = `Service ${service.namespace}/${service.name}:${port}`;
  const host = req.host ?? service.fqdn;
  const ctx = { world, mesh: true, scheme: 'http' as const, port, host };
  if (!stream) {
    const selected = selectHttpRule(applied.map(route => ({ route, hostnames: [] })), req, undefined, false);
    if (!selected) {
      const reason = `${applied.map(r => r.key).join(', ')} ${applied.length > 1 ? 'are' : 'is'} attached to ${svc}, and no rule matches ${req.method} ${req.pathAndQuery}: the request is rejected (404${isGrpc(req) ? ', gRPC: Unimplemented' : ''})`;
      return { outcome: 'no-route', status: 404, reason, route: null, destinations: [], redirect: null, requestHeaders: null, filters: {}, notes };
    }
    const d = httpDecision(ctx, selected, req);
    return { ...d, notes: [...notes, ...d.notes] };
  }
  // TLS: by SNI when the TLSRoute names hostnames (the oldest route among equals); TCP: the oldest route
  let chosen: Route | undefined;
  let rank: [number, number] | undefined;
  for (const r of applied) {
    const m = kind === 'TLSRoute' ? bestHostnameMatch(r.hostnames, req.sni) : { hostname: '', rank: [0, 0] as [number, number] };
    if (!m) continue;
    if (!rank || m.rank[0] > rank[0] || (m.rank[0] === rank[0] && m.rank[1] > rank[1])) {
      chosen = r;
      rank = m.rank;
    }
  }
  if (!chosen) {
    const reason = `${applied.map(r => r.key).join(', ')} ${applied.length > 1 ? 'are' : 'is'} attached to ${svc}, and none matches SNI '${req.sni ?? ''}': the connection is refused`;
    return { outcome: 'no-route', reason, route: null, destinations: [], redirect: null, requestHeaders: null, filters: {}, notes };
  }
  const rule = chosen.rules.find(r => r.invalid === undefined) ?? chosen.rules[0];
  const d = streamDecision(ctx, chosen, rule);
  return { ...d, notes: [...notes, ...d.notes] };
}
