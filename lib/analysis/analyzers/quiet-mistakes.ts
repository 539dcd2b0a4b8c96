/**
 * Configurations that synthesize and apply without a complaint but do not work at run time (issue 37's "quiet
 * mistakes"): a redirect back to itself, gRPC retries on HTTP classes only, TLS origination on a port no route uses,
 * principal rules for callers outside the mesh, a gateway route to a ServiceEntry the gateway cannot see, a Gateway API
 * route to a port its Service does not have.
 *
 * Neither istioctl (istio/istio pkg/config/analysis/msg/messages.yaml) nor Kiali (kiali/kiali business/checkers) has a
 * code for these, so they are mesh-kit's own (MK0025–MK0030). Where the question is where a request goes (a redirect
 * loop, a gateway's 503), the data-plane model (lib/dataplane) answers it, rather than re-deriving Istio's behaviour.
 *
 * @module
 */
import { DestinationRuleSpec, HttpRoute, ServicePort, VirtualServiceSpec } from './types';
import { isObj, list, nameOf, objs, str, strMap, strs, toFqdn } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const NET = 'networking.istio.io';
const GW = 'gateway.networking.k8s.io';
const SEC = 'security.istio.io';

const idText = (ctx: AnalysisContext, o: AnalyzedObject) => `${ctx.namespaceOf(o)}/${nameOf(o)}`;
const quote = (v: readonly string[]) => v.map(x => `'${x}'`).join(', ');

// ---- the data-plane model over the analyzed objects ----

/** A request, as the data-plane model takes it (lib/dataplane/types.ts TrafficRequest, the fields these checks give). */
interface TrafficRequest {
  readonly gateway?: string;
  readonly from?: string;
  readonly host: string;
  readonly port?: number;
  readonly tls?: boolean;
  readonly path: string;
  readonly headers?: { readonly [name: string]: string };
}
/** Where it went (lib/dataplane/types.ts TrafficResult, the fields these checks read). */
interface TrafficResult {
  readonly outcome: string;
  readonly reason: string;
  readonly route: { readonly kind: string; readonly namespace: string; readonly name: string; readonly rule: number } | null;
  readonly redirect: { readonly location: string } | null;
}
/** The model over the analyzed objects (lib/dataplane/analysis-port.ts AnalysisModel). */
interface Model {
  readonly sidecars: ReadonlyArray<{ readonly key: string; readonly namespace: string }>;
  route(request: TrafficRequest): TrafficResult | undefined;
}

const models = new WeakMap<AnalysisContext, Model>();
/**
 * The data-plane model of the analyzed objects, built once per analysis and only when a check asks where a request
 * goes: it is above the analysis in the layers, reached through its one port, loaded lazily.
 */
function modelOf(ctx: AnalysisContext): Model {
  let m = models.get(ctx);
  if (!m) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-restricted-paths -- the analysis's one look upward, lazy and acyclic
    const port = require('../../dataplane/analysis-port') as { modelOf(objects: ReadonlyArray<{ manifest: unknown; file?: string }>): Model };
    models.set(ctx, m = port.modelOf(ctx.objects.map(o => ({ manifest: o.manifest, file: o.file }))));
  }
  return m;
}

/** A host a request can carry for a route host: a wildcard's label filled in (`*.example.com` → `x.example.com`). */
const sampleHost = (h: string) => (h === '*' ? 'example.com' : h.startsWith('*.') ? `x${h.slice(1)}` : h);

/** A request one match of a route takes: its path, headers and port; undefined for a match this sampling cannot satisfy (a regex). */
interface Sample { readonly path: string; readonly headers?: { [k: string]: string }; readonly port?: number; readonly host?: string }

