import { Mesh } from '../../lib';
import { ParentStatus, gatewayAttachments, resolvedRefs, routesIndex } from '../../lib/dataplane/gateway-api/attachment';
import { Listener, gatewayModel } from '../../lib/dataplane/gateway-api/listeners';
import { GATEWAY_GROUP, Route } from '../../lib/dataplane/gateway-api/objects';
import { WorldObject } from '../../lib/dataplane/world';

/**
 * The status side of the conformance suite the engine decides (route acceptance and its reasons, a route's resolved
 * references, listeners' validity, kinds and attached routes), compared with the suite's status steps: what decides
 * whether and where a request is routed. Conditions the model has no notion of (Programmed's timing, observed
 * generations, addresses, BackendTLSPolicy status) are not compared: `null`.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The step kinds compared. */
export const STATUS_KINDS = ['gatewayAndRoutesAccepted', 'parentAndRoutesAccepted', 'condition', 'routeNotAccepted', 'zeroAttachedRoutes', 'listenerStatus',
  'listenerConditions', 'routeParents'];
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'];

function gatewayOf(mesh: Mesh, ns: string, name: string): WorldObject | undefined {
  return mesh.world.get(GATEWAY_GROUP, 'Gateway', ns, name);
}

/** UDP is outside the model: its routes and listeners are not compared. */
const udp = (step: Json): boolean => JSON.stringify(step).includes('UDPRoute') || /udp/i.test(JSON.stringify(step.object ?? step.gateway ?? {}));

function routeOf(mesh: Mesh, ref: { kind: string; namespace: string; name: string }): Route | undefined {
  return routesIndex(mesh.world).all.find(r => r.kind === ref.kind && r.namespace === ref.namespace && r.name === ref.name);
}

/**
 * A parent as the suite names it: the transcription writes some ListenerSet parents with kind Gateway (the Go test
 * passes the ListenerSet's name): a name no Gateway has but a ListenerSet has is that ListenerSet.
 */
function parentKind(mesh: Mesh, parent: { kind?: string; namespace: string; name: string }): string {
  const kind = parent.kind ?? 'Gateway';
  return kind === 'Gateway' && !gatewayOf(mesh, parent.namespace, parent.name) && mesh.world.get(GATEWAY_GROUP, 'ListenerSet', parent.namespace, parent.name) ? 'ListenerSet' : kind;
}

/** The Gateway a parent (Gateway or ListenerSet) belongs to. */
function parentGateway(mesh: Mesh, parent: { kind?: string; namespace: string; name: string }): WorldObject | undefined {
  if (parentKind(mesh, parent) === 'Gateway') return gatewayOf(mesh, parent.namespace, parent.name);
  const set = mesh.world.get(GATEWAY_GROUP, 'ListenerSet', parent.namespace, parent.name);
  const p = (set?.manifest.spec as Json)?.parentRef ?? {};
  return set ? gatewayOf(mesh, p.namespace ?? set.namespace, p.name) : undefined;
}

/** How the parent took the route (its parentRefs naming it). */
function statusesFor(mesh: Mesh, route: Route, parent: { kind?: string; namespace: string; name: string }): readonly ParentStatus[] {
  const gateway = parentGateway(mesh, parent);
  if (!gateway) return [];
  const kind = parentKind(mesh, parent);
  return (gatewayAttachments(mesh.world, gateway).status.get(route) ?? [])
    .filter(s => s.parentRef.kind === kind && s.parentRef.namespace === parent.namespace && s.parentRef.name === parent.name);
}

/** Every parent status of a route, over the Gateways it names (directly or through ListenerSets). */
function allStatuses(mesh: Mesh, route: Route): ParentStatus[] {
  return route.parentRefs.filter(p => p.kind === 'Gateway' || p.kind === 'ListenerSet').flatMap(p => statusesFor(mesh, route, p).filter(s => s.parentRef.index === p.index));
}

