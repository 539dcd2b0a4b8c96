import { resolveGatewayName, resolveShortname } from './host';
import { HttpMatch, HttpRule, StringMatch, VirtualServiceConfig } from './vs-model';

/**
 * VirtualService delegation and short-name resolution as istiod's VirtualService controller does them
 * (istio/istio pilot/pkg/model/virtualservice_controller.go mergeVirtualServices, virtualservice.go
 * ResolveVirtualServiceShortnames, MergeHTTPRoutes, mergeHTTPMatchRequests, hasConflict).
 */

/** Short names qualified by the VirtualService's namespace: hosts, destinations, mirrors; gateway names as `ns/name`. */
export function resolveShortnames(vs: VirtualServiceConfig, domain: string): VirtualServiceConfig {
  const ns = vs.namespace;
  const fqdn = (h: string) => resolveShortname(h, ns, domain);
  const gw = (g: string) => (g === 'mesh' ? g : resolveGatewayName(g, ns));
  const dest = <D extends { host: string }>(d: D): D => ({ ...d, host: fqdn(d.host) });
  return {
    ...vs,
    hosts: vs.hosts.map(fqdn),
    gateways: vs.gateways.map(gw),
    http: vs.http.map(r => ({
      ...r,
      match: r.match.map(m => ({ ...m, gateways: m.gateways.map(gw) })),
      route: r.route.map(d => ({ ...d, destination: dest(d.destination) })),
      mirrors: r.mirrors.map(m => ({ ...m, destination: dest(m.destination) })),
    })),
    tcp: vs.tcp.map(r => ({
      ...r,
      match: r.match.map(m => ({ ...m, gateways: m.gateways.map(gw) })),
      route: r.route.map(d => ({
        ...d,
        destination: dest(d.destination),
      })),
    })),
    tls: vs.tls.map(r => ({
      ...r,
      match: r.match.map(m => ({ ...m, gateways: m.gateways.map(gw) })),
      route: r.route.map(d => ({
        ...d,
        destination: dest(d.destination),
      })),
    })),
  };
}

/** The namespaces an `exportTo` list exposes a config to (`.` is its own namespace); the mesh default when empty. */
export function exportToSet(exportTo: readonly string[], namespace: string, defaults: readonly string[]): Set<string> {
  const from = exportTo.length > 0 ? exportTo : defaults;
  return new Set(from.map(e => (e === '.' ? namespace : e)));
}

/**
 * The VirtualServices with hosts, delegation resolved: a root's `delegate` rule is replaced by the delegate's rules
 * merged with it (the root's match narrows each delegate match; fields the delegate leaves unset come from the root),
 * when the delegate exists and is exported to the root's namespace; otherwise the rule is dropped. Delegates (no
 * hosts) are not routes of their own. Returns the merged configs and a note per problem.
 */
export function mergeDelegation(all: readonly VirtualServiceConfig[], domain: string,
  defaultExportTo: readonly string[]): { merged: VirtualServiceConfig[]; notes: string[] } {
  const notes: string[] = [];
  const delegates = new Map<string, VirtualServiceConfig>();
  for (const vs of all) if (vs.hosts.length === 0) delegates.set(`${vs.namespace}/${vs.name}`, resolveShortnames(vs, domain));
  const merged: VirtualServiceConfig[] = [];
  for (const vs of all) {
    if (vs.hosts.length === 0) continue;
    if (vs.semantics === 'gateway') {
      merged.push(vs);
      continue;
    }
    const root = resolveShortnames(vs, domain);
    if (root.semantics === 'ingress' || !root.http.some(r => r.delegate)) {
      merged.push(root);
      continue;
    }
    const http: HttpRule[] = [];
    for (const rule of root.http) {
      if (!rule.delegate) {
        http.push(rule);
        continue;
      }
      const ns = rule.delegate.namespace || root.namespace;
      const delegate = delegates.get(`${ns}/${rule.delegate.name}`);
      if (!delegate) {
        notes.push(`VirtualService ${root.namespace}/${root.name} http[${rule.origin.rule}] delegates to ${ns}/${rule.delegate.name}, which does not exist (or has hosts): the rule is dropped`);
        continue;
      }
      const exported = exportToSet(delegate.exportTo, delegate.namespace, defaultExportTo);
      if (!exported.has('*') && !exported.has(root.namespace)) {
        notes.push(`VirtualService ${ns}/${rule.delegate.name} is not exported to ${root.namespace}, so the delegation of ${root.namespace}/${root.name} http[${rule.origin.rule}] is dropped`);
        continue;
      }
      for (const sub of delegate.http) {
        const m = mergeRule(rule, sub);
        if (m) http.push(m);
        else notes.push(`VirtualService ${ns}/${rule.delegate.name} http[${sub.origin.rule}] conflicts with the match of its root ${root.namespace}/${root.name} http[${rule.origin.rule}]: dropped`);
      }
    }
    merged.push({ ...root, http });
  }
  return { merged, notes };
}

