import { resolveBackend } from './backends';
import { intersectHostnames, isWildcard } from './hostnames';
import { GatewayModel, Listener, gatewayModel, listenerText, namespaceAllowed } from './listeners';
import { BackendRef, GATEWAY_GROUP, ParentRef, ROUTE_KINDS, Route, RouteKind, compareRoutes, routeOf } from './objects';
import { World, WorldObject } from '../world';

/**
 * Which routes attach to which listeners (gateway-api `apis/v1/shared_types.go` `ParentReference`, `RouteConditionReason`):
 * a parentRef names a Gateway (its own listeners) or a ListenerSet (that set's listeners), narrowed by `sectionName` and
 * `port`; a listener takes the route when its `allowedRoutes` allows the route's kind and namespace and, for routes with
 * hostnames, when the listener's and the route's hostnames intersect. A parent accepts the route when one of its
 * listeners does; otherwise the reason is `NoMatchingParent`, `NotAllowedByListeners` or `NoMatchingListenerHostname`.
 */

/** A route attached to a listener, with the hostnames it applies there. */
export interface Attachment {
  readonly route: Route;
  readonly listener: Listener;
  /** The route's hostnames intersected with the listener's (`[]`: any host). */
  readonly hostnames: readonly string[];
}

/** How one parent of a route took it (the route status' `Accepted` condition for that parentRef). */
export interface ParentStatus {
  readonly parentRef: ParentRef;
  readonly accepted: boolean;
  /** `Accepted`, `NoMatchingParent`, `NotAllowedByListeners`, `NoMatchingListenerHostname`, `UnsupportedValue`, `Conflicted`. */
  readonly reason: string;
  readonly message: string;
  /** The listeners that took it. */
  readonly listeners: readonly Listener[];
}

interface RoutesIndex {
  readonly all: readonly Route[];
  /** Routes by the parent they name: `Gateway ns/name`, `ListenerSet ns/name`, `Service ns/name`. */
  readonly byParent: ReadonlyMap<string, readonly Route[]>;
}

const routesCache = new WeakMap<World, RoutesIndex>();
const attachCache = new WeakMap<World, Map<WorldObject, GatewayAttachments>>();

/** Every route of the Gateway API kinds the model routes, read once per world. */
export function routesIndex(world: World): RoutesIndex {
  let idx = routesCache.get(world);
  if (idx) return idx;
  const all: Route[] = [];
  for (const kind of ROUTE_KINDS) for (const o of world.list(GATEWAY_GROUP, kind)) all.push(routeOf(o, kind));
  const byParent = new Map<string, Route[]>();
  for (const r of all) {
    for (const key of new Set(r.parentRefs.map(p => `${p.kind} ${p.namespace}/${p.name}`))) {
      const same = byParent.get(key);
      if (same) same.push(r);
      else byParent.set(key, [r]);
    }
  }
  idx = { all, byParent };
  routesCache.set(world, idx);
  return idx;
}

/** What a Gateway's listeners carry. */
export interface GatewayAttachments {
  readonly model: GatewayModel;
  /** Per listener, the routes attached (every kind), in route precedence order (oldest first, then by name). */
  readonly byListener: ReadonlyMap<Listener, readonly Attachment[]>;
  /** Per route, how each of its parentRefs that names this Gateway (or one of its ListenerSets) took it. */
  readonly status: ReadonlyMap<Route, readonly ParentStatus[]>;
}

