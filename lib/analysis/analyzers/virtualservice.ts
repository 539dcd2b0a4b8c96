import { Destination, GatewaySpec, VirtualServiceSpec } from './types';
import { distinct, dottedShortNameHint, exportsToAll, hostsMatch, list, nameOf, namesForNamespace, selects, str, strs, toFqdn } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const NET = 'networking.istio.io';
const vsSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as VirtualServiceSpec;
const name = nameOf;

interface RouteDestination { readonly host: string; readonly subset?: string; readonly port?: number; readonly at: string; readonly mirror: boolean }

const destinationsCache = new WeakMap<object, RouteDestination[]>();

/** Every destination of a VirtualService (http, tcp and tls routes, then http mirrors), as Istio's analyzers walk them. */
export function destinations(spec: VirtualServiceSpec): RouteDestination[] {
  const cached = destinationsCache.get(spec);
  if (cached) return cached;
  const of = (d: Destination | undefined | null, at: string, mirror: boolean): RouteDestination => ({
    host: str(d?.host), subset: d?.subset ? str(d.subset) : undefined, port: d?.port?.number, at, mirror,
  });
  const out: RouteDestination[] = [];
  for (const [kind, routes] of [['http', spec.http], ['tcp', spec.tcp], ['tls', spec.tls]] as const) {
    for (const [i, r] of list(routes as Array<{ route?: Array<{ destination?: Destination }> }>).entries()) {
      for (const [j, d] of list(r?.route).entries()) out.push(of(d?.destination, `${kind}[${i}].route[${j}]`, false));
    }
  }
  for (const [i, r] of list(spec.http).entries()) {
    if (r?.mirror) out.push(of(r.mirror, `http[${i}].mirror`, true));
    for (const [j, m] of list(r?.mirrors).entries()) out.push(of(m?.destination, `http[${i}].mirrors[${j}]`, true));
  }
  destinationsCache.set(spec, out);
  return out;
}

/** Where a destination is written: `spec.http[0].route[1].destination`, `spec.http[0].mirror`, `spec.http[0].mirrors[0].destination`. */
const destinationField = (d: RouteDestination) => (d.at.endsWith('.mirror') ? `spec.${d.at}` : `spec.${d.at}.destination`);

const destinationHostAnalyzer = 'virtualservice.DestinationHostAnalyzer';

const destinationHostNotFound: Analyzer = {
  analyzer: destinationHostAnalyzer,
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'a VirtualService routes (or mirrors) to a host no Service or ServiceEntry visible from its namespace declares, or to a port that host does not have',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => {
    const ns = ctx.namespaceOf(vs);
    const found: RawFinding[] = [];
    for (const d of destinations(vsSpec(vs))) {
      const entry = ctx.destinationHost(ns, vsSpec(vs).exportTo, d.host);
      if (!entry) {
        // the hint of a dotted short name is '<why>; write <the host>': its last clause is the fix
        const hint = dottedShortNameHint(ctx, d.host);
        const cut = hint.lastIndexOf('; ');
        found.push({
          object: vs,
          message: `VirtualService '${name(vs)}' ${d.mirror ? 'mirrors' : 'routes'} to host '${d.host}' (${d.at}), which no Service or ServiceEntry visible from namespace '${ns}' declares${cut >= 0 ? hint.slice(0, cut) : hint}`,
          field: `${destinationField(d)}.host`,
          value: d.host,
          fix: cut >= 0 ? hint.slice(cut + 2) : `add a Service or ServiceEntry for '${d.host}' visible from namespace '${ns}', or ${d.mirror ? 'mirror' : 'route'} to a host that has one`,
        });
      } else if (d.port !== undefined && !entry.external && !entry.ports.includes(d.port)) {
        found.push({
          object: vs,
          message: `VirtualService '${name(vs)}' routes to port ${d.port} of host '${d.host}' (${d.at}), which has ports ${entry.ports.join(', ')}`,
          field: `${destinationField(d)}.port.number`,
          value: d.port,
          fix: entry.ports.length > 0 ? `route to one of its ports (${entry.ports.join(', ')})` : `declare port ${d.port} on '${d.host}'`,
        });
      }
    }
    return found;
  }),
};

