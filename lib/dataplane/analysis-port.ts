import { routeThroughGateway } from './gateway-api';
import { routeFromSidecar, routeThroughIstioGateway } from './istio';
import { normalizeRequest } from './request';
import { TrafficRequest, TrafficResult } from './types';
import { World } from './world';
import { Manifest } from '../render/model';

/** The data-plane model over a set of objects, as the analysis asks it (see {@link modelOf}). */
export interface AnalysisModel {
  /** The workloads with an Istio sidecar, `namespace/name` and namespace, in object order. */
  readonly sidecars: ReadonlyArray<{ readonly key: string; readonly namespace: string }>;
  /**
   * Where a request goes (without the authorization step: the analysis asks about routing); undefined when the model
   * refuses the request (an unknown gateway, a port no listener has) or the caller has no Istio sidecar.
   */
  route(request: TrafficRequest): TrafficResult | undefined;
}

/**
 * The analysis's one port into the data-plane model. The analysis is below the model in the layers (.projenrc.ts), so
 * its checks that ask where a request goes (lib/analysis/analyzers/quiet-mistakes.ts) load this file lazily, when an
 * object asks the question; the model imports only the analysis's readers (context.ts), so this is no import cycle.
 */
export function modelOf(objects: ReadonlyArray<{ readonly manifest: Manifest; readonly file?: string }>): AnalysisModel {
  const world = new World(objects);
  return {
    route: request => {
      try {
        const req = normalizeRequest(world, request);
        if (req.source.kind === 'gateway') {
          const gw = req.source.gateway;
          return gw.group === 'networking.istio.io' ? routeThroughIstioGateway(world, gw, req) : routeThroughGateway(world, gw, req);
        }
        return req.source.workload.dataPlane === 'istio-sidecar' ? routeFromSidecar(world, req.source.workload, req) : undefined;
      } catch {
        return undefined;
      }
    },
    sidecars: world.workloads().filter(w => w.dataPlane === 'istio-sidecar').map(w => ({ key: w.key, namespace: w.namespace })),
  };
}
