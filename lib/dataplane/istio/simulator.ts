import { FilterChain, FilterChainMatch, Listener, Route, RouteConfiguration, VirtualHost, filterOnPort } from './envoy';
import { hostSubsetOf, isIpAddress } from './host';
import { EnvoyView } from './view';
import { StringMatch } from './vs-model';

/**
 * A request pushed through a proxy's Envoy configuration, as istiod's simulator does it (istio/istio
 * pilot/pkg/simulation/traffic.go Run, matchListener, matchFilterChain, matchVirtualHost): the listener by destination
 * address and port (the capture listener's original-destination hand-off), the filter chain by Envoy's sieve
 * (destination port, address range, server name, transport, ALPN), the TLS checks, the virtual host by domain, the
 * first route that matches. Routes are matched as Envoy does on every criterion (path, headers, query), where the
 * upstream simulator looks at the path only.
 */

export type SimError =
  | 'ErrNoListener' | 'ErrNoFilterChain' | 'ErrNoRoute' | 'ErrTLSRedirect' | 'ErrNoVirtualHost' | 'ErrMultipleFilterChain'
  | 'ErrProtocolError' | 'ErrTLSError' | 'ErrMTLSError' | 'ErrInvalidCall';

export interface SimCall {
  /** The destination address; undefined when unknown (a host outside the cluster). */
  readonly address?: string;
  readonly port: number;
  readonly protocol: 'http' | 'http2' | 'tcp';
  readonly tls: 'plaintext' | 'tls' | 'mtls';
  readonly alpn?: string;
  readonly host?: string;
  readonly sni?: string;
  readonly path: string;
  readonly method: string;
  readonly headers: { readonly [name: string]: string };
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** `inbound`: the call arrives on the sidecar's inbound capture (virtualInbound). */
  readonly callMode?: 'inbound';
  readonly mtlsSecretConfigName?: string;
}

export interface SimResult {
  readonly error?: SimError;
  readonly listener?: Listener;
  readonly filterChain?: FilterChain;
  readonly routeConfigName?: string;
  readonly routeConfig?: RouteConfiguration;
  readonly virtualHost?: VirtualHost;
  readonly route?: Route;
  readonly cluster?: string;
  /** Why the model cannot tell which route takes the request. */
  readonly undecided?: string;
}

const isClaim = (name: string) => name.startsWith('@request.auth.claims');

const tlsAlpn = (p: SimCall['protocol']) => (p === 'http' ? 'http/1.1' : p === 'http2' ? 'h2' : '');
const mtlsAlpn = (p: SimCall['protocol']) => (p === 'http' ? 'istio-http/1.1' : p === 'http2' ? 'istio-h2' : 'istio');
const plainAlpn = (p: SimCall['protocol']) => (p === 'http' ? 'http/1.1' : p === 'http2' ? 'h2c' : '');

/** Call.FillDefaults: SNI from the host for TLS calls, the ALPN a client of that protocol offers. */
export function fillDefaults(c: SimCall): SimCall {
  let out = c;
  if (out.sni === undefined && out.tls === 'tls' && out.host !== undefined) out = { ...out, sni: out.host };
  if (out.tls === 'mtls' && !out.alpn) out = { ...out, alpn: mtlsAlpn(out.protocol) };
  if (out.tls === 'tls' && !out.alpn) out = { ...out, alpn: tlsAlpn(out.protocol) };
  return out;
}