const destinationPortRequired: Analyzer = {
  analyzer: destinationHostAnalyzer,
  code: 'IST0112',
  name: 'VirtualServiceDestinationPortSelectorRequired',
  level: FindingLevel.ERROR,
  description: 'a VirtualService routes to a host with several ports without naming one',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => destinations(vsSpec(vs)).flatMap(d => {
    const entry = d.port === undefined ? ctx.destinationHost(ctx.namespaceOf(vs), vsSpec(vs).exportTo, d.host) : undefined;
    return entry && entry.ports.length > 1
      ? [{
        object: vs,
        message: `VirtualService '${name(vs)}' routes to '${d.host}' (${d.at}), which exposes ports ${entry.ports.join(', ')}, without choosing one`,
        field: `${destinationField(d)}.port`,
        value: entry.ports,
        fix: `set ${destinationField(d)}.port.number to one of ${entry.ports.join(', ')}`,
      }]
      : [];
  })),
};

const ingressRulesNotAffected: Analyzer = {
  analyzer: destinationHostAnalyzer,
  code: 'IST0140',
  name: 'IngressRouteRulesNotAffected',
  level: FindingLevel.WARNING,
  description: 'a gateway VirtualService routes to a host without a subset while a VirtualService of that host routes by subset: the subset rules do not apply to the gateway\'s traffic',
  run: ctx => {
    // the hosts some VirtualService routes to by subset, among its own hosts (Istio's initVirtualServiceDestinations)
    const bySubset = new Map<string, AnalyzedObject[]>();
    const vss = ctx.of('VirtualService', NET);
    for (const vs of vss) {
      const own = strs(vsSpec(vs).hosts);
      for (const r of list(vsSpec(vs).http)) {
        for (const d of list(r?.route)) {
          const host = d?.destination?.host;
          if (d?.destination?.subset && typeof host === 'string' && own.includes(host)) bySubset.set(host, [...(bySubset.get(host) ?? []), vs]);
        }
      }
    }
    const out: RawFinding[] = [];
    if (bySubset.size === 0) return out;
    for (const vs of vss) {
      if (strs(vsSpec(vs).gateways).length === 0) continue;
      for (const [i, r] of list(vsSpec(vs).http).entries()) {
        for (const [j, d] of list(r?.route).entries()) {
          if (!d?.destination || d.destination.subset) continue;
          const host = d.destination.host ?? '';
          for (const o of bySubset.get(host) ?? []) {
            out.push({
              object: vs,
              message: `VirtualService '${name(vs)}' routes gateway traffic to '${host}' without a subset, so the subset rules of VirtualService '${ctx.namespaceOf(o)}/${name(o)}' do not apply to it`,
              field: `spec.http[${i}].route[${j}].destination.host`,
              value: host,
              fix: `route the gateway's traffic by subset as VirtualService '${ctx.namespaceOf(o)}/${name(o)}' does, or bind that VirtualService to the gateway as well`,
            });
          }
        }
      }
    }
    return out;
  },
};

