import { backendTlsOf } from './backend-tls';
import { BackendRef, Route } from './objects';
import { referenceAllowed } from './references';
import { roundWeight, spreadOverVersions } from '../destinations';
import { TrafficDestination } from '../types';
import { ServiceInfo, World, WorldObject } from '../world';

/**
 * Backend references to destinations (gateway-api `apis/v1/httproute_types.go` `HTTPBackendRef`, `HTTPRouteRule.BackendRefs`):
 * a backendRef is invalid when it names a kind other than a core Service (`InvalidKind`), a Service that does not exist
 * (`BackendNotFound`), or a Service in another namespace that no ReferenceGrant lets the route use (`RefNotPermitted`);
 * the share of requests that would go to it gets a 500. A valid backend with no ready pods gets a 503 for its share.
 * Shares are `weight / sum of weights`; weight 0 gets no requests.
 */

/** A backendRef resolved: the Service, or why it is invalid. */
export type ResolvedBackend =
  | { readonly ok: true; readonly service: ServiceInfo; readonly port?: number }
  | { readonly ok: false; readonly reason: 'InvalidKind' | 'BackendNotFound' | 'RefNotPermitted'; readonly message: string };

/** Resolves a backendRef of a route; `mesh`: a GAMMA route, which needs no ReferenceGrant (gateway-api GEP-1426). */
export function resolveBackend(world: World, route: Route, ref: BackendRef, mesh: boolean): ResolvedBackend {
  const what = `${ref.group === '' ? '' : `${ref.group}/`}${ref.kind} ${ref.namespace}/${ref.name}`;
  if ((ref.group !== '' && ref.group !== 'core') || ref.kind !== 'Service') {
    return { ok: false, reason: 'InvalidKind', message: `InvalidKind: ${route.key} refers to ${what}: the model routes to core Services only` };
  }
  if (!mesh && !referenceAllowed(world, { group: route.group, kind: route.kind, namespace: route.namespace }, { group: '', kind: 'Service', namespace: ref.namespace, name: ref.name })) {
    return { ok: false, reason: 'RefNotPermitted', message: `RefNotPermitted: no ReferenceGrant in namespace ${ref.namespace} lets ${route.kind}s of ${route.namespace} refer to Service ${ref.name}` };
  }
  const service = world.service(ref.namespace, ref.name);
  if (!service) return { ok: false, reason: 'BackendNotFound', message: `BackendNotFound: Service ${ref.namespace}/${ref.name} is not in the configuration` };
  return { ok: true, service, ...(ref.port !== undefined ? { port: ref.port } : {}) };
}

/** One backendRef's share, resolved. */
export interface BackendShare {
  readonly ref: BackendRef;
  readonly resolved: ResolvedBackend;
  /** Percent of requests. */
  readonly weight: number;
  /** Its destinations (over the Service's versions), or one failing destination. */
  readonly destinations: readonly TrafficDestination[];
  /** `500` for an invalid reference, `503` when nothing answers (no pods), undefined when it answers. */
  readonly failure?: 500 | 503;
}

/** The destinations of one backend with its share of requests; `gateway`: the Gateway that connects to it, when one does (BackendTLSPolicy). */
export function backendDestinations(world: World, resolved: ResolvedBackend, ref: BackendRef, weight: number, gateway?: WorldObject)
  : { destinations: TrafficDestination[]; failure?: 500 | 503 } {
  if (!resolved.ok) {
    return {
      destinations: [{ service: `${ref.namespace}/${ref.name}`, ...(ref.port !== undefined ? { port: ref.port } : {}), workloads: [], weight: roundWeight(weight), unavailable: `${resolved.message} (500)` }],
      failure: 500,
    };
  }
  const service = resolved.service;
  const port = resolved.port;
  if (service.type === 'ExternalName' && service.externalName) {
    return { destinations: [{ service: service.externalName, ...(port !== undefined ? { port } : {}), workloads: [], weight: roundWeight(weight) }] };
  }
  if (port === undefined || !service.ports.some(p => p.port === port)) {
    const why = port === undefined ? `the backendRef to Service ${service.namespace}/${service.name} names no port`
      : `Service ${service.namespace}/${service.name} has no port ${port} (its ports: ${service.ports.map(p => p.port).join(', ') || 'none'})`;
    return { destinations: [{ service: `${service.namespace}/${service.name}`, ...(port !== undefined ? { port } : {}), workloads: [], weight: roundWeight(weight), unavailable: `${why} (503)` }], failure: 503 };
  }
  const destinations = spreadOverVersions(world, { service, port, weight });
  // a gateway originates TLS to a backend a BackendTLSPolicy names; the mesh's own connections and passthrough do not
  const tls = gateway ? backendTlsOf(world, service, port, gateway) : undefined;
  if (tls?.problem !== undefined) {
    const why = `BackendTLSPolicy ${tls.tls.policy}: ${tls.problem}: the TLS connection to the backend fails (503)`;
    return { destinations: destinations.map(d => ({ ...d, backendTls: tls.tls, unavailable: d.unavailable ?? why })), failure: 503 };
  }
  const withTls = tls ? destinations.map(d => ({ ...d, backendTls: tls.tls })) : destinations;
  return withTls.every(d => d.unavailable !== undefined) ? { destinations: withTls, failure: 503 } : { destinations: withTls };
}

/** Every backendRef of a rule with its share (weight 0 and all-zero rules give no share). */
export function backendShares(world: World, route: Route, refs: readonly BackendRef[], mesh: boolean, gateway?: WorldObject): BackendShare[] {
  const total = refs.reduce((n, r) => n + r.weight, 0);
  if (total === 0) return [];
  return refs.filter(r => r.weight > 0).map(ref => {
    const resolved = resolveBackend(world, route, ref, mesh);
    const weight = ref.weight * 100 / total;
    const { destinations, failure } = backendDestinations(world, resolved, ref, weight, gateway);
    return { ref, resolved, weight, destinations, ...(failure !== undefined ? { failure } : {}) };
  });
}
