import { TRAFFIC_PROTOCOLS, TrafficProtocol, TrafficRequest } from './types';
import { WorkloadInfo, World, WorldObject } from './world';
import { isObj } from '../analysis/context';
import { closest } from '../core/closest';
import { meshError, problem, showValue } from '../core/errors';

/** A request as every data plane reads it: checked, defaults applied, names resolved. */
export interface NormalizedRequest {
  readonly source: { readonly kind: 'workload'; readonly workload: WorkloadInfo } | { readonly kind: 'gateway'; readonly gateway: WorldObject };
  /** The host, lower-case, without a port; undefined when a gateway request names none (the gateway's address). */
  readonly host?: string;
  /**
   * The host as sent, lower-case, with its port when it had one (`example.com:8080`): what a backend receives in the
   * Host header when nothing rewrites it (the Gateway API forwards it unmodified).
   */
  readonly authority?: string;
  /** The port asked; undefined when the request leaves it to the data plane's default. */
  readonly port?: number;
  readonly protocol: TrafficProtocol;
  /** Whether the client wraps the request in TLS; undefined: as the listener expects. */
  readonly tls?: boolean;
  /** The TLS server name: `sni` or the host. */
  readonly sni?: string;
  /** Upper-case. */
  readonly method: string;
  /** The path without its query. */
  readonly path: string;
  /** The query parameters in order (names and values decoded). */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** The path and query as sent. */
  readonly pathAndQuery: string;
  /** Header names lower-case. */
  readonly headers: { readonly [name: string]: string };
}

const GATEWAY_GROUPS = ['networking.istio.io', 'gateway.networking.k8s.io'];
const REQUEST_FIELDS = ['from', 'gateway', 'host', 'port', 'protocol', 'tls', 'sni', 'method', 'path', 'query', 'headers'];

const fail = (field: string, rule: string, got: unknown, fix?: string): never => {
  throw meshError([problem(`request.${field}`, rule, got, fix)], { call: 'Mesh.request' });
};

