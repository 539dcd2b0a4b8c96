import { LINKERD_POLICY_GROUP, Route, routeOf } from './objects';
import { isObj, str } from '../../analysis/context';
import { SchemaValidation } from '../../schema/schema-validation';
import { World } from '../world';

/**
 * What Linkerd reads of the routes on a Service. Linkerd 2.20 reads Gateway API v1.2.1 (the release it recommends; its
 * CRDs pinned in mesh-kit as the `gateway-api-v1.2.1` schema variant): a `gateway.networking.k8s.io` route using a field
 * or value newer than v1.2.1 (a rule `name`, `retry`, a CORS filter, …) is not accepted, so it routes nothing — the
 * hook below decides that by validating the route against the v1.2.1 standard schema. Linkerd also reads its own
 * `policy.linkerd.io` HTTPRoute (v1beta2, v1beta3: the Gateway API shape), merged with the Gateway API routes
 * (linkerd2 `policy-controller/k8s/index/src/routes.rs` `HttpRouteResource`). TLSRoute and TCPRoute exist in v1.2.1's
 * experimental channel only, as `v1alpha2`: a `v1` TLSRoute or TCPRoute is newer than what Linkerd 2.20 reads.
 */

/** The version of the Gateway API Linkerd 2.20 reads. */
export const LINKERD_GATEWAY_API_VARIANT = 'gateway-api-v1.2.1';

const refusals = new WeakMap<World, Map<Route, string | null>>();
let validation: SchemaValidation | undefined;

/**
 * Why Linkerd does not accept a route (a field or value newer than Gateway API v1.2.1), or undefined when it reads it.
 * Linkerd's own `policy.linkerd.io` routes are always read.
 */
export function linkerdRefusal(world: World, route: Route): string | undefined {
  if (route.group === LINKERD_POLICY_GROUP) return undefined;
  let byRoute = refusals.get(world);
  if (!byRoute) {
    byRoute = new Map();
    refusals.set(world, byRoute);
  }
  const known = byRoute.get(route);
  if (known !== undefined) return known ?? undefined;
  const apiVersion = str(route.object.manifest.apiVersion);
  let why: string | undefined;
  if ((route.kind === 'TLSRoute' || route.kind === 'TCPRoute') && !apiVersion.endsWith('/v1alpha2')) {
    why = `Linkerd 2.20 reads ${route.kind}s of gateway.networking.k8s.io/v1alpha2 (Gateway API v1.2.1), not ${apiVersion}`;
  } else if (route.kind === 'HTTPRoute' || route.kind === 'GRPCRoute') {
    validation ??= SchemaValidation.pinned();
    let problems: readonly string[] = [];
    try {
      problems = validation.validate(route.object.manifest, LINKERD_GATEWAY_API_VARIANT).problems;
    } catch (e) {
      problems = [`cannot be validated (${(e as Error).message})`];
    }
    if (problems.length > 0) {
      why = `Linkerd 2.20 reads Gateway API v1.2.1 and does not accept ${route.key}: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}`;
    }
  }
  byRoute.set(route, why ?? null);
  return why;
}

const linkerdRoutes = new WeakMap<World, readonly Route[]>();

/** Linkerd's own HTTPRoutes (`policy.linkerd.io`, every served version), read as Gateway API HTTPRoutes. */
export function linkerdPolicyRoutes(world: World): readonly Route[] {
  let routes = linkerdRoutes.get(world);
  if (!routes) {
    routes = world.list(LINKERD_POLICY_GROUP, 'HTTPRoute').filter(o => isObj(o.manifest.spec)).map(o => routeOf(o, 'HTTPRoute'));
    linkerdRoutes.set(world, routes);
  }
  return routes;
}