/** A listener's conditions as the engine sees them: type → [status, reason]. */
function listenerConditions(l: Listener): { [type: string]: [string, string] } {
  const reason = l.problem?.split(':')[0];
  const conflicted = reason === 'ProtocolConflict' || reason === 'HostnameConflict';
  // an unresolved certificate leaves the listener accepted (ResolvedRefs False, not Programmed)
  const refsOnly = reason === 'InvalidCertificateRef' || reason === 'RefNotPermitted';
  return {
    Accepted: l.problem === undefined || refsOnly ? ['True', 'Accepted'] : ['False', reason ?? ''],
    ResolvedRefs: l.refsProblem !== undefined ? ['False', l.refsProblem] : l.kindProblem !== undefined ? ['False', 'InvalidRouteKinds'] : ['True', 'ResolvedRefs'],
    Programmed: l.problem === undefined ? ['True', 'Programmed'] : ['False', reason ?? ''],
    Conflicted: conflicted ? ['True', reason!] : ['False', 'NoConflicts'],
  };
}

function conditionsDiffer(actual: { [type: string]: [string, string] }, expected: Json[]): string | undefined {
  for (const c of expected) {
    const got = actual[c.type];
    if (!got) return `the model has no ${c.type} condition`;
    if (c.status !== undefined && got[0] !== c.status) return `${c.type} is ${got[0]} (${got[1]}), expected ${c.status}${c.reason ? ` (${c.reason})` : ''}`;
    if (c.reason !== undefined && got[1] !== c.reason) return `${c.type} reason is ${got[1]}, expected ${c.reason}`;
  }
  return undefined;
}

function listenersOf(mesh: Mesh, object: { kind: string; namespace: string; name: string }): Listener[] | undefined {
  const gateway = parentGateway(mesh, object);
  if (!gateway) return undefined;
  const owner = object.kind === 'Gateway' ? gateway : mesh.world.get(GATEWAY_GROUP, 'ListenerSet', object.namespace, object.name);
  return gatewayModel(mesh.world, gateway).listeners.filter(l => l.owner === owner);
}

const attachedCount = (mesh: Mesh, l: Listener) => (gatewayAttachments(mesh.world, l.gateway).byListener.get(l) ?? []).length;

