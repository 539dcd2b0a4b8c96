import { GatewaySpec } from '../../imports/gateway.networking.k8s.io';
import { metadataOf } from '../metadata';
import { Manifest } from '../model';

/** An Istio waypoint proxy: a Gateway API Gateway Istio deploys for L7 processing under ambient mode. */
export interface WaypointModel {
  readonly name: string;
  readonly namespace?: string;
  /** `istio.io/waypoint-for`: the traffic it serves; undefined: Istio's default (service). */
  readonly trafficFor?: string;
  /** `istio.io/rev`: the Istio revision that runs it. */
  readonly revision?: string;
}

/** The labels of a waypoint Gateway. */
export function waypointLabels(w: WaypointModel): { [key: string]: string } | undefined {
  const labels = {
    ...(w.revision !== undefined ? { 'istio.io/rev': w.revision } : {}),
    ...(w.trafficFor !== undefined ? { 'istio.io/waypoint-for': w.trafficFor } : {}),
  };
  return Object.keys(labels).length > 0 ? labels : undefined;
}

/**
 * Renders a waypoint as Istio documents it (`istioctl waypoint generate`): a Gateway of class `istio-waypoint` with the
 * `mesh` listener, HBONE on port 15008.
 */
export function renderWaypoint(w: WaypointModel): Manifest {
  const spec: GatewaySpec = {
    gatewayClassName: 'istio-waypoint',
    listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
  };
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: metadataOf(w.name, w.namespace, waypointLabels(w)), spec };
}