const subsetNotFound: Analyzer = {
  analyzer: 'virtualservice.DestinationRuleAnalyzer',
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'a VirtualService routes to a subset that no DestinationRule of its host defines',
  run: ctx => {
    const subsets = new Set<string>();
    /** `scope|host` of the DestinationRules with a wildcard host. */
    const wildcardHosts: Array<{ scope: string; host: string }> = [];
    const hostsWithRule = new Set<string>();
    const rules: Array<{ dr: AnalyzedObject; fqdn: string; scopes: string[]; subsets: string[] }> = [];
    for (const dr of ctx.of('DestinationRule', NET)) {
      const spec = (dr.manifest.spec ?? {}) as { host?: string; subsets?: Array<{ name?: string }>; exportTo?: string[] };
      const fqdn = toFqdn(ctx.namespaceOf(dr), spec.host ?? '');
      const scopes = exportsToAll(spec.exportTo) ? ['*'] : strs(spec.exportTo).map(e => (e === '.' ? ctx.namespaceOf(dr) : e));
      for (const scope of scopes) {
        hostsWithRule.add(`${scope}|${fqdn}`);
        if (fqdn.startsWith('*')) wildcardHosts.push({ scope, host: fqdn });
      }
      for (const s of list(spec.subsets)) for (const scope of scopes) subsets.add(`${scope}|${fqdn}|${s?.name}`);
      rules.push({ dr, fqdn, scopes, subsets: list(spec.subsets).map(s => str(s?.name)).filter(x => x !== '') });
    }
    // istiod applies to a destination the rules of its most specific matching host: its own, else the longest
    // wildcard covering it (`*.ns.svc.cluster.local`, `*.local`: istio/istio pilot/pkg/model/push_context.go
    // destinationRule, MostSpecificHostMatch in pilot/pkg/model/config.go); istioctl's analyzer reads exact hosts only
    const ruleHost = (ns: string, fqdn: string): string => {
      if (hostsWithRule.has(`*|${fqdn}`) || hostsWithRule.has(`${ns}|${fqdn}`)) return fqdn;
      const covering = wildcardHosts.filter(w => (w.scope === '*' || w.scope === ns) && w.host !== fqdn && hostsMatch(w.host, fqdn) && !fqdn.startsWith('*'))
        .map(w => w.host).sort((a, b) => b.length - a.length);
      return covering[0] ?? fqdn;
    };
    return ctx.of('VirtualService', NET).flatMap(vs => destinations(vsSpec(vs)).flatMap(d => {
      if (d.subset === undefined) return [];
      const ns = ctx.namespaceOf(vs);
      const fqdn = ruleHost(ns, toFqdn(ns, d.host));
      if (subsets.has(`*|${fqdn}|${d.subset}`) || subsets.has(`${ns}|${fqdn}|${d.subset}`)) return [];
      const entry = ctx.world === 'partial' ? ctx.destinationHost(ns, vsSpec(vs).exportTo, d.host) : undefined;
      if (entry?.external) return [];
      const rule = rules.find(r => r.fqdn === fqdn && (r.scopes.includes('*') || r.scopes.includes(ns)));
      return [{
        object: vs,
        message: `VirtualService '${name(vs)}' routes to subset '${d.subset}' of host '${d.host}' (${d.at}), which no DestinationRule visible from namespace '${ns}' defines`,
        field: `${destinationField(d)}.subset`,
        value: d.subset,
        fix: rule ? `add subset '${d.subset}' to DestinationRule '${ctx.namespaceOf(rule.dr)}/${name(rule.dr)}'${rule.subsets.length > 0 ? `, or route to one of its subsets ${rule.subsets.map(x => `'${x}'`).join(', ')}` : ''}`
          : `add a DestinationRule for host '${d.host}' with subset '${d.subset}', or route without a subset`,
      }];
    }));
  },
};

