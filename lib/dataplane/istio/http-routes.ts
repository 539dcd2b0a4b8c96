import { Route, RouteActionRoute, RouteMatch, HeaderMatcher, subsetKey } from './envoy';
import { IstioService } from './registry';
import { ProxyModel } from './sidecar-scope';
import { Destination, HeaderChanges, HeaderOps, HttpMatch, HttpRule, StringMatch, VirtualServiceConfig } from './vs-model';

/**
 * VirtualService `http` rules as Envoy routes (istio/istio pilot/pkg/networking/core/route/route.go
 * BuildHTTPRoutesForVirtualService, TranslateRoute, TranslateRouteMatch, applyHTTPRouteDestination, ApplyRedirect,
 * GetDestinationCluster; route/retry/retry.go ConvertPolicy): one route per match, the rules after the first catch-all
 * dropped, matches bound to another port, gateway or source skipped.
 */

export interface RouteOptions {
  readonly isTls: boolean;
  readonly lookupService: (host: string) => IstioService | undefined;
}

const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

/** GetDestinationCluster: `outbound|<port>|<subset>|<host>`; the port is the destination's, the service's only one, or the listener's. */
export function destinationCluster(d: Destination, service: IstioService | undefined, listenerPort: number): string {
  if (d.host === '') return 'UnknownService';
  const host = service?.externalName ?? d.host;
  const port = d.port ?? (service && service.ports.length === 1 ? service.ports[0].port : listenerPort);
  return subsetKey('outbound', d.subset, host, port);
}

/** Routes of one VirtualService for a listener port and the gateways the proxy serves (`mesh` for sidecars). */
export function buildHttpRoutes(proxy: ProxyModel, vs: VirtualServiceConfig, listenPort: number, gatewayNames: ReadonlySet<string>,
  opts: RouteOptions): Route[] {
  const out: Route[] = [];
  let catchAll = false;
  for (const rule of vs.http) {
    if (rule.delegate) continue;
    if (rule.match.length === 0) {
      const r = translateRoute(proxy, rule, undefined, -1, listenPort, vs, gatewayNames, opts);
      if (r) out.push(r);
      catchAll = true;
    } else {
      for (let i = 0; i < rule.match.length; i++) {
        const r = translateRoute(proxy, rule, rule.match[i], i, listenPort, vs, gatewayNames, opts);
        if (r) {
          out.push(r);
          if (isCatchAllRoute(r)) {
            catchAll = true;
            break;
          }
        }
      }
    }
    if (catchAll) break;
  }
  return out;
}

function sourceMatches(m: HttpMatch | undefined, proxy: ProxyModel, gatewayNames: ReadonlySet<string>): boolean {
  if (!m) return true;
  if (m.gateways.length > 0) return m.gateways.some(g => gatewayNames.has(g));
  if (!Object.entries(m.sourceLabels).every(([k, v]) => proxy.labels[k] === v)) return false;
  return m.sourceNamespace === '' || m.sourceNamespace === proxy.namespace;
}

function translateRoute(proxy: ProxyModel, rule: HttpRule, m: HttpMatch | undefined, matchIndex: number, listenPort: number,
  vs: VirtualServiceConfig, gatewayNames: ReadonlySet<string>, opts: RouteOptions): Route | undefined {
  if (m && m.port !== 0 && m.port !== listenPort) return undefined;
  if (!sourceMatches(m, proxy, gatewayNames)) return undefined;
  const name = m && m.name !== '' ? `${rule.name}.${m.name}` : rule.name;
  const match = translateMatch(vs, m);
  let authority = '';
  for (const ops of [rule.headers?.request?.add, rule.headers?.request?.set]) {
    for (const [k, v] of Object.entries(ops ?? {})) if (k.toLowerCase() === ':authority' || k.toLowerCase() === 'host') authority = v;
  }
  let action: Route['action'];
  if (rule.redirect) {
    const rd = rule.redirect;
    let port: number | undefined;
    if (rd.port !== undefined) port = rd.port;
    else if (rd.derivePort === 'FROM_REQUEST_PORT') port = listenPort;
    if (rd.port !== undefined || rd.derivePort !== undefined) {
      const scheme = rd.scheme !== '' ? rd.scheme : opts.isTls ? 'https' : 'http';
      if ((port === 80 && scheme === 'http') || (port === 443 && scheme === 'https')) port = undefined;
    }
    const code = rd.redirectCode === 0 ? 301 : rd.redirectCode;
    action = [301, 302, 303, 307, 308].includes(code) ? {
      kind: 'redirect',
      hostRedirect: rd.authority,
      ...(rd.prefixRewrite !== undefined && rd.prefixRewrite !== '' ? { prefixRewrite: rd.prefixRewrite } : { pathRedirect: rd.uri }),
      ...(rd.scheme !== '' ? { schemeRedirect: rd.scheme } : {}),
      ...(port !== undefined ? { portRedirect: port } : {}),
      status: code,
    } : undefined;
  } else if (rule.directResponse) {
    action = { kind: 'direct', status: rule.directResponse.status, ...(rule.directResponse.body !== undefined ? { body: rule.directResponse.body } : {}) };
  } else {
    action = routeAction(rule, vs, match, authority, listenPort, opts);
  }
  // processDestination: a single destination's header operations are appended to the route's
  const single = !rule.redirect && !rule.directResponse && rule.route.length === 1 ? rule.route[0].headers : undefined;
  const headers = single ? mergeHeaderChanges(rule.headers, single) : rule.headers;
  return {
    name,
    match,
    ...(action ? { action } : {}),
    ...(headers ? { headers } : {}),
    ...(rule.fault ? {
      fault: {
        ...(rule.fault.delay ? { delay: { duration: rule.fault.delay.fixedDelay, percent: rule.fault.delay.percent } } : {}),
        ...(rule.fault.abort?.httpStatus !== undefined ? { abort: { status: rule.fault.abort.httpStatus, percent: rule.fault.abort.percent } } : {}),
      },
    } : {}),
    ...(rule.corsAllowOrigins ? { corsAllowOrigins: rule.corsAllowOrigins } : {}),
    origin: rule.origin,
    ...(matchIndex >= 0 ? { matchIndex } : {}),
  };
}