/** mergeHTTPRoute: the delegate's rule under the root's; undefined when their matches conflict. */
function mergeRule(root: HttpRule, delegate: HttpRule): HttpRule | undefined {
  const match = mergeMatches(root.match, delegate.match);
  if (match === undefined) return undefined;
  const name = delegate.name === '' ? root.name : root.name !== '' ? `${root.name}-${delegate.name}` : delegate.name;
  return {
    ...delegate,
    name,
    match,
    ...(delegate.rewrite ? {} : root.rewrite ? { rewrite: root.rewrite } : {}),
    ...(delegate.directResponse ? {} : root.directResponse ? { directResponse: root.directResponse } : {}),
    ...(delegate.timeout !== undefined ? {} : root.timeout !== undefined ? { timeout: root.timeout } : {}),
    ...(delegate.retries ? {} : root.retries ? { retries: root.retries } : {}),
    ...(delegate.fault ? {} : root.fault ? { fault: root.fault } : {}),
    mirrors: delegate.mirrors.length > 0 ? delegate.mirrors : root.mirrors,
    ...(delegate.corsAllowOrigins ? {} : root.corsAllowOrigins ? { corsAllowOrigins: root.corsAllowOrigins } : {}),
    ...(delegate.headers ? {} : root.headers ? { headers: root.headers } : {}),
    delegate: undefined,
    origin: { ...delegate.origin, delegatedFrom: root.origin },
  };
}

function mergeMatches(root: readonly HttpMatch[], delegate: readonly HttpMatch[]): readonly HttpMatch[] | undefined {
  if (root.length === 0) return delegate;
  if (delegate.length === 0) return root;
  const out: HttpMatch[] = [];
  for (const sub of delegate) {
    let found = false;
    for (const r of root) {
      if (hasConflict(r, sub)) continue;
      out.push(mergeMatch(r, sub));
      found = true;
    }
    if (!found) return undefined;
  }
  return out.length === 0 ? undefined : out;
}

function mergeMatch(root: HttpMatch, d: HttpMatch): HttpMatch {
  return {
    ...d,
    name: d.name === '' ? root.name : root.name !== '' ? `${root.name}-${d.name}` : d.name,
    uri: d.uri ?? root.uri,
    scheme: d.scheme ?? root.scheme,
    method: d.method ?? root.method,
    authority: d.authority ?? root.authority,
    headers: { ...root.headers, ...d.headers },
    withoutHeaders: { ...root.withoutHeaders, ...d.withoutHeaders },
    queryParams: { ...root.queryParams, ...d.queryParams },
    port: d.port !== 0 ? d.port : root.port,
    sourceLabels: { ...root.sourceLabels, ...d.sourceLabels },
    sourceNamespace: d.sourceNamespace !== '' ? d.sourceNamespace : root.sourceNamespace,
    gateways: d.gateways.length > 0 ? d.gateways : root.gateways,
  };
}

function hasConflict(root: HttpMatch, leaf: HttpMatch): boolean {
  const pairs: Array<[StringMatch | undefined, StringMatch | undefined]> = [
    [root.uri, leaf.uri], [root.scheme, leaf.scheme], [root.method, leaf.method], [root.authority, leaf.authority],
  ];
  if (pairs.some(([a, b]) => stringMatchConflict(a, b))) return true;
  for (const [k, v] of Object.entries(leaf.headers)) if (stringMatchConflict(root.headers[k], v)) return true;
  for (const [k, v] of Object.entries(leaf.withoutHeaders)) if (stringMatchConflict(root.withoutHeaders[k], v)) return true;
  for (const [k, v] of Object.entries(leaf.queryParams)) if (stringMatchConflict(root.queryParams[k], v)) return true;
  if (root.ignoreUriCase !== leaf.ignoreUriCase) return true;
  if (root.port > 0 && leaf.port > 0 && root.port !== leaf.port) return true;
  if (root.sourceNamespace !== '' && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels)) if (k in root.sourceLabels && root.sourceLabels[k] !== v) return true;
  if (root.gateways.length > 0 && leaf.gateways.length > 0) {
    if (root.gateways.length < leaf.gateways.length) return true;
    if (leaf.gateways.some(g => !root.gateways.includes(g))) return true;
  }
  return false;
}

/** stringMatchConflict: whether a delegate's match can never narrow the root's. */
function stringMatchConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (!root || !leaf) return false;
  if (root.regex) {
    if (leaf.regex || leaf.prefix || leaf.exact) return true;
  }
  if (leaf.regex) {
    if (root.regex || root.prefix || root.exact) return true;
  }
  if (root.exact) {
    if (leaf.prefix) return true;
    return leaf.exact !== root.exact;
  }
  if (root.prefix) {
    if (leaf.prefix) return !leaf.prefix.startsWith(root.prefix);
    if (leaf.exact) return !leaf.exact.startsWith(root.prefix);
  }
  return true;
}
