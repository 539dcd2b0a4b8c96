/**
 * The mesh as reviewers read it, recovered from rendered objects (any host's, or YAML read back): services and their
 * versions, gateways and their hosts, routes with their matches, destinations and weights, mirrors and faults,
 * external hosts, who may call whom, and mutual TLS. One reader for the picture and for `mesh-kit diff`.
 *
 * @module
 */
import { Manifest } from '../render/model';

/** One destination of a route rule. */
export interface RouteDestination {
  /** The host or Service it goes to (short name when in the route's namespace). */
  readonly host: string;
  /** The subset or version, when one is named. */
  readonly version?: string;
  /** Its share of the traffic, in percent. */
  readonly weight: number;
}

/** One rule of a route: what it matches and where the traffic goes. */
export interface RouteRule {
  /** The match, as a reviewer reads it (`prefix /api`, `header end-user=jason`, `any`). */
  readonly match: string;
  readonly destinations: readonly RouteDestination[];
  /** A mirror target (`host[/version] pct%`). */
  readonly mirror?: string;
  /** Fault injection (`delay 7s 100%`, `abort 500 100%`). */
  readonly fault?: string;
  /** A redirect or direct response. */
  readonly other?: string;
}

/** A route object: VirtualService, HTTPRoute, GRPCRoute, TCPRoute or TLSRoute. */
export interface RouteIntent {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** The hosts it routes (VirtualService `hosts`, an HTTPRoute's `hostnames` or its parent Service). */
  readonly hosts: readonly string[];
  /** The gateways it is bound to (`namespace/name`); empty for mesh routes. */
  readonly gateways: readonly string[];
  readonly rules: readonly RouteRule[];
}

/** A gateway and its listeners. */
export interface GatewayIntent {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly listeners: ReadonlyArray<{ readonly port: number; readonly protocol: string; readonly hosts: readonly string[] }>;
}

/** A service and its versions. */
export interface ServiceIntent {
  readonly name: string;
  readonly namespace: string;
  readonly ports: readonly number[];
  /** Versions: DestinationRule subsets, or the `version` labels of Deployments. */
  readonly versions: readonly string[];
}

/** Who may call a workload (ALLOW authorization). */
export interface AccessIntent {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** The service (or `namespace/*`) the policy guards. */
  readonly target: string;
  readonly action: string;
  /** The callers: services (`namespace/name` of the ServiceAccount's workloads) or identities. */
  readonly callers: readonly string[];
}

/** External hosts of a ServiceEntry. */
export interface ExternalIntent {
  readonly name: string;
  readonly namespace: string;
  readonly hosts: readonly string[];
  readonly ports: readonly number[];
}

/** The whole picture of a set of objects. */
export interface MeshIntent {
  readonly services: readonly ServiceIntent[];
  readonly gateways: readonly GatewayIntent[];
  readonly routes: readonly RouteIntent[];
  readonly access: readonly AccessIntent[];
  /** Mutual TLS modes: `mesh`, `namespace ns` or `workload ns/name` → mode. */
  readonly mtls: ReadonlyArray<{ readonly scope: string; readonly mode: string; readonly object: string }>;
  /** External hosts (ServiceEntries). */
  readonly external: ReadonlyArray<ExternalIntent>;
  /** Every object, `Kind namespace/name` (for what the intent does not model). */
  readonly objects: ReadonlyArray<{ readonly id: string; readonly manifest: Manifest }>;
}

type Obj = { [key: string]: unknown };
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const spec = (m: Manifest): Obj => (isObj(m.spec) ? m.spec : {});
const nsOf = (m: Manifest) => m.metadata.namespace ?? 'default';
const group = (m: Manifest) => (m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '');

/** The id of an object: `Kind namespace/name` (cluster-scoped: `Kind name`). */
export function objectId(m: Manifest): string {
  return `${m.kind} ${m.metadata.namespace !== undefined ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`;
}

/** A host shortened to a service name when it is one of `namespace` (`reviews.default.svc.cluster.local` → `reviews`). */
function shortHost(host: string, namespace: string): string {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)(\.svc(\.cluster\.local)?)?$/.exec(host);
  if (m && (m[3] !== undefined || m[2] === namespace)) return m[2] === namespace ? m[1] : `${m[1]}.${m[2]}`;
  return host;
}

