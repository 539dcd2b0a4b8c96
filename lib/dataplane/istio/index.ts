import { isObj, strMap } from '../../analysis/context';
import { assumedIstioGatewayPod } from '../caller';
import { NormalizedRequest } from '../request';
import { nothingRouted } from '../result';
import { TrafficListenerRef, TrafficObjectRef, TrafficResult } from '../types';
import { WorkloadInfo, World, WorldObject, selectsLabels } from '../world';
import { OriginalDestination, resolveHost } from './clusters';
import { hostMatches } from './host';
import { mtlsPolicy, modeForPort, MtlsMode } from './inbound';
import { ProxyModel } from './sidecar-scope';
import { SimCall, simulate } from './simulator';
import { toTrafficResult } from './traffic-result';
import { indexOf, viewOf } from './view';

/**
 * Istio's data plane: a call leaving a workload's sidecar (outbound), and a request entering an Istio gateway
 * (`networking.istio.io` Gateway), routed as the Envoy configuration istiod generates for that proxy routes it: the
 * proxy's listeners, route configurations and clusters are built as istiod builds them (istio/istio
 * pilot/pkg/networking/core), lazily and once per world and proxy, and the request is pushed through them as
 * istiod's simulator does (pilot/pkg/simulation/traffic.go), then read back as destinations over pods and versions.
 */

/** What a client speaks, as the simulator's call: HTTP/2 for gRPC; TLS wraps TCP (or HTTP when `tls` is asked). */
function callOf(req: NormalizedRequest, host: string | undefined, port: number, address: string | undefined, tlsDefault: boolean): SimCall {
  const protocol = req.protocol === 'http' ? 'http' : req.protocol === 'http2' || req.protocol === 'grpc' ? 'http2' : 'tcp';
  const tls = req.protocol === 'tls' || (req.tls ?? tlsDefault) ? 'tls' : 'plaintext';
  return {
    ...(address !== undefined ? { address } : {}),
    port,
    protocol,
    tls,
    ...(host !== undefined ? { host } : {}),
    ...(req.sni !== undefined ? { sni: req.sni } : {}),
    path: req.path,
    method: req.method,
    headers: req.headers,
    query: req.query,
  };
}

/** A call from a workload with an Istio sidecar. */
export function routeFromSidecar(world: World, caller: WorkloadInfo, req: NormalizedRequest): TrafficResult {
  const index = indexOf(world);
  const ip = index.registry.podIp(caller);
  const proxy: ProxyModel = { type: 'sidecar', labels: caller.podLabels, namespace: caller.namespace, configNamespace: caller.namespace, ips: ip ? [ip] : [], workload: caller };
  const view = viewOf(index, proxy);
  const host = req.host ?? '';
  const resolved = resolveHost(view.ctx, host, caller.namespace);
  const svc = resolved.service;
  const port = req.port ?? (svc && svc.ports.length === 1 ? svc.ports[0].port : req.protocol === 'tls' ? 443 : 80);
  const call = callOf(req, host, port, resolved.address, false);
  const original: OriginalDestination = { host, port, ...(svc ? { service: svc } : {}) };
  const notes: string[] = [];
  const sim = simulate(view, call);
  if (svc?.kube && svc.kube.clusterIP === undefined && resolved.address !== undefined && sim.listener?.address === resolved.address) {
    notes.push(`Service ${svc.namespace}/${svc.name} declares no clusterIP: the model gives it ${resolved.address} (as the API server allocates one), which names listener ${sim.listener.name}`);
  }
  return toTrafficResult({ ctx: view.ctx, dataPlane: 'istio-sidecar', req, call, sim, original, hop: { at: 'sidecar', name: caller.key }, notes });
}

/** The pods that run an Istio gateway: those its selector selects, anywhere (PILOT_SCOPE_GATEWAY_TO_NAMESPACE is off by default). */
function gatewayPods(world: World, gateway: WorldObject): WorkloadInfo[] {
  // found once per Gateway: every workload is looked at
  return world.memo(`istio-gateway-pods/${gateway.namespace}/${gateway.name}`, () => {
    const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
    if (!isObj(spec.selector)) return [];
    const selector = strMap(spec.selector);
    return world.workloads().filter(w => Object.keys(selector).length > 0 && selectsLabels(selector, w.podLabels)).sort((a,
      b) => (a.key < b.key ? -1 : 1));
  });
}

