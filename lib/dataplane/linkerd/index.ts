import { NormalizedRequest } from '../request';
import { nothingRouted } from '../result';
import { TrafficResult } from '../types';
import { WorkloadInfo, World } from '../world';

/** Linkerd: a call leaving a workload through its Linkerd proxy (outbound policy: routes on the Service). */
export function routeFromLinkerdProxy(_world: World, caller: WorkloadInfo, _req: NormalizedRequest): TrafficResult {
  return nothingRouted('linkerd', 'undecided', `Linkerd is not modelled yet (caller ${caller.key})`);
}