/** An Istio HTTP match as a reviewer reads it. */
function istioMatch(matches: unknown[]): string {
  if (matches.length === 0) return 'any';
  return matches.map(raw => {
    const m = isObj(raw) ? raw : {};
    const parts: string[] = [];
    const uri = isObj(m.uri) ? m.uri : undefined;
    if (uri) for (const [k, v] of Object.entries(uri)) parts.push(`${k} ${str(v)}`);
    if (isObj(m.headers)) for (const [h, v] of Object.entries(m.headers)) parts.push(`header ${h}${isObj(v) ? ` ${Object.entries(v).map(([k, x]) => `${k} ${str(x)}`).join(' ')}` : ''}`);
    if (isObj(m.method)) parts.push(`method ${Object.values(m.method).map(str).join(' ')}`);
    if (m.port !== undefined) parts.push(`port ${str(m.port)}`);
    if (Array.isArray(m.sniHosts)) parts.push(`sni ${m.sniHosts.map(str).join(' ')}`);
    if (Array.isArray(m.gateways)) parts.push(`via ${m.gateways.map(str).join(' ')}`);
    return parts.length > 0 ? parts.join(', ') : 'any';
  }).join(' or ');
}

/** A Gateway API match as a reviewer reads it. */
function gatewayApiMatch(matches: unknown[]): string {
  if (matches.length === 0) return 'any';
  return matches.map(raw => {
    const m = isObj(raw) ? raw : {};
    const parts: string[] = [];
    if (isObj(m.path)) parts.push(`${str(m.path.type ?? 'PathPrefix')} ${str(m.path.value)}`);
    for (const h of list(m.headers)) if (isObj(h)) parts.push(`header ${str(h.name)} ${str(h.value)}`);
    if (m.method !== undefined) parts.push(`method ${isObj(m.method) ? Object.values(m.method).map(str).join('/') : str(m.method)}`);
    return parts.length > 0 ? parts.join(', ') : 'any';
  }).join(' or ');
}

function percentOf(v: unknown): string {
  if (isObj(v) && v.value !== undefined) return `${str(v.value)}%`;
  return v === undefined ? '100%' : `${str(v)}%`;
}

function istioRules(m: Manifest): RouteRule[] {
  const ns = nsOf(m);
  const s = spec(m);
  const rules: RouteRule[] = [];
  for (const section of ['http', 'tcp', 'tls']) {
    for (const raw of list(s[section])) {
      if (!isObj(raw)) continue;
      const routes = list(raw.route).filter(isObj);
      const destinations = routes.map(r => {
        const d = isObj(r.destination) ? r.destination : {};
        return {
          host: shortHost(str(d.host), ns),
          ...(d.subset !== undefined ? { version: str(d.subset) } : {}),
          weight: r.weight === undefined ? (routes.length === 1 ? 100 : 0) : Number(r.weight),
        };
      });
      const fault = isObj(raw.fault) ? raw.fault : undefined;
      const mirror = isObj(raw.mirror) ? raw.mirror : undefined;
      rules.push({
        match: `${section === 'http' ? '' : `${section}: `}${istioMatch(list(raw.match))}`,
        destinations,
        ...(mirror ? { mirror: `${shortHost(str(mirror.host), ns)}${mirror.subset !== undefined ? `/${str(mirror.subset)}` : ''} ${percentOf(raw.mirrorPercentage)}` } : {}),
        ...(fault ? {
          fault: [
            isObj(fault.delay) ? `delay ${str(fault.delay.fixedDelay)} ${percentOf(fault.delay.percentage)}` : '',
            isObj(fault.abort) ? `abort ${str(fault.abort.httpStatus ?? fault.abort.grpcStatus)} ${percentOf(fault.abort.percentage)}` : '',
          ].filter(x => x !== '').join(', '),
        } : {}),
        ...(isObj(raw.redirect) ? { other: `redirect ${JSON.stringify(raw.redirect)}` } : isObj(raw.directResponse) ? { other: `direct response ${str(raw.directResponse.status)}` } : {}),
      });
    }
  }
  return rules;
}

function gatewayApiRules(m: Manifest, asVersion: (ns: string, host: string) => { host: string; version?: string }): RouteRule[] {
  const ns = nsOf(m);
  return list(spec(m).rules).filter(isObj).map(r => {
    const refs = list(r.backendRefs).filter(isObj);
    const total = refs.reduce((a, b) => a + (b.weight === undefined ? 1 : Number(b.weight)), 0) || 1;
    const filters = list(r.filters).filter(isObj);
    const mirror = filters.find(f => f.type === 'RequestMirror');
    const mirrorRef = mirror && isObj(mirror.requestMirror) && isObj(mirror.requestMirror.backendRef) ? mirror.requestMirror.backendRef : undefined;
    const redirect = filters.find(f => f.type === 'RequestRedirect');
    return {
      match: gatewayApiMatch(list(r.matches)),
      destinations: refs.map(b => {
        const other = b.namespace !== undefined && str(b.namespace) !== ns;
        const v = other ? { host: `${str(b.name)}.${str(b.namespace)}` } : asVersion(ns, shortHost(str(b.name), ns));
        return { ...v, weight: Math.round(1000 * (b.weight === undefined ? 1 : Number(b.weight)) / total) / 10 };
      }),
      ...(mirrorRef ? { mirror: `${str(mirrorRef.name)} 100%` } : {}),
      ...(redirect ? { other: `redirect ${JSON.stringify(redirect.requestRedirect)}` } : {}),
    };
  });
}