function routeAction(rule: HttpRule, vs: VirtualServiceConfig, match: RouteMatch, authority: string, listenPort: number,
  opts: RouteOptions): RouteActionRoute {
  const gatewaySemantics = vs.semantics === 'gateway';
  let prefixRewrite: string | undefined;
  let regexRewrite: { pattern: string; substitution: string } | undefined;
  if (rule.rewrite) {
    if (rule.rewrite.uriRegex) {
      regexRewrite = { pattern: rule.rewrite.uriRegex.match, substitution: rule.rewrite.uriRegex.rewrite };
    } else if (rule.rewrite.uri !== undefined && rule.rewrite.uri !== '') {
      if (gatewaySemantics && rule.rewrite.uri === '/' && match.path.kind === 'pathSeparatedPrefix') {
        regexRewrite = { pattern: `^${quoteMeta(match.path.value)}(/?)(.*)`, substitution: '/\\2' };
      } else {
        prefixRewrite = rule.rewrite.uri;
      }
    }
    if (rule.rewrite.authority) authority = rule.rewrite.authority;
  }
  const mirrors = rule.mirrors.map(mi => ({
    cluster: destinationCluster(mi.destination, opts.lookupService(mi.destination.host),
      listenPort),
    percent: mi.percent,
  }));
  let retries: RouteActionRoute['retries'] = { attempts: 2, retryOn: DEFAULT_RETRY_ON };
  if (rule.retries) {
    if (rule.retries.attempts <= 0) {
      retries = undefined;
    } else {
      let retryOn = DEFAULT_RETRY_ON;
      if (rule.retries.retryOn) {
        const parts = rule.retries.retryOn.split(',').map(s => s.trim()).filter(s => s !== '');
        const codes = parts.filter(p => /^\d+$/.test(p));
        retryOn = parts.filter(p => !/^\d+$/.test(p)).join(',');
        if (codes.length > 0 && !retryOn.includes('retriable-status-codes')) retryOn += (retryOn ? ',' : '') + 'retriable-status-codes';
      }
      retries = { attempts: rule.retries.attempts, retryOn, ...(rule.retries.perTryTimeout ? { perTryTimeout: rule.retries.perTryTimeout } : {}) };
    }
  }
  const base = {
    kind: 'route' as const,
    ...(prefixRewrite !== undefined ? { prefixRewrite } : {}),
    ...(regexRewrite ? { regexRewrite } : {}),
    timeout: rule.timeout ?? '0s',
    ...(retries ? { retries } : {}),
    mirrors,
    clusterNotFoundStatus: gatewaySemantics ? 500 : 503,
  };
  if (rule.route.length === 1) {
    const d = rule.route[0];
    let hostRewrite = authority !== '' ? authority : undefined;
    if (!hostRewrite && d.headers?.request) {
      for (const [k, v] of Object.entries({ ...d.headers.request.add, ...d.headers.request.set })) if (k.toLowerCase() === ':authority' || k.toLowerCase() === 'host') hostRewrite = v;
    }
    return {
      ...base,
      cluster: destinationCluster(d.destination, opts.lookupService(d.destination.host), listenPort),
      ...(hostRewrite ? { hostRewrite } : {}),
    };
  }
  const weighted = rule.route.filter(d => d.weight !== 0).map(d => {
    let hostRewrite: string | undefined;
    for (const [k, v] of Object.entries({ ...d.headers?.request?.add, ...d.headers?.request?.set })) if (k.toLowerCase() === ':authority' || k.toLowerCase() === 'host') hostRewrite = v;
    return {
      name: destinationCluster(d.destination, opts.lookupService(d.destination.host), listenPort),
      weight: d.weight,
      ...(d.headers ? { headers: d.headers } : {}),
      ...(hostRewrite ? { hostRewrite } : {}),
    };
  });
  return { ...base, weightedClusters: weighted, ...(authority !== '' ? { hostRewrite: authority } : {}) };
}