/** A VirtualService match as a request (exact and prefix conditions only; anything else: undefined). */
function virtualServiceSample(m: unknown): Sample | undefined {
  if (m === undefined) return { path: '/' };
  if (!isObj(m)) return undefined;
  if (Object.keys(m).some(k => !['name', 'uri', 'headers', 'port', 'gateways', 'ignoreUriCase', 'authority'].includes(k))) return undefined;
  const literal = (s: unknown): string | undefined => (isObj(s) ? (typeof s.exact === 'string' ? s.exact : typeof s.prefix === 'string' ? s.prefix : undefined) : undefined);
  const path = m.uri === undefined ? '/' : literal(m.uri);
  if (path === undefined || (m.authority !== undefined && literal(m.authority) === undefined)) return undefined;
  const headers: { [k: string]: string } = {};
  for (const [k, v] of Object.entries(isObj(m.headers) ? m.headers : {})) {
    const value = literal(v);
    if (value === undefined) return undefined;
    headers[k] = value;
  }
  return { path: path === '' ? '/' : path, headers, port: typeof m.port === 'number' ? m.port : undefined, host: m.authority === undefined ? undefined : literal(m.authority) };
}

/** A Gateway API match as a request (Exact and PathPrefix paths, Exact headers). */
function gatewayApiSample(m: unknown): Sample | undefined {
  if (m === undefined) return { path: '/' };
  if (!isObj(m)) return undefined;
  if (Object.keys(m).some(k => !['path', 'headers'].includes(k))) return undefined;
  const p = isObj(m.path) ? m.path : { type: 'PathPrefix', value: '/' };
  if (p.type === 'RegularExpression' || typeof (p.value ?? '/') !== 'string') return undefined;
  const headers: { [k: string]: string } = {};
  for (const h of objs(m.headers)) {
    if ((h.type ?? 'Exact') !== 'Exact' || typeof h.name !== 'string' || typeof h.value !== 'string') return undefined;
    headers[h.name] = h.value;
  }
  return { path: str(p.value ?? '/') || '/', headers };
}

/** The namespaces of a gateway's pods (an Istio Gateway's selector, cluster-wide as Istio reads it). */
function gatewayPodNamespaces(ctx: AnalysisContext, gw: AnalyzedObject): string[] {
  const selector = strMap(isObj(gw.manifest.spec) ? gw.manifest.spec.selector : undefined);
  if (Object.keys(selector).length === 0) return [];
  return [...new Set(ctx.podsSelectedBy(selector).map(p => p.namespace))].sort();
}

/** The Istio Gateways a VirtualService binds to (`namespace/name`, found), and whether it binds to the mesh. */
function boundGateways(ctx: AnalysisContext, vs: AnalyzedObject): { gateways: Array<{ ref: string; gw: AnalyzedObject }>; mesh: boolean } {
  const ns = ctx.namespaceOf(vs);
  const refs = strs((vs.manifest.spec as VirtualServiceSpec | undefined)?.gateways);
  const gateways: Array<{ ref: string; gw: AnalyzedObject }> = [];
  for (const g of refs.length === 0 ? ['mesh'] : refs) {
    if (g === 'mesh') continue;
    const ref = g.includes('/') ? (g.startsWith('./') ? `${ns}/${g.slice(2)}` : g) : `${ns}/${g}`;
    const [gwNs, gwName] = ref.split('/', 2);
    const gw = ctx.find('Gateway', NET, gwNs, gwName);
    if (gw && !gateways.some(x => x.ref === ref)) gateways.push({ ref, gw });
  }
  return { gateways, mesh: refs.length === 0 || refs.includes('mesh') };
}

/** The HTTP ports of an Istio Gateway's servers, each with whether the client speaks TLS to it. */
function httpServerPorts(gw: AnalyzedObject): Array<{ port: number; tls: boolean }> {
  const out: Array<{ port: number; tls: boolean }> = [];
  for (const s of objs(isObj(gw.manifest.spec) ? gw.manifest.spec.servers : undefined)) {
    const port = isObj(s.port) ? s.port : {};
    const protocol = str(port.protocol).toUpperCase();
    if (typeof port.number !== 'number' || !['HTTP', 'HTTP2', 'HTTPS', 'GRPC'].includes(protocol)) continue;
    if (protocol === 'HTTPS' && isObj(s.tls) && ['PASSTHROUGH', 'AUTO_PASSTHROUGH'].includes(str(s.tls.mode))) continue;
    if (!out.some(o => o.port === port.number)) out.push({ port: port.number, tls: protocol === 'HTTPS' });
  }
  return out;
}

