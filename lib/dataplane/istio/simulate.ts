import { World } from '../world';
import { IstioIndex } from './config-index';
import { Listener, RouteConfiguration } from './envoy';
import { InboundCluster } from './inbound';
import { DEFAULT_SETTINGS, IstioSettings, applyMeshConfig } from './mesh-config';
import { InjectedRegistry } from './registry';
import { ProxyModel } from './sidecar-scope';
import { SimCall, SimError, SimResult, simulate as run } from './simulator';
import { EnvoyView, viewOf } from './view';

/**
 * The model as istiod's own simulation tests drive it (istio/istio pilot/pkg/networking/core/*_simulation_test.go,
 * pilot/pkg/simulation/traffic.go): a proxy described by type, labels, namespace and addresses rather than by a
 * workload, istiod's test-harness defaults (proxy address 1.1.1.1, config namespace `default`, the in-memory config
 * store's empty domain for short names, no address allocation), a mesh config and feature flags per case, and the
 * result as the names the upstream tests compare.
 */

export interface SimulationProxy {
  readonly type: 'sidecar' | 'router';
  readonly labels?: { readonly [k: string]: string };
  /** The proxy's own namespace (`metadata.namespace`). */
  readonly namespace?: string;
  readonly configNamespace?: string;
  readonly ipAddresses?: readonly string[];
}

export interface SimulationOptions {
  /** Mesh config fields (as in the `istio` ConfigMap). */
  readonly meshConfig?: unknown;
  readonly featureFlags?: { readonly EnableTLSOnSidecarIngress?: boolean; readonly EnableHeadlessFilterChainListener?: boolean };
  /** Services and endpoints given directly to the registry. */
  readonly registry?: InjectedRegistry;
}

export interface SimulationCall {
  readonly address?: string;
  readonly port: number;
  readonly protocol: 'http' | 'http2' | 'tcp';
  readonly tls?: 'plaintext' | 'tls' | 'mtls';
  readonly alpn?: string;
  readonly host?: string;
  readonly sni?: string;
  readonly path?: string;
  readonly headers?: { readonly [k: string]: string };
  readonly callMode?: 'inbound';
  readonly mtlsSecretConfigName?: string;
}

/** What the upstream simulator reports: the names matched, or the error. */
export interface SimulationResult {
  readonly error?: SimError;
  readonly listener?: string;
  readonly filterChain?: string;
  readonly routeConfig?: string;
  readonly virtualHost?: string;
  readonly route?: string;
  readonly cluster?: string;
}

const indexes = new WeakMap<World, Map<string, IstioIndex>>();

/** The settings of istiod's test harness with a case's mesh config and flags. */
export function simulationSettings(options: SimulationOptions): IstioSettings {
  const base: IstioSettings = {
    ...DEFAULT_SETTINGS,
    configDomain: '',
    tlsOnSidecarIngress: options.featureFlags?.EnableTLSOnSidecarIngress === true,
    headlessFilterChainListener: options.featureFlags?.EnableHeadlessFilterChainListener === true,
  };
  return applyMeshConfig(base, options.meshConfig);
}

/** The index of a world as istiod's test harness builds it (once per world and options). */
export function simulationIndex(world: World, options: SimulationOptions = {}): IstioIndex {
  let byOptions = indexes.get(world);
  if (!byOptions) indexes.set(world, byOptions = new Map());
  const key = JSON.stringify(options);
  let index = byOptions.get(key);
  if (!index) byOptions.set(key, index = new IstioIndex(world, simulationSettings(options), false, options.registry));
  return index;
}

/** SetupProxy's defaults. */
export function simulationProxy(p: SimulationProxy): ProxyModel {
  const configNamespace = p.configNamespace ?? 'default';
  const router = p.type === 'router';
  return {
    type: p.type,
    labels: p.labels ?? (router ? { istio: 'ingressgateway' } : {}),
    namespace: p.namespace ?? (router ? 'istio-system' : configNamespace),
    configNamespace,
    ips: p.ipAddresses && p.ipAddresses.length > 0 ? p.ipAddresses : ['1.1.1.1'],
  };
}

/** The view of a described proxy. */
export function simulationView(world: World, proxy: SimulationProxy, options: SimulationOptions = {}): EnvoyView {
  return viewOf(simulationIndex(world, options), simulationProxy(proxy));
}

/** A call through a described proxy, as the upstream simulator runs it. */
export function simulate(world: World, proxy: SimulationProxy, call: SimulationCall, options: SimulationOptions = {}): SimulationResult {
  const view = simulationView(world, proxy, options);
  const c: SimCall = {
    address: call.address ?? '1.3.3.7',
    port: call.port,
    protocol: call.protocol,
    tls: call.tls ?? 'plaintext',
    ...(call.alpn ? { alpn: call.alpn } : {}),
    ...(call.host !== undefined ? { host: call.host } : {}),
    ...(call.sni !== undefined ? { sni: call.sni } : {}),
    path: call.path ?? '/',
    method: 'GET',
    headers: Object.fromEntries(Object.entries(call.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    query: [],
    ...(call.callMode ? { callMode: call.callMode } : {}),
    ...(call.mtlsSecretConfigName ? { mtlsSecretConfigName: call.mtlsSecretConfigName } : {}),
  };
  return names(run(view, c));
}

function names(r: SimResult): SimulationResult {
  return {
    ...(r.error ? { error: r.error } : {}),
    ...(r.listener ? { listener: r.listener.name } : {}),
    ...(r.filterChain?.name ? { filterChain: r.filterChain.name } : {}),
    ...(r.routeConfigName ? { routeConfig: r.routeConfigName } : {}),
    ...(r.virtualHost ? { virtualHost: r.virtualHost.name } : {}),
    ...(r.route?.name ? { route: r.route.name } : {}),
    ...(r.cluster ? { cluster: r.cluster } : {}),
  };
}

/** xdstest.ExtractVirtualHosts of a route configuration: each domain's sorted clusters (routes to one cluster only). */
export function virtualHostClusters(view: EnvoyView, routeName: string): { [domain: string]: string[] | null } | undefined {
  if (!view.routeNames.includes(routeName)) return undefined;
  const rc = view.routeConfig(routeName);
  if (!rc) return undefined;
  const out: { [domain: string]: string[] | null } = {};
  for (const vh of rc.virtualHosts) {
    const clusters = vh.routes.map(r => (r.action?.kind === 'route' ? r.action.cluster : undefined)).filter((c): c is string => c !== undefined && c !== '').sort();
    for (const d of vh.domains) out[d] = clusters.length > 0 ? clusters : null;
  }
  return out;
}

export type { InboundCluster, Listener, RouteConfiguration };
