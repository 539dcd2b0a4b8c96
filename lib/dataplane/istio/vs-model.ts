import { isObj, str, strMap, strs } from '../../analysis/context';
import { WorldObject } from '../world';
import { creationOf } from './host';

/**
 * A VirtualService as istiod holds it (istio/api networking/v1alpha3 virtual_service.proto), read from YAML that may
 * hold anything: every field checked, unknown shapes dropped. Each rule remembers where it came from (a VirtualService
 * rule, or the HTTPRoute / Ingress rule istiod converted into it), so results name the object the user wrote.
 */

/** A StringMatch; none of the three set means "present" (a catch-all for headers and query parameters). */
export interface StringMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}

export interface HttpMatch {
  readonly name: string;
  readonly uri?: StringMatch;
  readonly scheme?: StringMatch;
  readonly method?: StringMatch;
  readonly authority?: StringMatch;
  readonly headers: { readonly [name: string]: StringMatch };
  readonly withoutHeaders: { readonly [name: string]: StringMatch };
  readonly queryParams: { readonly [name: string]: StringMatch };
  readonly ignoreUriCase: boolean;
  readonly port: number;
  readonly sourceLabels: { readonly [k: string]: string };
  readonly gateways: readonly string[];
  readonly sourceNamespace: string;
}

export interface Destination {
  readonly host: string;
  readonly subset: string;
  readonly port?: number;
}

export interface HeaderOps {
  readonly set: { readonly [k: string]: string };
  readonly add: { readonly [k: string]: string };
  readonly remove: readonly string[];
}

export interface HeaderChanges {
  readonly request?: HeaderOps;
  readonly response?: HeaderOps;
}

export interface RouteDestination {
  readonly destination: Destination;
  readonly weight: number;
  readonly headers?: HeaderChanges;
}

/** Where a rule was written: a VirtualService's `http[n]`, or the HTTPRoute / Ingress rule istiod converted. */
export interface RuleOrigin {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly rule: number;
  readonly ruleName?: string;
  /** The match of the source rule this converted rule carries (HTTPRoute rules are split one match per rule). */
  readonly match?: number;
  readonly delegatedFrom?: RuleOrigin;
  /** The VirtualService section a layer-4 rule is in (none: `http`). */
  readonly section?: 'tcp' | 'tls';
}

export interface HttpRedirect {
  readonly uri: string;
  readonly authority: string;
  readonly prefixRewrite?: string;
  readonly scheme: string;
  readonly port?: number;
  readonly derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT';
  readonly redirectCode: number;
}

export interface HttpRule {
  readonly name: string;
  readonly match: readonly HttpMatch[];
  readonly route: readonly RouteDestination[];
  readonly redirect?: HttpRedirect;
  readonly directResponse?: { readonly status: number; readonly body?: string };
  readonly delegate?: { readonly name: string; readonly namespace: string };
  readonly rewrite?: { readonly uri?: string; readonly uriRegex?: { readonly match: string; readonly rewrite: string }; readonly authority?: string };
  readonly timeout?: string;
  readonly retries?: { readonly attempts: number; readonly perTryTimeout?: string; readonly retryOn?: string };
  readonly fault?: {
    readonly delay?: { readonly fixedDelay: string; readonly percent: number };
    readonly abort?: { readonly httpStatus?: number; readonly grpcStatus?: string; readonly percent: number };
  };
  /** Mirrors with the share of requests copied, in percent (`mirror` + `mirrorPercentage`, and `mirrors`). */
  readonly mirrors: ReadonlyArray<{ readonly destination: Destination; readonly percent: number }>;
  readonly corsAllowOrigins?: readonly string[];
  readonly headers?: HeaderChanges;
  readonly origin: RuleOrigin;
}

export interface L4Match {
  readonly destinationSubnets: readonly string[];
  readonly port: number;
  readonly sourceLabels: { readonly [k: string]: string };
  readonly gateways: readonly string[];
  readonly sourceNamespace: string;
  readonly sniHosts: readonly string[];
}

export interface L4Rule {
  readonly match: readonly L4Match[];
  readonly route: readonly RouteDestination[];
  readonly origin: RuleOrigin;
}

export interface VirtualServiceConfig {
  readonly name: string;
  readonly namespace: string;
  readonly creation: number;
  readonly annotations: { readonly [k: string]: string };
  readonly hosts: readonly string[];
  readonly gateways: readonly string[];
  readonly exportTo: readonly string[];
  readonly http: readonly HttpRule[];
  readonly tcp: readonly L4Rule[];
  readonly tls: readonly L4Rule[];
  /** `gateway` for VirtualServices converted from Gateway API routes, `ingress` for those from an Ingress. */
  readonly semantics?: 'gateway' | 'ingress';
  readonly object?: WorldObject;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);