/** The requests that reach one VirtualService rule: through each gateway it binds (each HTTP port), or from a sidecar in the mesh. */
function requestsForRule(ctx: AnalysisContext, model: Model, vs: AnalyzedObject, rule: HttpRoute): Array<{ via: string; request: TrafficRequest }> {
  const spec = (vs.manifest.spec ?? {}) as VirtualServiceSpec;
  const hosts = strs(spec.hosts).map(sampleHost);
  const samples = (Array.isArray(rule.match) && rule.match.length > 0 ? rule.match : [undefined]).map(virtualServiceSample)
    .filter((s): s is Sample => s !== undefined);
  const { gateways, mesh } = boundGateways(ctx, vs);
  const out: Array<{ via: string; request: TrafficRequest }> = [];
  for (const s of samples) {
    for (const host of s.host !== undefined ? [s.host] : hosts) {
      for (const { ref, gw } of gateways) {
        for (const { port, tls } of httpServerPorts(gw)) {
          if (s.port !== undefined && s.port !== port) continue;
          out.push({ via: `at gateway '${ref}'`, request: { gateway: ref, host, port, tls, path: s.path, headers: s.headers } });
        }
      }
      if (mesh) {
        // a caller with a sidecar in the VirtualService's namespace, else anywhere
        const ns = ctx.namespaceOf(vs);
        const caller = model.sidecars.find(w => w.namespace === ns) ?? model.sidecars[0];
        if (caller) out.push({ via: `from workload '${caller.key}'`, request: { from: caller.key, host, port: s.port, path: s.path, headers: s.headers } });
      }
    }
  }
  return out;
}

// ---- MK0025: a redirect back to itself ----

/** The request a client makes when it follows a redirect's Location (same caller, headers kept). */
function follow(first: TrafficRequest, location: string): TrafficRequest | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  const tls = url.protocol === 'https:';
  // a Location without a port on the same scheme reaches the address the client called (a gateway's Service port
  // maps to its server's); a new scheme, its default port
  const port = url.port !== '' ? Number(url.port) : tls === (first.tls === true) && first.port !== undefined ? first.port : tls ? 443 : 80;
  return { ...first, host: url.hostname, port, tls: first.gateway !== undefined ? tls : undefined, path: `${url.pathname}${url.search}` };
}

/** Whether a result is a redirect by a given rule of a given object. */
type Redirected = TrafficResult & { readonly redirect: { readonly location: string } };
const redirectedBy = (r: TrafficResult | undefined, kind: string, ns: string, name: string, rule: number): r is Redirected =>
  r !== undefined && r.outcome === 'redirected' && r.redirect !== null && r.route !== null
  && r.route.kind === kind && r.route.namespace === ns && r.route.name === name && r.route.rule === rule;

