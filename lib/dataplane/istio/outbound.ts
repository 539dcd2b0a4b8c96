import { BLACKHOLE_CLUSTER, CidrRange, FilterChain, FilterChainMatch, Listener, PASSTHROUGH_CLUSTER, ALLOW_ANY_DYNAMIC_DNS_CLUSTER, TcpProxy, subsetKey } from './envoy';
import { hostMatches, isIpAddress, isWildcard } from './host';
import { destinationCluster } from './http-routes';
import { altVirtualHosts } from './outbound-rds';
import { Protocol, isHttp, isTcp, isTls, isUnsupported, listenerProtocolOf, parseProtocol } from './protocol';
import { ProxyContext } from './proxy-context';
import { IstioService, ServicePortModel } from './registry';
import { L4Match, RouteDestination, RuleOrigin, VirtualServiceConfig } from './vs-model';

/**
 * A sidecar's outbound listeners (istio/istio pilot/pkg/networking/core/listener.go buildSidecarOutboundListeners,
 * buildSidecarOutboundListener, buildListenerFromEntry; tls.go buildSidecarOutboundTLSFilterChainOpts,
 * buildSidecarOutboundTCPFilterChainOpts; listener_builder.go buildVirtualOutboundListener): HTTP ports on
 * `0.0.0.0_<port>` with an HTTP chain selected by ALPN, TCP and sniffed ports on the service VIP (or per pod for
 * headless services), conflicts merged, and the `virtualOutbound` catch-all that passes or blackholes the rest.
 */

const PLAINTEXT_HTTP_ALPNS = ['http/1.1', 'h2c'];
const WILDCARD = '0.0.0.0';

interface ChainOpts {
  sniHosts?: string[];
  cidrs?: string[];
  applicationProtocols?: string[];
  transportProtocol?: string;
  rds?: string;
  tcp?: TcpProxy;
}

interface Entry {
  readonly port: ServicePortModel;
  readonly bind: string;
  locked: boolean;
  chains: ChainOpts[];
  protocol: Protocol;
}

interface Opts {
  bind: string;
  bindToPort: boolean;
  cidr?: string[];
  headlessPodCidr?: boolean;
  port: ServicePortModel;
  service: IstioService;
}

export function buildOutboundListeners(ctx: ProxyContext): Listener[] {
  const entries = new Map<string, Entry>();
  const registry = ctx.index.registry;
  for (const egress of ctx.scope.egress) {
    const bindToPort = egress.captureMode === 'NONE' || egress.bind.startsWith('unix://');
    const bind = egress.bind !== '' ? egress.bind : bindToPort ? '127.0.0.1' : '';
    if (egress.port) {
      const port: ServicePortModel = { port: egress.port.number, protocol: parseProtocol(egress.port.protocol), name: egress.port.name };
      if (!canBind(ctx, bind, port)) continue;
      for (const service of egress.services) buildOne(ctx, { bind, bindToPort, port, service }, entries, egress.virtualServices);
      continue;
    }
    for (const e of entries.values()) e.locked = true;
    for (const service of egress.services) {
      for (const port of service.ports) {
        if (!canBind(ctx, bind, port)) continue;
        const opts: Opts = { bind, bindToPort, port, service };
        if (bind === '' && service.resolution === 'Passthrough' && service.address === WILDCARD && (isTcp(port.protocol) || isUnsupported(port.protocol))) {
          const instances = registry.instancesOfPort(service, port.port);
          if (service.registry !== 'Kubernetes' && instances.length === 0) {
            buildOne(ctx, opts, entries, egress.virtualServices);
            continue;
          }
          for (const i of instances) {
            if (!isIpAddress(i.address) || i.address === ctx.proxy.ips[0]) continue;
            if (ctx.index.settings.headlessFilterChainListener && isTcp(port.protocol)) {
              buildOne(ctx, { ...opts, bind: WILDCARD, cidr: [i.address], headlessPodCidr: true }, entries, egress.virtualServices);
            } else {
              buildOne(ctx, { ...opts, bind: i.address }, entries, egress.virtualServices);
            }
          }
        } else {
          buildOne(ctx, opts, entries, egress.virtualServices);
        }
      }
    }
  }
  return [...[...entries.values()].map(e => finalize(ctx, e)), virtualOutbound(ctx)];
}

/** conflictWithReservedListener: a wildcard listener may not take the capture ports. */
function canBind(ctx: ProxyContext, bind: string, port: ServicePortModel): boolean {
  if (bind !== '' && bind !== WILDCARD) return true;
  if (bind === '' && !isHttp(port.protocol)) return true;
  const s = ctx.index.settings;
  return port.port !== s.proxyListenPort && port.port !== s.proxyInboundListenPort;
}

