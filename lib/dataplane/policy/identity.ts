import { AddressScope } from './address';
import { isObj, str, strMap } from '../../analysis/context';
import { Caller, assumedIstioGatewayPod } from '../caller';
import { CLUSTER_DOMAIN, ServiceInfo, WorkloadInfo, World, WorldObject } from '../world';

/**
 * Who the caller is, as a destination's proxy authenticates it: its mesh, namespace and ServiceAccount, and whether
 * it can speak the mesh's mutual TLS at all.
 */

/** Istio's root namespace (MeshConfig `rootNamespace`, default `istio-system`): its policies apply mesh-wide. */
export const ROOT_NAMESPACE = 'istio-system';

/** The proxy a call leaves through. */
export type CallerProxy =
  /** An Istio sidecar, or an Istio gateway's Envoy (both send Istio mutual TLS with their own identity). */
  | 'istio'
  /** Istio ambient: the node's ztunnel sends HBONE (mutual TLS) with the pod's identity. */
  | 'ambient'
  /** The Linkerd proxy: Linkerd's own mutual TLS. */
  | 'linkerd'
  /** No proxy: plaintext from the pod's address. */
  | 'none';

/** The caller as the destination's policy sees it. */
export interface CallerIdentity {
  readonly proxy: CallerProxy;
  /** The caller's namespace and ServiceAccount; undefined when the configuration does not say (a gateway without pods). */
  readonly namespace?: string;
  readonly serviceAccount?: string;
  /** How it was found, when not from the caller's own pods (an assumption said out loud). */
  readonly assumed?: string;
  /** `shop/productpage`, `gateway istio-system/ingress`. */
  readonly name: string;
  /** Where the caller's address lies. */
  readonly scope: AddressScope;
  /** For a gateway: its pods' labels (policies select gateways by them), and whether it is a Gateway API Gateway. */
  readonly gateway?: {
    readonly object: WorldObject;
    readonly labels: { readonly [k: string]: string };
    readonly gatewayApi: boolean;
    readonly istio: boolean;
  };
}

/** An Istio identity: `cluster.local/ns/<namespace>/sa/<serviceAccount>` (the SPIFFE URI without `spiffe://`). */
export const istioPrincipal = (namespace: string, serviceAccount: string) => `${CLUSTER_DOMAIN}/ns/${namespace}/sa/${serviceAccount}`;

/**
 * A Linkerd identity: `<serviceAccount>.<namespace>.serviceaccount.identity.linkerd.cluster.local` (linkerd2
 * `policy-controller/k8s/index/src/cluster_info.rs` `service_account_identity`, control plane namespace `linkerd`).
 */
export const linkerdIdentity = (namespace: string, serviceAccount: string) => `${serviceAccount}.${namespace}.serviceaccount.identity.linkerd.${CLUSTER_DOMAIN}`;

/** Istio's gateway controllers (istio/istio `pilot/pkg/config/kube/gatewaycommon/classinfo.go`). */
const ISTIO_GATEWAY_CONTROLLER = 'istio.io/gateway-controller';
const ISTIO_MESH_CONTROLLER = 'istio.io/mesh-controller';

/** The controller of a Gateway API class: its GatewayClass object's, else Istio's built-in classes. */
export function gatewayClassController(world: World, className: string): string | undefined {
  const cls = world.get('gateway.networking.k8s.io', 'GatewayClass', '', className);
  if (cls && isObj(cls.manifest.spec)) return str(cls.manifest.spec.controllerName) || undefined;
  if (className === 'istio') return ISTIO_GATEWAY_CONTROLLER;
  if (className === 'istio-waypoint') return ISTIO_MESH_CONTROLLER;
  return undefined;
}

/** Whether a Gateway API Gateway is one Istio deploys (an ingress) or a waypoint. */
export function istioGatewayKind(world: World, gateway: WorldObject): 'gateway' | 'waypoint' | undefined {
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  const controller = gatewayClassController(world, str(spec.gatewayClassName));
  return controller === ISTIO_GATEWAY_CONTROLLER ? 'gateway' : controller === ISTIO_MESH_CONTROLLER ? 'waypoint' : undefined;
}