const redirectLoop: Analyzer = {
  analyzer: 'meshkit.QuietMistakeChecker',
  code: 'MK0025',
  name: 'RedirectLoop',
  level: FindingLevel.WARNING,
  description: 'a redirect (VirtualService redirect, HTTPRoute RequestRedirect) sends the request to a target the same rule redirects again: a loop',
  run: ctx => {
    const out: RawFinding[] = [];
    const vss = ctx.of('VirtualService', NET).filter(vs => list((vs.manifest.spec as VirtualServiceSpec | undefined)?.http).some(r => isObj(r) && isObj(r.redirect)));
    const routes = ctx.of('HTTPRoute', GW).filter(r => objs(isObj(r.manifest.spec) ? r.manifest.spec.rules : undefined)
      .some(rule => objs(rule.filters).some(f => f.type === 'RequestRedirect')));
    if (vss.length === 0 && routes.length === 0) return out;
    const model = modelOf(ctx);
    const loopOf = (kind: string, o: AnalyzedObject, rule: number, requests: Array<{ via: string; request: TrafficRequest }>) => {
      const [ns, name] = [ctx.namespaceOf(o), nameOf(o)];
      for (const { via, request } of requests) {
        const first = model.route(request);
        if (!redirectedBy(first, kind, ns, name, rule)) continue;
        const next = follow(request, first.redirect.location);
        if (!next) continue;
        const second = model.route(next);
        if (redirectedBy(second, kind, ns, name, rule)) {
          return { via, from: `${request.tls ? 'https' : 'http'}://${request.host}${request.path}`, to: first.redirect.location, again: second.redirect.location };
        }
      }
      return undefined;
    };
    for (const vs of vss) {
      for (const [i, r] of list((vs.manifest.spec as VirtualServiceSpec).http).entries()) {
        if (!isObj(r) || !isObj((r as { redirect?: unknown }).redirect)) continue;
        const loop = loopOf('VirtualService', vs, i, requestsForRule(ctx, model, vs, r));
        if (!loop) continue;
        out.push({
          object: vs,
          field: `spec.http[${i}].redirect`,
          value: (r as { redirect?: unknown }).redirect,
          message: `VirtualService '${idText(ctx, vs)}' http[${i}] redirects ${loop.from} to ${loop.to} ${loop.via}, and the same rule matches that target and redirects it `
            + `again (to ${loop.again}): a redirect loop, which clients end with an error after their redirect limit (mesh-kit MK0025)`,
          fix: `point the redirect of VirtualService '${nameOf(vs)}' http[${i}] at a host or path its match does not take, or narrow the match (e.g. an exact uri) so the target falls outside it`,
        });
      }
    }
    for (const route of routes) {
      const spec = isObj(route.manifest.spec) ? route.manifest.spec : {};
      const ns = ctx.namespaceOf(route);
      const hostnames = strs(spec.hostnames).map(sampleHost);
      const parents = objs(spec.parentRefs).filter(p => (p.kind ?? 'Gateway') === 'Gateway' && (p.group ?? GW) === GW)
        .map(p => `${typeof p.namespace === 'string' ? p.namespace : ns}/${str(p.name)}`);
      for (const [i, rule] of objs(spec.rules).entries()) {
        const j = objs(rule.filters).findIndex(f => f.type === 'RequestRedirect');
        if (j < 0) continue;
        const samples = (Array.isArray(rule.matches) && rule.matches.length > 0 ? rule.matches as unknown[] : [undefined]).map(gatewayApiSample)
          .filter((s): s is Sample => s !== undefined);
        const requests = parents.flatMap(g => samples.flatMap(s => (hostnames.length > 0 ? hostnames : ['example.com'])
          .map(host => ({ via: `at gateway '${g}'`, request: { gateway: g, host, path: s.path, headers: s.headers } as TrafficRequest }))));
        const loop = loopOf('HTTPRoute', route, i, requests);
        if (!loop) continue;
        out.push({
          object: route,
          field: `spec.rules[${i}].filters[${j}].requestRedirect`,
          value: objs(rule.filters)[j].requestRedirect ?? {},
          message: `HTTPRoute '${idText(ctx, route)}' rule ${i} redirects ${loop.from} to ${loop.to} ${loop.via}, and the same rule matches that target and redirects it `
            + `again (to ${loop.again}): a redirect loop, which clients end with an error after their redirect limit (mesh-kit MK0025)`,
          fix: `point the RequestRedirect of HTTPRoute '${nameOf(route)}' rules[${i}] at a hostname or path its matches do not take, or narrow the matches so the target falls outside them`,
        });
      }
    }
    return out;
  },
};

// ---- MK0026: gRPC retries on HTTP classes only ----

/** Envoy's retry conditions on an HTTP status (x-envoy-retry-on): a gRPC failure comes with status 200, so these never see it. */
const HTTP_STATUS_CONDITIONS = new Set(['5xx', 'gateway-error', 'retriable-4xx', 'retriable-status-codes']);
/** Envoy's gRPC retry conditions (x-envoy-retry-grpc-on), on the grpc-status of the response. */
const GRPC_CONDITIONS = ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'];

/**
 * Whether a Service or ServiceEntry port speaks gRPC as Istio decides it: a Service port's `appProtocol`, else its name
 * (`grpc`, `grpc-*`, `grpc-web*`); a ServiceEntry port's `protocol` (istio/istio pkg/config/kube/conversion.go
 * ConvertProtocol, pkg/config/protocol/instance.go).
 */
