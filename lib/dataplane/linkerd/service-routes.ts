import { isObj, str } from '../../analysis/context';
import { ServiceInfo, World, WorldObject } from '../world';

/**
 * The routes whose `parentRefs` name a Service (GAMMA), indexed once per world: which kinds attach to which Service
 * port. The routing itself is the Gateway API engine's (`routeOnService`); the mesh engines read this index to know
 * what a data plane ignores (ztunnel without a waypoint, a Linkerd opaque port) and which route kind Linkerd uses.
 */

/** A route attached to a Service, and the port it names (undefined: every port). */
export interface AttachedRoute {
  readonly route: WorldObject;
  readonly port?: number;
}

/** Route kinds that can name a Service. */
export const SERVICE_ROUTE_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['gateway.networking.k8s.io', 'HTTPRoute'], ['gateway.networking.k8s.io', 'GRPCRoute'], ['gateway.networking.k8s.io', 'TCPRoute'],
  ['gateway.networking.k8s.io', 'TLSRoute'], ['policy.linkerd.io', 'HTTPRoute'],
];

const indexes = new WeakMap<World, Map<string, AttachedRoute[]>>();

/** A parentRef names a core Service (`group` empty or `core`, `kind: Service`). */
export const namesService = (p: { readonly [k: string]: unknown }) => str(p.kind) === 'Service' && (str(p.group) === '' || str(p.group) === 'core');

function routeIndex(world: World): Map<string, AttachedRoute[]> {
  let index = indexes.get(world);
  if (!index) {
    const built = new Map<string, AttachedRoute[]>();
    for (const [group, kind] of SERVICE_ROUTE_KINDS) {
      for (const route of world.list(group, kind)) {
        const spec = isObj(route.manifest.spec) ? route.manifest.spec : {};
        for (const p of (Array.isArray(spec.parentRefs) ? spec.parentRefs : []).filter(isObj)) {
          if (!namesService(p)) continue;
          const key = `${str(p.namespace) || route.namespace}/${str(p.name)}`;
          const entry: AttachedRoute = { route, ...(typeof p.port === 'number' ? { port: p.port } : {}) };
          const same = built.get(key);
          if (same) same.push(entry);
          else built.set(key, [entry]);
        }
      }
    }
    index = built;
    indexes.set(world, index);
  }
  return index;
}

/** The routes attached to a Service port (those naming no port attach to every port). */
export function routesAttached(world: World, service: ServiceInfo, port: number): AttachedRoute[] {
  return (routeIndex(world).get(`${service.namespace}/${service.name}`) ?? []).filter(r => r.port === undefined || r.port === port);
}

/** `HTTPRoute shop/reviews` for a list of routes, for notes. */
export const describeRoutes = (routes: readonly AttachedRoute[]) => [...new Set(routes.map(r => `${r.route.kind} ${r.route.namespace}/${r.route.name}`))].join(', ');