/**
 * The ServiceAccount of the pods Istio deploys for a Gateway API Gateway: `gateway.istio.io/service-account`, else the
 * deployment's name, `<name>-<class>` (no suffix for waypoints) (istio/istio
 * `pilot/pkg/config/kube/gatewaycommon/deploymentcontroller.go`, `gateway_utils.go` `GetDefaultName`).
 */
export function deployedGatewayServiceAccount(world: World, gateway: WorldObject): string {
  const override = strMap(gateway.manifest.metadata.annotations)['gateway.istio.io/service-account'];
  if (override) return override;
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  return istioGatewayKind(world, gateway) === 'waypoint' ? gateway.name : `${gateway.name}-${str(spec.gatewayClassName)}`;
}

/** The pods of a Gateway API Gateway in the configuration (`gateway.networking.k8s.io/gateway-name`). */
export function gatewayPods(world: World, gateway: WorldObject): readonly WorkloadInfo[] {
  return world.workloadsSelected(gateway.namespace, { 'gateway.networking.k8s.io/gateway-name': gateway.name });
}

const proxyOf = (w: WorkloadInfo): CallerProxy => (w.dataPlane === 'istio-sidecar' ? 'istio' : w.dataPlane === 'istio-ambient' ? 'ambient' : w.dataPlane === 'linkerd' ? 'linkerd' : 'none');

/** Who is calling. */
export function callerIdentity(world: World, caller: Caller): CallerIdentity {
  if (caller.kind === 'workload') {
    const w = caller.workload;
    return { proxy: proxyOf(w), namespace: w.namespace, serviceAccount: w.serviceAccount, name: w.key, scope: 'pod' };
  }
  const g = caller.gateway;
  const name = `gateway ${g.namespace}/${g.name}`;
  const spec = isObj(g.manifest.spec) ? g.manifest.spec : {};
  const pod = caller.workloads[0];
  if (g.group === 'networking.istio.io') {
    // an Istio Gateway's pods run Istio's gateway Envoy, with the identity of their ServiceAccount
    if (pod) return { proxy: 'istio', namespace: pod.namespace, serviceAccount: pod.serviceAccount, name, scope: 'pod', gateway: { object: g, labels: pod.podLabels, gatewayApi: false, istio: true } };
    const selector = strMap(spec.selector);
    const assumed = assumedIstioGatewayPod(g, selector);
    if (assumed.serviceAccount !== undefined) {
      return {
        proxy: 'istio',
        namespace: assumed.namespace,
        serviceAccount: assumed.serviceAccount,
        name,
        scope: 'pod',
        assumed: assumed.note,
        gateway: { object: g, labels: assumed.labels, gatewayApi: false, istio: true },
      };
    }
    return { proxy: 'istio', name, scope: 'pod', assumed: assumed.note, gateway: { object: g, labels: selector, gatewayApi: false, istio: true } };
  }
  const kind = istioGatewayKind(world, g);
  if (kind === 'gateway') {
    const labels = pod?.podLabels ?? { 'gateway.networking.k8s.io/gateway-name': g.name, 'gateway.networking.k8s.io/gateway-class-name': str(spec.gatewayClassName) };
    return {
      proxy: 'istio',
      namespace: pod?.namespace ?? g.namespace,
      serviceAccount: pod?.serviceAccount ?? deployedGatewayServiceAccount(world, g),
      name,
      scope: 'pod',
      gateway: { object: g, labels, gatewayApi: true, istio: true },
    };
  }
  // another implementation's gateway: its pods' own data plane, when the configuration holds them
  if (pod) return { proxy: proxyOf(pod), namespace: pod.namespace, serviceAccount: pod.serviceAccount, name, scope: 'pod', gateway: { object: g, labels: pod.podLabels, gatewayApi: true, istio: false } };
  return {
    proxy: 'none',
    name,
    scope: 'pod',
    assumed: `class '${str(spec.gatewayClassName)}' is not Istio's and its pods are not in the configuration: taken as outside any mesh`,
    gateway: { object: g, labels: {}, gatewayApi: true, istio: false },
  };
}

/** The TLS a DestinationRule sets for calls to a Service (port and subset), and the rule that sets it. */
export interface ClientTls {
  readonly mode: string;
  readonly rule: WorldObject;
}

