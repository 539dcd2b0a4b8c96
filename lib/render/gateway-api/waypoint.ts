import {
  GatewaySpec,
  GatewaySpecListenersAllowedRoutes,
  GatewaySpecListenersAllowedRoutesNamespacesFrom as From,
} from '../../imports/gateway.networking.k8s.io';
import { metadataOf } from '../metadata';
import { Manifest } from '../model';
import { enumValue } from '../wire-values';

/** An Istio waypoint proxy: a Gateway API Gateway Istio deploys for L7 processing under ambient mode. */
export interface WaypointModel {
  readonly name: string;
  readonly namespace?: string;
  /** `istio.io/waypoint-for`: the traffic it serves; undefined: Istio's default (service). */
  readonly trafficFor?: string;
  /** `istio.io/rev`: the Istio revision that runs it. */
  readonly revision?: string;
  /**
   * The namespaces whose Services and namespaces may use it, besides its own: every namespace, those named, or those
   * whose labels match. undefined: its own only (the listener's default, `Same`).
   */
  readonly admits?: {
    readonly all?: boolean;
    readonly names?: readonly string[];
    readonly labels?: { readonly [key: string]: string };
  };
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
 * The `allowedRoutes` of a waypoint's listener. Istio admits a Service or namespace to a waypoint of another namespace
 * only when the waypoint's HBONE listener admits its namespace (istio/istio `pilot/pkg/serviceregistry/ambient/waypoints.go`,
 * `makeAllowedRoutes` and `AllowsAttachmentFromNamespace`: `Same` when unset). Named namespaces are selected by the
 * `kubernetes.io/metadata.name` label Kubernetes puts on every namespace, the waypoint's own included (a selector replaces
 * `Same`).
 */
function allowedRoutesOf(w: WaypointModel): GatewaySpecListenersAllowedRoutes | undefined {
  const a = w.admits;
  if (!a) return undefined;
  if (a.all) return { namespaces: { from: enumValue<From>('All') } };
  if (a.labels) return { namespaces: { from: enumValue<From>('Selector'), selector: { matchLabels: { ...a.labels } } } };
  const names = [...new Set([...(w.namespace !== undefined ? [w.namespace] : []), ...(a.names ?? [])])];
  return { namespaces: { from: enumValue<From>('Selector'), selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: names }] } } };
}

/**
 * Renders a waypoint as Istio documents it (`istioctl waypoint generate`): a Gateway of class `istio-waypoint` with the
 * `mesh` listener, HBONE on port 15008, admitting the namespaces that use it when they are not only its own.
 */
export function renderWaypoint(w: WaypointModel): Manifest {
  const allowedRoutes = allowedRoutesOf(w);
  const spec: GatewaySpec = {
    gatewayClassName: 'istio-waypoint',
    listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE', ...(allowedRoutes ? { allowedRoutes } : {}) }],
  };
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: metadataOf(w.name, w.namespace, waypointLabels(w)), spec };
}
