import { IstioIndex } from './config-index';
import { DownstreamTls, FilterChain, INBOUND_PASSTHROUGH_CLUSTER, BLACKHOLE_CLUSTER, Listener, ListenerFilterScope, RouteConfiguration } from './envoy';
import { ServerTls } from './gateways';
import { defaultRoute } from './http-routes';
import { ListenerProtocol, Protocol, afterTlsTermination, listenerProtocolOf, parseProtocol } from './protocol';
import { ProxyContext } from './proxy-context';

/**
 * A sidecar's inbound side (istio/istio pilot/pkg/networking/core/listener_inbound.go buildInboundListeners,
 * buildInboundChainConfigs, populateListenerFilters; filterchain_options.go; cluster.go buildInboundClusters) and the
 * mutual TLS mode each port takes from PeerAuthentication (pilot/pkg/security/authn/policy_applier.go
 * ComposePeerAuthentication, GetMutualTLSModeForPort): the `virtualInbound` listener with its passthrough chains
 * and one group of chains per port, their TLS requirements, and the inbound clusters.
 */

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

const MTLS_HTTP_ALPNS = ['istio-http/1.0', 'istio-http/1.1', 'istio-h2'];
const PLAINTEXT_HTTP_ALPNS = ['http/1.1', 'h2c'];
const ALL_ISTIO_MTLS_ALPNS = ['istio', 'istio-peer-exchange', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2'];
const MTLS_TCP_WITH_MXC_ALPNS = ['istio-peer-exchange', 'istio'];

interface MatchOption {
  readonly alpn?: readonly string[];
  readonly transport: 'tls' | 'raw_buffer';
  readonly protocol: 'http' | 'tcp';
  readonly tls: boolean;
}

/** getFilterChainMatchOptions. */
function matchOptions(mode: MtlsMode, lp: ListenerProtocol): MatchOption[] {
  if (lp === 'http') {
    if (mode === 'STRICT') return [{ protocol: 'http', transport: 'tls', tls: true }];
    if (mode === 'PERMISSIVE') return [{ alpn: ALL_ISTIO_MTLS_ALPNS, transport: 'tls', protocol: 'http', tls: true }, { protocol: 'http', transport: 'raw_buffer', tls: false }];
    return [{ protocol: 'http', transport: 'raw_buffer', tls: false }];
  }
  if (lp === 'auto') {
    if (mode === 'STRICT') return [{ alpn: MTLS_HTTP_ALPNS, protocol: 'http', transport: 'tls', tls: true }, { protocol: 'tcp', transport: 'tls', tls: true }];
    if (mode === 'PERMISSIVE') {
      return [
        { alpn: MTLS_HTTP_ALPNS, transport: 'tls', protocol: 'http', tls: true },
        { alpn: PLAINTEXT_HTTP_ALPNS, protocol: 'http', transport: 'raw_buffer', tls: false },
        { alpn: MTLS_TCP_WITH_MXC_ALPNS, transport: 'tls', protocol: 'tcp', tls: true },
        { protocol: 'tcp', transport: 'raw_buffer', tls: false },
        { transport: 'tls', protocol: 'tcp', tls: false },
      ];
    }
    return [{ alpn: PLAINTEXT_HTTP_ALPNS, protocol: 'http', transport: 'raw_buffer', tls: false }, { protocol: 'tcp', transport: 'raw_buffer', tls: false }];
  }
  if (mode === 'STRICT') return [{ protocol: 'tcp', transport: 'tls', tls: true }];
  if (mode === 'PERMISSIVE') {
    return [{ alpn: ALL_ISTIO_MTLS_ALPNS, transport: 'tls', protocol: 'tcp', tls: true }, { transport: 'tls', protocol: 'tcp', tls: false }, { protocol: 'tcp', transport: 'raw_buffer', tls: false }];
  }
  return [{ protocol: 'tcp', transport: 'raw_buffer', tls: false }];
}

/** The effective PeerAuthentication of a workload: mesh, namespace, then workload level; `UNSET` inherits; per-port modes. */
export interface MtlsPolicy {
  readonly mode: MtlsMode;
  readonly perPort: ReadonlyMap<number, MtlsMode>;
  /** The policies that decided (root namespace, namespace, workload), for reports. */
  readonly from: ReadonlyArray<{ readonly namespace: string; readonly name: string }>;
}

const asMode = (m: string | undefined): MtlsMode | undefined => (m === 'STRICT' || m === 'PERMISSIVE' || m === 'DISABLE' ? m : undefined);

export function mtlsPolicy(index: IstioIndex, namespace: string, labels: { readonly [k: string]: string }): MtlsPolicy {
  const root = index.settings.rootNamespace;
  const oldest = <T extends { creation: number }>(list: T[]) => list.reduce<T | undefined>((a, b) => (a === undefined
    || b.creation < a.creation ? b : a), undefined);
  const pas = index.peerAuthentications;
  const mesh = oldest(pas.filter(p => p.namespace === root && !p.selector));
  const ns = namespace === root ? undefined : oldest(pas.filter(p => p.namespace === namespace && !p.selector));
  const workload = namespace === root ? undefined : oldest(pas.filter(p => p.namespace === namespace && p.selector
    && Object.entries(p.selector).every(([k, v]) => labels[k] === v)));
  let mode: MtlsMode = 'PERMISSIVE';
  for (const p of [mesh, ns, workload]) {
    const m = asMode(p?.mode);
    if (m) mode = m;
  }
  const perPort = new Map<number, MtlsMode>();
  for (const [port, m] of workload?.portLevel ?? []) perPort.set(port, asMode(m) ?? mode);
  return { mode, perPort, from: [mesh, ns, workload].filter(p => p !== undefined).map(p => ({ namespace: p.namespace, name: p.name })) };
}

export const modeForPort = (p: MtlsPolicy, port: number): MtlsMode => p.perPort.get(port) ?? p.mode;

/** Istio mutual TLS as the inbound chains terminate it: the workload certificate (`default`), a client certificate required. */
const ISTIO_MTLS: DownstreamTls = { certName: 'default', requireClientCertificate: true, alpn: ['h2', 'http/1.1'] };

/** BuildListenerTLSContext for a Sidecar ingress or a Gateway server's TLS settings. */
export function serverTlsContext(index: IstioIndex, tls: ServerTls): DownstreamTls {
  const mutual = tls.mode === 'MUTUAL' || tls.mode === 'ISTIO_MUTUAL';
  if (tls.mode === 'ISTIO_MUTUAL') return { certName: 'default', requireClientCertificate: true, alpn: ['h2', 'http/1.1'] };
  if (tls.credentialName !== '') {
    if (tls.credentialName.startsWith('sds://')) {
      // ConstructSdsSecretConfigForCredential: the secret without its scheme, fetched from the first SDS extension provider
      const resource = tls.credentialName.slice('sds://'.length);
      const sds = [...index.settings.sdsProviders.values()][0];
      return { certName: resource, requireClientCertificate: mutual, alpn: ['h2', 'http/1.1'], ...(sds ? { sdsCluster: `outbound|${sds.port}||${sds.service}` } : {}) };
    }
    return { certName: `kubernetes://${tls.credentialName}`, requireClientCertificate: mutual, alpn: ['h2', 'http/1.1'] };
  }
  return { certName: `file-cert:${tls.serverCertificate}~${tls.privateKey}`, requireClientCertificate: mutual, alpn: ['h2', 'http/1.1'] };
}

interface ChainConfig {
  readonly cluster: string;
  readonly targetPort: number;
  readonly protocol: Protocol;
  readonly bind: string;
  readonly bindToPort: boolean;
  readonly passthrough: boolean;
  readonly tls?: ServerTls;
  /** Service hosts behind the port (telemetry metadata of the inbound cluster). */
  readonly hosts: readonly string[];
  readonly defaultEndpoint?: string;
}

function chainConfigs(ctx: ProxyContext): ChainConfig[] {
  const byPort = new Map<number, ChainConfig>();
  const sidecar = ctx.scope.sidecar;
  const settings = ctx.index.settings;
  const reserved = (p: number) => p === settings.proxyListenPort || p === settings.proxyInboundListenPort;
  if (!sidecar || sidecar.ingress.length === 0) {
    for (const t of ctx.targets) {
      if (reserved(t.targetPort) || byPort.has(t.targetPort)) continue;
      byPort.set(t.targetPort, {
        cluster: `inbound|${t.targetPort}||`,
        targetPort: t.targetPort,
        protocol: t.port.protocol,
        bind: '0.0.0.0',
        bindToPort: false,
        passthrough: false,
        hosts: ctx.targets.filter(x => x.targetPort === t.targetPort && x.port.port === t.port.port
          && !x.service.meshExternal).map(x => x.service.hostname),
      });
    }
  } else {
    const globalIp = ctx.proxy.ips.find(ip => !ip.startsWith('127.') && ip !== '0.0.0.0' && /^\d+\.\d+\.\d+\.\d+$/.test(ip));
    for (const i of sidecar.ingress) {
      const number = i.port.number;
      if (byPort.has(number)) continue;
      let protocol = parseProtocol(i.port.protocol);
      const tls = i.tls && settings.tlsOnSidecarIngress ? i.tls : undefined;
      if (tls) protocol = afterTlsTermination(protocol);
      const real = ctx.targets.find(t => t.targetPort === number && !t.service.meshExternal);
      byPort.set(number, {
        cluster: `inbound|${number}||`,
        targetPort: number,
        protocol,
        bind: i.bind !== '' ? i.bind : globalIp ?? '0.0.0.0',
        bindToPort: i.captureMode === 'NONE',
        passthrough: false,
        ...(tls ? { tls } : {}),
        hosts: real ? [real.service.hostname] : [],
        defaultEndpoint: i.defaultEndpoint,
      });
    }
  }
  return [...byPort.values()].sort((a, b) => a.targetPort - b.targetPort);
}

const chainName = (cc: ChainConfig, p: 'http' | 'tcp') => (cc.passthrough ? (p === 'http' ? 'virtualInbound-catchall-http' : 'virtualInbound') : `${cc.bind}_${cc.targetPort}`);

function inboundRouteConfig(cluster: string, port: number): RouteConfiguration {
  return { name: cluster, ignorePortInHostMatching: false, virtualHosts: [{ name: `inbound|http|${port}`, domains: ['*'], routes: [defaultRoute(cluster, true)], requireTls: false }] };
}

function chainsFor(cc: ChainConfig, options: readonly MatchOption[], mtlsTls: DownstreamTls | undefined): FilterChain[] {
  return options.map(o => ({
    name: chainName(cc, o.protocol),
    match: {
      ...(cc.targetPort > 0 ? { destinationPort: cc.targetPort } : {}),
      transportProtocol: o.transport,
      ...(o.alpn ? { applicationProtocols: o.alpn } : {}),
    },
    ...(o.tls && mtlsTls ? { tls: mtlsTls } : {}),
    ...(o.protocol === 'http' ? { hcm: { routeConfig: inboundRouteConfig(cc.cluster, cc.targetPort) } } : { tcp: { cluster: cc.cluster } }),
  }));
}

/** virtualInbound (0.0.0.0:15006) and the listeners of ingress ports bound to a port of their own. */
export function buildInboundListeners(ctx: ProxyContext): Listener[] {
  const policy = mtlsPolicy(ctx.index, ctx.proxy.namespace, ctx.proxy.labels);
  const listeners: Listener[] = [];
  const virtualChains: FilterChain[] = [];
  const configs = chainConfigs(ctx);
  for (const cc of configs) {
    const mode = modeForPort(policy, cc.targetPort);
    let chains: FilterChain[];
    if (cc.tls && mode === 'DISABLE') {
      const lp = listenerProtocolOf(cc.protocol) === 'http' ? 'http' : 'tcp';
      chains = chainsFor(cc, [{ protocol: lp, transport: 'tls', tls: true }], serverTlsContext(ctx.index, cc.tls));
    } else {
      chains = chainsFor(cc, matchOptions(mode, listenerProtocolOf(cc.protocol)), mode === 'DISABLE' ? undefined : ISTIO_MTLS);
    }
    if (cc.bindToPort) listeners.push(withInspectors({ name: `${cc.bind}_${cc.targetPort}`, address: cc.bind, port: cc.targetPort, filterChains: chains }));
    else virtualChains.push(...chains);
  }
  // buildInboundPassthroughChains: the blackhole for the capture port, then the passthrough for the workload's mode
  // and for each port-level mode of a port no service or Sidecar ingress declares (needPerPortPassthroughFilterChain)
  const inboundPort = ctx.index.settings.proxyInboundListenPort;
  const passthrough: FilterChain[] = [{ name: 'virtualInbound-blackhole', match: { destinationPort: inboundPort }, tcp: { cluster: BLACKHOLE_CLUSTER } }];
  const declared = (port: number) => (ctx.scope.sidecar && ctx.scope.sidecar.ingress.length > 0
    ? ctx.scope.sidecar.ingress.some(i => i.port.number === port) : ctx.targets.some(t => t.targetPort === port));
  const ports = [0, ...[...policy.perPort.keys()].filter(p => !declared(p))];
  for (const port of ports) {
    const cc: ChainConfig = { cluster: INBOUND_PASSTHROUGH_CLUSTER, targetPort: port, protocol: 'UnsupportedProtocol', bind: '', bindToPort: false, passthrough: true, hosts: [] };
    const mode = modeForPort(policy, port);
    passthrough.push(...chainsFor(cc, matchOptions(mode, 'auto'), mode === 'DISABLE' ? undefined : ISTIO_MTLS));
  }
  listeners.unshift(withInspectors({ name: 'virtualInbound', address: '0.0.0.0', port: inboundPort, filterChains: [...passthrough, ...virtualChains] }));
  return listeners;
}

/** populateListenerFilters: TLS and HTTP inspectors enabled per destination port, as the chains need them. */
function withInspectors(l: Omit<Listener, 'tlsInspector' | 'httpInspector'>): Listener {
  const inspectors = new Map<number, { tls: boolean; http: boolean }>();
  for (const fc of l.filterChains) {
    const port = fc.match?.destinationPort ?? 0;
    const i = inspectors.get(port) ?? { tls: false, http: false };
    i.tls = i.tls || fc.match?.transportProtocol === 'tls';
    i.http = i.http || (fc.match?.applicationProtocols ?? []).some(a => a === 'http/1.1' || a === 'h2c');
    inspectors.set(port, i);
  }
  let tlsInspector: ListenerFilterScope | undefined;
  if ([...inspectors.values()].some(i => i.tls)) {
    if (inspectors.get(0)?.tls) tlsInspector = { disabledPorts: new Set([...inspectors].filter(([p, i]) => p !== 0 && !i.tls).map(([p]) => p)) };
    else tlsInspector = { enabledPorts: new Set([...inspectors].filter(([p, i]) => p !== 0 && i.tls).map(([p]) => p)) };
  }
  let httpInspector: ListenerFilterScope | undefined;
  if ([...inspectors.values()].some(i => i.http)) {
    httpInspector = {
      disabledPorts: new Set([...inspectors].filter(([,
        i]) => !i.http).map(([p]) => p)),
    };
  }
  return { ...l, ...(tlsInspector ? { tlsInspector } : {}), ...(httpInspector ? { httpInspector } : {}) };
}

/** An inbound cluster: its endpoint addresses (none: the original destination) and the services its telemetry names. */
export interface InboundCluster {
  readonly name: string;
  readonly endpoints: readonly string[] | null;
  readonly telemetryServices: readonly string[] | null;
}

/** buildInboundClusters: one per target port (bound to localhost only with inboundTrafficPolicy LOCALHOST), or per Sidecar ingress port. */
export function buildInboundClusters(ctx: ProxyContext): InboundCluster[] {
  const sidecar = ctx.scope.sidecar;
  if (!sidecar || sidecar.ingress.length === 0) {
    const bind = ctx.index.settings.inboundTrafficPolicy === 'PASSTHROUGH' ? '' : '127.0.0.1';
    const ports = [...new Set(ctx.targets.map(t => t.targetPort))];
    return ports.map(port => {
      const targets = ctx.targets.filter(t => t.targetPort === port);
      const first = targets[0];
      const hosts = first.service.meshExternal ? null
        : [...new Set(targets.filter(t => t.port.port === first.port.port).map(t => t.service.hostname))].sort();
      return { name: `inbound|${port}||`, endpoints: bind === '' ? null : [`${bind}:${port}`], telemetryServices: hosts };
    });
  }
  return sidecar.ingress.map(i => {
    let endpoint: string | null = null;
    const de = i.defaultEndpoint;
    if (de.startsWith('unix://')) {endpoint = de.slice('unix://'.length);} else if (de !== '') {
      const m = /^(.*):(\d+)$/.exec(de);
      if (m) {
        // only the pod address (0.0.0.0) and localhost are understood; any other address leaves the cluster without endpoints
        const ip = m[1] === '0.0.0.0' ? (ctx.proxy.ips.find(a => /^\d+\.\d+\.\d+\.\d+$/.test(a)) ?? '127.0.0.1') : m[1] === '127.0.0.1' ? '127.0.0.1' : undefined;
        if (ip !== undefined) endpoint = `${ip}:${m[2]}`;
      }
    }
    const real = ctx.targets.find(t => t.targetPort === i.port.number && !t.service.meshExternal);
    return { name: `inbound|${i.port.number}||`, endpoints: endpoint === null ? null : [endpoint], telemetryServices: real ? [real.service.hostname] : null };
  });
}
