import { World } from '../world';
import { IstioIndex } from './config-index';
import { Listener, RouteConfiguration } from './envoy';
import { MergedGateway, buildGatewayListeners, buildGatewayRouteConfig, mergeGateways } from './gateway';
import { InboundCluster, buildInboundClusters, buildInboundListeners } from './inbound';
import { settingsOfWorld } from './mesh-config';
import { buildOutboundListeners } from './outbound';
import { buildSidecarRouteConfig } from './outbound-rds';
import { ProxyContext, proxyContext } from './proxy-context';
import { ProxyModel } from './sidecar-scope';

/**
 * The Envoy configuration istiod generates for one proxy, built lazily and kept: listeners on first use, each route
 * configuration when a request first needs it. Views are cached per world index and proxy, so repeated requests from
 * one workload or through one gateway cost a lookup.
 */
/** A sidecar's outbound listeners and route configurations, shared by the sidecars they are the same for. */
interface Outbound {
  listeners?: Listener[];
  readonly routes: Map<string, RouteConfiguration | null>;
}

export class EnvoyView {
  public readonly ctx: ProxyContext;
  private listenerCache?: Listener[];
  private merged?: MergedGateway | null;
  private readonly outbound: Outbound;

  public constructor(index: IstioIndex, proxy: ProxyModel) {
    this.ctx = proxyContext(index, proxy);
    // The outbound side depends on the scope, the namespace, the labels when some configuration matches on them, and
    // the addresses when the proxy is itself an endpoint of a headless service (its own address gets no listener).
    const ctx = this.ctx;
    const key = proxy.type === 'router' ? undefined : `outbound|${JSON.stringify([
      proxy.configNamespace, proxy.namespace, ctx.scope.sidecar ? `${ctx.scope.sidecar.namespace}/${ctx.scope.sidecar.name}` : '',
      index.labelSensitive ? Object.entries(proxy.labels).sort() : [],
      ctx.targets.some(t => t.service.resolution === 'Passthrough') ? proxy.ips : [],
    ])}`;
    let outbound = key ? index.shared.get(key) as Outbound | undefined : undefined;
    if (!outbound) {
      outbound = { routes: new Map() };
      if (key) index.shared.set(key, outbound);
    }
    this.outbound = outbound;
  }

  public get proxy(): ProxyModel {
    return this.ctx.proxy;
  }

  public get mergedGateway(): MergedGateway | undefined {
    if (this.merged === undefined) this.merged = mergeGateways(this.ctx) ?? null;
    return this.merged ?? undefined;
  }

  /** Every listener (sidecar: outbound, virtualOutbound, then inbound; gateway: one per port). */
  public get listeners(): readonly Listener[] {
    if (!this.listenerCache) {
      if (this.ctx.proxy.type === 'router') {
        this.listenerCache = buildGatewayListeners(this.ctx, this.mergedGateway);
      } else {
        this.outbound.listeners ??= buildOutboundListeners(this.ctx);
        this.listenerCache = [...this.outbound.listeners, ...buildInboundListeners(this.ctx)];
      }
    }
    return this.listenerCache;
  }

  /** The route configurations the listeners name. */
  public get routeNames(): string[] {
    const names = new Set<string>();
    for (const l of this.listeners) {
      for (const c of [...l.filterChains, ...(l.defaultFilterChain ? [l.defaultFilterChain]
        : [])]) if (c.hcm?.rds !== undefined) names.add(c.hcm.rds);
    }
    return [...names];
  }

  /** A route configuration by name (RDS), built on first use. */
  public routeConfig(name: string): RouteConfiguration | undefined {
    let rc = this.outbound.routes.get(name);
    if (rc === undefined) {
      rc = (this.ctx.proxy.type === 'router' ? buildGatewayRouteConfig(this.ctx, this.mergedGateway, name) : buildSidecarRouteConfig(this.ctx, name)) ?? null;
      this.outbound.routes.set(name, rc);
    }
    return rc ?? undefined;
  }

  public inboundClusters(): InboundCluster[] {
    return buildInboundClusters(this.ctx);
  }
}

const indexes = new WeakMap<World, IstioIndex>();
const views = new WeakMap<IstioIndex, Map<string, EnvoyView>>();

/** The index of a world with its own mesh config (addresses allocated as a cluster would), built once. */
export function indexOf(world: World): IstioIndex {
  let index = indexes.get(world);
  if (!index) {
    index = new IstioIndex(world, settingsOfWorld(world), true);
    indexes.set(world, index);
  }
  return index;
}

/** The view of a proxy in an index, built once per proxy. */
export function viewOf(index: IstioIndex, proxy: ProxyModel): EnvoyView {
  let byProxy = views.get(index);
  if (!byProxy) views.set(index, byProxy = new Map());
  const key = JSON.stringify([proxy.type, proxy.workload?.key, proxy.namespace, proxy.configNamespace, proxy.ips,
    Object.entries(proxy.labels).sort()]);
  let view = byProxy.get(key);
  if (!view) byProxy.set(key, view = new EnvoyView(index, proxy));
  return view;
}
