import { isObj, str, strMap, strs } from '../../analysis/context';
import { World, WorldObject } from '../world';
import { creationOf } from './host';
import { IstioSettings } from './mesh-config';
import { HttpRule, VirtualServiceConfig } from './vs-model';

/**
 * Istio Gateways (networking.istio.io) as istiod reads them, and the Gateway and VirtualService istiod derives from
 * each Kubernetes Ingress of its class (istio/istio pilot/pkg/config/kube/ingress/gateways.go convertIngressV1alpha3,
 * virtualservices.go, ingress.go shouldProcessIngressWithClass).
 */

export interface ServerTls {
  readonly mode: string;
  readonly httpsRedirect: boolean;
  readonly credentialName: string;
  readonly serverCertificate: string;
  readonly privateKey: string;
  readonly caCertificates: string;
}

export interface ServerModel {
  readonly port: { readonly number: number; readonly protocol: string; readonly name: string };
  readonly hosts: readonly string[];
  readonly bind: string;
  readonly tls?: ServerTls;
  readonly name: string;
  /** The server's index in its Gateway. */
  readonly index: number;
}

export interface GatewayConfig {
  readonly name: string;
  readonly namespace: string;
  readonly creation: number;
  readonly annotations: { readonly [k: string]: string };
  /** undefined: no selector (the gateway applies to every gateway proxy). */
  readonly selector?: { readonly [k: string]: string };
  readonly servers: readonly ServerModel[];
  readonly object?: WorldObject;
  /** The Ingress it was generated from. */
  readonly ingress?: WorldObject;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function parseServerTls(v: unknown): ServerTls | undefined {
  if (!isObj(v)) return undefined;
  return {
    mode: str(v.mode) || 'PASSTHROUGH',
    httpsRedirect: v.httpsRedirect === true,
    credentialName: str(v.credentialName),
    serverCertificate: str(v.serverCertificate),
    privateKey: str(v.privateKey),
    caCertificates: str(v.caCertificates),
  };
}

/** An Istio Gateway object. */
export function parseGateway(o: WorldObject): GatewayConfig {
  const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
  const servers = (Array.isArray(spec.servers) ? spec.servers : []).map((s, index): ServerModel | undefined => {
    if (!isObj(s) || !isObj(s.port)) return undefined;
    const tls = parseServerTls(s.tls);
    return {
      port: { number: num(s.port.number), protocol: str(s.port.protocol), name: str(s.port.name) },
      hosts: strs(s.hosts),
      bind: str(s.bind),
      ...(tls ? { tls } : {}),
      name: str(s.name),
      index,
    };
  }).filter((s): s is ServerModel => s !== undefined);
  return {
    name: o.name,
    namespace: o.namespace,
    creation: creationOf(o.manifest.metadata),
    annotations: strMap(o.manifest.metadata.annotations),
    ...(isObj(spec.selector) ? { selector: strMap(spec.selector) } : {}),
    servers,
    object: o,
  };
}

/** Whether istiod's ingress controller takes this Ingress (its class). */
function processed(world: World, o: WorldObject, settings: IstioSettings): boolean {
  const annotations = strMap(o.manifest.metadata.annotations);
  const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
  const cls = annotations['kubernetes.io/ingress.class'];
  if (cls !== undefined) return settings.ingressControllerMode !== 'OFF' && cls === settings.ingressClass;
  const className = str(spec.ingressClassName);
  const ingressClass = className !== '' ? world.get('networking.k8s.io', 'IngressClass', '', className) : undefined;
  if (ingressClass) return str(isObj(ingressClass.manifest.spec) ? ingressClass.manifest.spec.controller : '') === 'istio.io/ingress-controller';
  return settings.ingressControllerMode === 'DEFAULT';
}

/** The Gateways and VirtualServices istiod generates from the Ingresses of its class. */
export function convertIngresses(world: World, settings: IstioSettings): { gateways: GatewayConfig[]; virtualServices: VirtualServiceConfig[] } {
  const gateways: GatewayConfig[] = [];
  const rules: Array<{ ingress: WorldObject; creation: number; index: number; host: string; rule: { [k: string]: unknown } }> = [];
  const selector = settings.ingressSelector !== '' ? { istio: settings.ingressSelector }
    : settings.ingressService !== 'istio-ingressgateway' && settings.ingressService !== '' ? { istio: settings.ingressService } : { istio: 'ingressgateway' };
  for (const o of world.list('networking.k8s.io', 'Ingress')) {
    if (!processed(world, o, settings)) continue;
    const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
    const servers: ServerModel[] = [];
    (Array.isArray(spec.tls) ? spec.tls : []).filter(isObj).forEach((t, i) => {
      if (str(t.secretName) === '') return;
      const hosts = strs(t.hosts);
      servers.push({
        port: { number: 443, protocol: 'HTTPS', name: `https-443-ingress-${o.name}-${o.namespace}-${i}` },
        hosts: hosts.length > 0 ? hosts : ['*'],
        bind: '',
        tls: { mode: 'SIMPLE', httpsRedirect: false, credentialName: str(t.secretName), serverCertificate: '', privateKey: '', caCertificates: '' },
        name: '',
        index: servers.length,
      });
    });
    servers.push({ port: { number: 80, protocol: 'HTTP', name: `http-80-ingress-${o.name}-${o.namespace}` }, hosts: ['*'], bind: '', name: '', index: servers.length });
    gateways.push({
      name: `${o.name}-istio-autogenerated-k8s-ingress-${o.namespace}`, namespace: settings.ingressNamespace, creation: 0, annotations: {}, selector, servers, ingress: o,
    });
    (Array.isArray(spec.rules) ? spec.rules : []).forEach((r, index) => {
      if (!isObj(r) || !isObj(r.http) || !Array.isArray(r.http.paths) || r.http.paths.length === 0) return;
      rules.push({ ingress: o, creation: creationOf(o.manifest.metadata), index, host: str(r.host) || '*', rule: r });
    });
  }
  const byHost = new Map<string, typeof rules>();
  for (const r of rules) {
    const same = byHost.get(r.host);
    if (same) same.push(r);
    else byHost.set(r.host, [r]);
  }
  const virtualServices: VirtualServiceConfig[] = [];
  for (const [host, group] of byHost) {
    group.sort((a, b) => a.creation - b.creation || cmp(a.ingress.name, b.ingress.name) || cmp(a.ingress.namespace, b.ingress.namespace)
      || a.index - b.index);
    const http: HttpRule[] = [];
    for (const r of group) http.push(...convertRule(world, r.ingress, r.index, r.rule, settings.domainSuffix));
    const first = group[0].ingress;
    virtualServices.push({
      name: `${host.replace(/\./g, '-')}-${first.name}-istio-autogenerated-k8s-ingress`,
      namespace: first.namespace,
      creation: 0,
      annotations: { 'internal.istio.io/route-semantics': 'ingress' },
      hosts: [host],
      gateways: [`${settings.ingressNamespace}/${first.name}-istio-autogenerated-k8s-ingress-${first.namespace}`],
      exportTo: [],
      http: sortIngressRoutes(http),
      tcp: [],
      tls: [],
      semantics: 'ingress',
      object: first,
    });
  }
  return { gateways, virtualServices };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function convertRule(world: World, ingress: WorldObject, ruleIndex: number, rule: { [k: string]: unknown }, domain: string): HttpRule[] {
  const out: HttpRule[] = [];
  const paths = isObj(rule.http) && Array.isArray(rule.http.paths) ? rule.http.paths.filter(isObj) : [];
  paths.forEach((p, pi) => {
    const backend = isObj(p.backend) && isObj(p.backend.service) ? p.backend.service : undefined;
    if (!backend) return;
    const svcName = str(backend.name);
    const portRef = isObj(backend.port) ? backend.port : {};
    let port = num(portRef.number);
    if (port === 0) {
      const svc = world.service(ingress.namespace, svcName);
      port = svc?.ports.find(x => x.name === str(portRef.name))?.port ?? 0;
      if (port === 0) return;
    }
    const path = str(p.path);
    const type = str(p.pathType);
    const uri = type === 'Exact' ? { exact: path } : type === 'Prefix' ? { prefix: path } : fallbackMatch(path);
    out.push({
      name: '',
      match: uri ? [{ name: '', uri, headers: {}, withoutHeaders: {}, queryParams: {}, ignoreUriCase: false, port: 0, sourceLabels: {}, gateways: [], sourceNamespace: '' }] : [],
      route: [{ destination: { host: `${svcName}.${ingress.namespace}.svc.${domain}`, subset: '', port }, weight: 100 }],
      mirrors: [],
      origin: { kind: 'Ingress', namespace: ingress.namespace, name: ingress.name, rule: ruleIndex, match: pi },
    });
  });
  return out;
}

function fallbackMatch(s: string): { exact?: string; prefix?: string } | undefined {
  if (s === '' || s === '*' || s === '/*' || s === '.*') return undefined;
  if (s.endsWith('.*')) return { prefix: s.slice(0, -2) };
  if (s.endsWith('/*')) return { prefix: s.slice(0, -2) };
  return { exact: s };
}

/** The ingress controller's sortHTTPRoutes: longer paths first, exact before prefix at equal length. */
function sortIngressRoutes(routes: HttpRule[]): HttpRule[] {
  const key = (r: HttpRule): [number, boolean] => {
    const uri = r.match[0]?.uri;
    if (!uri) return [0, false];
    if (uri.exact !== undefined) return [uri.exact.length, true];
    if (uri.prefix !== undefined) return [uri.prefix.length, false];
    return [-1, false];
  };
  return routes.map((r, i) => ({ r, i })).sort((a, b) => {
    const [al, ae] = key(a.r);
    const [bl, be] = key(b.r);
    if (al === bl) {
      if (ae && !be) return -1;
      if (be && !ae) return 1;
      return a.i - b.i;
    }
    return bl - al;
  }).map(x => x.r);
}
