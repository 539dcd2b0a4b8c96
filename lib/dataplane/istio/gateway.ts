import { FilterChain, Listener, Route, RouteConfiguration, TcpProxy, VirtualHost } from './envoy';
import { GatewayConfig, ServerModel } from './gateways';
import { domainName, hostIntersection, hostMatches, namesForNamespace } from './host';
import { buildHttpRoutes, isCatchAllRoute } from './http-routes';
import { serverTlsContext } from './inbound';
import { networkFilters } from './outbound';
import { isHttp, parseProtocol } from './protocol';
import { ProxyContext } from './proxy-context';
import { IstioService } from './registry';
import { ServiceTarget } from './sidecar-scope';
import { L4Match, VirtualServiceConfig } from './vs-model';

/**
 * A gateway proxy's configuration (istio/istio pilot/pkg/model/push_context.go mergeGateways, gateway.go mergeGateways,
 * resolvePorts, gatewayRDSRouteName; networking/core/gateway.go buildGatewayListeners, buildGatewayHTTPRouteConfig,
 * createGatewayTCPFilterChainOpts, collapseDuplicateRoutes): the Gateways that select the proxy merged per port
 * (the first server of a port wins a protocol conflict; a port translates to its Service's target port), one listener
 * per port, one route configuration per HTTP port (`http.<port>`) or HTTPS server
 * (`https.<port>.<server port name>.<gateway>.<namespace>`), one virtual host per host the servers and their
 * VirtualServices share.
 */

export interface MergedServer {
  readonly server: ServerModel;
  readonly gateway: GatewayConfig;
  /** `namespace/name`. */
  readonly gatewayName: string;
  readonly routeName: string;
  readonly sniHosts: readonly string[];
}

interface ServerPort {
  readonly number: number;
  readonly protocol: string;
  readonly bind: string;
}

export interface MergedGateway {
  readonly serverPorts: readonly ServerPort[];
  readonly servers: ReadonlyMap<string, { servers: MergedServer[]; routeName: string }>;
  readonly serversByRoute: ReadonlyMap<string, MergedServer[]>;
}

const portKey = (p: ServerPort) => `${p.number}/${p.protocol}/${p.bind}`;
const isPassthrough = (s: ServerModel) => s.tls !== undefined && (s.tls.mode === 'PASSTHROUGH' || s.tls.mode === 'AUTO_PASSTHROUGH');
const isTlsServer = (s: ServerModel) => s.tls !== undefined && !isHttp(parseProtocol(s.port.protocol));
const isHttpServer = (s: ServerModel) => {
  const p = parseProtocol(s.port.protocol);
  return isHttp(p) || (p === 'HTTPS' && !isPassthrough(s));
};
const isHttpsTerminated = (s: ServerModel) => s.tls !== undefined && parseProtocol(s.port.protocol) === 'HTTPS' && !isPassthrough(s);

/** The Gateways that apply to a gateway proxy, with the service targets that translate their ports. */
export function gatewaysForProxy(ctx: ProxyContext): Array<{ gateway: GatewayConfig; legacy: boolean; targets: readonly ServiceTarget[] }> {
  const out: Array<{ gateway: GatewayConfig; legacy: boolean; targets: readonly ServiceTarget[] }> = [];
  for (const gw of ctx.index.gateways) {
    const svcs = gw.annotations['internal.istio.io/gateway-service'];
    if (svcs !== undefined) {
      const known = new Set(svcs.split(','));
      const ns = gw.annotations['internal.istio.io/parent-namespace'] || gw.namespace;
      const matching = ctx.targets.filter(t => known.has(t.service.hostname) && t.service.namespace === ns);
      if (matching.length > 0) out.push({ gateway: gw, legacy: false, targets: matching });
    } else if (gw.selector === undefined) {
      out.push({ gateway: gw, legacy: true, targets: ctx.targets });
    } else if (Object.entries(gw.selector).every(([k, v]) => ctx.proxy.labels[k] === v)) {
      out.push({ gateway: gw, legacy: true, targets: ctx.targets });
    }
  }
  return out;
}