/** Why a listener does not take a route (undefined: it does), with the reason it counts toward. */
function refusal(world: World, l: Listener, route: Route): { reason: 'NotAllowedByListeners' | 'NoMatchingListenerHostname'; message: string } | undefined {
  if (!l.kinds.includes(route.kind)) return { reason: 'NotAllowedByListeners', message: `${listenerText(l)} does not take ${route.kind}s` };
  if (!namespaceAllowed(world, l.namespaces, l.owner.namespace, route.namespace)) {
    return { reason: 'NotAllowedByListeners', message: `${listenerText(l)} takes routes from ${l.namespaces.from === 'Same' ? `namespace ${l.owner.namespace} only` : l.namespaces.from === 'Selector' ? 'the namespaces its selector selects' : 'no namespace'}, not ${route.namespace}` };
  }
  if (route.kind !== 'TCPRoute' && intersectHostnames(l.hostname, route.hostnames) === undefined) {
    return { reason: 'NoMatchingListenerHostname', message: `${listenerText(l)} and the route's hostnames ${route.hostnames.join(', ')} do not intersect` };
  }
  return undefined;
}

/** The routes a Gateway's listeners carry, and why the others are refused; once per world and Gateway. */
export function gatewayAttachments(world: World, gateway: WorldObject): GatewayAttachments {
  let byGateway = attachCache.get(world);
  if (!byGateway) {
    byGateway = new Map();
    attachCache.set(world, byGateway);
  }
  const known = byGateway.get(gateway);
  if (known) return known;
  const model = gatewayModel(world, gateway);
  const idx = routesIndex(world);
  const owners: Array<{ kind: string; object: WorldObject; problem?: string }> = [
    { kind: 'Gateway', object: gateway },
    ...model.listenerSets.map(s => ({ kind: 'ListenerSet', object: s.object, ...(s.problem !== undefined ? { problem: s.problem } : {}) })),
  ];
  const byListener = new Map<Listener, Attachment[]>(model.listeners.map(l => [l, []]));
  const status = new Map<Route, ParentStatus[]>();
  for (const owner of owners) {
    const routes = idx.byParent.get(`${owner.kind} ${owner.object.namespace}/${owner.object.name}`) ?? [];
    for (const route of routes) {
      for (const p of route.parentRefs) {
        if (p.group !== GATEWAY_GROUP || p.kind !== owner.kind || p.namespace !== owner.object.namespace || p.name !== owner.object.name) continue;
        const s = parentStatus(world, model, owner, route, p, byListener);
        const same = status.get(route);
        if (same) same.push(s);
        else status.set(route, [s]);
      }
    }
  }
  for (const [l, attached] of byListener) {
    attached.sort((a, b) => compareRoutes(a.route, b.route));
    byListener.set(l, withoutKindConflicts(attached));
  }
  const result: GatewayAttachments = { model, byListener, status };
  byGateway.set(gateway, result);
  return result;
}

function parentStatus(world: World, model: GatewayModel, owner: { kind: string; object: WorldObject; problem?: string }, route: Route, p: ParentRef,
  byListener: Map<Listener, Attachment[]>): ParentStatus {
  const refused = (reason: string, message: string): ParentStatus => ({ parentRef: p, accepted: false, reason, message, listeners: [] });
  if (owner.problem !== undefined) return refused('NotAllowedByListeners', `${owner.kind} ${owner.object.namespace}/${owner.object.name} is not attached to its Gateway (${owner.problem})`);
  if (route.invalid !== undefined) return refused('UnsupportedValue', `every rule is invalid: ${route.invalid}`);
  let candidates = model.listeners.filter(l => l.owner === owner.object);
  if (p.sectionName !== undefined) candidates = candidates.filter(l => l.name === p.sectionName);
  if (p.port !== undefined) candidates = candidates.filter(l => l.port === p.port);
  if (candidates.length === 0) {
    const what = [p.sectionName !== undefined ? `named '${p.sectionName}'` : '', p.port !== undefined ? `on port ${p.port}` : ''].filter(x => x !== '').join(' and ');
    return refused('NoMatchingParent', `${owner.kind} ${owner.object.namespace}/${owner.object.name} has no listener ${what || 'at all'}`);
  }
  const taken: Listener[] = [];
  const refusals: Array<{ reason: string; message: string }> = [];
  for (const l of candidates) {
    const why = refusal(world, l, route);
    if (why) {
      refusals.push(why);
      continue;
    }
    taken.push(l);
    const hostnames = route.kind === 'TCPRoute' ? [] : intersectHostnames(l.hostname, route.hostnames)!;
    const list = byListener.get(l)!;
    if (!list.some(a => a.route === route)) list.push({ route, listener: l, hostnames });
  }
  if (taken.length > 0) return { parentRef: p, accepted: true, reason: 'Accepted', message: `attached to ${taken.map(listenerText).join(', ')}`, listeners: taken };
  const hostnameOnly = refusals.find(r => r.reason === 'NoMatchingListenerHostname');
  const first = hostnameOnly ?? refusals[0];
  return refused(first.reason, refusals.map(r => r.message).join('; '));
}