/** A request entering an Istio Gateway. */
export function routeThroughIstioGateway(world: World, gateway: WorldObject, req: NormalizedRequest): TrafficResult {
  const index = indexOf(world);
  const gw = index.gateways.find(g => g.object === gateway);
  const name = `${gateway.namespace}/${gateway.name}`;
  if (!gw) return nothingRouted('istio-gateway', 'undecided', `Gateway ${name} is not an Istio Gateway the model reads`);
  const pods = gatewayPods(world, gateway);
  const notes: string[] = [];
  let proxy: ProxyModel;
  if (pods.length > 0) {
    const pod = pods[0];
    const ip = index.registry.podIp(pod);
    proxy = { type: 'router', labels: pod.podLabels, namespace: pod.namespace, configNamespace: pod.namespace, ips: ip ? [ip] : [], workload: pod };
  } else {
    const assumed = assumedIstioGatewayPod(gateway, gw.selector ?? {});
    proxy = { type: 'router', labels: assumed.labels, namespace: assumed.namespace, configNamespace: assumed.namespace, ips: [] };
    notes.push(assumed.note);
  }
  const view = viewOf(index, proxy);
  const merged = view.mergedGateway;
  const own = [...(merged?.servers.values() ?? [])].flatMap(g => g.servers).filter(m => m.gatewayName === name);
  const requested = req.port ?? gw.servers[0]?.port.number;
  if (requested === undefined) return nothingRouted('istio-gateway', 'no-route', `Gateway ${name} has no servers`, { notes });
  // the request port is the gateway Service's port, a server port: the listener is on its target port
  const onPort = (ownOnly: boolean) => [...(merged?.servers.entries() ?? [])]
    .filter(([, g]) => g.servers.some(m => (!ownOnly || m.gatewayName === name) && m.server.port.number === requested))
    .map(([k]) => Number(k.split('/')[0]));
  const listenerPorts = onPort(true).length > 0 ? onPort(true) : onPort(false);
  const port = listenerPorts[0] ?? requested;
  if (listenerPorts[0] !== undefined && listenerPorts[0] !== requested) notes.push(`server port ${requested} listens on the gateway pods' target port ${port}`);
  const server = own.find(m => m.server.port.number === requested)?.server ?? gw.servers.find(s => s.port.number === requested);
  const tlsDefault = server !== undefined && server.tls !== undefined && ['HTTPS', 'TLS'].includes(server.port.protocol.toUpperCase());
  const call = callOf(req, req.host, port, proxy.ips[0], tlsDefault);
  const sim = simulate(view, call);
  let listener: TrafficListenerRef | undefined;
  const chainServer = sim.filterChain?.server;
  if (chainServer && merged) {
    const candidates = sim.routeConfigName !== undefined ? merged.serversByRoute.get(sim.routeConfigName) ?? [] : [];
    const all = [...merged.servers.values()].flatMap(g => g.servers);
    const chosen = candidates.find(m => req.host !== undefined && m.server.hosts.some(h => hostMatches(h.includes('/') ? h.slice(h.indexOf('/') + 1) : h, req.host!)))
      ?? candidates[0] ?? all.find(m => m.gatewayName === chainServer.gateway && m.server.index === chainServer.index);
    if (chosen) {
      listener = {
        kind: 'Gateway',
        namespace: chosen.gateway.namespace,
        name: chosen.gateway.name,
        ...(chosen.server.port.name !== '' ? { listener: chosen.server.port.name } : {}),
        port: chosen.server.port.number,
        protocol: chosen.server.port.protocol,
        hostnames: chosen.server.hosts,
      };
      if (chosen.gatewayName !== name) notes.push(`the server is Gateway ${chosen.gatewayName}'s: Gateways selecting the same pods are merged`);
    }
  }
  const original: OriginalDestination = { host: req.host ?? gateway.name, port: requested };
  return toTrafficResult({ ctx: view.ctx, dataPlane: 'istio-gateway', req, call, sim, original, hop: { at: 'gateway', name }, ...(listener ? { listener } : {}), notes });
}

/** How a workload's sidecar accepts connections on one of its ports (for authorization and reports). */
export interface InboundTlsMode {
  /** PeerAuthentication's mode for the port: STRICT takes mutual TLS only, DISABLE plaintext only, PERMISSIVE both. */
  readonly mode: MtlsMode;
  readonly acceptsPlaintext: boolean;
  readonly acceptsMutualTls: boolean;
  /** The PeerAuthentications that decided (mesh, namespace, workload level); none: Istio's default, PERMISSIVE. */
  readonly policies: readonly TrafficObjectRef[];
}

/**
 * The mutual TLS mode a workload's sidecar applies to connections arriving on `port` (the container port), composed
 * from the PeerAuthentications of the root namespace, the workload's namespace and those selecting it, port-level
 * settings included (istio/istio pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication).
 */
export function inboundTlsMode(world: World, workload: WorkloadInfo, port: number): InboundTlsMode {
  const policy = mtlsPolicy(indexOf(world), workload.namespace, workload.podLabels);
  const mode = modeForPort(policy, port);
  return {
    mode,
    acceptsPlaintext: mode !== 'STRICT',
    acceptsMutualTls: mode !== 'DISABLE',
    policies: policy.from.map(p => ({ kind: 'PeerAuthentication', namespace: p.namespace, name: p.name })),
  };
}

export type { MtlsMode };