/** resolvePorts: a server port as the listener port its Service targets (unless the Service disables port translation). */
export function resolvePorts(number: number, targets: readonly ServiceTarget[], legacy: boolean): number[] {
  const ports = new Set<number>();
  for (const t of targets) {
    if (legacy && t.service.labels['experimental.istio.io/disable-gateway-port-translation'] !== undefined) continue;
    if (t.port.port === number) {
      if (legacy) return [t.targetPort];
      ports.add(t.targetPort);
    }
  }
  if (ports.size === 0 && legacy) return [number];
  return [...ports];
}

function sanitizeHosts(hosts: readonly string[], namespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const i = h.indexOf('/');
    if (i < 0) {
      out.push(h);
      continue;
    }
    const [ns, name] = [h.slice(0, i), h.slice(i + 1)];
    if (ns === '.') {out.push(`${namespace}/${name}`);} else if (ns === '*') {
      if (name === '*') return ['*'];
      out.push(name);
    } else {out.push(h);}
  }
  return out;
}

function rdsRouteName(s: ServerModel, port: number, gw: GatewayConfig): string {
  const p = parseProtocol(s.port.protocol);
  const bind = s.bind !== '' ? `.${s.bind}` : '';
  if (isHttp(p)) return `http.${port}${bind}`;
  if (p === 'HTTPS' && !isPassthrough(s)) return `https.${s.port.number}.${s.port.name}.${gw.name}.${gw.namespace}${bind}`;
  return '';
}

export function mergeGateways(ctx: ProxyContext): MergedGateway | undefined {
  const applied = gatewaysForProxy(ctx);
  if (applied.length === 0) return undefined;
  const gatewayPorts = new Set<number>();
  const plainText = new Map<number, ServerPort>();
  const servers = new Map<string, { servers: MergedServer[]; routeName: string }>();
  const serverPorts: ServerPort[] = [];
  const byRoute = new Map<string, MergedServer[]>();
  const tlsHostsByPort = new Map<number, Map<string, string>>();
  const nonPlainBinds = new Map<number, Set<string>>();
  const addPlain = (m: MergedServer, sp: ServerPort) => {
    if (!isTlsServer(m.server)) plainText.set(sp.number, sp);
    if (isHttpServer(m.server)) byRoute.set(m.routeName, [m]);
    servers.set(portKey(sp), { servers: [m], routeName: m.routeName });
    serverPorts.push(sp);
  };
  for (const { gateway, legacy, targets } of applied) {
    const gatewayName = `${gateway.namespace}/${gateway.name}`;
    for (const raw of gateway.servers) {
      const s: ServerModel = { ...raw, hosts: sanitizeHosts(raw.hosts, gateway.namespace) };
      for (const port of resolvePorts(s.port.number, targets, legacy)) {
        const routeName = rdsRouteName(s, port, gateway);
        let sniHosts: string[] = [];
        if (s.tls) {
          const known = tlsHostsByPort.get(port) ?? new Map<string, string>();
          tlsHostsByPort.set(port, known);
          if (s.hosts.some(h => known.has(h) && known.get(h) === s.bind)) continue;
          for (const h of s.hosts) known.set(h, s.bind);
          sniHosts = [...new Set(s.hosts.map(h => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h)))].sort();
        }
        const m: MergedServer = { server: s, gateway, gatewayName, routeName, sniHosts };
        const sp: ServerPort = { number: port, protocol: s.port.protocol, bind: s.bind };
        const proto = parseProtocol(sp.protocol);
        if (!gatewayPorts.has(port)) {
          gatewayPorts.add(port);
          addPlain(m, sp);
          continue;
        }
        const current = plainText.get(port);
        if (current) {
          const cur = parseProtocol(current.protocol);
          const canMerge = (isHttp(proto) || proto === cur) && isHttp(cur);
          if (!canMerge && current.bind === sp.bind) continue;
          if (routeName === '' && current.bind === sp.bind) continue;
          if (current.bind !== sp.bind) {
            const ms = servers.get(portKey(sp));
            if (!ms) {addPlain(m, sp);} else {
              ms.routeName = routeName;
              ms.servers.push(m);
              byRoute.set(routeName, [...(byRoute.get(routeName) ?? []), m]);
            }
          } else {
            servers.get(portKey(current))!.servers.push(m);
            byRoute.set(routeName, [...(byRoute.get(routeName) ?? []), m]);
          }
          continue;
        }
        if (!isTlsServer(s)) {
          plainText.set(port, sp);
          if (isHttpServer(s)) byRoute.set(routeName, [m]);
          servers.set(portKey(sp), { servers: [m], routeName });
          serverPorts.push(sp);
          continue;
        }
        if (isHttpServer(s)) {
          if (routeName === '' || byRoute.has(routeName)) continue;
          byRoute.set(routeName, [m]);
        }
        const binds = nonPlainBinds.get(port) ?? new Set<string>();
        const newBind = !binds.has(sp.bind);
        binds.add(sp.bind);
        nonPlainBinds.set(port, binds);
        if (!s.tls && !newBind) continue;
        const ms = servers.get(portKey(sp));
        if (!ms) {
          servers.set(portKey(sp), { servers: [m], routeName: '' });
          serverPorts.push(sp);
        } else {
          ms.servers.push(m);
        }
      }
    }
  }
  return { serverPorts, servers, serversByRoute: byRoute };
}