/** Compares one status step: undefined when the engine agrees, why when not, null when the step is not one the model decides. */
export function compareStatus(mesh: Mesh, step: Json): string | undefined | null {
  if (udp(step)) return null;
  switch (step.kind) {
    case 'gatewayAndRoutesAccepted':
    case 'parentAndRoutesAccepted': {
      const parent = step.kind === 'gatewayAndRoutesAccepted' ? { kind: 'Gateway', ...step.gateway } : step.parent;
      for (const ref of step.routes as Json[]) {
        const route = routeOf(mesh, ref);
        if (!route) return `${ref.kind} ${ref.namespace}/${ref.name} is not in the manifests`;
        const statuses = statusesFor(mesh, route, parent);
        if (statuses.length === 0 || statuses.some(s => !s.accepted)) return `${route.key}: ${statuses.map(s => `${s.reason} (${s.message})`).join('; ') || 'no status for the parent'}`;
      }
      if (step.kind === 'gatewayAndRoutesAccepted') {
        const bad = (listenersOf(mesh, parent) ?? []).filter(l => l.problem !== undefined || l.kindProblem !== undefined);
        if (bad.length > 0) return `listener ${bad[0].name} is not valid: ${bad[0].problem ?? bad[0].kindProblem}`;
      }
      return undefined;
    }
    case 'condition': {
      const object = step.object;
      const c = step.condition;
      if (ROUTE_KINDS.includes(object.kind) && step.parent) {
        const route = routeOf(mesh, object);
        if (!route) return `${object.kind} ${object.namespace}/${object.name} is not in the manifests`;
        if (c.type === 'Accepted') {
          const statuses = statusesFor(mesh, route, step.parent);
          const accepted = statuses.some(s => s.accepted);
          const got: [string, string] = accepted ? ['True', 'Accepted'] : ['False', statuses[0]?.reason ?? 'NoMatchingParent'];
          return conditionsDiffer({ Accepted: got }, [c]);
        }
        if (c.type === 'ResolvedRefs') {
          const r = resolvedRefs(mesh.world, route);
          return conditionsDiffer({ ResolvedRefs: [r.resolved ? 'True' : 'False', r.reason] }, [c]);
        }
        return null;
      }
      if ((object.kind === 'Gateway' || object.kind === 'ListenerSet') && c.type === 'Accepted') {
        const gateway = parentGateway(mesh, object);
        if (!gateway) return null;
        const model = gatewayModel(mesh.world, gateway);
        if (object.kind === 'Gateway') {
          // addresses are the cluster's: the model has none to refuse
          if (['UnsupportedAddress', 'AddressNotAssigned', 'AddressNotUsable'].includes(c.reason)) return null;
          const own = model.listeners.filter(l => l.owner === gateway);
          const got: [string, string] = model.problem ? ['False', model.problem.split(':')[0]] : own.some(l => l.problem !== undefined) ? ['True', 'ListenersNotValid'] : ['True', 'Accepted'];
          return conditionsDiffer({ Accepted: got }, [c]);
        }
        const set = model.listenerSets.find(s => s.object.name === object.name && s.object.namespace === object.namespace);
        const own = model.listeners.filter(l => l.owner === set?.object);
        const got: [string, string] = set?.problem !== undefined ? ['False', set.problem.split(':')[0]] : own.length > 0 && own.every(l => l.problem !== undefined) ? ['False', 'ListenersNotValid'] : ['True', 'Accepted'];
        return conditionsDiffer({ Accepted: got }, [c]);
      }
      return null;
    }
    case 'routeNotAccepted': {
      const route = routeOf(mesh, step.object);
      if (!route) return null;
      const accepted = allStatuses(mesh, route).filter(s => s.accepted);
      return accepted.length === 0 ? undefined : `${route.key} is accepted by ${accepted.map(s => `${s.parentRef.kind} ${s.parentRef.name}`).join(', ')}`;
    }
    case 'zeroAttachedRoutes': {
      const listeners = listenersOf(mesh, { kind: 'Gateway', ...step.object });
      if (!listeners) return null;
      const busy = listeners.filter(l => attachedCount(mesh, l) > 0);
      return busy.length === 0 ? undefined : `listener ${busy[0].name} has ${attachedCount(mesh, busy[0])} routes attached`;
    }
    case 'listenerStatus':
    case 'listenerConditions': {
      const listeners = listenersOf(mesh, step.object);
      if (!listeners) return null;
      const expected: Json[] = step.kind === 'listenerStatus' ? step.listeners
        : (step.listeners === 'all' ? listeners.map(l => l.name) : step.listeners).map((name: string) => ({ name, conditions: step.conditions }));
      if (step.kind === 'listenerStatus') {
        const names = listeners.map(l => l.name).sort().join(', ');
        if (names !== expected.map(e => e.name).sort().join(', ')) return `listeners ${names}, expected ${expected.map(e => e.name).join(', ')}`;
      }
      for (const e of expected) {
        const l = listeners.find(x => x.name === e.name);
        if (!l) return `no listener ${e.name}`;
        if (e.attachedRoutes !== undefined && attachedCount(mesh, l) !== e.attachedRoutes) return `listener ${l.name}: ${attachedCount(mesh, l)} routes attached, expected ${e.attachedRoutes}`;
        if (e.supportedKinds !== undefined) {
          const kinds = l.problem?.startsWith('UnsupportedProtocol') ? [] : [...l.kinds];
          const want = (e.supportedKinds as Json[]).map(k => k.kind);
          if (!want.every((k: string) => kinds.includes(k as never)) || (want.length === 0 && kinds.length > 0)) return `listener ${l.name} takes ${kinds.join(', ') || 'nothing'}, expected ${want.join(', ') || 'nothing'}`;
        }
        const why = conditionsDiffer(listenerConditions(l), e.conditions ?? []);
        if (why !== undefined) return `listener ${l.name}: ${why}${l.problem ? ` [${l.problem}]` : ''}`;
      }
      return undefined;
    }
    case 'routeParents': {
      const route = routeOf(mesh, step.object);
      if (!route) return null;
      for (const p of step.parents as Json[]) {
        const statuses = statusesFor(mesh, route, p.parentRef);
        const accepted = statuses.some(s => s.accepted);
        const why = conditionsDiffer({ Accepted: accepted ? ['True', 'Accepted'] : ['False', statuses[0]?.reason ?? 'NoMatchingParent'] },
          (p.conditions as Json[]).filter(c => c.type === 'Accepted'));
        if (why !== undefined) return `${p.parentRef.kind} ${p.parentRef.name}: ${why}`;
      }
      return undefined;
    }
    default:
      return null;
  }
}