const conflictingMeshGatewayHosts: Analyzer = {
  analyzer: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  code: 'IST0109',
  name: 'ConflictingMeshGatewayVirtualServiceHosts',
  level: FindingLevel.ERROR,
  description: 'VirtualServices bound to the mesh gateway and visible in a common namespace (exportTo) define overlapping hosts: the behaviour is undefined',
  run: ctx => {
    const mesh = distinct(ctx.of('VirtualService', NET)).filter(vs => strs(vsSpec(vs).gateways).length === 0 || strs(vsSpec(vs).gateways).includes('mesh')).map(vs => {
      const ns = ctx.namespaceOf(vs);
      const exportTo = vsSpec(vs).exportTo;
      return {
        vs,
        scopes: exportsToAll(exportTo) ? ['*'] : [...new Set(strs(exportTo).map(e => (e === '.' ? ns : e)))],
        hosts: strs(vsSpec(vs).hosts).map(x => toFqdn(ns, String(x))),
      };
    });
    const overlap = (a: string[], b: string[]) => a.includes('*') || b.includes('*') || a.some(x => b.includes(x));
    // candidates by exact host, and the VirtualServices with wildcard hosts (which may match anything): linear for the usual meshes
    const byHost = new Map<string, typeof mesh>();
    const wildcards: typeof mesh = [];
    const order = new Map(mesh.map((m, i) => [m, i]));
    for (const m of mesh) {
      for (const h of m.hosts) byHost.set(h, [...(byHost.get(h) ?? []), m]);
      if (m.hosts.some(h => h.startsWith('*'))) wildcards.push(m);
    }
    return mesh.flatMap(m => {
      const candidates = m.hosts.some(h => h.startsWith('*')) ? mesh : [...new Set([...m.hosts.flatMap(h => byHost.get(h) ?? []), ...wildcards])];
      const others = [...new Set(candidates)]
        .filter(o => o !== m && overlap(m.scopes, o.scopes) && m.hosts.some(h => o.hosts.some(oh => hostsMatch(h, oh))))
        .sort((x, y) => order.get(x)! - order.get(y)!);
      const shared = m.hosts.filter(h => others.some(o => o.hosts.some(oh => hostsMatch(h, oh))));
      return others.length === 0 ? [] : [{
        object: m.vs,
        message: `VirtualService '${ctx.namespaceOf(m.vs)}/${name(m.vs)}' and ${others.map(o => `'${ctx.namespaceOf(o.vs)}/${name(o.vs)}'`).join(', ')}, bound to the mesh gateway and visible in a common namespace, `
          + `define the host${shared.length > 1 ? 's' : ''} ${shared.map(x => `'${x}'`).join(', ')}`,
        field: 'spec.hosts',
        value: strs(vsSpec(m.vs).hosts),
        fix: `merge ${[m, ...others].map(o => `'${ctx.namespaceOf(o.vs)}/${name(o.vs)}'`).join(', ')} into one VirtualService, or separate them with exportTo`,
      }];
    });
  },
};


/** The hosts a gateway (Istio's or the Gateway API's) serves to a VirtualService of a namespace, after Istio's namespace handling. */
const gatewayHostsCache = new WeakMap<AnalysisContext, Map<string, string[]>>();
function gatewayHosts(ctx: AnalysisContext, ns: string, gwName: string, vsNamespace: string): string[] {
  let cache = gatewayHostsCache.get(ctx);
  if (!cache) gatewayHostsCache.set(ctx, cache = new Map());
  const key = `${ns}/${gwName}|${vsNamespace}`;
  let hosts = cache.get(key);
  if (!hosts) cache.set(key, hosts = computeGatewayHosts(ctx, ns, gwName, vsNamespace));
  return hosts;
}

function computeGatewayHosts(ctx: AnalysisContext, ns: string, gwName: string, vsNamespace: string): string[] {
  const istio = ctx.find('Gateway', NET, ns, gwName);
  const hosts: string[] = [];
  if (istio) {
    for (const s of list((istio.manifest.spec as GatewaySpec | undefined)?.servers)) {
      const sh = strs(s?.hosts).map(String);
      const sanitized: string[] = [];
      let all = false;
      for (const x of sh) {
        if (!x.includes('/')) {sanitized.push(x);} else {
          const [p, rest] = x.split('/', 2);
          if (p === '.') {sanitized.push(`${ns}/${rest}`);} else if (p === '*') {
            if (rest === '*') all = true;
            sanitized.push(rest);
          } else {sanitized.push(x);}
        }
      }
      hosts.push(...(all ? ['*'] : sanitized));
    }
  }
  const k8s = ctx.find('Gateway', 'gateway.networking.k8s.io', ns, gwName);
  if (k8s) {
    for (const l of list((k8s.manifest.spec as { listeners?: Array<{ hostname?: string }> } | undefined)?.listeners)) hosts.push(l?.hostname ?? '*');
  }
  return namesForNamespace(hosts, vsNamespace);
}