export function parseStringMatch(v: unknown): StringMatch | undefined {
  if (!isObj(v)) return undefined;
  if (typeof v.exact === 'string') return { exact: v.exact };
  if (typeof v.prefix === 'string') return { prefix: v.prefix };
  if (typeof v.regex === 'string') return { regex: v.regex };
  return {};
}

function stringMatchMap(v: unknown): { [k: string]: StringMatch } {
  const out: { [k: string]: StringMatch } = {};
  if (!isObj(v)) return out;
  for (const [k, m] of Object.entries(v)) out[k] = parseStringMatch(m) ?? {};
  return out;
}

export function parseHttpMatch(m: { [k: string]: unknown }): HttpMatch {
  return {
    name: str(m.name),
    uri: parseStringMatch(m.uri),
    scheme: parseStringMatch(m.scheme),
    method: parseStringMatch(m.method),
    authority: parseStringMatch(m.authority),
    headers: stringMatchMap(m.headers),
    withoutHeaders: stringMatchMap(m.withoutHeaders),
    queryParams: stringMatchMap(m.queryParams),
    ignoreUriCase: m.ignoreUriCase === true,
    port: num(m.port),
    sourceLabels: strMap(m.sourceLabels),
    gateways: strs(m.gateways),
    sourceNamespace: str(m.sourceNamespace),
  };
}

export function parseDestination(v: unknown): Destination {
  const d = isObj(v) ? v : {};
  const port = isObj(d.port) ? num(d.port.number) : 0;
  return { host: str(d.host), subset: str(d.subset), ...(port > 0 ? { port } : {}) };
}

function parseHeaderOps(v: unknown): HeaderOps | undefined {
  if (!isObj(v)) return undefined;
  return { set: strMap(v.set), add: strMap(v.add), remove: strs(v.remove) };
}

export function parseHeaderChanges(v: unknown): HeaderChanges | undefined {
  if (!isObj(v)) return undefined;
  const request = parseHeaderOps(v.request);
  const response = parseHeaderOps(v.response);
  return request || response ? { ...(request ? { request } : {}), ...(response ? { response } : {}) } : undefined;
}

function parseRouteDestinations(v: unknown): RouteDestination[] {
  return list(v).filter(isObj).map(r => {
    const headers = parseHeaderChanges(r.headers);
    return { destination: parseDestination(r.destination), weight: num(r.weight), ...(headers ? { headers } : {}) };
  });
}

/** A `Percent` (`{ value: 12.5 }`) or an integer percent; undefined when neither is written. */
const percentOf = (percentage: unknown, percent: unknown): number | undefined =>
  isObj(percentage) && typeof percentage.value === 'number' ? percentage.value : typeof percent === 'number' ? percent : undefined;

function parseRedirect(v: unknown): HttpRedirect | undefined {
  if (!isObj(v)) return undefined;
  const derive = str(v.derivePort);
  return {
    uri: str(v.uri),
    authority: str(v.authority),
    ...(typeof v.prefixRewrite === 'string' ? { prefixRewrite: v.prefixRewrite } : {}),
    scheme: str(v.scheme),
    ...(num(v.port) > 0 ? { port: num(v.port) } : {}),
    ...(derive === 'FROM_PROTOCOL_DEFAULT' || derive === 'FROM_REQUEST_PORT' ? { derivePort: derive } : {}),
    redirectCode: num(v.redirectCode),
  };
}

function parseFault(v: unknown): HttpRule['fault'] {
  if (!isObj(v)) return undefined;
  const out: { delay?: { fixedDelay: string; percent: number }; abort?: { httpStatus?: number; grpcStatus?: string; percent: number } } = {};
  if (isObj(v.delay) && typeof v.delay.fixedDelay === 'string') {
    out.delay = { fixedDelay: v.delay.fixedDelay, percent: percentOf(v.delay.percentage, v.delay.percent) ?? 0 };
  }
  if (isObj(v.abort)) {
    // istiod's TranslateFault sets no percentage when none is written: Envoy's FaultAbort then aborts 0% of requests
    const percent = percentOf(v.abort.percentage, undefined) ?? 0;
    if (typeof v.abort.httpStatus === 'number') out.abort = { httpStatus: v.abort.httpStatus, percent };
    else if (typeof v.abort.grpcStatus === 'string') out.abort = { grpcStatus: v.abort.grpcStatus, percent };
  }
  return out.delay || out.abort ? out : undefined;
}