function grpcPort(target: AnalyzedObject, number: number | undefined): { name: string; port: number } | undefined {
  const spec = isObj(target.manifest.spec) ? target.manifest.spec : {};
  const isService = target.manifest.kind === 'Service';
  const ports = objs(spec.ports).map(p => ({
    port: Number(isService ? (p as ServicePort).port : p.number),
    name: str(p.name),
    protocol: (isService ? str(p.appProtocol) || str(p.name).split('-')[0] : str(p.protocol)).toLowerCase(),
  }));
  const chosen = number !== undefined ? ports.find(p => p.port === number) : ports.length === 1 ? ports[0] : undefined;
  return chosen && ['grpc', 'grpc-web'].includes(chosen.protocol) ? { name: chosen.name, port: chosen.port } : undefined;
}

const grpcRetryOnHttpOnly: Analyzer = {
  analyzer: 'meshkit.QuietMistakeChecker',
  code: 'MK0026',
  name: 'GrpcRetryOnHttpStatusOnly',
  level: FindingLevel.WARNING,
  description: 'a route to a gRPC port retries on HTTP status classes only (5xx, gateway-error...): gRPC failures are grpc-status codes, never retried',
  run: ctx => {
    const out: RawFinding[] = [];
    for (const vs of ctx.of('VirtualService', NET)) {
      const spec = (vs.manifest.spec ?? {}) as VirtualServiceSpec;
      const ns = ctx.namespaceOf(vs);
      for (const [i, r] of list(spec.http).entries()) {
        if (!isObj(r) || !isObj(r.retries)) continue;
        const retryOn = (r.retries as { retryOn?: unknown }).retryOn;
        if (typeof retryOn !== 'string') continue; // Istio's default (connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes) has gRPC codes
        const conditions = retryOn.split(',').map(c => c.trim()).filter(c => c !== '');
        if (!conditions.some(c => HTTP_STATUS_CONDITIONS.has(c)) || conditions.some(c => GRPC_CONDITIONS.includes(c))) continue;
        const grpc = list((r as HttpRoute).route).map(d => d?.destination).map(d => {
          if (!d || typeof d.host !== 'string') return undefined;
          const target = ctx.destinationHost(ns, strs(spec.exportTo), d.host)?.object;
          const port = target ? grpcPort(target, typeof d.port?.number === 'number' ? d.port.number : undefined) : undefined;
          return port && target ? { target, port, host: d.host } : undefined;
        }).find(x => x !== undefined);
        if (!grpc) continue;
        const suggested = [...conditions, 'cancelled', 'unavailable'].join(',');
        out.push({
          object: vs,
          field: `spec.http[${i}].retries.retryOn`,
          value: retryOn,
          message: `VirtualService '${idText(ctx, vs)}' http[${i}] retries on '${retryOn}' only, but '${grpc.host}' is gRPC (${grpc.target.manifest.kind} `
            + `'${idText(ctx, grpc.target)}' port ${grpc.port.port}${grpc.port.name ? ` '${grpc.port.name}'` : ''}): a gRPC failure comes back as HTTP 200 with a grpc-status, `
            + `which HTTP status conditions never match, so no failed call is retried (Envoy x-envoy-retry-grpc-on: ${GRPC_CONDITIONS.join(', ')}) (mesh-kit MK0026)`,
          fix: `set retries.retryOn to '${suggested}' (add deadline-exceeded, internal or resource-exhausted only for idempotent calls)`,
        });
      }
    }
    return out;
  },
};

// ---- MK0027: TLS origination on a port no route sends to ----

const ORIGINATION = new Set(['SIMPLE', 'MUTUAL']);