function buildOne(ctx: ProxyContext, opts: Opts, entries: Map<string, Entry>, vses: readonly VirtualServiceConfig[]): void {
  if (opts.service.resolution === 'Alias') return;
  let bind = opts.bind;
  let cidr = opts.cidr;
  const lp = listenerProtocolOf(opts.port.protocol);
  if (lp === 'tcp' || lp === 'auto') {
    if (bind === '') {
      const address = opts.service.address;
      if (address !== '') {
        if (!address.includes('/')) {bind = address;} else {
          bind = WILDCARD;
          cidr = [address];
        }
      }
    }
  } else if (lp === 'http') {
    if (bind === '') bind = WILDCARD;
  }
  const o: Opts = { ...opts, bind, ...(cidr ? { cidr } : {}) };
  const key = `${bind}:${opts.port.port}`;
  const current = entries.get(key);
  if (current?.locked) return;
  let protocol = opts.port.protocol;
  let chains: ChainOpts[];
  type Conflict = 'none' | 'httpOverTcp' | 'tcpOverHttp' | 'tcpOverTcp' | 'tcpOverAuto' | 'autoOverHttp' | 'autoOverTcp';
  let conflict: Conflict = 'none';
  if (opts.port.protocol === 'HTTP_PROXY') {
    chains = [httpChain(o, lp)];
  } else if (lp === 'http') {
    if (current) {
      if (isTcp(current.protocol)) conflict = 'httpOverTcp';
      else return;
    }
    const http = httpChain(o, lp);
    if (bind === WILDCARD) {
      http.applicationProtocols = PLAINTEXT_HTTP_ALPNS;
      http.transportProtocol = 'raw_buffer';
      protocol = 'UnsupportedProtocol';
    }
    chains = [http];
  } else if (lp === 'tcp') {
    chains = tcpChains(ctx, o, vses);
    if (current) conflict = isHttp(current.protocol) ? 'tcpOverHttp' : isTcp(current.protocol) ? 'tcpOverTcp' : 'tcpOverAuto';
  } else if (lp === 'auto') {
    if (current && !isHttp(current.protocol) && !isTcp(current.protocol)) {
      conflict = 'tcpOverAuto';
      chains = tcpChains(ctx, o, vses);
    } else {
      if (current) conflict = isHttp(current.protocol) ? 'autoOverHttp' : 'autoOverTcp';
      const http = { ...httpChain(o, lp), applicationProtocols: PLAINTEXT_HTTP_ALPNS, transportProtocol: 'raw_buffer' };
      chains = [...tcpChains(ctx, o, vses), http];
    }
  } else {
    return;
  }
  // Mongo and MySQL may not share a port with anything else
  if (current && conflict !== 'none') {
    const special = (p: Protocol) => p === 'Mongo' || p === 'MySQL';
    if ((special(opts.port.protocol) || special(current.protocol)) && opts.port.protocol !== current.protocol) return;
  }
  if (conflict === 'none' || conflict === 'autoOverHttp') {
    entries.set(key, { port: opts.port, bind, locked: false, chains, protocol });
  } else if (current) {
    mergeChains(current, chains);
    if (conflict === 'httpOverTcp' || conflict === 'tcpOverHttp' || conflict === 'autoOverTcp') current.protocol = 'UnsupportedProtocol';
  }
}

function httpChain(o: Opts, lp: string): ChainOpts {
  const rds = o.port.port === 0 ? o.bind : lp === 'auto' && o.bind !== WILDCARD ? `${o.service.hostname}:${o.port.port}` : String(o.port.port);
  return { rds };
}

function tcpChains(ctx: ProxyContext, o: Opts, vses: readonly VirtualServiceConfig[]): ChainOpts[] {
  const configs = vses.filter(vs => vs.hosts.some(h => hostMatches(h, o.service.hostname)));
  return [...tlsChainOpts(ctx, o, configs), ...tcpChainOpts(ctx, o, configs)];
}

function l4Matches(ctx: ProxyContext, m: L4Match, port: number): boolean {
  const gw = m.gateways.length === 0 || m.gateways.includes('mesh');
  const labels = Object.entries(m.sourceLabels).every(([k, v]) => ctx.proxy.labels[k] === v);
  return gw && labels && (m.port === 0 || m.port === port) && (m.sourceNamespace === '' || m.sourceNamespace === ctx.proxy.namespace);
}

/** The TCP proxy of a route's destinations (buildOutboundNetworkFilters): one cluster, or weighted clusters. */
export function networkFilters(ctx: ProxyContext, routes: readonly RouteDestination[], port: number, origin?: RuleOrigin): TcpProxy {
  const lookup = (h: string) => ctx.scope.servicesByHostname.get(h);
  if (routes.length === 1) {
    return {
      cluster: destinationCluster(routes[0].destination, lookup(routes[0].destination.host), port),
      ...(origin ? { origin } : {}),
    };
  }
  return {
    weightedClusters: routes.filter(r => r.weight > 0).map(r => ({
      name: destinationCluster(r.destination, lookup(r.destination.host),
        port),
      weight: r.weight,
    })),
    ...(origin ? { origin } : {}),
  };
}