/**
 * An HTTPRoute and a GRPCRoute on one listener whose hostnames intersect: only the older is accepted (gateway-api
 * `grpcroute_types.go` `Hostnames`: "the implementation MUST accept exactly one of these two routes").
 */
function withoutKindConflicts(attached: Attachment[]): Attachment[] {
  const kinds = new Set<RouteKind>(attached.map(a => a.route.kind));
  if (!(kinds.has('HTTPRoute') && kinds.has('GRPCRoute'))) return attached;
  const kept: Attachment[] = [];
  for (const a of attached) {
    const other = a.route.kind === 'HTTPRoute' ? 'GRPCRoute' : a.route.kind === 'GRPCRoute' ? 'HTTPRoute' : undefined;
    const clash = other !== undefined && kept.some(k => k.route.kind === other && hostnamesIntersect(k.hostnames, a.hostnames));
    if (!clash) kept.push(a);
  }
  return kept;
}

/**
 * The route's `ResolvedRefs` condition (gateway-api `shared_types.go` `RouteConditionReason`): every backendRef of its
 * valid rules resolves (`InvalidKind`, `BackendNotFound`, `RefNotPermitted` otherwise: the first found).
 */
export function resolvedRefs(world: World, route: Route): { readonly resolved: boolean; readonly reason: string; readonly message: string } {
  for (const rule of route.rules) {
    if (rule.invalid !== undefined) continue;
    for (const ref of [...rule.backendRefs, ...rule.backendRefs.flatMap(b => b.filters), ...rule.filters]
      .map(x => ('type' in x ? (x.type === 'RequestMirror' ? x.backendRef : undefined) : x)).filter((x): x is BackendRef => x !== undefined)) {
      const r = resolveBackend(world, route, ref, false);
      if (!r.ok) return { resolved: false, reason: r.reason, message: r.message };
    }
  }
  return { resolved: true, reason: 'ResolvedRefs', message: 'every backendRef resolves' };
}

const hostIndexes = new WeakMap<readonly Attachment[], { exact: Map<string, Attachment[]>; rest: Attachment[] }>();

/**
 * Of a listener's attachments, those that may take a host: an exact hostname equal to it, a wildcard, or none (indexed
 * once per listener, so that a request does not visit every route of a large Gateway).
 */
export function attachmentsForHost(attached: readonly Attachment[], host: string | undefined): readonly Attachment[] {
  let index = hostIndexes.get(attached);
  if (!index) {
    index = { exact: new Map(), rest: [] };
    for (const a of attached) {
      if (a.hostnames.length === 0 || a.hostnames.some(isWildcard)) index.rest.push(a);
      for (const h of a.hostnames) {
        if (isWildcard(h)) continue;
        const same = index.exact.get(h);
        if (same) same.push(a);
        else index.exact.set(h, [a]);
      }
    }
    hostIndexes.set(attached, index);
  }
  const exact = host !== undefined ? index.exact.get(host) ?? [] : [];
  return exact.length === 0 ? index.rest : index.rest.length === 0 ? exact : [...exact, ...index.rest.filter(a => !exact.includes(a))];
}

const hostnamesIntersect = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === 0 || b.length === 0 || a.some(x => intersectHostnames(x, b) !== undefined);