const tlsOriginationPortUnrouted: Analyzer = {
  analyzer: 'meshkit.QuietMistakeChecker',
  code: 'MK0027',
  name: 'TlsOriginationPortNotRouted',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule originates TLS on one port of a host while every route to the host sends to another port: the origination never applies',
  run: ctx => {
    const out: RawFinding[] = [];
    const drs = ctx.of('DestinationRule', NET).filter(dr => list((dr.manifest.spec as DestinationRuleSpec | undefined)?.trafficPolicy?.portLevelSettings)
      .some(p => isObj(p) && ORIGINATION.has(str(p.tls?.mode))));
    if (drs.length === 0) return out;
    // every route destination to a host, with the port it names (undefined: the request's own)
    const destinations = new Map<string, Array<{ vs: AnalyzedObject; field: string; port?: number }>>();
    for (const vs of ctx.of('VirtualService', NET)) {
      const spec = isObj(vs.manifest.spec) ? vs.manifest.spec : {};
      const ns = ctx.namespaceOf(vs);
      for (const section of ['http', 'tcp', 'tls'] as const) {
        for (const [i, rule] of objs(spec[section]).entries()) {
          for (const [j, d] of objs(rule.route).entries()) {
            const dest = isObj(d.destination) ? d.destination : undefined;
            if (!dest || typeof dest.host !== 'string') continue;
            const host = toFqdn(ns, dest.host);
            const port = isObj(dest.port) && typeof dest.port.number === 'number' ? dest.port.number : undefined;
            (destinations.get(host) ?? destinations.set(host, []).get(host)!).push({ vs, field: `spec.${section}[${i}].route[${j}].destination.port.number`, port });
          }
        }
      }
    }
    for (const dr of drs) {
      const spec = dr.manifest.spec as DestinationRuleSpec;
      if (typeof spec.host !== 'string') continue;
      const host = toFqdn(ctx.namespaceOf(dr), spec.host);
      const routed = destinations.get(host) ?? [];
      // only when every route names its port: a destination without one goes to the port the caller asked
      if (routed.length === 0 || routed.some(d => d.port === undefined)) continue;
      for (const [j, p] of list(spec.trafficPolicy?.portLevelSettings).entries()) {
        const port = p?.port?.number;
        if (!isObj(p) || !ORIGINATION.has(str(p.tls?.mode)) || typeof port !== 'number' || routed.some(d => d.port === port)) continue;
        const first = routed[0];
        const others = [...new Set(routed.map(d => d.port!))].sort((a, b) => a - b);
        out.push({
          object: dr,
          field: `spec.trafficPolicy.portLevelSettings[${j}].port.number`,
          value: port,
          message: `DestinationRule '${idText(ctx, dr)}' originates TLS (mode ${str(p.tls?.mode)}) on port ${port} of '${spec.host}', but every route to the host `
            + `sends to port ${others.join(' or ')} (VirtualService '${idText(ctx, first.vs)}' ${first.field.replace(/^spec\.|\.destination\.port\.number$/g, '')}): `
            + 'the origination never applies and the requests leave in plain text (mesh-kit MK0027)',
          fix: `set portLevelSettings[${j}].port.number of DestinationRule '${nameOf(dr)}' to ${others[0]}, or route to port ${port} in VirtualService '${nameOf(first.vs)}'`,
        });
      }
    }
    return out;
  },
};

// ---- MK0028: principal and namespace rules for callers outside the mesh ----
// Kiali's nearest check, KIA0105 (kiali-security.ts, Kiali's business/checkers/authorization/mtls_enabled_checker.go),
// looks at the policy's own side: whether its workloads receive mutual TLS. This one looks at the callers' side: a
// caller without a proxy sends plain text whatever the destination accepts, so `source.principals` and
// `source.namespaces` (read from the peer certificate) never match it.