/** buildGatewayListeners: one listener per bound port; a port none of whose servers yields a filter chain has no listener. */
export function buildGatewayListeners(ctx: ProxyContext, merged: MergedGateway | undefined): Listener[] {
  if (!merged) return [];
  const byName = new Map<string, { port: number; bind: string; chains: FilterChain[] }>();
  const tlsHostsByPort = new Map<number, Map<string, string>>();
  for (const sp of merged.serverPorts) {
    const bind = sp.bind !== '' ? sp.bind : '0.0.0.0';
    const name = `${bind}_${sp.number}`;
    const group = merged.servers.get(portKey(sp));
    if (!group) continue;
    const chains: FilterChain[] = [];
    if (isHttp(parseProtocol(sp.protocol))) {
      chains.push({ hcm: { rds: group.routeName }, server: { gateway: group.servers[0].gatewayName, index: group.servers[0].server.index } });
    } else {
      for (const m of group.servers) {
        const server = { gateway: m.gatewayName, index: m.server.index };
        if (isHttpsTerminated(m.server)) {
          chains.push({ match: sniMatch(m.sniHosts), tls: serverTlsContext(ctx.index, m.server.tls!), hcm: { rds: m.routeName }, server });
        } else {
          chains.push(...tcpChains(ctx, m, sp.number, tlsHostsByPort).map(c => ({ ...c, server })));
        }
      }
    }
    const existing = byName.get(name);
    if (existing) existing.chains.push(...chains);
    else byName.set(name, { port: sp.number, bind, chains });
  }
  const out: Listener[] = [];
  for (const [name, l] of byName) {
    if (l.chains.length === 0) continue;
    const tlsInspector = l.chains.some(c => (c.match?.serverNames?.length ?? 0) > 0 || c.tls !== undefined);
    out.push({ name, address: l.bind, port: l.port, ...(tlsInspector ? { tlsInspector: {} } : {}), filterChains: l.chains });
  }
  return out;
}

const sniMatch = (sni: readonly string[]) => (sni.length > 0 && !sni.includes('*') ? { serverNames: [...sni].sort() } : {});

function pickMatchingHosts(serverHosts: readonly string[], vs: VirtualServiceConfig): boolean {
  for (const vh of vs.hosts) {
    for (const gh of serverHosts) {
      let h = gh;
      if (h.includes('/')) {
        const [ns, name] = h.split('/');
        if (ns !== vs.namespace) continue;
        h = name;
      }
      if (hostMatches(h, vh)) return true;
    }
  }
  return false;
}

