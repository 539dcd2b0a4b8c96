import { NormalizedRequest } from '../request';
import { TrafficResult } from '../types';

/**
 * The request as a waypoint received it, for a result whose shares went through one after a gateway (the gateway's
 * upstream request, after its rewrites): the waypoint's authorization policies read that request, not the client's.
 * Kept beside the result, not in it: it is the model's bookkeeping, not part of the answer.
 */
const atWaypoint = new WeakMap<TrafficResult, NormalizedRequest>();

export function recordRequestAtWaypoint(result: TrafficResult, req: NormalizedRequest): TrafficResult {
  atWaypoint.set(result, req);
  return result;
}

/** The request a result's waypoint received, when it differs from the client's. */
export const requestAtWaypoint = (result: TrafficResult): NormalizedRequest | undefined => atWaypoint.get(result);
