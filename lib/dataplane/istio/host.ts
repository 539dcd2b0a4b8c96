/**
 * Host names as istiod compares them (istio/istio pkg/config/host/name.go, names.go), and the name resolution of
 * pilot/pkg/model/config.go (ResolveShortnameToFQDN, resolveGatewayName, MostSpecificHostMatch).
 */

/** `*.example.com` or `*`. */
export const isWildcard = (h: string): boolean => h.length > 0 && h[0] === '*';

/** Whether two hosts overlap (host.Name.Matches): either may be a wildcard. */
export function hostMatches(n: string, o: string): boolean {
  const nw = isWildcard(n);
  const ow = isWildcard(o);
  if (nw) {
    if (ow) return n.length < o.length ? o.slice(1).endsWith(n.slice(1)) : n.slice(1).endsWith(o.slice(1));
    return o.endsWith(n.slice(1));
  }
  if (ow) return n.endsWith(o.slice(1));
  return n === o;
}

/** Whether every name `n` covers is covered by `o` (host.Name.SubsetOf). */
export function hostSubsetOf(n: string, o: string): boolean {
  const nw = isWildcard(n);
  const ow = isWildcard(o);
  if (nw) {
    if (!ow) return false;
    if (n.length < o.length) return false;
    return n.slice(1).endsWith(o.slice(1));
  }
  if (ow) return n.endsWith(o.slice(1));
  return n === o;
}

/** host.MoreSpecific: exact before wildcard, then longer before shorter, then by name. */
export function moreSpecific(a: string, b: string): boolean {
  if (a.length === 0 && b.length === 0) return true;
  const ai = a.startsWith('*');
  const bi = b.startsWith('*');
  if (ai && !bi) return false;
  if (!ai && bi) return true;
  if (a.length === b.length) return a < b;
  return a.length > b.length;
}

/** host.Names.Intersection: the narrower of each overlapping pair, in `h`'s order. */
export function hostIntersection(h: readonly string[], other: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of h) {
    for (const b of other) {
      if (hostSubsetOf(a, b)) {
        if (!out.includes(a)) out.push(a);
      } else if (hostSubsetOf(b, a)) {
        if (!out.includes(b)) out.push(b);
      }
    }
  }
  return out;
}

/** host.NamesForNamespace: a server's `ns/host` entries that apply to objects of `namespace` (`*` and `ns`), without the prefix. */
export function namesForNamespace(hosts: readonly string[], namespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const i = h.indexOf('/');
    if (i >= 0) {
      const ns = h.slice(0, i);
      if (ns !== namespace && ns !== '*') continue;
      out.push(h.slice(i + 1));
    } else {
      out.push(h);
    }
  }
  return out;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A literal IPv4 or IPv6 address. */
export function isIpAddress(s: string): boolean {
  const m = IPV4.exec(s);
  if (m) return m.slice(1).every(p => Number(p) <= 255);
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s);
}

/**
 * A short name written in a namespaced object, as istiod qualifies it (ResolveShortnameToFQDN): `reviews` in `shop`
 * is `reviews.shop.svc.<domain>`; names with a dot, `*` and IP addresses are kept. `domain` is the config store's
 * domain suffix (`cluster.local` in a cluster; empty in istiod's in-memory test store, which gives `reviews.shop`).
 */
export function resolveShortname(hostname: string, namespace: string, domain: string): string {
  if (hostname === '' || hostname === '*' || isIpAddress(hostname) || hostname.includes('.')) return hostname;
  let out = hostname;
  if (namespace !== '') out += `.${namespace}`;
  if (domain !== '') out += `.svc.${domain}`;
  return out;
}

/** A gateway reference of a VirtualService as `namespace/name` (resolveGatewayName); `mesh` stays `mesh`. */
export function resolveGatewayName(name: string, namespace: string): string {
  if (name === 'mesh') return name;
  if (!name.includes('/')) {
    if (!name.includes('.')) return `${namespace}/${name}`;
    // legacy FQDN form: name.ns.svc.cluster.local -> ns/name
    const i = name.indexOf('.');
    const rest = name.slice(i + 1);
    const j = rest.indexOf('.');
    return j < 0 ? `${rest}/${name.slice(0, i)}` : `${rest.slice(0, j)}/${name.slice(0, i)}`;
  }
  const [before, after] = [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)];
  return before === '.' ? `${namespace}/${after}` : name;
}

/**
 * The most specific key of `specific` or `wildcard` that covers `needle` (MostSpecificHostMatch): the exact key first,
 * else the most specific wildcard whose suffix the needle ends with.
 */
export function mostSpecificHostMatch<V>(needle: string, specific: ReadonlyMap<string, V>, wildcard: ReadonlyMap<string, V>): [string,
  V] | undefined {
  if (isWildcard(needle)) {
    const w = wildcard.get(needle);
    if (w !== undefined) return [needle, w];
    return mostSpecificWildcard(needle.slice(1), wildcard);
  }
  const s = specific.get(needle);
  if (s !== undefined) return [needle, s];
  return mostSpecificWildcard(needle, wildcard);
}

function mostSpecificWildcard<V>(needle: string, wildcard: ReadonlyMap<string, V>): [string, V] | undefined {
  let found: [string, V] | undefined;
  for (const [h, v] of wildcard) {
    if (needle.endsWith(h.slice(1))) {
      if (!found || moreSpecific(h, found[0])) found = [h, v];
    }
  }
  return found;
}

/** Objects ordered as istiod orders configuration (configCompareByCreationTime): creation time, then name, then namespace. */
export function byCreation(a: { creation: number; name: string; namespace: string },
  b: { creation: number; name: string; namespace: string }): number {
  if (a.creation !== b.creation) return a.creation - b.creation;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return 0;
}

/** A `metadata.creationTimestamp` in milliseconds; objects without one all share the same (0), as in istiod's tests. */
export function creationOf(metadata: unknown): number {
  const ts = typeof metadata === 'object' && metadata !== null ? (metadata as { creationTimestamp?: unknown }).creationTimestamp : undefined;
  if (typeof ts === 'string') {
    const t = Date.parse(ts);
    return Number.isNaN(t) ? 0 : t;
  }
  if (ts instanceof Date) return ts.getTime();
  return 0;
}

/** `host:port` as Envoy names virtual hosts (util.DomainName, IPv6 in brackets). */
export function domainName(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