const l4Match = (m: L4Match, server: ServerModel, gateway: string) =>
  (m.port === 0 || m.port === server.port.number) && (m.gateways.length === 0 || m.gateways.includes(gateway));

function tcpChains(ctx: ProxyContext, m: MergedServer, listenerPort: number, tlsHostsByPort: Map<number, Map<string, string>>): FilterChain[] {
  const s = m.server;
  const vses = ctx.index.virtualServicesForGateway(ctx.proxy.configNamespace, m.gatewayName).filter(vs => pickMatchingHosts(s.hosts, vs));
  if (!s.tls || !isPassthrough(s)) {
    const tcp = tcpFromRoutes(ctx, m, vses);
    if (!tcp) return [];
    return [{ ...(s.tls ? { match: sniMatch(m.sniHosts), tls: serverTlsContext(ctx.index, s.tls) } : {}), tcp }];
  }
  if (s.tls.mode === 'AUTO_PASSTHROUGH') return autoPassthrough(ctx, m);
  const out: FilterChain[] = [];
  for (const vs of vses) {
    for (const tls of vs.tls) {
      if (tls.route.length === 0) continue;
      for (const match of tls.match) {
        if (!l4Match(match, s, m.gatewayName)) continue;
        const known = tlsHostsByPort.get(listenerPort) ?? new Map<string, string>();
        tlsHostsByPort.set(listenerPort, known);
        if (match.sniHosts.some(h => known.has(h) && known.get(h) === s.bind)) continue;
        for (const h of match.sniHosts) known.set(h, s.bind);
        out.push({ match: sniMatch(match.sniHosts), tcp: networkFilters(ctx, tls.route, s.port.number, tls.origin) });
      }
    }
  }
  return out;
}

function tcpFromRoutes(ctx: ProxyContext, m: MergedServer, vses: readonly VirtualServiceConfig[]): TcpProxy | undefined {
  const s = m.server;
  for (const vs of vses) {
    for (const tcp of vs.tcp) {
      const any = tcp.match.length === 0 || tcp.match.some(x => l4Match(x, s, m.gatewayName));
      if (any && tcp.route.length > 0) return networkFilters(ctx, tcp.route, s.port.number, tcp.origin);
    }
    const parents = vs.annotations['internal.istio.io/parents'] ?? '';
    if (parents.startsWith('TLSRoute/') && !isPassthrough(s)) {
      for (const tls of vs.tls) {
        for (const match of tls.match) if (l4Match(match, s, m.gatewayName)) return networkFilters(ctx, tls.route, s.port.number, tls.origin);
      }
    }
  }
  return undefined;
}