const stringField = (r: { readonly [k: string]: unknown }, field: string): string | undefined => {
  const v = r[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') fail(field, 'must be a non-empty string', v);
  return v as string;
};

const stringMap = (r: { readonly [k: string]: unknown }, field: string, lower: boolean): { [k: string]: string } => {
  const v = r[field];
  if (v === undefined) return {};
  if (!isObj(v)) fail(field, 'must be an object of names to strings', v, 'e.g. { \'end-user\': \'jason\' }');
  const out: { [k: string]: string } = {};
  for (const [k, x] of Object.entries(v as object)) {
    if (typeof x !== 'string') fail(`${field}.${k}`, 'must be a string', x);
    out[lower ? k.toLowerCase() : k] = x as string;
  }
  return out;
};

/** `did you mean 'a/b'?` or the names there are (at most 8). */
function nearest(name: string, candidates: readonly string[], what: string): string {
  const near = closest(name, candidates);
  if (near !== undefined) return `did you mean '${near}'?`;
  if (candidates.length === 0) return `there is no ${what} in the configuration`;
  return `the ${what}s are ${candidates.slice(0, 8).map(c => `'${c}'`).join(', ')}${candidates.length > 8 ? ', …' : ''}`;
}

/** The gateways of the world, `namespace/name` (Istio Gateways and Gateway API Gateways). */
export function gatewayNames(world: World): string[] {
  return [...new Set(GATEWAY_GROUPS.flatMap(g => world.list(g, 'Gateway').map(o => `${o.namespace}/${o.name}`)))].sort();
}

/**
 * Checks a request (it may come from JavaScript or a YAML spec) and resolves its names: an unknown workload or gateway
 * is an error naming the nearest existing ones; so is a short or cluster-local host that names no Service.
 */
export function normalizeRequest(world: World, request: TrafficRequest): NormalizedRequest {
  if (!isObj(request)) throw meshError([problem('request', 'must be an object', request, 'e.g. { from: \'shop/productpage\', host: \'reviews\' }')], { call: 'Mesh.request' });
  const r = request as unknown as { readonly [k: string]: unknown };
  for (const k of Object.keys(r)) {
    if (!REQUEST_FIELDS.includes(k)) fail(k, 'is not a field of a request', r[k], nearest(k, REQUEST_FIELDS, 'field'));
  }
  const from = stringField(r, 'from');
  const gateway = stringField(r, 'gateway');
  if ((from === undefined) === (gateway === undefined)) {
    fail('from', 'or \'gateway\' must be given, not both nor neither', { from, gateway }, 'e.g. from: \'shop/productpage\' or gateway: \'istio-system/ingress\'');
  }
  let source: NormalizedRequest['source'];
  if (from !== undefined) {
    const key = from.includes('/') ? from : `default/${from}`;
    const workload = world.workload(key);
    if (!workload) {
      fail('from', 'must name a workload (namespace/name of a Deployment, StatefulSet, DaemonSet, Job or Pod)', from,
        nearest(key, world.workloads().map(w => w.key), 'workload'));
    }
    source = { kind: 'workload', workload: workload! };
  } else {
    const [ns, name] = gateway!.includes('/') ? gateway!.split('/', 2) : ['default', gateway!];
    const found = GATEWAY_GROUPS.map(g => world.get(g, 'Gateway', ns, name)).filter((o): o is WorldObject => o !== undefined);
    if (found.length === 0) fail('gateway', 'must name a Gateway (namespace/name)', gateway, nearest(`${ns}/${name}`, gatewayNames(world), 'gateway'));
    // a Gateway API Gateway and an Istio Gateway of one name: Istio's own object is the one a VirtualService binds
    source = { kind: 'gateway', gateway: found[0] };
  }
  let host = stringField(r, 'host')?.toLowerCase();
  const authority = host;
  let port: number | undefined;
  if (r.port !== undefined) {
    if (typeof r.port !== 'number' || !Number.isInteger(r.port) || r.port < 1 || r.port > 65535) fail('port', 'must be an integer from 1 to 65535', r.port);
    port = r.port as number;
  }
  if (host !== undefined) {
    const m = /^(.*):(\d+)$/.exec(host);
    if (m && !host.startsWith('[')) {
      host = m[1];
      port ??= Number(m[2]);
    }
  }
  if (host === undefined && source.kind === 'workload') fail('host', 'must be given for a request from a workload', host, 'e.g. host: \'reviews\'');
  if (host !== undefined && source.kind === 'workload') checkHost(world, host, source.workload.namespace);
  const protocol = (r.protocol ?? 'http') as TrafficProtocol;
  if (!TRAFFIC_PROTOCOLS.includes(protocol)) fail('protocol', `must be one of ${showValue(TRAFFIC_PROTOCOLS)}`, r.protocol);
  if (r.tls !== undefined && typeof r.tls !== 'boolean') fail('tls', 'must be true or false', r.tls);
  const sni = stringField(r, 'sni')?.toLowerCase() ?? host;
  const method = (stringField(r, 'method') ?? (protocol === 'grpc' ? 'POST' : 'GET')).toUpperCase();
  const rawPath = stringField(r, 'path') ?? '/';
  if (!rawPath.startsWith('/')) fail('path', 'must start with \'/\'', rawPath, `e.g. '/${rawPath}'`);
  const extra = stringMap(r, 'query', false);
  const [pathOnly, queryText] = rawPath.includes('?') ? [rawPath.slice(0, rawPath.indexOf('?')), rawPath.slice(rawPath.indexOf('?') + 1)] : [rawPath, ''];
  const query: Array<[string, string]> = queryText === '' ? [] : queryText.split('&').filter(p => p !== '').map(p => {
    const i = p.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    return i < 0 ? [decode(p), ''] : [decode(p.slice(0, i)), decode(p.slice(i + 1))];
  });
  for (const [k, v] of Object.entries(extra)) query.push([k, v]);
  const pathAndQuery = query.length === 0 ? pathOnly
    : `${pathOnly}?${query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
  return {
    source,
    host,
    ...(authority !== undefined ? { authority } : {}),
    port,
    protocol,
    tls: r.tls as boolean | undefined,
    sni,
    method,
    path: pathOnly,
    query,
    pathAndQuery: Object.keys(extra).length === 0 ? rawPath : pathAndQuery,
    headers: stringMap(r, 'headers', true),
  };
}

/**
 * A host that can only mean a Service (a single label, or `*.svc.cluster.local`) must name one: otherwise the error
 * names the nearest. Other hosts (`api.example.com`) are external destinations, which the data planes route or refuse.
 */
function checkHost(world: World, host: string, namespace: string): void {
  const clusterLocal = !host.includes('.') || /\.svc(\.cluster\.local)?$/.test(host) || host.split('.').length === 2;
  if (!clusterLocal || world.serviceForHost(host, namespace)) return;
  // a two-label host may be an external name (`example.com`) as well as `service.namespace`: only refuse it when the
  // second label is a namespace of the configuration
  if (host.split('.').length === 2 && !world.namespaces().includes(host.split('.')[1])) return;
  // a host some ServiceEntry or route declares is known too
  if (declaredHosts(world).has(host)) return;
  const candidates = world.services().map(s => (s.namespace === namespace ? s.name : `${s.name}.${s.namespace}`));
  fail('host', `must name a Service (from namespace '${namespace}')`, host, nearest(host, candidates, 'Service'));
}

/** Hosts the configuration declares besides Services: ServiceEntry hosts. */
function declaredHosts(world: World): Set<string> {
  const hosts = new Set<string>();
  for (const o of world.list('networking.istio.io', 'ServiceEntry')) {
    const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
    for (const h of Array.isArray(spec.hosts) ? spec.hosts : []) if (typeof h === 'string') hosts.add(h.toLowerCase());
  }
  return hosts;
}