export function simulate(view: EnvoyView, callIn: SimCall): SimResult {
  let call = fillDefaults(callIn);
  if (call.alpn && call.tls === 'plaintext') return { error: 'ErrInvalidCall' };
  const listener = matchListener(view.listeners, call);
  if (!listener) return { error: 'ErrNoListener' };
  const hasTlsInspector = filterOnPort(listener.tlsInspector, call.port);
  if (!hasTlsInspector) call = { ...call, alpn: '' };
  if (filterOnPort(listener.httpInspector, call.port) && plainAlpn(call.protocol) !== '' && call.tls === 'plaintext') call = { ...call, alpn: plainAlpn(call.protocol) };
  const fc = matchFilterChain(listener.filterChains, listener.defaultFilterChain, call, hasTlsInspector);
  if (typeof fc === 'string') return { listener, error: fc };
  const base = { listener, filterChain: fc };
  if (fc.tls && call.tls === 'plaintext') return { ...base, error: 'ErrTLSError' };
  const secretName = call.mtlsSecretConfigName ?? 'default';
  if (fc.tls) {
    const requiresMtls = fc.tls.certName === secretName && fc.tls.requireClientCertificate;
    if (requiresMtls !== (call.tls === 'mtls')) return { ...base, error: 'ErrMTLSError' };
  }
  if (fc.hcm) {
    if (call.tls !== 'plaintext' && !fc.tls) return { ...base, error: 'ErrProtocolError' };
    if (call.protocol !== 'http' && call.protocol !== 'http2') return { ...base, error: 'ErrProtocolError' };
    let rc = fc.hcm.routeConfig;
    let routeConfigName: string | undefined;
    if (!rc) {
      routeConfigName = fc.hcm.rds;
      rc = routeConfigName !== undefined ? view.routeConfig(routeConfigName) : undefined;
    }
    const withRc = { ...base, ...(routeConfigName !== undefined ? { routeConfigName } : {}), ...(rc ? { routeConfig: rc } : {}) };
    const vh = rc ? matchVirtualHost(rc, call.host ?? '') : undefined;
    if (!vh) return { ...withRc, error: 'ErrNoVirtualHost' };
    if (vh.requireTls && call.tls === 'plaintext') return { ...withRc, virtualHost: vh, error: 'ErrTLSRedirect' };
    const route = vh.routes.find(r => routeMatches(r, call));
    // a match on a JWT claim (`@request.auth.claims.*`) depends on a token the model does not see
    const unknowable = vh.routes.slice(0, route ? vh.routes.indexOf(route) + 1
      : vh.routes.length).find(r => r.match.headers.some(h => isClaim(h.name))
      && routeMatches({ ...r, match: { ...r.match, headers: r.match.headers.filter(h => !isClaim(h.name)) } }, call));
    if (unknowable) return { ...withRc, virtualHost: vh, route: unknowable, undecided: `route ${unknowable.name || '(unnamed)'} matches on a JWT claim, which the model cannot evaluate` };
    if (!route) return { ...withRc, virtualHost: vh, error: 'ErrNoRoute' };
    const cluster = route.action?.kind === 'route' ? route.action.cluster : undefined;
    return { ...withRc, virtualHost: vh, route, ...(cluster !== undefined ? { cluster } : {}) };
  }
  if (fc.tcp) return { ...base, ...(fc.tcp.cluster !== undefined ? { cluster: fc.tcp.cluster } : {}) };
  return base;
}

/** matchListener: inbound calls take virtualInbound; else the listener bound to the address and port, then to 0.0.0.0, then virtualOutbound. */
function matchListener(listeners: readonly Listener[], call: SimCall): Listener | undefined {
  if (call.callMode === 'inbound') return listeners.find(l => l.name === 'virtualInbound');
  if (call.address !== undefined) {
    const exact = listeners.find(l => l.address === call.address && l.port === call.port);
    if (exact) return exact;
  }
  return listeners.find(l => l.address === '0.0.0.0' && l.port === call.port) ?? listeners.find(l => l.name === 'virtualOutbound');
}

type Rank<T> = (field: T) => number;

/** filterRank: keep the chains ranked best on a criterion; when none matches, those that do not set it. */
function filterRank<T>(chains: readonly FilterChain[], extract: (m: FilterChainMatch) => T | undefined, rank: Rank<T>): FilterChain[] {
  const isSet = (v: T | undefined) => v !== undefined && !(Array.isArray(v) && v.length === 0);
  if (!chains.some(c => isSet(extract(c.match ?? {})))) return [...chains];
  const byRank = new Map<number, FilterChain[]>();
  for (const c of chains) {
    const v = extract(c.match ?? {});
    if (!isSet(v)) continue;
    const r = rank(v as T);
    if (r > 0) byRank.set(r, [...(byRank.get(r) ?? []), c]);
  }
  if (byRank.size > 0) return byRank.get(Math.max(...byRank.keys()))!;
  return chains.filter(c => !isSet(extract(c.match ?? {})));
}

function matchFilterChain(chainsIn: readonly FilterChain[], defaultChain: FilterChain | undefined, call: SimCall,
  hasTlsInspector: boolean): FilterChain | SimError {
  let chains = filterRank(chainsIn, m => m.destinationPort, p => (p === call.port ? 1 : 0));
  chains = filterRank(chains, m => m.prefixRanges, ranges => {
    let best = 0;
    for (const r of ranges) if (call.address !== undefined && cidrContains(r.address, r.prefixLen, call.address)) best = Math.max(best, r.prefixLen);
    return best;
  });
  chains = filterRank(chains, m => m.serverNames, names => {
    const sni = call.sni ?? '';
    let best = 0;
    for (const s of names) {
      if (sni === s) best = Number.MAX_SAFE_INTEGER;
      else if (hostSubsetOf(sni, s)) best = Math.max(best, s.length);
    }
    return best;
  });
  chains = filterRank(chains, m => m.transportProtocol, t => {
    if (!hasTlsInspector) return t === 'raw_buffer' ? 1 : 0;
    if (t === 'tls') return call.tls === 'tls' || call.tls === 'mtls' ? 1 : 0;
    if (t === 'raw_buffer') return call.tls === 'plaintext' ? 1 : 0;
    return 0;
  });
  chains = filterRank(chains, m => m.applicationProtocols, alpns => (alpns.includes(call.alpn ?? '') ? 1 : 0));
  if (chains.length > 1) return 'ErrMultipleFilterChain';
  if (chains.length === 0) return defaultChain ?? 'ErrNoFilterChain';
  return chains[0];
}

