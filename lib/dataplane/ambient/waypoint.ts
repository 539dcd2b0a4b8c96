import { isObj, str, strMap } from '../../analysis/context';
import { deployedGatewayServiceAccount, gatewayPods, istioGatewayKind } from '../policy/identity';
import { NamespaceInfo, ServiceInfo, World, WorldObject, labelSelectorMatches } from '../world';

/**
 * Which waypoint takes a Service's traffic, as istiod binds it (istio/istio
 * `pilot/pkg/serviceregistry/ambient/waypoints.go` `fetchWaypointForService`, `fetchWaypointForTarget`, `GetUseWaypoint`):
 * the Service's `istio.io/use-waypoint` label (`none` opts out), else its namespace's; the waypoint's namespace is
 * `istio.io/use-waypoint-namespace` beside it, else the labelled object's; the waypoint must admit the Service's
 * namespace (its HBONE listener's `allowedRoutes`, `Same` by default) and serve Service traffic (`istio.io/waypoint-for`
 * on the Gateway, else on its GatewayClass, else `service`: `service` or `all`).
 */

/** A Service's waypoint binding. */
export type WaypointBinding =
  /** No `istio.io/use-waypoint` applies. */
  | { readonly kind: 'none' }
  /** The Service opts out (`istio.io/use-waypoint: none`). */
  | { readonly kind: 'opt-out' }
  /** Bound: the waypoint's Gateway, and where the binding comes from. */
  | { readonly kind: 'waypoint'; readonly gateway: WorldObject; readonly via: string; readonly notes: readonly string[] }
  /** A waypoint is named but istiod binds none (it does not exist, refuses the namespace or Service traffic). */
  | { readonly kind: 'unbound'; readonly name: string; readonly why: string };

const USE = 'istio.io/use-waypoint';
const USE_NS = 'istio.io/use-waypoint-namespace';
const FOR = 'istio.io/waypoint-for';

/** A waypoint's own Service and an east-west gateway's never use a waypoint (`gateway.istio.io/managed`). */
const MANAGED_NO_WAYPOINT: ReadonlySet<string> = new Set(['istio.io-mesh-controller', 'istio.io-eastwest-controller']);

/** The listener a waypoint admits attachments through: its inbound binding's, else HBONE on 15008 (`makeAllowedRoutes`). */
function bindingListener(world: World, gateway: WorldObject): { [k: string]: unknown } | undefined {
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  const listeners = (Array.isArray(spec.listeners) ? spec.listeners : []).filter(isObj);
  const cls = world.get('gateway.networking.k8s.io', 'GatewayClass', '', str(spec.gatewayClassName));
  const binding = strMap(gateway.manifest.metadata.annotations)['ambient.istio.io/waypoint-inbound-binding']
    ?? (cls ? strMap(cls.manifest.metadata.annotations)['ambient.istio.io/waypoint-inbound-binding'] : undefined);
  if (binding !== undefined) {
    const [protocol, port] = binding.split('/');
    const bound = port !== undefined ? listeners.find(l => Number(l.port) === Number(port)) : protocol === 'PROXY' ? listeners.find(l => str(l.protocol) === 'istio.io/PROXY') : undefined;
    if (bound) return bound;
  }
  return listeners.find(l => str(l.protocol) === 'HBONE' && Number(l.port) === 15008);
}

/** Whether the waypoint admits a namespace (`Waypoint.AllowsAttachmentFromNamespace`). */
export function waypointAdmits(world: World, gateway: WorldObject, ns: NamespaceInfo): { ok: boolean; rule: string } {
  const listener = bindingListener(world, gateway);
  const allowed = listener && isObj(listener.allowedRoutes) ? listener.allowedRoutes : undefined;
  const namespaces = allowed && isObj(allowed.namespaces) ? allowed.namespaces : undefined;
  const from = namespaces ? str(namespaces.from) || 'Same' : 'Same';
  if (from === 'All') return { ok: true, rule: 'All' };
  if (from === 'Selector') return { ok: labelSelectorMatches(namespaces?.selector, ns.labels) && isObj(namespaces?.selector), rule: 'a namespace Selector' };
  return { ok: gateway.namespace === ns.name, rule: 'Same' };
}

/** The traffic a waypoint takes: `service` (default), `workload`, `all`, `none`. */
export function waypointFor(world: World, gateway: WorldObject): string {
  const own = strMap(gateway.manifest.metadata.labels)[FOR];
  if (own !== undefined) return own;
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  const cls = world.get('gateway.networking.k8s.io', 'GatewayClass', '', str(spec.gatewayClassName));
  return (cls ? strMap(cls.manifest.metadata.labels)[FOR] : undefined) ?? 'service';
}

/** The ServiceAccount of a waypoint's pods: theirs when the configuration holds them, else the one Istio deploys. */
export function waypointServiceAccount(world: World, gateway: WorldObject): string {
  return gatewayPods(world, gateway)[0]?.serviceAccount ?? deployedGatewayServiceAccount(world, gateway);
}

/** The waypoint that takes a Service's traffic. */
export function serviceWaypoint(world: World, service: ServiceInfo): WaypointBinding {
  if (MANAGED_NO_WAYPOINT.has(service.labels['gateway.istio.io/managed'] ?? '')) return { kind: 'none' };
  const ns = world.namespace(service.namespace);
  let named: { name: string; namespace: string; via: string } | undefined;
  if (USE in service.labels) {
    if (service.labels[USE] === 'none') return { kind: 'opt-out' };
    named = { name: service.labels[USE], namespace: service.labels[USE_NS] ?? service.namespace, via: `Service ${service.namespace}/${service.name}` };
  } else if (USE in ns.labels && ns.labels[USE] !== 'none') {
    named = { name: ns.labels[USE], namespace: ns.labels[USE_NS] ?? service.namespace, via: `namespace ${ns.name}` };
  }
  if (!named) return { kind: 'none' };
  const key = `${named.namespace}/${named.name}`;
  const gateway = world.get('gateway.networking.k8s.io', 'Gateway', named.namespace, named.name);
  if (!gateway) return { kind: 'unbound', name: key, why: `${named.via} names waypoint ${key} (${USE}), which is not a Gateway of the configuration: istiod binds no waypoint (WaypointNotReady)` };
  const admits = waypointAdmits(world, gateway, ns);
  if (!admits.ok) return { kind: 'unbound', name: key, why: `waypoint ${key} admits ${admits.rule} namespaces only (allowedRoutes): it refuses ${service.namespace}` };
  const traffic = waypointFor(world, gateway);
  if (traffic !== 'service' && traffic !== 'all') return { kind: 'unbound', name: key, why: `waypoint ${key} serves ${FOR}: ${traffic}, not Service traffic` };
  const notes = istioGatewayKind(world, gateway) === 'waypoint' ? []
    : [`Gateway ${key} is used as a waypoint though its class '${str(isObj(gateway.manifest.spec) ? gateway.manifest.spec.gatewayClassName : '')}' is not istio-waypoint`];
  return { kind: 'waypoint', gateway, via: `${named.via} (${USE})`, notes };
}

/**
 * Whether gateways send a Service's traffic through its waypoint: `istio.io/ingress-use-waypoint` on the Service, else
 * its namespace, parsed as a boolean (`services.go` `ingressUseWaypointFromLabels`).
 */
export function ingressUsesWaypoint(world: World, service: ServiceInfo): boolean {
  const v = service.labels['istio.io/ingress-use-waypoint'] ?? world.namespace(service.namespace).labels['istio.io/ingress-use-waypoint'];
  return v !== undefined && /^(1|t|T|TRUE|true|True)$/.test(v);
}
