/**
 * A `MeshService` under Istio's ambient mode: what its settings must agree with, and the policies that keep its callers
 * going through its waypoint.
 *
 * @module
 */
import { Construct } from 'constructs';
import { MeshServiceProps } from './mesh-service-props';
import { securityApiVersion } from './security/api';
import { Waypoint } from './waypoint';
import { SidecarInjection } from './workload';
import { failAt, problem } from '../core/errors';
import { MeshSettings } from '../core/settings';
import { emit } from '../hosting/cdk8s/emit';
import { AuthorizationPolicyModel, renderAuthorizationPolicy } from '../render/istio';

/** Ambient mode against the service's settings: no sidecar injection; a waypoint of its namespace, serving Services. */
export function checkDataPlane(scope: Construct, p: MeshServiceProps, ambient: boolean, namespace: string | undefined): void {
  if (ambient && p.sidecarInjection === SidecarInjection.ENABLED) {
    failAt(scope, problem('sidecarInjection', 'cannot be ENABLED under ambient mode: a workload joins the mesh one way (IST0123)', p.sidecarInjection,
      'leave it out (the namespace enrols the pods in ambient mode), or render the chart with DataPlane.SIDECAR'));
  }
  const w = p.waypoint;
  if (w && !ambient) failAt(scope, problem('waypoint', 'needs ambient mode (DataPlane.AMBIENT): sidecars do not use waypoints', w.name));
  if (p.ingressUseWaypoint && !ambient) {
    failAt(scope, problem('ingressUseWaypoint', 'needs ambient mode (DataPlane.AMBIENT): sidecars do not use waypoints', true));
  }
  if (w && !w.servesServices) {
    failAt(scope, problem('waypoint', `must serve traffic addressed to Services: waypoint '${w.name}' is for ${w.trafficFor} traffic, and routes address the Service`,
      w.trafficFor, 'use a waypoint with trafficFor: WaypointFor.SERVICE (the default) or ALL'));
  }
  // a waypoint of another namespace admits this one on its listener, or Istio refuses the use
  w?._usedFrom(namespace);
}

/**
 * The two AuthorizationPolicies that keep callers from bypassing waypoint `w` of a service under ambient mode (see
 * `MeshService._waypointOnly`): a DENY of requests whose principal is not the waypoint's, an ALLOW of the waypoint's.
 */
export function waypointOnlyPolicies(scope: Construct, w: Waypoint,
  service: { readonly name: string; readonly namespace?: string; readonly app: string }): void {
  const apiVersion = securityApiVersion(MeshSettings.of(scope).istioApiVersion);
  // Istio runs a waypoint under a ServiceAccount named after its Gateway
  const principal = `cluster.local/ns/${w.namespace ?? service.namespace ?? 'default'}/sa/${w.name}`;
  const policy = (id: string, name: string, model: Pick<AuthorizationPolicyModel, 'action' | 'rules'>) =>
    emit(scope, id, { apiVersion, kind: 'AuthorizationPolicy', name, namespace: service.namespace, body: ['spec'] },
      () => renderAuthorizationPolicy({ apiVersion, name, namespace: service.namespace, selector: { app: service.app }, ...model }));
  policy('WaypointBypass', `${service.name}-waypoint-bypass`, { action: 'DENY', rules: [{ from: [{ notPrincipals: [principal] }] }] });
  policy('FromWaypoint', `${service.name}-from-waypoint`, { action: 'ALLOW', rules: [{ from: [{ principals: [principal] }] }] });
}
