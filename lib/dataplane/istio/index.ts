import { NormalizedRequest } from '../request';
import { nothingRouted } from '../result';
import { TrafficResult } from '../types';
import { WorkloadInfo, World, WorldObject } from '../world';

/**
 * Istio's data plane: a call leaving a workload's sidecar (outbound), and a request entering an Istio gateway
 * (`networking.istio.io` Gateway), routed as the Envoy configuration istiod generates for that proxy routes it.
 */

/** A call from a workload with an Istio sidecar. */
export function routeFromSidecar(_world: World, caller: WorkloadInfo, _req: NormalizedRequest): TrafficResult {
  return nothingRouted('istio-sidecar', 'undecided', `Istio sidecars are not modelled yet (caller ${caller.key})`);
}

/** A request entering an Istio Gateway. */
export function routeThroughIstioGateway(_world: World, gateway: WorldObject, _req: NormalizedRequest): TrafficResult {
  return nothingRouted('istio-gateway', 'undecided', `Istio gateways are not modelled yet (Gateway ${gateway.namespace}/${gateway.name})`);
}
