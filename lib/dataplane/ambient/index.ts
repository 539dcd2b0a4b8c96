import { NormalizedRequest } from '../request';
import { nothingRouted } from '../result';
import { TrafficResult } from '../types';
import { WorkloadInfo, World } from '../world';

/**
 * Istio ambient mode: a call leaving a workload through its node's ztunnel, to the destination's waypoint when the
 * destination uses one (`istio.io/use-waypoint`), which applies the routes on the Service.
 */
export function routeFromZtunnel(_world: World, caller: WorkloadInfo, _req: NormalizedRequest): TrafficResult {
  return nothingRouted('istio-ambient', 'undecided', `ambient mode is not modelled yet (caller ${caller.key})`);
}