function cidrContains(address: string, prefixLen: number, ip: string): boolean {
  if (!isIpAddress(address) || !isIpAddress(ip) || address.includes(':') || ip.includes(':')) return address === ip;
  const toInt = (a: string) => a.split('.').reduce((n, p) => n * 256 + Number(p), 0);
  if (prefixLen === 0) return true;
  const shift = 32 - prefixLen;
  return Math.floor(toInt(address) / 2 ** shift) === Math.floor(toInt(ip) / 2 ** shift);
}

/** matchVirtualHost: exact domain, then the longest `*suffix`, then the longest `prefix*`, then `*`; the port ignored when the configuration says so. */
export function matchVirtualHost(rc: RouteConfiguration, hostIn: string): VirtualHost | undefined {
  let host = hostIn;
  if (rc.ignorePortInHostMatching) {
    const m = /^(\[[^\]]+\]|[^:]+):\d+$/.exec(host);
    if (m) host = m[1];
  }
  for (const vh of rc.virtualHosts) if (vh.domains.includes(host)) return vh;
  let best: VirtualHost | undefined;
  let longest = 0;
  for (const vh of rc.virtualHosts) {
    for (const d of vh.domains) {
      if (d[0] !== '*') continue;
      if (host.length >= d.length && host.endsWith(d.slice(1)) && d.length > longest) {
        best = vh;
        longest = d.length;
      }
    }
  }
  if (best) return best;
  longest = 0;
  for (const vh of rc.virtualHosts) {
    for (const d of vh.domains) {
      if (d[d.length - 1] !== '*') continue;
      if (host.length >= d.length && host.startsWith(d.slice(0, -1)) && d.length > longest) {
        best = vh;
        longest = d.length;
      }
    }
  }
  if (best) return best;
  return rc.virtualHosts.find(vh => vh.domains.includes('*'));
}

/** Envoy's string matchers: exact, prefix, and RE2 regexes matching the whole value. */
export function stringMatches(m: StringMatch, value: string, ignoreCase = false): boolean {
  const v = ignoreCase ? value.toLowerCase() : value;
  if (m.exact !== undefined) return v === (ignoreCase ? m.exact.toLowerCase() : m.exact);
  if (m.prefix !== undefined) return v.startsWith(ignoreCase ? m.prefix.toLowerCase() : m.prefix);
  if (m.regex !== undefined) {
    try {
      return new RegExp(`^(?:${m.regex})$`, ignoreCase ? 'i' : '').test(value);
    } catch {
      return false;
    }
  }
  return true;
}

/** Whether a request matches a route: path (case-insensitive when asked), headers (pseudo-headers included), query parameters. */
export function routeMatches(r: Route, call: SimCall): boolean {
  const m = r.match;
  const path = m.caseSensitive ? call.path : call.path.toLowerCase();
  const value = m.caseSensitive ? m.path.value : m.path.value.toLowerCase();
  switch (m.path.kind) {
    case 'prefix': if (!path.startsWith(value)) return false; break;
    case 'path': if (path !== value) return false; break;
    case 'pathSeparatedPrefix': if (!(path === value || path.startsWith(`${value}/`))) return false; break;
    case 'regex': if (!stringMatches({ regex: m.path.value }, call.path, !m.caseSensitive)) return false; break;
  }
  for (const h of m.headers) {
    const v = headerValue(call, h.name);
    let ok: boolean;
    if (v === undefined) ok = h.treatMissingAsEmpty && h.match !== undefined ? stringMatches(h.match, '') : false;
    else ok = h.match === undefined ? true : stringMatches(h.match, v);
    if (h.invert) ok = !ok;
    if (!ok) return false;
  }
  for (const q of m.queryParameters) {
    const found = call.query.find(([k]) => k === q.name);
    if (!found) return false;
    if (q.match && !stringMatches(q.match, found[1])) return false;
  }
  return true;
}

function headerValue(call: SimCall, name: string): string | undefined {
  const n = name.toLowerCase();
  if (n === ':method') return call.method;
  if (n === ':authority' || n === 'host') return call.host;
  if (n === ':scheme') return call.tls === 'plaintext' ? 'http' : 'https';
  if (n === ':path') return call.path;
  return call.headers[n];
}