interface DrIndex {
  readonly byNamespace: Map<string, WorldObject[]>;
}
const drIndexes = new WeakMap<World, DrIndex>();

function drIndex(world: World): DrIndex {
  let index = drIndexes.get(world);
  if (!index) {
    const byNamespace = new Map<string, WorldObject[]>();
    for (const o of world.list('networking.istio.io', 'DestinationRule')) {
      const same = byNamespace.get(o.namespace);
      if (same) same.push(o);
      else byNamespace.set(o.namespace, [o]);
    }
    index = { byNamespace };
    drIndexes.set(world, index);
  }
  return index;
}

/** How specifically a DestinationRule host names a Service: 2 exactly, 1 by a wildcard, 0 not. */
function hostSpecificity(host: string, drNamespace: string, service: ServiceInfo): number {
  const h = host.toLowerCase();
  const full = h.includes('.') ? (h.split('.').length === 2 ? `${h}.svc.${CLUSTER_DOMAIN}` : h) : `${h}.${drNamespace}.svc.${CLUSTER_DOMAIN}`;
  if (full === service.fqdn) return 2;
  if (h === '*') return 1;
  if (h.startsWith('*.') && service.fqdn.endsWith(h.slice(1))) return 1;
  return 0;
}

const visibleFrom = (rule: WorldObject, namespace: string): boolean => {
  const spec = isObj(rule.manifest.spec) ? rule.manifest.spec : {};
  const exportTo = Array.isArray(spec.exportTo) ? spec.exportTo.map(str) : [];
  if (exportTo.length === 0 || exportTo.includes('*')) return true;
  return exportTo.some(e => (e === '.' ? rule.namespace === namespace : e === namespace));
};

/**
 * The DestinationRule a proxy in `fromNamespace` applies to a Service, as istiod picks it: first among the rules of
 * the proxy's namespace, then the Service's, then the root namespace's, each visible to the proxy (`exportTo`), the
 * most specific host first, then the oldest (istio/istio `pilot/pkg/model/push_context.go` `destinationRule`).
 */
export function destinationRuleFor(
  world: World, fromNamespace: string, service: ServiceInfo, workloadLabels?: { readonly [k: string]: string },
): WorldObject | undefined {
  const index = drIndex(world);
  for (const ns of [...new Set([fromNamespace, service.namespace, ROOT_NAMESPACE])]) {
    let best: WorldObject | undefined;
    let bestScore = 0;
    for (const rule of index.byNamespace.get(ns) ?? []) {
      const spec = isObj(rule.manifest.spec) ? rule.manifest.spec : {};
      if (!visibleFrom(rule, fromNamespace)) continue;
      if (isObj(spec.workloadSelector)) {
        if (ns !== fromNamespace || !workloadLabels) continue;
        const selector = strMap(spec.workloadSelector.matchLabels);
        if (!Object.entries(selector).every(([k, v]) => workloadLabels[k] === v)) continue;
      }
      const score = hostSpecificity(str(spec.host), rule.namespace, service);
      if (score > bestScore) {
        best = rule;
        bestScore = score;
      }
    }
    if (best) return best;
  }
  return undefined;
}

/** The TLS mode a DestinationRule sets for a port and subset (subset port level, subset, port level, top level). */
export function clientTlsMode(rule: WorldObject, port: number | undefined, subset: string | undefined): string | undefined {
  const spec = isObj(rule.manifest.spec) ? rule.manifest.spec : {};
  const policies: unknown[] = [];
  if (subset !== undefined && Array.isArray(spec.subsets)) {
    const s = spec.subsets.filter(isObj).find(x => str(x.name) === subset);
    if (s) policies.push(s.trafficPolicy);
  }
  policies.push(spec.trafficPolicy);
  for (const policy of policies) {
    if (!isObj(policy)) continue;
    const portLevel = Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings.filter(isObj) : [];
    const atPort = portLevel.find(p => isObj(p.port) && Number(p.port.number) === port);
    if (atPort && isObj(atPort.tls) && str(atPort.tls.mode)) return str(atPort.tls.mode);
    if (isObj(policy.tls) && str(policy.tls.mode)) return str(policy.tls.mode);
  }
  return undefined;
}
