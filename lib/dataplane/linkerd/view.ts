import { parseRetry, parseTimeouts } from './annotations';
import { strMap } from '../../analysis/context';
import { World, WorldObject } from '../world';

/**
 * The configuration as a Linkerd proxy's routing sees it, for one Service port: without the routes Linkerd does not
 * read there (another route kind wins the port) nor the routes its policy controller rejects (an unreadable
 * `timeout.linkerd.io/*` or `retry.linkerd.io/*` annotation makes the route fail conversion: linkerd2
 * `policy-controller/k8s/index/src/outbound/index/http.rs`, `grpc.rs`). Built once per set of dropped routes.
 */

const views = new WeakMap<World, Map<string, World>>();

/** Why Linkerd rejects a route, from its annotations; undefined when it reads them. */
export function rejectedAnnotations(route: WorldObject): string | undefined {
  const a = strMap(route.manifest.metadata.annotations);
  const t = parseTimeouts(a);
  if (!t.ok) return t.error;
  const r = parseRetry(a, route.kind === 'GRPCRoute');
  return r.ok ? undefined : r.error;
}

const keyOf = (o: WorldObject) => `${o.group}/${o.kind}/${o.namespace}/${o.name}`;

/** The world without some routes (the same world when there are none to drop). */
export function withoutRoutes(world: World, dropped: readonly WorldObject[]): World {
  if (dropped.length === 0) return world;
  const keys = new Set(dropped.map(keyOf));
  const id = [...keys].sort().join('|');
  let cache = views.get(world);
  if (!cache) {
    cache = new Map();
    views.set(world, cache);
  }
  let view = cache.get(id);
  if (!view) {
    view = new World(world.objects.filter(o => !keys.has(keyOf(o))).map(o => ({ manifest: o.manifest, file: o.file, line: o.line })));
    cache.set(id, view);
  }
  return view;
}
