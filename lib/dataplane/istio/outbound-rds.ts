import { ALLOW_ANY_DYNAMIC_DNS_CLUSTER, PASSTHROUGH_CLUSTER, Route, RouteConfiguration, VirtualHost, subsetKey } from './envoy';
import { domainName, hostMatches, isIpAddress, isWildcard } from './host';
import { buildHttpRoutes, defaultRoute, translateMatch } from './http-routes';
import { isHttpOrSniffed, parseProtocol } from './protocol';
import { ProxyContext } from './proxy-context';
import { IstioService } from './registry';
import { EgressListener } from './sidecar-scope';
import { VirtualServiceConfig } from './vs-model';

/**
 * A sidecar's outbound route configurations (istio/istio pilot/pkg/networking/core/httproute.go
 * buildSidecarOutboundHTTPRouteConfig, BuildSidecarOutboundVirtualHosts, generateVirtualHostDomains,
 * GenerateAltVirtualHosts, buildCatchAllVirtualHost; route/route.go BuildSidecarVirtualHostWrapper): route `80` (per
 * port) or `<host>:<port>` (a sniffed service's own), one virtual host per VirtualService host and per service not
 * taken by a VirtualService, with every name a caller may use (`reviews`, `reviews.shop`, the VIP, …), and a last
 * catch-all (`allow_any` or `block_all`).
 */

interface Wrapper {
  readonly port: number;
  readonly services: IstioService[];
  readonly vsHosts: string[];
  readonly routes: Route[];
}

