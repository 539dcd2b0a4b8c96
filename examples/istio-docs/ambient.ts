/**
 * Istio's ambient waypoint docs (ambient/usage/waypoint), as a user following them would write them with mesh-kit's
 * typed constructs: the namespaces are enrolled and the consumers labelled by the task's `kubectl label` commands, not
 * written here.
 */
import { App } from 'cdk8s';
import { taskChart } from './chart';
import { DataPlane, MeshNamespace, Waypoint, WaypointFor, WaypointNamespaces } from '@mesh-kit/core';

/**
 * ambient-waypoint: a waypoint for the Services of `default`, as `istioctl waypoint generate --for service` writes it
 * (`ambient-waypoint.k8s.yaml`); then a waypoint of `common-infrastructure` that the namespace
 * `cross-namespace-waypoint-consumer` uses (`ambient-waypoint.cross-namespace.k8s.yaml`): its listener admits that
 * namespace only, selected by the label Kubernetes puts on every namespace, as the task writes it.
 */
export function ambientWaypoint(app: App): void {
  const chart = taskChart(app, 'ambient-waypoint', { dataPlane: DataPlane.AMBIENT });
  new Waypoint(chart, 'waypoint', { namespace: MeshNamespace.fromName('default'), trafficFor: WaypointFor.SERVICE });
  const cross = taskChart(app, 'ambient-waypoint.cross-namespace', { dataPlane: DataPlane.AMBIENT });
  new Waypoint(cross, 'egress-gateway', {
    namespace: MeshNamespace.fromName('common-infrastructure'),
    allowedNamespaces: WaypointNamespaces.withLabels({ 'kubernetes.io/metadata.name': 'cross-namespace-waypoint-consumer' }),
  });
}