function mergeHeaderChanges(a: HeaderChanges | undefined, b: HeaderChanges): HeaderChanges {
  const ops = (x: HeaderOps | undefined, y: HeaderOps | undefined): HeaderOps | undefined => (x || y ? {
    set: { ...x?.set, ...y?.set }, add: { ...x?.add, ...y?.add }, remove: [...(x?.remove ?? []), ...(y?.remove ?? [])],
  } : undefined);
  const request = ops(a?.request, b.request);
  const response = ops(a?.response, b.response);
  return { ...(request ? { request } : {}), ...(response ? { response } : {}) };
}

const quoteMeta = (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

/** canBeConvertedToPresentMatch: no match type, or the regex `*`. */
const isPresentMatch = (m: StringMatch | undefined) => m === undefined || (m.exact === undefined && m.prefix === undefined && (m.regex === undefined || m.regex === '*'));

/** TranslateRouteMatch. */
export function translateMatch(vs: VirtualServiceConfig | undefined, m: HttpMatch | undefined): RouteMatch {
  if (!m) return { path: { kind: 'prefix', value: '/' }, caseSensitive: true, headers: [], queryParameters: [] };
  const headers: HeaderMatcher[] = [];
  for (const [name, sm] of Object.entries(m.headers)) {
    headers.push({
      name,
      ...(isPresentMatch(sm) ? {} : { match: sm }),
      invert: false,
      treatMissingAsEmpty: false,
    });
  }
  for (const [name, sm] of Object.entries(m.withoutHeaders)) {
    headers.push({
      name,
      ...(isPresentMatch(sm) ? {} : { match: sm }),
      invert: true,
      treatMissingAsEmpty: !isPresentMatch(sm),
    });
  }
  headers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let path: RouteMatch['path'] = { kind: 'prefix', value: '/' };
  if (m.uri?.exact !== undefined) {path = { kind: 'path', value: m.uri.exact };} else if (m.uri?.prefix !== undefined) {
    path = vs?.semantics !== undefined && m.uri.prefix !== '/' ? { kind: 'pathSeparatedPrefix', value: m.uri.prefix.replace(/\/$/, '') } : { kind: 'prefix', value: m.uri.prefix };
  } else if (m.uri?.regex !== undefined) {path = { kind: 'regex', value: m.uri.regex };}
  const pseudo = (name: string, sm: StringMatch | undefined) => {
    if (sm) headers.push({ name, ...(isPresentMatch(sm) ? {} : { match: sm }), invert: false, treatMissingAsEmpty: false });
  };
  pseudo(':method', m.method);
  pseudo(':authority', m.authority);
  pseudo(':scheme', m.scheme);
  return {
    path,
    caseSensitive: !m.ignoreUriCase,
    headers,
    queryParameters: Object.entries(m.queryParams).map(([name, sm]) => ({ name, ...(isPresentMatch(sm) ? {} : { match: sm }) })),
  };
}

/** IsCatchAllRoute: the path `/` (or `.*`) and nothing else. */
export function isCatchAllRoute(r: Route): boolean {
  const p = r.match.path;
  const all = (p.kind === 'prefix' && p.value === '/') || (p.kind === 'pathSeparatedPrefix' && p.value === '/') || (p.kind === 'regex' && p.value === '.*');
  return all && r.match.headers.length === 0 && r.match.queryParameters.length === 0;
}

/** The default route istiod gives a service's virtual host (BuildDefaultHTTPOutboundRoute / BuildDefaultHTTPInboundRoute). */
export function defaultRoute(cluster: string, inbound: boolean): Route {
  return {
    name: 'default',
    match: translateMatch(undefined, undefined),
    action: {
      kind: 'route',
      cluster,
      timeout: '0s',
      mirrors: [],
      clusterNotFoundStatus: 503,
      retries: inbound ? { attempts: 2, retryOn: 'reset-before-request' } : { attempts: 2, retryOn: DEFAULT_RETRY_ON },
    },
  };
}