/** The namespace a principal names (`cluster.local/ns/shop/sa/web`), if one without a wildcard. */
const principalNamespace = (p: string) => /(?:^|\/)ns\/([^/*]+)\/sa\//.exec(p)?.[1];

const callersOutsideMesh: Analyzer = {
  analyzer: 'meshkit.QuietMistakeChecker',
  code: 'MK0028',
  name: 'AuthorizationCallersOutsideMesh',
  level: FindingLevel.WARNING,
  description: 'an ALLOW AuthorizationPolicy names callers (principals, namespaces) of a namespace outside the mesh: their requests carry no identity, so the rule never matches them',
  run: ctx => {
    const out: RawFinding[] = [];
    const verdicts = new Map<string, boolean>();
    /**
     * Whether no caller of a namespace can carry a mesh identity: its Namespace object is held (a namespace the objects
     * do not hold is unknown) and no pod of it is in the mesh; a namespace without pods, by its labels.
     */
    const outside = (ns: string): boolean => {
      let v = verdicts.get(ns);
      if (v === undefined) {
        const n = ctx.namespace(ns);
        const pods = ctx.podsIn(ns);
        const l = n?.manifest.metadata.labels ?? {};
        const labelled = l['istio-injection'] === 'enabled' || (l['istio-injection'] === undefined && l['istio.io/rev'] !== undefined)
          || l['istio.io/dataplane-mode'] === 'ambient';
        v = n !== undefined && (pods.length > 0 ? !pods.some(p => p.inMesh || p.labels['istio.io/dataplane-mode'] === 'ambient') : !labelled);
        verdicts.set(ns, v);
      }
      return v;
    };
    for (const ap of ctx.of('AuthorizationPolicy', SEC)) {
      const spec = isObj(ap.manifest.spec) ? ap.manifest.spec : {};
      if ((spec.action ?? 'ALLOW') !== 'ALLOW') continue;
      for (const [i, rule] of objs(spec.rules).entries()) {
        for (const [j, from] of objs(rule.from).entries()) {
          const source = isObj(from.source) ? from.source : {};
          for (const key of ['principals', 'namespaces'] as const) {
            for (const [k, entry] of strs(source[key]).entries()) {
              const ns = key === 'principals' ? principalNamespace(entry) : entry.includes('*') ? undefined : entry;
              if (ns === undefined || !outside(ns)) continue;
              out.push({
                object: ap,
                field: `spec.rules[${i}].from[${j}].source.${key}[${k}]`,
                value: entry,
                message: `AuthorizationPolicy '${idText(ctx, ap)}' rules[${i}] allows ${key === 'principals' ? `principal '${entry}'` : `namespace '${entry}'`}, but namespace '${ns}' `
                  + 'is not in the mesh (no istio-injection, istio.io/rev or istio.io/dataplane-mode label, and none of its pods has a proxy): its requests carry no '
                  + 'mTLS identity, so this rule never matches them and they are denied (mesh-kit MK0028)',
                fix: `label namespace '${ns}' istio-injection=enabled (or istio.io/dataplane-mode=ambient) and restart its pods`,
              });
            }
          }
        }
      }
    }
    return out;
  },
};

// ---- MK0029: a gateway route to a ServiceEntry not exported to the gateway ----

const gatewayRouteToUnexportedEntry: Analyzer = {
  analyzer: 'meshkit.QuietMistakeChecker',
  code: 'MK0029',
  name: 'GatewayRouteToUnexportedServiceEntry',
  level: FindingLevel.WARNING,
  description: 'a VirtualService bound to a gateway routes to a ServiceEntry host not exported to the gateway\'s namespace: the gateway has no cluster for it (503)',
  run: ctx => {
    const out: RawFinding[] = [];
    const entries = ctx.of('ServiceEntry', NET);
    if (entries.length === 0) return out;
    const entriesOf = (host: string) => entries.filter(se => strs(isObj(se.manifest.spec) ? se.manifest.spec.hosts : undefined).includes(host));
    let model: Model | undefined;
    for (const vs of ctx.of('VirtualService', NET)) {
      const spec = (vs.manifest.spec ?? {}) as VirtualServiceSpec;
      const { gateways } = boundGateways(ctx, vs);
      if (gateways.length === 0) continue;
      for (const [i, r] of list(spec.http).entries()) {
        if (!isObj(r)) continue;
        const targets = list((r as HttpRoute).route).map((d, j) => ({ j, host: d?.destination?.host })).filter((d): d is { j: number; host: string } => typeof d.host === 'string')
          .map(d => ({ ...d, entries: entriesOf(d.host) })).filter(d => d.entries.length > 0);
        if (targets.length === 0) continue;
        model ??= modelOf(ctx);
        const requests = requestsForRule(ctx, model, vs, r as HttpRoute).filter(q => q.request.gateway !== undefined);
        for (const { request, via } of requests) {
          const result = model.route(request);
          if (result?.outcome !== 'unavailable' || result.route?.name !== nameOf(vs) || result.route.rule !== i) continue;
          const target = targets.find(t => result.reason.includes(`no service of host '${t.host}' is visible`));
          if (!target) continue;
          const gw = gateways.find(g => g.ref === request.gateway)!;
          const podNs = gatewayPodNamespaces(ctx, gw.gw);
          const se = target.entries[0];
          const exportTo = strs(isObj(se.manifest.spec) ? se.manifest.spec.exportTo : undefined);
          const where = podNs.length > 0 ? podNs : [gw.ref.split('/')[0]];
          const seNs = ctx.namespaceOf(se);
          const exported = exportTo.map(e => (e === '.' ? `'.' (namespace '${seNs}')` : `'${e}'`)).join(', ');
          out.push({
            object: vs,
            field: `spec.http[${i}].route[${target.j}].destination.host`,
            value: target.host,
            message: `VirtualService '${idText(ctx, vs)}' http[${i}] sends requests ${via} to '${target.host}', but ServiceEntry '${idText(ctx, se)}' is exported `
              + `to ${exported} only, not to namespace ${quote(where)} where the gateway's pods run: the gateway has no cluster for the host and answers 503 `
              + '(Istio builds a proxy\'s clusters from the services visible to its namespace: pilot/pkg/model/push_context.go) (mesh-kit MK0029)',
            fix: `add ${quote(where)} to spec.exportTo of ServiceEntry '${nameOf(se)}'`,
          });
          break;
        }
      }
    }
    return out;
  },
};