const INTERNAL_GATEWAY = 'istio-autogenerated-k8s-gateway';
const gatewayAnalyzer = 'virtualservice.GatewayAnalyzer';
/**
 * A gateway reference as istiod resolves it (istio/istio pilot/pkg/model/config.go resolveGatewayName): `ns/name`,
 * `./name`, a short name (the VirtualService's namespace), or the legacy `name.namespace[.svc.cluster.local]` form,
 * which istiod still binds (istioctl's analyzer reads it as a name in the VirtualService's namespace and reports
 * IST0101; Kiali gives it the KIA1108 suggestion only, kiali-traffic.ts).
 */
export function resolveGatewayRef(ref: string, vsNamespace: string): { ns: string; gw: string } {
  if (ref.includes('/')) {
    const [ns, gw] = ref.split('/', 2);
    return { ns: ns === '.' ? vsNamespace : ns, gw };
  }
  const dot = ref.indexOf('.');
  if (dot < 0) return { ns: vsNamespace, gw: ref };
  const rest = ref.slice(dot + 1);
  return { ns: rest.includes('.') ? rest.slice(0, rest.indexOf('.')) : rest, gw: ref.slice(0, dot) };
}
const gatewayRefs = (vs: AnalyzedObject, ctx: AnalysisContext) => strs(vsSpec(vs).gateways).flatMap((ref, index) => (ref !== 'mesh' && !ref.includes(INTERNAL_GATEWAY) ? [{
  ref, index, ...resolveGatewayRef(ref, ctx.namespaceOf(vs)),
}] : []));

const gatewayNotFound: Analyzer = {
  analyzer: gatewayAnalyzer,
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'a VirtualService binds to a gateway that does not exist',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => gatewayRefs(vs, ctx).filter(g => !ctx.gatewayExists(g.ns, g.gw)).map(g => {
    const elsewhere = ctx.of('Gateway').filter(x => name(x) === g.gw && ctx.namespaceOf(x) !== g.ns);
    return {
      object: vs,
      message: `VirtualService '${name(vs)}' binds to gateway '${g.ref}', which does not exist in namespace '${g.ns}'`
        + (elsewhere.length > 0 ? ` but does in '${ctx.namespaceOf(elsewhere[0])}'` : ''),
      field: `spec.gateways[${g.index}]`,
      value: g.ref,
      fix: elsewhere.length > 0 ? `write '${ctx.namespaceOf(elsewhere[0])}/${g.gw}'` : `add Gateway '${g.gw}' to namespace '${g.ns}', or bind to a gateway that exists`,
    };
  })),
};

const hostNotInGateway: Analyzer = {
  analyzer: gatewayAnalyzer,
  code: 'IST0132',
  name: 'VirtualServiceHostNotFoundInGateway',
  level: FindingLevel.WARNING,
  description: 'none of a VirtualService\'s hosts is served by a gateway it binds to',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => {
    const ns = ctx.namespaceOf(vs);
    const vsHosts = strs(vsSpec(vs).hosts).map(String);
    return gatewayRefs(vs, ctx).flatMap(g => {
      if (ctx.world === 'partial' && !ctx.find('Gateway', NET, g.ns, g.gw) && !ctx.find('Gateway', 'gateway.networking.k8s.io', g.ns, g.gw) && ctx.gatewayExists(g.ns, g.gw)) return [];
      const served = gatewayHosts(ctx, g.ns, g.gw, ns);
      return served.some(sh => vsHosts.some(vh => hostsMatch(sh, vh))) ? [] : [{
        object: vs,
        message: `VirtualService '${name(vs)}': none of its hosts ${vsHosts.map(x => `'${x}'`).join(', ')} is served by gateway '${g.ns}/${g.gw}' to namespace '${ns}'`
          + ` (it serves ${served.length > 0 ? served.map(x => `'${x}'`).join(', ') : 'no host'})`,
        field: 'spec.hosts',
        value: vsHosts,
        fix: served.length > 0 ? `use a host gateway '${g.ns}/${g.gw}' serves (${served.map(x => `'${x}'`).join(', ')}), or add '${vsHosts[0] ?? ''}' to the hosts of one of its servers`
          : `add '${vsHosts[0] ?? ''}' to the hosts of a server of gateway '${g.ns}/${g.gw}'`,
      }];
    });
  }),
};