/** AUTO_PASSTHROUGH: one chain per mesh service port (and subset) the server hosts cover, by the SNI `outbound_.<port>_.<subset>_.<host>`. */
function autoPassthrough(ctx: ProxyContext, m: MergedServer): FilterChain[] {
  const out: FilterChain[] = [];
  for (const svc of ctx.scope.services) {
    if (svc.meshExternal) continue;
    for (const port of svc.ports) {
      if (port.protocol === 'UDP' || !m.sniHosts.some(h => hostMatches(svc.hostname, h))) continue;
      const name = `outbound_.${port.port}_._.${svc.hostname}`;
      out.push({ match: { serverNames: [name], applicationProtocols: ['istio', 'istio-peer-exchange', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2'] }, tcp: { cluster: `outbound|${port.port}||${svc.hostname}` } });
    }
  }
  return out;
}

/** buildGatewayHTTPRouteConfig. */
export function buildGatewayRouteConfig(ctx: ProxyContext, merged: MergedGateway | undefined, routeName: string): RouteConfiguration {
  const servers = merged?.serversByRoute.get(routeName);
  if (!servers || servers.length === 0) return { name: routeName, virtualHosts: [], ignorePortInHostMatching: true };
  const routesCache = new Map<string, Route[] | null>();
  const vhosts = new Map<string, { vh: { name: string; domains: string[]; routes: Route[]; requireTls: boolean } }>();
  for (const m of servers) {
    const port = m.server.port.number;
    const vses = ctx.index.virtualServicesForGateway(ctx.proxy.configNamespace, m.gatewayName);
    for (const vs of vses) {
      const intersecting = hostIntersection(namesForNamespace(m.server.hosts, vs.namespace), vs.hosts);
      if (intersecting.length === 0) continue;
      const key = `${m.gatewayName}|${vs.namespace}/${vs.name}`;
      let routes = routesCache.get(key);
      if (routes === undefined) {
        const lookup = serviceLookup(ctx, vs);
        const built = buildHttpRoutes(ctx.proxy, vs, port, new Set([m.gatewayName]), { isTls: m.server.tls !== undefined, lookupService: lookup });
        routes = built.length > 0 ? built : null;
        routesCache.set(key, routes);
      }
      if (routes === null) continue;
      for (const h of intersecting) {
        const host = h.toLowerCase();
        const existing = vhosts.get(host);
        if (existing) {
          existing.vh.routes.push(...routes);
          if (m.server.tls?.httpsRedirect) existing.vh.requireTls = true;
        } else {
          vhosts.set(host, {
            vh: {
              name: domainName(host, port),
              domains: [host],
              routes: [...routes],
              requireTls: m.server.tls?.httpsRedirect === true,
            },
          });
        }
      }
    }
    for (const h of m.server.hosts) {
      if (!m.server.tls?.httpsRedirect) continue;
      const host = h.toLowerCase();
      const existing = vhosts.get(host);
      if (existing) existing.vh.requireTls = true;
      else vhosts.set(host, { vh: { name: domainName(host, port), domains: [host], routes: [], requireTls: true } });
    }
  }
  let out: VirtualHost[];
  if (vhosts.size === 0) {
    out = [{ name: domainName('blackhole', servers[0].server.port.number), domains: ['*'], routes: [], requireTls: false }];
  } else {
    out = collapse(vhosts).map(vh => ({ ...vh, routes: sortRoutes(vh.routes) }));
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { name: routeName, virtualHosts: out, ignorePortInHostMatching: true };
}

/** buildNameToServiceMapForHTTPRoutes: a destination host's service in the VirtualService's namespace if the proxy sees it, else the proxy's. */
function serviceLookup(ctx: ProxyContext, vs: VirtualServiceConfig): (host: string) => IstioService | undefined {
  return host => {
    const s = ctx.index.registry.byHostname.get(host)?.get(vs.namespace);
    if (s && ctx.index.registry.visible(s, ctx.proxy.configNamespace)) return s;
    return ctx.scope.servicesByHostname.get(host);
  };
}

/** collapseDuplicateRoutes: virtual hosts with the very same routes become one, named after the most specific host. */
function collapse(vhosts: Map<string, { vh: { name: string; domains: string[]; routes: Route[]; requireTls: boolean } }>): VirtualHost[] {
  const keys = [...vhosts.keys()].sort((a, b) => {
    const aw = a.startsWith('*');
    const bw = b.startsWith('*');
    if (aw !== bw) return aw ? 1 : -1;
    if (a.length !== b.length) return b.length - a.length;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const kept: Array<{ name: string; domains: string[]; routes: Route[]; requireTls: boolean }> = [];
  for (const k of keys) {
    const vh = vhosts.get(k)!.vh;
    const same = kept.find(o => o.requireTls === vh.requireTls && o.routes.length === vh.routes.length && o.routes.every((r,
      i) => r === vh.routes[i]));
    if (same) same.domains.push(...vh.domains);
    else kept.push(vh);
  }
  return kept;
}

/** SortVHostRoutes: catch-all routes after the others, order kept otherwise. */
function sortRoutes(routes: readonly Route[]): Route[] {
  return [...routes.filter(r => !isCatchAllRoute(r)), ...routes.filter(r => isCatchAllRoute(r))];
}