// ---- MK0030: a Gateway API route to a port its Service does not have ----

const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'];

const routeBackendPortMissing: Analyzer = {
  analyzer: 'meshkit.QuietMistakeChecker',
  code: 'MK0030',
  name: 'RouteBackendPortNotOnService',
  level: FindingLevel.WARNING,
  description: 'a Gateway API route sends to a port of a Service that the Service does not have: no proxy has a cluster for it, and the requests fail',
  run: ctx => {
    const out: RawFinding[] = [];
    for (const route of ROUTE_KINDS.flatMap(k => ctx.of(k, GW))) {
      const ns = ctx.namespaceOf(route);
      const rules = objs(isObj(route.manifest.spec) ? route.manifest.spec.rules : undefined);
      rules.forEach((rule, i) => objs(rule.backendRefs).forEach((b, j) => {
        const port = b.port;
        if (typeof port !== 'number' || (str(b.group) !== '' && str(b.group) !== 'core') || (b.kind !== undefined && b.kind !== 'Service')) return;
        const svcNs = str(b.namespace) || ns;
        const svc = ctx.find('Service', '', svcNs, str(b.name));
        if (!svc) return; // a missing Service is KIA1402's
        const ports = list((isObj(svc.manifest.spec) ? svc.manifest.spec.ports : undefined) as ServicePort[] | undefined).map(p => p?.port).filter((p): p is number => typeof p === 'number');
        if (ports.includes(port)) return;
        out.push({
          object: route,
          field: `spec.rules[${i}].backendRefs[${j}].port`,
          value: port,
          message: `${route.manifest.kind} '${idText(ctx, route)}' rules[${i}] sends to port ${port} of Service '${svcNs}/${str(b.name)}', which has no such port `
            + `(its ports: ${ports.join(', ') || 'none'}): no proxy has a cluster for that port, so its requests fail (Istio writes the backendRef's port into the `
            + 'destination without checking the Service has it: pilot/pkg/config/kube/gateway/conversion.go buildDestination) (mesh-kit MK0030)',
          fix: ports.length > 0 ? `set spec.rules[${i}].backendRefs[${j}].port to ${ports.length === 1 ? ports[0] : `one of ${ports.join(', ')}`}, a port of Service '${str(b.name)}'`
            : `give Service '${str(b.name)}' a port ${port}`,
        });
      }));
    }
    return out;
  },
};

/** The quiet mistakes of issue 37, in code order. */
export const QUIET_MISTAKE_ANALYZERS: readonly Analyzer[] = [
  redirectLoop, grpcRetryOnHttpOnly, tlsOriginationPortUnrouted, callersOutsideMesh, gatewayRouteToUnexportedEntry, routeBackendPortMissing,
];