function defaultTcp(o: Opts): TcpProxy {
  const port = o.service.ports.length === 1 ? o.service.ports[0].port : o.port.port;
  return { cluster: subsetKey('outbound', '', o.service.hostname, port) };
}

function tlsChainOpts(ctx: ProxyContext, o: Opts, configs: readonly VirtualServiceConfig[]): ChainOpts[] {
  if (!isTls(o.port.protocol)) return [];
  const out: ChainOpts[] = [];
  const handled = new Set<string>();
  let hasTlsMatch = false;
  for (const vs of configs) {
    for (const tls of vs.tls) {
      if (tls.route.length === 0) continue;
      for (const m of tls.match) {
        if (!l4Matches(ctx, m, o.port.port)) continue;
        const cidrs = m.destinationSubnets.length > 0 && o.port.port > 0 ? [...m.destinationSubnets] : o.cidr;
        const hash = `${m.sniHosts.join(',')}|${m.destinationSubnets.join(',')}`;
        if (!handled.has(hash)) {
          out.push({ sniHosts: [...m.sniHosts], ...(cidrs ? { cidrs } : {}), tcp: networkFilters(ctx, tls.route, o.port.port, tls.origin) });
          hasTlsMatch = true;
        }
        handled.add(hash);
      }
    }
  }
  if (!hasTlsMatch) {
    let sniHosts: string[] | undefined;
    const address = o.service.address.includes('/') ? '' : o.service.address;
    if (!o.headlessPodCidr && ((o.cidr && o.cidr.length > 0) || address === '' || (address === WILDCARD && o.bind === WILDCARD)
      || (isWildcard(o.service.hostname) && o.service.resolution === 'DynamicDNS'))) {
      sniHosts = [o.service.hostname];
      for (const a of o.service.aliases) sniHosts.push(a, ...altVirtualHosts(a, 0, ctx.dnsDomain));
    }
    out.push({ ...(sniHosts ? { sniHosts } : {}), ...(o.cidr ? { cidrs: o.cidr } : {}), tcp: defaultTcp(o) });
  }
  return out;
}

function tcpChainOpts(ctx: ProxyContext, o: Opts, configs: readonly VirtualServiceConfig[]): ChainOpts[] {
  if (isTls(o.port.protocol)) return [];
  const out: ChainOpts[] = [];
  let defaultAdded = false;
  loop: for (const vs of configs) {
    for (const tcp of vs.tcp) {
      if (tcp.route.length === 0) continue;
      if (tcp.match.length === 0) {
        out.push({ ...(o.cidr ? { cidrs: o.cidr } : {}), tcp: networkFilters(ctx, tcp.route, o.port.port, tcp.origin) });
        defaultAdded = true;
        break loop;
      }
      const subnets: string[] = [];
      for (const m of tcp.match) {
        if (!l4Matches(ctx, m, o.port.port)) continue;
        if (m.destinationSubnets.length === 0 || o.port.port === 0) {
          out.push({ ...(o.cidr ? { cidrs: o.cidr } : {}), tcp: networkFilters(ctx, tcp.route, o.port.port, tcp.origin) });
          defaultAdded = true;
          break loop;
        }
        subnets.push(...m.destinationSubnets);
      }
      if (subnets.length > 0) {
        out.push({ cidrs: subnets, tcp: networkFilters(ctx, tcp.route, o.port.port, tcp.origin) });
        if ([...subnets].sort().join(',') === [...(o.cidr ?? [])].sort().join(',')) defaultAdded = true;
      }
    }
  }
  if (!defaultAdded) out.push({ ...(o.cidr ? { cidrs: o.cidr } : {}), tcp: defaultTcp(o) });
  return out;
}

const sniSet = (s: string[] | undefined) => new Set((s ?? []).filter(x => x !== '*'));
const cidrSet = (s: string[] | undefined) => new Set((s ?? []).map(c => c.replace(/\/32$/, '')).filter(c => !c.startsWith('0.0.0.0')));
const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every(x => b.has(x));

/** filterChainOpts.conflictsWith: the same match (transport, ALPN, SNI set, destination CIDRs). */
function conflicts(a: ChainOpts, b: ChainOpts): boolean {
  if ((a.transportProtocol ?? '') !== (b.transportProtocol ?? '')) return false;
  if ((a.applicationProtocols ?? []).join(',') !== (b.applicationProtocols ?? []).join(',')) return false;
  if (!sameSet(sniSet(a.sniHosts), sniSet(b.sniHosts))) return false;
  return sameSet(cidrSet(a.cidrs), cidrSet(b.cidrs));
}