/**
 * Reads the intent of a set of objects. `context` (the whole app's objects, by default these) tells whose pods run as a
 * ServiceAccount and which Services stand for one version of a service (the Gateway API's per-version Services).
 */
export function meshIntent(objects: readonly Manifest[], context: readonly Manifest[] = objects): MeshIntent {
  const accounts = new Map<string, Set<string>>();
  /** `namespace/name` of a per-version Service → the service and version it stands for. */
  const versionServices = new Map<string, { service: string; version: string }>();
  for (const m of context) {
    const s = spec(m);
    if (['Deployment', 'StatefulSet'].includes(m.kind)) {
      const t = isObj(s.template) ? s.template : {};
      const labels = isObj(t.metadata) && isObj(t.metadata.labels) ? t.metadata.labels : {};
      const app = str(labels.app ?? labels['app.kubernetes.io/name']);
      if (app === '') continue;
      const key = `${nsOf(m)}/${isObj(t.spec) ? str(t.spec.serviceAccountName) || 'default' : 'default'}`;
      accounts.set(key, new Set([...(accounts.get(key) ?? []), `${nsOf(m)}/${app}`]));
    } else if (m.kind === 'Service' && group(m) === '' && isObj(s.selector)) {
      const app = str(s.selector.app);
      const version = str(s.selector.version);
      if (app !== '' && version !== '' && m.metadata.name !== app) versionServices.set(`${nsOf(m)}/${m.metadata.name}`, { service: app, version });
    }
  }
  const asVersion = (ns: string, host: string): { host: string; version?: string } => {
    const v = host.includes('.') ? undefined : versionServices.get(`${ns}/${host}`);
    return v ? { host: v.service, version: v.version } : { host };
  };
  const services = new Map<string, { name: string; namespace: string; ports: number[]; versions: Set<string> }>();
  const service = (ns: string, name: string) => {
    const key = `${ns}/${name}`;
    let s = services.get(key);
    if (!s) services.set(key, s = { name, namespace: ns, ports: [], versions: new Set() });
    return s;
  };
  const gateways: GatewayIntent[] = [];
  const routes: RouteIntent[] = [];
  const access: AccessIntent[] = [];
  const mtls: Array<{ scope: string; mode: string; object: string }> = [];
  const external: ExternalIntent[] = [];
  for (const m of objects) {
    const ns = nsOf(m);
    const s = spec(m);
    const g = group(m);
    if (m.kind === 'Service' && g === '') {
      const v = asVersion(ns, m.metadata.name);
      const svc = service(ns, v.host);
      if (v.version) svc.versions.add(v.version);
      else svc.ports.push(...list(s.ports).filter(isObj).map(p => Number(p.port)));
    } else if (['Deployment', 'StatefulSet'].includes(m.kind)) {
      const t = isObj(s.template) ? s.template : {};
      const labels = isObj(t.metadata) && isObj(t.metadata.labels) ? t.metadata.labels : {};
      const app = str(labels.app ?? labels['app.kubernetes.io/name']);
      if (app !== '') {
        const svc = service(ns, app);
        if (labels.version !== undefined) svc.versions.add(str(labels.version));
      }
    } else if (m.kind === 'DestinationRule' && g === 'networking.istio.io') {
      const host = shortHost(str(s.host), ns);
      if (!host.includes('.')) for (const sub of list(s.subsets).filter(isObj)) service(ns, host).versions.add(str(sub.name));
    } else if (m.kind === 'Gateway') {
      gateways.push({
        kind: g === 'gateway.networking.k8s.io' ? 'Gateway (Gateway API)' : 'Gateway',
        name: m.metadata.name,
        namespace: ns,
        listeners: g === 'gateway.networking.k8s.io'
          ? list(s.listeners).filter(isObj).map(l => ({ port: Number(l.port), protocol: str(l.protocol), hosts: l.hostname !== undefined ? [str(l.hostname)] : ['*'] }))
          : list(s.servers).filter(isObj).map(x => ({
            port: isObj(x.port) ? Number(x.port.number) : 0, protocol: isObj(x.port) ? str(x.port.protocol) : '', hosts: list(x.hosts).map(str),
          })),
      });
    } else if (m.kind === 'VirtualService') {
      routes.push({
        kind: m.kind,
        name: m.metadata.name,
        namespace: ns,
        hosts: list(s.hosts).map(h => shortHost(str(h), ns)),
        gateways: list(s.gateways).map(str).filter(x => x !== 'mesh').map(x => (x.includes('/') ? x : `${ns}/${x}`)),
        rules: istioRules(m),
      });
    } else if (['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'].includes(m.kind)) {
      const parents = list(s.parentRefs).filter(isObj);
      const toGateways = parents.filter(p => p.kind === undefined || p.kind === 'Gateway').map(p => `${str(p.namespace ?? ns)}/${str(p.name)}`);
      const toServices = parents.filter(p => p.kind === 'Service').map(p => shortHost(str(p.name), ns));
      routes.push({
        kind: m.kind,
        name: m.metadata.name,
        namespace: ns,
        hosts: [...list(s.hostnames).map(str), ...toServices],
        gateways: toGateways,
        rules: gatewayApiRules(m, asVersion),
      });
    } else if (m.kind === 'AuthorizationPolicy' && g === 'security.istio.io') {
      const selector = isObj(s.selector) && isObj(s.selector.matchLabels) ? s.selector.matchLabels : undefined;
      const callers = list(s.rules).filter(isObj).flatMap(r => list(r.from).filter(isObj)
        .flatMap(f => (isObj(f.source) ? [...list(f.source.principals).map(str), ...list(f.source.namespaces).map(n => `namespace ${str(n)}`)] : [])));
      access.push({
        kind: m.kind,
        name: m.metadata.name,
        namespace: ns,
        target: selector ? `${ns}/${str(selector.app ?? Object.values(selector).map(str).join(','))}` : `${ns}/*`,
        action: str(s.action || 'ALLOW'),
        callers: callers.length > 0 || list(s.rules).length > 0 ? callers.sort() : [],
      });
    } else if (m.kind === 'PeerAuthentication') {
      const mode = isObj(s.mtls) ? str(s.mtls.mode) : 'UNSET';
      const selector = isObj(s.selector) && isObj(s.selector.matchLabels) ? s.selector.matchLabels : undefined;
      const scope = selector ? `workload ${ns}/${Object.values(selector).map(str).join(',')}` : ns === 'istio-system' ? 'mesh' : `namespace ${ns}`;
      mtls.push({ scope, mode, object: `${m.kind} ${ns}/${m.metadata.name}` });
    } else if (m.kind === 'ServiceEntry') {
      const ports = list(s.ports).filter(isObj).map(p => Number(p.number));
      external.push({ name: m.metadata.name, namespace: ns, hosts: list(s.hosts).map(str), ports });
    }
  }
  // principals `cluster.local/ns/N/sa/S` read as the services whose pods run as that ServiceAccount
  const callerOf = (p: string) => {
    const m = /^(?:[^/]+\/)?ns\/([^/]+)\/sa\/([^/]+)$/.exec(p);
    if (!m) return [p];
    const svcs = accounts.get(`${m[1]}/${m[2]}`);
    return svcs && svcs.size > 0 ? [...svcs].sort() : [`${m[1]}/sa/${m[2]}`];
  };
  const sortBy = <T>(xs: T[], key: (x: T) => string) => xs.sort((a, b) => key(a).localeCompare(key(b)));
  return {
    services: sortBy([...services.values()].map(s => ({
      name: s.name, namespace: s.namespace, ports: [...new Set(s.ports)].sort((a, b) => a - b), versions: [...s.versions].sort(),
    })), s => `${s.namespace}/${s.name}`),
    gateways: sortBy(gateways, x => `${x.namespace}/${x.name}`),
    routes: sortBy(routes, x => `${x.namespace}/${x.kind}/${x.name}`),
    access: sortBy(access.map(a => ({ ...a, callers: [...new Set(a.callers.flatMap(callerOf))].sort() })), x => `${x.namespace}/${x.name}`),
    mtls: sortBy(mtls, x => x.scope),
    external: sortBy(external, x => `${x.namespace}/${x.name}`),
    objects: sortBy(objects.map(manifest => ({ id: objectId(manifest), manifest })), x => x.id),
  };
}