/** The route configuration a listener names; undefined when the name is not one istiod builds. */
export function buildSidecarRouteConfig(ctx: ProxyContext, routeName: string): RouteConfiguration | undefined {
  const unix = routeName.startsWith('unix://');
  const i = routeName.indexOf(':');
  const portText = unix ? routeName : routeName.slice(i + 1);
  const listenerPort = /^\d+$/.test(portText) ? Number(portText) : NaN;
  const sniffing = !unix && i !== -1;
  if (Number.isNaN(listenerPort) && routeName !== 'http_proxy' && !unix) return undefined;
  let vhosts = virtualHosts(ctx, routeName, Number.isNaN(listenerPort) ? 0 : listenerPort);
  if (sniffing) vhosts = forSniffedServicePort(vhosts, routeName);
  vhosts = [...vhosts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (!sniffing) vhosts.push(catchAllVirtualHost(ctx));
  return { name: routeName, virtualHosts: vhosts, ignorePortInHostMatching: true };
}

/** buildCatchAllVirtualHost. */
export function catchAllVirtualHost(ctx: ProxyContext): VirtualHost {
  const mode = ctx.scope.outboundTrafficPolicy;
  const match = translateMatch(undefined, undefined);
  if (mode === 'ALLOW_ANY_DYNAMIC_DNS') {
    return {
      name: 'allow_any_dynamic_dns',
      domains: ['*'],
      requireTls: false,
      routes: [{ name: 'allow_any_dynamic_dns', match, action: { kind: 'route', cluster: ALLOW_ANY_DYNAMIC_DNS_CLUSTER, timeout: '0s', mirrors: [], clusterNotFoundStatus: 503 } }],
    };
  }
  if (mode === 'ALLOW_ANY') {
    return {
      name: 'allow_any',
      domains: ['*'],
      requireTls: false,
      routes: [{ name: 'allow_any', match, action: { kind: 'route', cluster: PASSTHROUGH_CLUSTER, timeout: '0s', mirrors: [], clusterNotFoundStatus: 503 } }],
    };
  }
  return { name: 'block_all', domains: ['*'], requireTls: false, routes: [{ name: 'block_all', match, action: { kind: 'direct', status: 502 } }] };
}

function egressForRds(ctx: ProxyContext, port: number, bind: string): EgressListener | undefined {
  for (const e of ctx.scope.egress) {
    if (!e.port) return e;
    if (e.port.number === port) {
      if (port === 0) {
        if (e.bind === bind) return e;
        continue;
      }
      return e;
    }
  }
  return undefined;
}

function virtualHosts(ctx: ProxyContext, routeName: string, listenerPortIn: number): VirtualHost[] {
  const egress = egressForRds(ctx, listenerPortIn, routeName);
  if (!egress) return [];
  let listenerPort = listenerPortIn;
  if (egress.port && parseProtocol(egress.port.protocol) === 'HTTP_PROXY') listenerPort = 0;
  const registry = new Map<string, IstioService>();
  for (const svc of egress.services) {
    if (listenerPort === 0) {
      registry.set(svc.hostname, svc);
    } else {
      const p = svc.ports.find(x => x.port === listenerPort);
      if (p) registry.set(svc.hostname.toLowerCase(), { ...svc, hostname: svc.hostname.toLowerCase(), ports: [p], base: svc.base ?? svc });
    }
  }
  let vses: readonly VirtualServiceConfig[] = egress.virtualServices;
  if (listenerPort !== 80) vses = selectVirtualServices(vses, registry);
  const wrappers = buildWrappers(ctx, registry, vses, listenerPort, egress.mostSpecificVs);

  const byPort = new Map<number, VirtualHost[]>();
  const names = new Set<string>();
  const vhDomains = new Set<string>();
  const knownFqdn = new Set<string>();
  for (const w of wrappers) for (const s of w.services) knownFqdn.add(domainName(s.hostname, w.port)).add(s.hostname);
  const build = (hostname: string, w: Wrapper, svc: IstioService | undefined): VirtualHost | undefined => {
    const name = domainName(hostname, w.port);
    if (names.has(name)) return undefined;
    names.add(name);
    let domains: string[];
    let altHosts: string[] = [];
    if (!svc) domains = [hostname];
    else [domains, altHosts] = vhostDomains(svc, listenerPort, w.port, ctx.dnsDomain);
    const kept: string[] = [];
    for (const d of domains) {
      if (vhDomains.has(d.toLowerCase())) continue;
      if (altHosts.includes(d) && knownFqdn.has(d)) continue;
      kept.push(d);
      vhDomains.add(d.toLowerCase());
    }
    return kept.length > 0 ? { name, domains: kept, routes: w.routes, requireTls: false } : undefined;
  };
  for (const w of wrappers) {
    if (w.routes.length === 0) continue;
    const list = byPort.get(w.port) ?? [];
    for (const h of w.vsHosts) {
      const vh = build(h.toLowerCase(), w, undefined);
      if (vh) list.push(vh);
    }
    for (const s of w.services) {
      const vh = build(s.hostname, w, s);
      if (vh) list.push(vh);
    }
    byPort.set(w.port, list);
  }
  if (listenerPort !== 0) return byPort.get(listenerPort) ?? [];
  const out: VirtualHost[] = [];
  for (const [p, list] of byPort) {
    if (p === 80) {out.push(...list);} else {
      for (const vh of list) {
        const domains = vh.domains.filter(d => d.includes(':'));
        if (domains.length > 0) out.push({ ...vh, domains });
      }
    }
  }
  return out;
}

/** selectVirtualServices: the VirtualServices with a host the port's services cover (every one on port 80). */
function selectVirtualServices(vses: readonly VirtualServiceConfig[], registry: ReadonlyMap<string, IstioService>): VirtualServiceConfig[] {
  const wildcardSvcHosts = [...registry.keys()].filter(isWildcard);
  return vses.filter(vs => vs.hosts.some(h => {
    const l = h.toLowerCase();
    if (registry.has(l)) return true;
    if (isWildcard(l)) return [...registry.keys()].some(s => hostMatches(l, s));
    return wildcardSvcHosts.some(s => hostMatches(l, s));
  }));
}

/** BuildSidecarVirtualHostWrapper. */
function buildWrappers(ctx: ProxyContext, registryIn: ReadonlyMap<string, IstioService>, vses: readonly VirtualServiceConfig[],
  listenPort: number, mostSpecific: ReadonlyMap<string, string>): Wrapper[] {
  const registry = new Map(registryIn);
  const out: Wrapper[] = [];
  for (const vs of vses) out.push(...vsWrappers(ctx, vs, registryIn, listenPort, mostSpecific));
  for (const w of out) for (const s of w.services) registry.delete(s.hostname);
  for (const svc of registry.values()) {
    if (svc.resolution === 'Alias') continue;
    for (const port of svc.ports) {
      if (!isHttpOrSniffed(port.protocol)) continue;
      out.push({ port: port.port, services: [svc], vsHosts: [], routes: [defaultRoute(subsetKey('outbound', '', svc.hostname, port.port), false)] });
    }
  }
  return out;
}

function vsWrappers(ctx: ProxyContext, vs: VirtualServiceConfig, registry: ReadonlyMap<string, IstioService>, listenPort: number,
  mostSpecific: ReadonlyMap<string, string>): Wrapper[] {
  const routes = buildHttpRoutes(ctx.proxy, vs, listenPort, new Set(['mesh']), { isTls: false, lookupService: h => registry.get(h) });
  if (routes.length === 0) return [];
  const hosts: string[] = [];
  const matching: IstioService[] = [];
  const wildcards: string[] = [];
  for (const h of vs.hosts) {
    const l = h.toLowerCase();
    if (isWildcard(l)) {
      wildcards.push(l);
      continue;
    }
    const svc = registry.get(l);
    if (svc) matching.push(svc);
    else hosts.push(h);
  }
  const key = `${vs.namespace}/${vs.name}`;
  for (const h of wildcards) {
    if (vs.semantics === 'gateway') {
      hosts.push(h);
      continue;
    }
    let found = false;
    for (const [svcHost, svc] of registry) {
      if (!hostMatches(svcHost, h)) continue;
      found = true;
      if (mostSpecific.get(svcHost) === key) matching.push(svc);
    }
    if (!found) hosts.push(h);
  }
  if (vs.semantics === 'gateway') {
    const allowed = matching.filter(s => s.namespace === vs.namespace || ctx.proxy.configNamespace === vs.namespace);
    if (allowed.length === 0) return [];
  }
  const byPort = new Map<number, IstioService[]>();
  for (const s of matching) {
    for (const p of s.ports) {
      if (!isHttpOrSniffed(p.protocol)) continue;
      const l = byPort.get(p.port) ?? [];
      l.push(s);
      byPort.set(p.port, l);
    }
  }
  if (byPort.size === 0 && listenPort === 80) byPort.set(80, []);
  return [...byPort.entries()].map(([port, services]) => ({ port, services, vsHosts: hosts, routes }));
}

/** getVirtualHostsForSniffedServicePort: a sniffed service's own route keeps its one virtual host, for any host. */
function forSniffedServicePort(vhosts: readonly VirtualHost[], routeName: string): VirtualHost[] {
  const withoutPort = routeName.slice(0, routeName.lastIndexOf(':'));
  const found = vhosts.filter(vh => vh.domains.some(d => d === routeName || d === withoutPort));
  if (found.length === 1) return [{ ...found[0], domains: ['*'] }];
  return found;
}

/** generateVirtualHostDomains: the host, its short forms, its aliases', its VIP (without ports on sidecars). */
export function vhostDomains(svc: IstioService, listenerPort: number, portIn: number, proxyDomain: string): [string[], string[]] {
  const port = listenerPort !== 0 ? 0 : portIn;
  const domains: string[] = [];
  const allAlt: string[] = [];
  for (const s of [svc.hostname, ...svc.aliases]) {
    const alt = altVirtualHosts(s, port, proxyDomain);
    appendDomainPort(domains, s, port);
    domains.push(...alt);
    allAlt.push(...alt);
  }
  if (svc.resolution === 'Passthrough' && svc.registry === 'Kubernetes') {
    for (const d of [...domains]) domains.push(`*.${d}`);
  }
  if (svc.address !== '' && svc.address !== '0.0.0.0') appendDomainPort(domains, svc.address, port);
  return [domains, allAlt];
}

function appendDomainPort(domains: string[], domain: string, port: number): void {
  const d = domain.includes(':') ? `[${domain}]` : domain;
  if (port === 0) domains.push(d);
  else domains.push(d, domainName(domain, port));
}

/** GenerateAltVirtualHosts: `name.` and, for a Kubernetes Service, `name`, `name.ns`, `name.ns.svc` as the caller's DNS search resolves them. */
export function altVirtualHosts(hostname: string, port: number, proxyDomain: string): string[] {
  const out: string[] = [];
  if (!isIpAddress(hostname)) out.push(`${hostname}.`);
  if (port !== 0) out.push(domainName(`${hostname}.`, port));
  if (proxyDomain.includes('.svc.')) {
    const svcSuffix = proxyDomain.slice(proxyDomain.indexOf('.svc.'));
    if (hostname.endsWith(svcSuffix)) out.push(...kubeAltHosts(hostname, port, proxyDomain));
    return out;
  }
  const fqdn = hostname.split('.');
  const proxy = proxyDomain.split('.');
  let shared = 0;
  while (shared < Math.min(fqdn.length, proxy.length) && fqdn[fqdn.length - 1 - shared] === proxy[proxy.length - 1 - shared]) shared++;
  if (shared === 0) return out;
  const unique = fqdn.slice(0, fqdn.length - shared);
  const uniqueName = unique.join('.');
  appendDomainPort(out, uniqueName, port);
  if (unique.length === 2) appendDomainPort(out, `${uniqueName}.${fqdn[fqdn.length - shared]}`, port);
  return out;
}

function kubeAltHosts(hostname: string, port: number, proxyDomain: string): string[] {
  const before = proxyDomain.slice(0, proxyDomain.indexOf('.svc.'));
  const ih = hostname.indexOf('.svc.');
  if (ih <= 0) return [];
  const ns = hostname.indexOf('.');
  if (ns + 1 >= hostname.length || ns + 1 > ih) return [];
  const withPort = (hosts: string[]) => (port === 0 ? hosts : hosts.flatMap(h => [h, domainName(h, port)]));
  if (hostname.slice(ns + 1, ih) === before) return withPort([hostname.slice(0, ns), `${hostname.slice(0, ih)}.svc`, hostname.slice(0, ih)]);
  return withPort([hostname.slice(0, ih), `${hostname.slice(0, ih)}.svc`]);
}
