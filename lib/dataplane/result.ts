import { DataPlaneKind, TrafficDestination, TrafficFilters, TrafficHop, TrafficListenerRef, TrafficResult, TrafficRouteRef } from './types';

/** What a route decides, before the data plane and the path are known: what the engines share. */
export interface RouteDecision {
  readonly outcome: TrafficResult['outcome'];
  readonly status?: number;
  readonly reason: string;
  readonly route: TrafficRouteRef | null;
  readonly destinations: readonly TrafficDestination[];
  readonly redirect: TrafficResult['redirect'];
  readonly requestHeaders: TrafficResult['requestHeaders'];
  readonly upstreamRequest?: TrafficResult['upstreamRequest'];
  readonly filters: TrafficFilters;
  readonly notes: readonly string[];
}

/** A result with nothing routed: no route, denied, undecided. */
export function nothingRouted(dataPlane: DataPlaneKind, outcome: 'no-route' | 'denied' | 'unavailable' | 'undecided', reason: string, extra: {
  readonly status?: number;
  readonly listener?: TrafficListenerRef;
  readonly route?: TrafficRouteRef | null;
  readonly hops?: readonly TrafficHop[];
  readonly envoy?: TrafficResult['envoy'];
  readonly notes?: readonly string[];
} = {}): TrafficResult {
  return {
    outcome,
    ...(extra.status !== undefined ? { status: extra.status } : {}),
    reason,
    dataPlane,
    ...(extra.listener ? { listener: extra.listener } : {}),
    route: extra.route ?? null,
    destinations: [],
    redirect: null,
    requestHeaders: null,
    filters: {},
    hops: extra.hops ?? [],
    ...(extra.envoy ? { envoy: extra.envoy } : {}),
    notes: extra.notes ?? [],
  };
}

/**
 * The outcome of a routed request from its destinations: `unavailable` (503) when no share can answer (no pods, an
 * unresolved backend), `denied` (403) when every share that could answer is refused, else `routed`.
 */
export function outcomeOf(destinations: readonly TrafficDestination[], http: boolean): { outcome: TrafficResult['outcome']; status?: number } {
  const answering = destinations.filter(d => d.unavailable === undefined && d.weight > 0);
  if (answering.length === 0) return { outcome: 'unavailable', ...(http ? { status: 503 } : {}) };
  if (answering.every(d => d.authorization?.verdict === 'deny')) return { outcome: 'denied', ...(http ? { status: 403 } : {}) };
  return { outcome: 'routed', ...(http ? { status: 200 } : {}) };
}
