export { routeFromZtunnel, throughWaypoint } from './ztunnel';
export { throughIngressWaypoints } from './ingress';
export { ingressUsesWaypoint, serviceWaypoint, waypointAdmits, waypointFor, waypointServiceAccount } from './waypoint';
export type { WaypointBinding } from './waypoint';