const internalGatewayRef: Analyzer = {
  analyzer: gatewayAnalyzer,
  code: 'IST0165',
  name: 'ReferencedInternalGateway',
  level: FindingLevel.WARNING,
  description: 'a VirtualService binds to a gateway Istio generates internally from a Gateway API Gateway',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => strs(vsSpec(vs).gateways).flatMap((g, i) => (g.includes(INTERNAL_GATEWAY) ? [{
    object: vs,
    message: `VirtualService '${name(vs)}' binds to '${g}', a gateway Istio generates internally`,
    field: `spec.gateways[${i}]`,
    value: g,
    fix: 'bind to the Gateway API Gateway with an HTTPRoute instead',
  }] : []))),
};

const jwtRoutingWithoutAuthn: Analyzer = {
  analyzer: 'virtualservice.JWTClaimRouteAnalyzer',
  code: 'IST0149',
  name: 'JwtClaimBasedRoutingWithoutRequestAuthN',
  level: FindingLevel.ERROR,
  description: 'a VirtualService routes on JWT claims at a gateway whose pods no RequestAuthentication covers',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => {
    const keys = list(vsSpec(vs).http).flatMap((r, i) => list(r?.match).flatMap((m, j) => [
      ...Object.keys(m?.headers ?? {}).map(k => ({ k, field: `spec.http[${i}].match[${j}].headers['${k}']`, value: (m?.headers as { [k: string]: unknown })[k] })),
      ...Object.keys((m?.withoutHeaders as object | undefined) ?? {}).map(k => ({
        k, field: `spec.http[${i}].match[${j}].withoutHeaders['${k}']`, value: (m?.withoutHeaders as { [k: string]: unknown })[k],
      })),
    ].filter(x => x.k.startsWith('@request.auth.claims'))));
    if (keys.length === 0) return [];
    return gatewayRefs(vs, ctx).flatMap(g => {
      const gw = ctx.find('Gateway', NET, g.ns, g.gw);
      if (!gw) return [];
      const selector = (gw.manifest.spec as GatewaySpec | undefined)?.selector ?? {};
      const pods = Object.keys(selector).length > 0 ? ctx.podsSelectedBy(selector) : [];
      const covered = ctx.of('RequestAuthentication', 'security.istio.io').some(ra => {
        const sel = (ra.manifest.spec as { selector?: { matchLabels?: { [k: string]: string } } } | undefined)?.selector?.matchLabels;
        const raNs = ctx.namespaceOf(ra);
        const all = sel === undefined || Object.keys(sel).length === 0;
        if (pods.length > 0) {
          return pods.some(p => (raNs === ctx.meshConfig.rootNamespace || raNs === p.namespace) && (all || selects(sel, p.labels)));
        }
        // the gateway's pods are not among the objects: a RequestAuthentication selecting its labels covers them
        return (!all && selects(sel, selector)) || (all && [ctx.namespaceOf(gw), ctx.meshConfig.rootNamespace].includes(raNs));
      });
      return covered ? [] : [{
        object: vs,
        message: `VirtualService '${name(vs)}' routes on the JWT claim '${keys[0].k}' at gateway '${g.ref}', but no RequestAuthentication selects the gateway's pods (${JSON.stringify(selector)}): `
          + 'the claims are only available once a RequestAuthentication validates the token',
        field: keys[0].field,
        value: keys[0].value ?? null,
        fix: `add a RequestAuthentication in namespace '${pods[0]?.namespace ?? ctx.namespaceOf(gw)}' whose selector matches the gateway's pods (${JSON.stringify(selector)})`,
      }];
    });
  }),
};

/** Istio's `virtualservice` analyzers. */
export const VIRTUAL_SERVICE_ANALYZERS: Analyzer[] = [
  destinationHostNotFound, destinationPortRequired, ingressRulesNotAffected, subsetNotFound, conflictingMeshGatewayHosts,
  gatewayNotFound, hostNotInGateway, internalGatewayRef, jwtRoutingWithoutAuthn,
];