function mergeChains(current: Entry, incoming: ChainOpts[]): void {
  const merged = [...current.chains];
  for (const c of incoming) if (!merged.some(e => conflicts(e, c))) merged.push(c);
  current.chains = merged;
}

const isMatchAll = (c: ChainOpts) => (!c.sniHosts || c.sniHosts.length === 0 || c.sniHosts.includes('*'))
  && !c.applicationProtocols?.length && !c.transportProtocol && !c.cidrs?.length;

function toMatch(c: ChainOpts): FilterChainMatch {
  const prefixRanges: CidrRange[] = [];
  for (const d of [...(c.cidrs ?? [])].sort()) {
    const [address, len] = d.includes('/') ? d.split('/') : [d, isIpAddress(d) && d.includes(':') ? '128' : '32'];
    if (address !== WILDCARD) prefixRanges.push({ address, prefixLen: Number(len) });
  }
  return {
    ...(c.applicationProtocols?.length ? { applicationProtocols: c.applicationProtocols } : {}),
    ...(c.transportProtocol ? { transportProtocol: c.transportProtocol } : {}),
    ...(c.sniHosts?.length && !c.sniHosts.includes('*') ? { serverNames: [...c.sniHosts].sort() } : {}),
    ...(prefixRanges.length > 0 ? { prefixRanges } : {}),
  };
}

/** The cluster traffic no listener claims goes to: the original destination (ALLOW_ANY) or nowhere (REGISTRY_ONLY). */
export function fallthroughCluster(ctx: ProxyContext): string {
  return ctx.scope.outboundTrafficPolicy === 'REGISTRY_ONLY' ? BLACKHOLE_CLUSTER : PASSTHROUGH_CLUSTER;
}

function finalize(ctx: ProxyContext, e: Entry): Listener {
  const chains: FilterChain[] = [];
  let defaultChain: FilterChain | undefined;
  let tlsInspector = false;
  let httpInspector = false;
  for (const c of e.chains) {
    if (c.sniHosts && c.sniHosts.length > 0) tlsInspector = true;
    if (c.applicationProtocols && c.applicationProtocols.length > 0) httpInspector = true;
    const chain: FilterChain = c.rds !== undefined ? { hcm: { rds: c.rds } } : { ...(c.tcp ? { tcp: c.tcp } : {}) };
    if (isMatchAll(c)) defaultChain = chain;
    else chains.push({ ...chain, match: toMatch(c) });
  }
  if (defaultChain && chains.length === 0) {
    chains.push(defaultChain);
    defaultChain = undefined;
  } else if (!defaultChain) {
    defaultChain = { name: 'PassthroughFilterChain', tcp: { cluster: fallthroughCluster(ctx) } };
  }
  return {
    name: `${e.bind}_${e.port.port}`,
    address: e.bind,
    port: e.port.port,
    ...(tlsInspector ? { tlsInspector: {} } : {}),
    ...(httpInspector ? { httpInspector: {} } : {}),
    filterChains: chains,
    ...(defaultChain ? { defaultFilterChain: defaultChain } : {}),
  };
}

/** virtualOutbound (0.0.0.0:15001): a blackhole for calls to the capture port itself, then the catch-all. */
function virtualOutbound(ctx: ProxyContext): Listener {
  const dynamicDns = ctx.scope.outboundTrafficPolicy === 'ALLOW_ANY_DYNAMIC_DNS';
  const port = ctx.index.settings.proxyListenPort;
  const chains: FilterChain[] = [{ name: 'virtualOutbound-blackhole', match: { destinationPort: port }, tcp: { cluster: BLACKHOLE_CLUSTER } }];
  if (dynamicDns) {
    chains.push({
      name: 'virtualOutbound-catchall-tcp-http',
      match: { applicationProtocols: PLAINTEXT_HTTP_ALPNS },
      hcm: {
        routeConfig: {
          name: 'allow_any_dynamic_dns',
          ignorePortInHostMatching: true,
          virtualHosts: [{
            name: 'allow_any_dynamic_dns',
            domains: ['*'],
            requireTls: false,
            routes: [{
              name: 'allow_any_dynamic_dns',
              match: { path: { kind: 'prefix', value: '/' }, caseSensitive: true, headers: [], queryParameters: [] },
              action: { kind: 'route', cluster: ALLOW_ANY_DYNAMIC_DNS_CLUSTER, timeout: '0s', mirrors: [], clusterNotFoundStatus: 503 },
            }],
          }],
        },
      },
    });
  }
  chains.push({ name: 'virtualOutbound-catchall-tcp', tcp: { cluster: dynamicDns ? PASSTHROUGH_CLUSTER : fallthroughCluster(ctx) } });
  return { name: 'virtualOutbound', address: WILDCARD, port, ...(dynamicDns ? { httpInspector: {} } : {}), filterChains: chains };
}