/** One `http[]` rule. */
export function parseHttpRule(r: { [k: string]: unknown }, origin: RuleOrigin): HttpRule {
  const mirrors: Array<{ destination: Destination; percent: number }> = [];
  if (isObj(r.mirror)) {
    const p = percentOf(r.mirrorPercentage, isObj(r.mirrorPercent) ? r.mirrorPercent.value : r.mirrorPercent) ?? 100;
    if (p > 0) mirrors.push({ destination: parseDestination(r.mirror), percent: p });
  }
  for (const m of list(r.mirrors).filter(isObj)) {
    const p = percentOf(m.percentage, undefined) ?? 100;
    if (p > 0 && isObj(m.destination)) mirrors.push({ destination: parseDestination(m.destination), percent: p });
  }
  const rewrite = isObj(r.rewrite) ? r.rewrite : undefined;
  const retries = isObj(r.retries) ? r.retries : undefined;
  const delegate = isObj(r.delegate) ? r.delegate : undefined;
  const direct = isObj(r.directResponse) ? r.directResponse : undefined;
  const cors = isObj(r.corsPolicy) ? r.corsPolicy : undefined;
  const headers = parseHeaderChanges(r.headers);
  const fault = parseFault(r.fault);
  const redirect = parseRedirect(r.redirect);
  return {
    name: str(r.name),
    match: list(r.match).filter(isObj).map(parseHttpMatch),
    route: parseRouteDestinations(r.route),
    ...(redirect ? { redirect } : {}),
    ...(direct ? { directResponse: { status: num(direct.status), ...(isObj(direct.body) && typeof direct.body.string === 'string' ? { body: direct.body.string } : {}) } } : {}),
    ...(delegate ? { delegate: { name: str(delegate.name), namespace: str(delegate.namespace) } } : {}),
    ...(rewrite ? {
      rewrite: {
        ...(typeof rewrite.uri === 'string' ? { uri: rewrite.uri } : {}),
        ...(isObj(rewrite.uriRegexRewrite) ? {
          uriRegex: {
            match: str(rewrite.uriRegexRewrite.match),
            rewrite: str(rewrite.uriRegexRewrite.rewrite),
          },
        } : {}),
        ...(typeof rewrite.authority === 'string' ? { authority: rewrite.authority } : {}),
      },
    } : {}),
    ...(typeof r.timeout === 'string' ? { timeout: r.timeout } : {}),
    ...(retries ? {
      retries: {
        attempts: num(retries.attempts),
        ...(typeof retries.perTryTimeout === 'string' ? { perTryTimeout: retries.perTryTimeout } : {}),
        ...(typeof retries.retryOn === 'string' ? { retryOn: retries.retryOn } : {}),
      },
    } : {}),
    ...(fault ? { fault } : {}),
    mirrors,
    ...(cors ? { corsAllowOrigins: [...list(cors.allowOrigins).map(o => { const m = parseStringMatch(o); return m?.exact ?? m?.prefix ?? m?.regex ?? '*'; }), ...(typeof cors.allowOrigin === 'string' ? [cors.allowOrigin] : strs(cors.allowOrigin))] } : {}),
    ...(headers ? { headers } : {}),
    origin,
  };
}

function parseL4Match(m: { [k: string]: unknown }): L4Match {
  return {
    destinationSubnets: strs(m.destinationSubnets),
    port: num(m.port),
    sourceLabels: strMap(m.sourceLabels),
    gateways: strs(m.gateways),
    sourceNamespace: str(m.sourceNamespace),
    sniHosts: strs(m.sniHosts),
  };
}

function l4Rules(v: unknown, origin: (rule: number) => RuleOrigin): L4Rule[] {
  const out: L4Rule[] = [];
  list(v).forEach((r, i) => {
    if (isObj(r)) out.push({ match: list(r.match).filter(isObj).map(parseL4Match), route: parseRouteDestinations(r.route), origin: origin(i) });
  });
  return out;
}

/** A VirtualService object of the world. */
export function parseVirtualService(o: WorldObject): VirtualServiceConfig {
  const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
  const annotations = strMap(o.manifest.metadata.annotations);
  const origin = (rule: number, name?: string): RuleOrigin => ({
    kind: 'VirtualService', namespace: o.namespace, name: o.name, rule, ...(name ? { ruleName: name } : {}),
  });
  const semantics = annotations['internal.istio.io/route-semantics'];
  return {
    name: o.name,
    namespace: o.namespace,
    creation: creationOf(o.manifest.metadata),
    annotations,
    hosts: strs(spec.hosts),
    gateways: strs(spec.gateways),
    exportTo: strs(spec.exportTo),
    http: list(spec.http).map((r, i) => (isObj(r) ? parseHttpRule(r, origin(i, str(r.name) || undefined))
      : undefined)).filter((r): r is HttpRule => r !== undefined),
    tcp: l4Rules(spec.tcp, i => ({ ...origin(i), section: 'tcp' })),
    tls: l4Rules(spec.tls, i => ({ ...origin(i), section: 'tls' })),
    ...(semantics === 'gateway' || semantics === 'ingress' ? { semantics } : {}),
    object: o,
  };
}
