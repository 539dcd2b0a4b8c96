import { DestinationRuleSpec, GatewaySpec, ServicePort, VirtualServiceSpec } from './types';
import { distinct, hostsMatch, idOf, isObj, list, nameOf, selects, selectorString, str, strMap, strs, toFqdn, SYSTEM_NAMESPACES } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, PodTemplateRef, RawFinding } from '../model';

/*
 * Kiali's validations of the traffic kinds (kiali/kiali business/checkers/{destinationrules,virtualservices,gateways,
 * serviceentries,sidecars,services,common}/), under Kiali's codes and severities (models/istio_validation.go; Kiali's
 * "unknown" severity is reported at Info), each on the object Kiali reports it on. Reimplemented from their reading.
 * Kiali's ambient checks (KIA0210–KIA0212, KIA1109–) are kiali-ambient.ts's; its mTLS ones kiali-security.ts's.
 */

const NET = 'networking.istio.io';
const name = nameOf;
const drSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as DestinationRuleSpec;
const vsSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as VirtualServiceSpec;
const CHECKERS = 'kiali/kiali business/checkers';
/** `'ns/name'` of an object. */
const ref = (ctx: AnalysisContext, o: AnalyzedObject) => `'${ctx.namespaceOf(o)}/${name(o)}'`;
/** Kubernetes' identity domain, as Kiali's host parsing assumes it. */
const DOMAIN = 'svc.cluster.local';

/** `a`, `a and b`, `a, b and c`. */
const and = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** Kiali's kubernetes.GetHost, as an FQDN: `svc.ns` (a known namespace) and `svc.ns.svc` complete to the cluster domain. */
function kialiHost(ctx: AnalysisContext, host: string, ns: string): string {
  const h = str(host);
  const parts = h.split('.');
  if (parts.length === 2 && (parts[1] === ns || ctx.namespace(parts[1]) !== undefined)) return `${h}.${DOMAIN}`;
  if (parts.length === 3 && parts[2] === 'svc') return `${h}.cluster.local`;
  return toFqdn(ns, h);
}

/** Pairs of objects that Kiali compares, leaving out one object in two files (alternatives, never both in the cluster). */
const sameIdentity = (a: AnalyzedObject, b: AnalyzedObject) => idOf(a) === idOf(b);

/** The namespaces an object is visible in (`exportTo`; `*` for all), as istiod scopes it. */
function scopesOf(ctx: AnalysisContext, o: AnalyzedObject): string[] {
  const exportTo = strs((o.manifest.spec as { exportTo?: unknown } | undefined)?.exportTo);
  if (exportTo.length === 0 || exportTo.includes('*')) return ['*'];
  return exportTo.filter(e => e !== '~').map(e => (e === '.' ? ctx.namespaceOf(o) : e));
}
/**
 * Two objects are visible in a common namespace. Kiali compares objects whatever their exportTo; istiod never puts
 * two objects that no namespace sees together into one proxy's configuration (istio/istio pilot/pkg/model/push_context.go
 * indexes VirtualServices, DestinationRules and ServiceEntries by the namespaces they are exported to), so
 * mesh-kit leaves those pairs out, as it does for IST0109.
 */
function visibleTogether(ctx: AnalysisContext, a: AnalyzedObject, b: AnalyzedObject): boolean {
  const [x, y] = [scopesOf(ctx, a), scopesOf(ctx, b)];
  return x.length > 0 && y.length > 0 && (x.includes('*') || y.includes('*') || x.some(n => y.includes(n)));
}

/** The findings of objects that collide with others: one per object, naming the others (in object order). */
type Pair = [AnalyzedObject, AnalyzedObject, string];
/** Where an object of a collision writes what collides (`spec.host`), and what is written there. */
type At = (o: AnalyzedObject) => { field: string; value: unknown };
function collisions(
  ctx: AnalysisContext, pairs: Pair[], message: (o: AnalyzedObject, others: string, what: string[]) => string, fix: string, at: At,
): RawFinding[] {
  const byObject = new Map<AnalyzedObject, { others: string[]; what: string[] }>();
  const add = (o: AnalyzedObject, other: AnalyzedObject, what: string) => {
    const e = byObject.get(o) ?? { others: [], what: [] };
    if (!e.others.includes(ref(ctx, other))) e.others.push(ref(ctx, other));
    if (!e.what.includes(what)) e.what.push(what);
    byObject.set(o, e);
  };
  for (const [a, b, what] of pairs) {
    add(a, b, what);
    add(b, a, what);
  }
  const order = new Map(ctx.objects.map((o, i) => [o, i]));
  return [...byObject].sort(([a], [b]) => order.get(a)! - order.get(b)!)
    .map(([o, e]) => ({ object: o, message: message(o, and(e.others), e.what), ...at(o), fix }));
}

// --- DestinationRules --------------------------------------------------------------------------------------------

/** Kiali leaves out of KIA0201 the rules that turn mTLS on mesh-wide (`*.local`) or namespace-wide (`*.<ns>.svc.cluster.local`). */
const mtlsWide = (ctx: AnalysisContext, dr: AnalyzedObject) => drSpec(dr).trafficPolicy?.tls?.mode === 'ISTIO_MUTUAL'
  && ['*.local', `*.${ctx.namespaceOf(dr)}.${DOMAIN}`].includes(str(drSpec(dr).host));

const drMultiMatch: Analyzer = {
  analyzer: 'kiali.DestinationRuleMultiMatchChecker',
  code: 'KIA0201',
  name: 'DestinationRulesMultiMatch',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA0201: more than one DestinationRule for the same host and subset (or one without subsets beside another of the host)',
  run: ctx => {
    const rules = distinct(ctx.of('DestinationRule', NET)).filter(dr => !mtlsWide(ctx, dr)).map(dr => ({
      dr,
      host: kialiHost(ctx, str(drSpec(dr).host), ctx.namespaceOf(dr)),
      subsets: list(drSpec(dr).subsets).map(s => str(s?.name)),
    }));
    const pairs: Pair[] = [];
    // by host; the wildcard ones against every other
    const byHost = new Map<string, typeof rules>();
    for (const r of rules) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
    const wild = rules.filter(r => r.host.startsWith('*'));
    for (let i = 0; i < rules.length; i++) {
      const a = rules[i];
      const candidates = a.host.startsWith('*') ? rules : [...(byHost.get(a.host) ?? []), ...wild];
      for (const b of new Set(candidates)) {
        if (rules.indexOf(b) <= i || sameIdentity(a.dr, b.dr)) continue;
        if (!(a.host === b.host || hostsMatch(a.host, b.host)) || !visibleTogether(ctx, a.dr, b.dr)) continue;
        // a rule with a workloadSelector applies to the workloads it selects only (istio/istio pilot/pkg/model/push_context.go
        // destinationRule): rules of different selectors never apply to one proxy together
        if (selectorString(drSpec(a.dr).workloadSelector?.matchLabels) !== selectorString(drSpec(b.dr).workloadSelector?.matchLabels)) continue;
        const shared = a.subsets.length === 0 || b.subsets.length === 0 ? [] : a.subsets.filter(s => b.subsets.includes(s));
        if (a.subsets.length > 0 && b.subsets.length > 0 && shared.length === 0) continue;
        pairs.push([a.dr, b.dr, shared.length > 0 ? `host '${str(drSpec(a.dr).host)}' subset${shared.length > 1 ? 's' : ''} ${shared.map(s => `'${s}'`).join(', ')}` : `host '${str(drSpec(a.dr).host)}'`]);
      }
    }
    return collisions(ctx, pairs, (o, others, what) => `DestinationRule '${name(o)}' and ${others} apply to the same ${what.join(', ')} (Kiali KIA0201, ${CHECKERS}/destinationrules/multi_match_checker.go): `
      + 'istiod merges them, keeping the first one\'s traffic policy and the first subset of a name (istio/istio pilot/pkg/model/destination_rule.go)',
    'keep one DestinationRule per host', o => ({ field: 'spec.host', value: str(drSpec(o).host) }));
  },
};

/** Whether a subset's labels pick a workload of the host (Kiali's hasMatchingWorkload): the Service's pods, or a ServiceEntry's endpoints. */
function subsetHasWorkload(ctx: AnalysisContext, dr: AnalyzedObject, labels: { [k: string]: string }): boolean {
  const host = str(drSpec(dr).host);
  if (host.startsWith('*')) return true;
  const entry = ctx.destinationHost(ctx.namespaceOf(dr), drSpec(dr).exportTo, host);
  if (!entry || entry.external) return true;
  const o = entry.object;
  if (o?.manifest.kind === 'Service') {
    const selector = strMap((o.manifest.spec as { selector?: unknown } | undefined)?.selector);
    return Object.keys(selector).length > 0 && ctx.anyPodSelectedBy({ ...selector, ...labels }, ctx.namespaceOf(o));
  }
  const spec = (o?.manifest.spec ?? {}) as { endpoints?: Array<{ labels?: unknown }> };
  return list(spec.endpoints).some(e => selects(labels, strMap(e?.labels)))
    || (entry.workloadSelector !== undefined && ctx.anyPodSelectedBy({ ...entry.workloadSelector, ...labels }, ctx.namespaceOf(o!)));
}

/** The subsets without labels of the DestinationRules whose host resolves, and whether a sibling subset's labels pick a workload. */
function subsetsWithoutLabels(ctx: AnalysisContext): Array<{ dr: AnalyzedObject; index: number; subset: string; sibling: boolean }> {
  return ctx.of('DestinationRule', NET).flatMap(dr => {
    const host = str(drSpec(dr).host);
    if (!host.startsWith('*') && !ctx.destinationHost(ctx.namespaceOf(dr), drSpec(dr).exportTo, host)) return [];
    const subsets = list(drSpec(dr).subsets);
    const sibling = subsets.some(s => Object.keys(strMap(s?.labels)).length > 0 && subsetHasWorkload(ctx, dr, strMap(s?.labels)));
    return subsets.flatMap((s, index) => (Object.keys(strMap(s?.labels)).length === 0 ? [{ dr, index, subset: str(s?.name), sibling }] : []));
  });
}
const noLabelsFinding = (x: { dr: AnalyzedObject; index: number; subset: string }): RawFinding => ({
  object: x.dr,
  message: `DestinationRule '${name(x.dr)}' subset '${x.subset}' (subsets[${x.index}]) has no labels (Kiali KIA0209, ${CHECKERS}/destinationrules/no_dest_checker.go): `
    + `it takes every endpoint of host '${str(drSpec(x.dr).host)}'`,
  field: `spec.subsets[${x.index}].labels`,
  value: x.subset,
  fix: 'give it the labels of the version it stands for',
});

const subsetNoLabels: Analyzer = {
  analyzer: 'kiali.DestinationRuleNoDestinationChecker',
  code: 'KIA0209',
  name: 'DestinationRuleSubsetNoLabels',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA0209: a DestinationRule subset has no labels, and no other subset of the rule picks a workload',
  run: ctx => subsetsWithoutLabels(ctx).filter(x => !x.sibling).map(noLabelsFinding),
};

const subsetNoLabelsBeside: Analyzer = {
  analyzer: 'kiali.DestinationRuleNoDestinationChecker',
  code: 'KIA0209',
  name: 'DestinationRuleSubsetNoLabels',
  level: FindingLevel.INFO,
  description: 'Kiali KIA0209 (at Kiali\'s unknown severity): a DestinationRule subset has no labels beside subsets that pick workloads',
  run: ctx => subsetsWithoutLabels(ctx).filter(x => x.sibling).map(noLabelsFinding),
};

/** Whether a DestinationRule writes TLS settings (top level or a port's). */
const hasTls = (dr: AnalyzedObject) => drSpec(dr).trafficPolicy?.tls !== undefined
  || list(drSpec(dr).trafficPolicy?.portLevelSettings).some(p => p?.tls !== undefined);

const mtlsOverridden: Analyzer = {
  analyzer: 'kiali.DestinationRuleTrafficPolicyChecker',
  code: 'KIA0204',
  name: 'DestinationRuleOverridesMeshMtls',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA0204: a DestinationRule without TLS settings for a host that a mesh-wide or namespace-wide ISTIO_MUTUAL DestinationRule covers',
  run: ctx => {
    const wide = ctx.of('DestinationRule', NET).filter(dr => mtlsWide(ctx, dr));
    if (wide.length === 0) return [];
    return ctx.of('DestinationRule', NET).filter(dr => !mtlsWide(ctx, dr) && !hasTls(dr)).flatMap(dr => {
      const fqdn = kialiHost(ctx, str(drSpec(dr).host), ctx.namespaceOf(dr));
      const hostNs = new RegExp(`^[^.]+\\.([^.]+)\\.${DOMAIN.replace(/\./g, '\\.')}$`).exec(fqdn)?.[1];
      const covering = wide.filter(w => str(drSpec(w).host) === '*.local' || (hostNs !== undefined && str(drSpec(w).host) === `*.${hostNs}.${DOMAIN}`));
      return covering.length === 0 ? [] : [{
        object: dr,
        message: `DestinationRule '${name(dr)}' for host '${str(drSpec(dr).host)}' writes no TLS settings, and overrides ${and(covering.map(w => ref(ctx, w)))}, which sends ISTIO_MUTUAL `
          + `(Kiali KIA0204, ${CHECKERS}/destinationrules/traffic_policy_checker.go): istiod applies the most specific host's rule only (istio/istio pilot/pkg/model/push_context.go destinationRule)`,
        field: 'spec.trafficPolicy.tls.mode',
        value: 'ISTIO_MUTUAL',
        fix: 'give it trafficPolicy.tls.mode ISTIO_MUTUAL',
      }];
    });
  },
};

// --- VirtualServices ---------------------------------------------------------------------------------------------

/** The gateway references of a VirtualService: `spec.gateways`, then each http match's. */
const gatewaysOf = (vs: AnalyzedObject): Array<{ gw: string; at: string }> => [
  ...strs(vsSpec(vs).gateways).map((gw, i) => ({ gw, at: `gateways[${i}]` })),
  ...list(vsSpec(vs).http).flatMap((r, i) => list(r?.match).flatMap((m, j) => strs(m?.gateways).map((gw, k) => ({ gw, at: `http[${i}].match[${j}].gateways[${k}]` })))),
];

const gatewayNomenclature: Analyzer = {
  analyzer: 'kiali.VirtualServiceNoGatewayChecker',
  code: 'KIA1108',
  name: 'VirtualServiceGatewayOldNomenclature',
  level: FindingLevel.INFO,
  description: 'Kiali KIA1108: a VirtualService names a gateway as name.namespace (or its FQDN); <namespace>/<name> is the preferred form',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => gatewaysOf(vs).filter(g => g.gw !== 'mesh' && g.gw.includes('.') && !g.gw.includes('/')).map(g => {
    const [gwName, rest] = [g.gw.slice(0, g.gw.indexOf('.')), g.gw.slice(g.gw.indexOf('.') + 1)];
    return {
      object: vs,
      message: `VirtualService '${name(vs)}' names gateway '${g.gw}' (${g.at}) in the legacy name.namespace form (Kiali KIA1108, ${CHECKERS}/virtualservices/no_gateway_checker.go): `
        + 'istiod still binds it (istio/istio pilot/pkg/model/config.go resolveGatewayName)',
      field: `spec.${g.at}`,
      value: g.gw,
      fix: `write '${rest.split('.')[0]}/${gwName}'`,
    };
  })),
};

/** Kiali's host key of a VirtualService host: namespace and service (`*` for a wildcard service), or the host itself. */
function vsHostKey(ctx: AnalysisContext, host: string, ns: string): string {
  if (str(host) === '*') return `${ns}|*`;
  const fqdn = kialiHost(ctx, host, ns);
  const m = new RegExp(`^([^.]+)\\.([^.]+)\\.${DOMAIN.replace(/\./g, '\\.')}$`).exec(fqdn);
  return m ? `${m[2]}|${m[1]}` : `|${fqdn}`;
}

const singleHost: Analyzer = {
  analyzer: 'kiali.VirtualServiceSingleHostChecker',
  code: 'KIA1106',
  name: 'VirtualServicesSingleHost',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1106: more than one VirtualService for the same host on the same gateway (for the mesh gateway, Istio\'s IST0109 reports it)',
  run: ctx => {
    // gateway -> namespace -> service -> VirtualServices (Kiali's hostCounter), `mesh` for the ones bound to no gateway
    const counter = new Map<string, Map<string, Map<string, AnalyzedObject[]>>>();
    /** The index in spec.hosts of each VirtualService's first host of a key (`ns|service`): the finding's field. */
    const hostIndex = new Map<AnalyzedObject, Map<string, number>>();
    for (const vs of distinct(ctx.of('VirtualService', NET))) {
      const ns = ctx.namespaceOf(vs);
      // the mesh gateway's (no gateways, or `mesh`) are Istio's IST0109 (virtualservice.ts), at Error: not twice
      const gateways = strs(vsSpec(vs).gateways).filter(g => g !== 'mesh');
      for (const [index, h] of strs(vsSpec(vs).hosts).entries()) {
        const key = vsHostKey(ctx, h, ns);
        const [hostNs, svc] = key.split('|');
        const indexes = hostIndex.get(vs) ?? new Map<string, number>();
        if (!indexes.has(key)) indexes.set(key, index);
        hostIndex.set(vs, indexes);
        for (const g of new Set(gateways)) {
          const gw = g === 'mesh' ? g : g.includes('/') ? (g.startsWith('./') ? `${ns}/${g.slice(2)}` : g) : `${ns}/${g}`;
          if (!counter.has(gw)) counter.set(gw, new Map());
          const byNs = counter.get(gw)!;
          if (!byNs.has(hostNs)) byNs.set(hostNs, new Map());
          const bySvc = byNs.get(hostNs)!;
          const l = bySvc.get(svc) ?? [];
          if (!l.includes(vs)) l.push(vs);
          bySvc.set(svc, l);
        }
      }
    }
    const pairs: Pair[] = [];
    /** The first host of each VirtualService that collides (its index in spec.hosts). */
    const first = new Map<AnalyzedObject, number>();
    const hit = (o: AnalyzedObject, key: string) => {
      const i = hostIndex.get(o)?.get(key);
      if (i !== undefined && (first.get(o) ?? Infinity) > i) first.set(o, i);
    };
    for (const [gw, byNs] of counter) {
      for (const [hostNs, bySvc] of byNs) {
        for (const [svc, vss] of bySvc) {
          const host = hostNs === '' ? svc : `${svc}.${hostNs}.${DOMAIN}`;
          const at = gw === 'mesh' ? 'in the mesh' : `on gateway '${gw}'`;
          const push = (a: AnalyzedObject, keyA: string, b: AnalyzedObject, keyB: string) => {
            if (a === b || !visibleTogether(ctx, a, b)) return;
            pairs.push([a, b, `host '${host}' ${at}`]);
            hit(a, keyA);
            hit(b, keyB);
          };
          const key = `${hostNs}|${svc}`;
          for (let i = 0; i < vss.length; i++) for (let j = i + 1; j < vss.length; j++) push(vss[i], key, vss[j], key);
          // a namespace wildcard (`*.ns.svc.cluster.local`, or `*` in the namespace) covers every other service of it
          if (svc === '*' || hostNs === '') continue;
          for (const w of bySvc.get('*') ?? []) for (const v of vss) push(w, `${hostNs}|*`, v, key);
        }
      }
    }
    return collisions(ctx, pairs, (o, others, what) => `VirtualService '${name(o)}' and ${others} define ${and(what)} (Kiali KIA1106, ${CHECKERS}/virtualservices/single_host_checker.go): `
      + 'which rules apply depends on how istiod merges them', 'keep one VirtualService per host and gateway',
    o => ({ field: `spec.hosts[${first.get(o) ?? 0}]`, value: strs(vsSpec(o).hosts)[first.get(o) ?? 0] }));
  },
};

// --- Gateways ----------------------------------------------------------------------------------------------------

const gatewayMultiMatch: Analyzer = {
  analyzer: 'kiali.GatewayMultiMatchChecker',
  code: 'KIA0301',
  name: 'GatewaysMultiMatch',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA0301: a host served twice on one port of the same gateway workload (in one Gateway or across Gateways)',
  run: ctx => {
    type H = { gw: AnalyzedObject; server: number; index: number; raw: string; host: string; target: string };
    const byKey = new Map<string, H[]>();
    for (const gw of distinct(ctx.of('Gateway', NET))) {
      const spec = (gw.manifest.spec ?? {}) as GatewaySpec;
      const selector = selectorString(strMap(spec.selector));
      list(spec.servers).forEach((s, server) => {
        const key = `${Number(s?.port?.number ?? 0)}|${selector}`;
        strs(s?.hosts).forEach((raw, index) => {
          const [target, host] = raw.includes('/') ? [raw.slice(0, raw.indexOf('/')), raw.slice(raw.indexOf('/') + 1)] : ['*', raw];
          byKey.set(key, [...(byKey.get(key) ?? []), { gw, server, index, raw, host: host.toLowerCase(), target: target === '.' ? ctx.namespaceOf(gw) : target }]);
        });
      });
    }
    const out = new Map<AnalyzedObject, string[]>();
    /** The first host of each Gateway served twice: the finding's field. */
    const first = new Map<AnalyzedObject, H>();
    const add = (h: H, other: H) => {
      const l = out.get(h.gw) ?? [];
      const f = first.get(h.gw);
      if (!f || h.server < f.server || (h.server === f.server && h.index < f.index)) first.set(h.gw, h);
      const text = `host '${h.host}' (servers[${h.server}]) is also served by ${other.gw === h.gw ? `servers[${other.server}]` : `${ref(ctx, other.gw)} servers[${other.server}]`}`;
      if (!l.includes(text)) l.push(text);
      out.set(h.gw, l);
    };
    // Kiali's findMatch: the same host, `*` against any host, or a `*.x` wildcard covering the other (two wildcards never)
    const match = (a: string, b: string) => a === '*' || b === '*' || a === b || (!(a.startsWith('*.') && b.startsWith('*.')) && hostsMatch(a, b));
    for (const [key, hosts] of byKey) {
      for (let i = 0; i < hosts.length; i++) {
        for (let j = i + 1; j < hosts.length; j++) {
          const [a, b] = [hosts[i], hosts[j]];
          if (a.target !== b.target && a.target !== '*' && b.target !== '*') continue;
          if (!match(a.host, b.host)) continue;
          if (a.gw !== b.gw && sameIdentity(a.gw, b.gw)) continue;
          add(a, b);
          add(b, a);
        }
      }
      void key;
    }
    const order = new Map(ctx.objects.map((o, i) => [o, i]));
    return [...out].sort(([a], [b]) => order.get(a)! - order.get(b)!).map(([gw, texts]) => ({
      object: gw,
      message: `Gateway '${name(gw)}': ${texts.join('; ')}, on the same port of the same workload (Kiali KIA0301, ${CHECKERS}/gateways/multi_match_checker.go): `
        + 'the gateway takes one server\'s settings for it',
      field: `spec.servers[${first.get(gw)!.server}].hosts[${first.get(gw)!.index}]`,
      value: first.get(gw)!.raw,
      fix: 'serve each host once per port',
    }));
  },
};

// --- Ports (Service, Gateway, ServiceEntry) -----------------------------------------------------------------------

/** The protocols Kiali accepts as a port name's prefix (kiali/kiali kubernetes/istio.go portProtocols). */
const PROTOCOLS = ['grpc', 'grpc-web', 'http', 'http2', 'https', 'mongo', 'redis', 'tcp', 'tls', 'udp', 'mysql'];
/** Kiali's MatchPortNameWithValidProtocols: `<protocol>` or `<protocol>-<suffix>`. */
const nameHasProtocol = (n: string) => PROTOCOLS.some(p => n.startsWith(p) && (n.toLowerCase() === p || n.slice(p.length).startsWith('-')));
/** Kiali's MatchPortAppProtocolWithValidProtocols. */
const appProtocolValid = (a: string) => [...PROTOCOLS, 'kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss'].includes(a.toLowerCase());
/** Kiali's MatchPortNameRule for a port with a protocol: the name begins with it (TCP and UDP: any name). */
function nameFollowsProtocol(portName: string, protocol: string): boolean {
  const p = protocol.toLowerCase();
  if (p === 'tcp' || p === 'udp') return true;
  return portName.startsWith(p) && (portName.length === p.length || portName.slice(p.length).startsWith('-'));
}

/**
 * Kiali's gateway and waypoint workloads (kiali/kiali config/config.go IsGateway, IsWaypoint): an `istio` label (any
 * value: a Helm gateway's is its name), an operator gateway component, a Gateway API gateway's labels, or a pod
 * injected with Istio's `gateway` template.
 */
const gatewayLabels = (l: { readonly [k: string]: string }) => l.istio !== undefined || l['gateway.istio.io/managed'] !== undefined
  || l['gateway.networking.k8s.io/gateway-name'] !== undefined || ['IngressGateways', 'EgressGateways'].includes(l['operator.istio.io/component'] ?? '');
const gatewayPod = (p: PodTemplateRef) => gatewayLabels(p.labels) || p.annotations['inject.istio.io/templates'] === 'gateway';
const gatewayService = (svc: AnalyzedObject) => gatewayLabels(svc.manifest.metadata.labels ?? {});

/**
 * The Services of Istio charts whose selected pods are in the mesh, gateways apart (Kiali checks their ports' names
 * only: a gateway's proxy is no sidecar to Kiali's Pods.HasIstioSidecar).
 */
function meshServices(ctx: AnalysisContext): AnalyzedObject[] {
  return ctx.of('Service', '').filter(svc => {
    const selector = strMap((svc.manifest.spec as { selector?: unknown } | undefined)?.selector);
    return svc.mesh === 'istio' && !gatewayService(svc) && Object.keys(selector).length > 0
      && ctx.podsSelectedBy(selector, ctx.namespaceOf(svc)).some(p => p.inMesh && !gatewayPod(p));
  });
}
const svcPorts = (svc: AnalyzedObject) => list((svc.manifest.spec as { ports?: ServicePort[] } | undefined)?.ports).filter(isObj) as ServicePort[];
const skipPorts = (svc: AnalyzedObject) => svc.manifest.metadata.labels?.kiali_wizard !== undefined;

const portName: Analyzer = {
  analyzer: 'kiali.PortChecker',
  code: 'KIA0601',
  name: 'PortNameMismatch',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0601: a port name does not follow <protocol>[-suffix] (a mesh Service\'s port without appProtocol, a Gateway server\'s or ServiceEntry\'s port against its protocol)',
  run: ctx => [
    ...meshServices(ctx).filter(s => !skipPorts(s)).flatMap(svc => svcPorts(svc).flatMap((p, i) => {
      if (str(p.protocol).toLowerCase() === 'udp' || p.appProtocol !== undefined || nameHasProtocol(str(p.name))) return [];
      return [{
        object: svc,
        message: `Service '${name(svc)}' port '${str(p.name)}' (ports[${i}], ${str(p.port)}) does not follow <protocol>[-suffix] and gives no appProtocol `
          + `(Kiali KIA0601, ${CHECKERS}/services/port_mapping_checker.go): Istio has to sniff its protocol (HTTP/1.1 and HTTP/2 only: a server-first protocol waits out the detection timeout)`,
        field: `spec.ports[${i}].name`,
        value: str(p.name),
        fix: `name it '${['http', 'grpc', 'tcp'].map(x => `${x}-${str(p.name) || 'web'}`).join('\', \'')}'... or set appProtocol`,
      }];
    })),
    ...ctx.of('Gateway', NET).flatMap(gw => list(((gw.manifest.spec ?? {}) as GatewaySpec).servers).flatMap((s, i) => (
      !isObj(s?.port) || nameFollowsProtocol(str(s.port.name), str(s.port.protocol)) ? [] : [{
        object: gw,
        message: `Gateway '${name(gw)}' servers[${i}] port '${str(s.port.name)}' does not begin with its protocol ${str(s.port.protocol)} `
          + `(Kiali KIA0601, ${CHECKERS}/gateways/port_checker.go)`,
        field: `spec.servers[${i}].port.name`,
        value: str(s.port.name),
        fix: `name it '${str(s.port.protocol).toLowerCase()}' or '${str(s.port.protocol).toLowerCase()}-<suffix>'`,
      }])),
    ),
    ...ctx.of('ServiceEntry', NET).flatMap(se => list(((se.manifest.spec ?? {}) as { ports?: unknown[] }).ports).flatMap((p, i) => (
      !isObj(p) || nameFollowsProtocol(str(p.name), str(p.protocol)) ? [] : [{
        object: se,
        message: `ServiceEntry '${name(se)}' port '${str(p.name)}' (ports[${i}]) does not begin with its protocol ${str(p.protocol)} `
          + `(Kiali KIA0601, ${CHECKERS}/serviceentries/port_checker.go)`,
        field: `spec.ports[${i}].name`,
        value: str(p.name),
        fix: `name it '${str(p.protocol).toLowerCase()}' or '${str(p.protocol).toLowerCase()}-<suffix>'`,
      }])),
    ),
  ],
};

const appProtocol: Analyzer = {
  analyzer: 'kiali.PortChecker',
  code: 'KIA0602',
  name: 'PortAppProtocolMismatch',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0602: a mesh Service port\'s appProtocol is not a protocol Istio recognizes',
  run: ctx => meshServices(ctx).filter(s => !skipPorts(s)).flatMap(svc => svcPorts(svc).flatMap((p, i) => (
    str(p.protocol).toLowerCase() === 'udp' || p.appProtocol === undefined || appProtocolValid(str(p.appProtocol)) ? [] : [{
      object: svc,
      message: `Service '${name(svc)}' port '${str(p.name)}' (ports[${i}]) has appProtocol '${str(p.appProtocol)}', which is not one of ${PROTOCOLS.join(', ')}, kubernetes.io/h2c, kubernetes.io/ws, kubernetes.io/wss `
        + `(Kiali KIA0602, ${CHECKERS}/services/port_mapping_checker.go): Istio does not read it as a protocol`,
      field: `spec.ports[${i}].appProtocol`,
      value: str(p.appProtocol),
      fix: 'write the protocol the port speaks, as one of those names (http, grpc, tcp...)',
    }])),
  ),
};


const deploymentPort: Analyzer = {
  analyzer: 'kiali.ServicePortMappingChecker',
  code: 'KIA0701',
  name: 'ServiceDeploymentPortMismatch',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA0701: a Service port whose target no container of the Deployment it selects exposes',
  run: ctx => {
    // the Deployments by each label of their pods or of their own (Kiali matches either), in the order of ctx.pods: a
    // Deployment a selector matches carries every label of the selector in one of the two, so the list of any one label
    // holds it (one lookup per Service, not a scan of every pod: 21,000 objects took 5 s)
    const byLabel = new Map<string, PodTemplateRef[]>();
    for (const p of ctx.pods) {
      if (p.object.manifest.kind !== 'Deployment') continue;
      const own = strMap(p.object.manifest.metadata.labels);
      for (const key of new Set([...Object.entries(p.labels), ...Object.entries(own)].map(([k, v]) => `${k}=${v}`))) {
        const withKey = byLabel.get(key);
        if (withKey) withKey.push(p);
        else byLabel.set(key, [p]);
      }
    }
    return ctx.of('Service', '').filter(svc => svc.mesh === 'istio' && !gatewayService(svc) && ctx.namespaceOf(svc) !== ctx.meshConfig.rootNamespace
      && !SYSTEM_NAMESPACES.has(ctx.namespaceOf(svc))).flatMap(svc => deploymentPortFindings(ctx, svc, byLabel));
  },
};

/** KIA0701 for one Service: its ports whose target no container of the first Deployment it selects declares. */
function deploymentPortFindings(ctx: AnalysisContext, svc: AnalyzedObject, byLabel: ReadonlyMap<string, PodTemplateRef[]>): RawFinding[] {
  const selector = strMap((svc.manifest.spec as { selector?: unknown } | undefined)?.selector);
  const keys = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
  if (keys.length === 0) return [];
  const candidates = keys.map(k => byLabel.get(k) ?? []).reduce((a, b) => (b.length < a.length ? b : a));
  // Kiali takes the first Deployment the selector matches (by its labels; here also by its pods', as the Service sees them)
  const deployment = candidates.find(p => p.namespace === ctx.namespaceOf(svc)
    && (selects(selector, p.labels) || selects(selector, strMap(p.object.manifest.metadata.labels))));
  if (!deployment || gatewayPod(deployment)) return [];
  const containerPorts = list(deployment.spec.containers as unknown[]).filter(isObj).flatMap(c => list(c.ports as unknown[]).filter(isObj));
  return svcPorts(svc).flatMap((p, i) => {
    const target = p.targetPort;
    // a named target resolves only through a container's port of that name; a number reaches the container whether
    // it is declared or not (Kubernetes core/v1 ContainerPort: "not specifying a port here DOES NOT prevent that port
    // from being exposed"), so a container that declares no port at all is left alone, where Kiali warns
    const exposed = typeof target === 'string' && target !== ''
      ? containerPorts.some(cp => cp.name === target)
      : containerPorts.length === 0 || containerPorts.some(cp => Number(cp.containerPort) === Number(typeof target === 'number' && target > 0 ? target : p.port));
    return exposed ? [] : [{
      object: svc,
      message: `Service '${name(svc)}' port ${str(p.port)} (ports[${i}]) targets ${typeof target === 'string' && target !== '' ? `port '${target}'` : `port ${str(typeof target === 'number' && target > 0 ? target : p.port)}`}, `
        + `which no container of Deployment '${name(deployment.object)}' declares (Kiali KIA0701, ${CHECKERS}/services/port_mapping_checker.go)`,
      field: target === undefined || target === '' ? `spec.ports[${i}].port` : `spec.ports[${i}].targetPort`,
      value: target === undefined || target === '' ? p.port : target,
      fix: typeof target === 'string' && target !== ''
        ? `name a container port '${target}' in Deployment '${name(deployment.object)}', or fix the targetPort`
        : `declare containerPort ${str(typeof target === 'number' && target > 0 ? target : p.port)} in Deployment '${name(deployment.object)}', or fix the targetPort`,
    }];
  });
}

// --- ServiceEntries ----------------------------------------------------------------------------------------------

function seHostPorts(ctx: AnalysisContext): Array<{ key: string; entries: Array<{ se: AnalyzedObject; protocol: string }> }> {
  const index = new Map<string, Array<{ se: AnalyzedObject; protocol: string }>>();
  for (const se of distinct(ctx.of('ServiceEntry', NET))) {
    const spec = (se.manifest.spec ?? {}) as { hosts?: unknown; ports?: unknown[] };
    for (const p of list(spec.ports).filter(isObj)) {
      for (const h of new Set(strs(spec.hosts).map(x => x.toLowerCase()))) {
        const key = `${h}|${str(p.number)}`;
        index.set(key, [...(index.get(key) ?? []), { se, protocol: str(p.protocol).toUpperCase() }]);
      }
    }
  }
  return [...index].filter(([, e]) => new Set(e.map(x => x.se)).size > 1).map(([key, entries]) => ({ key, entries }));
}
/**
 * Pairs of ServiceEntries visible together that declare one host and port with the same protocol (KIA1211). With
 * different protocols it is Kiali's KIA1212, which Istio's IST0177 (serviceentry.ts) already reports: not twice.
 */
const seCollisions = (ctx: AnalysisContext, conflict: boolean, code: string, why: string, fix: string) => collisions(ctx,
  seHostPorts(ctx).flatMap(g => {
    const [host, port] = g.key.split('|');
    return g.entries.flatMap((a, i) => g.entries.slice(i + 1)
      .filter(b => b.se !== a.se && (a.protocol !== b.protocol) === conflict && visibleTogether(ctx, a.se, b.se))
      .map((b): Pair => [a.se, b.se, `'${host}' port ${port}`]));
  }),
  (o, others, what) => `ServiceEntry '${name(o)}' and ${others} declare ${and(what)}${conflict ? ' with different protocols' : ''} (Kiali ${code}, ${CHECKERS}/serviceentries/multi_match_checker.go): ${why}`,
  fix, o => {
    // the first host of the entry that another entry declares too
    const hosts = strs(((o.manifest.spec ?? {}) as { hosts?: unknown }).hosts);
    const colliding = new Set(seHostPorts(ctx).filter(g => g.entries.some(e => e.se === o)).map(g => g.key.split('|')[0]));
    const i = Math.max(0, hosts.findIndex(h => colliding.has(h.toLowerCase())));
    return { field: `spec.hosts[${i}]`, value: hosts[i] };
  });

const seMultiMatch: Analyzer = {
  analyzer: 'kiali.ServiceEntryMultiMatchChecker',
  code: 'KIA1211',
  name: 'ServiceEntriesMultiMatch',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1211: more than one ServiceEntry for the same host and port',
  run: ctx => seCollisions(ctx, false, 'KIA1211', 'istiod keeps one of them for the host and port', 'declare each host and port once'),
};


// --- exportTo, Sidecars ------------------------------------------------------------------------------------------

/** Namespaces known to exist: Namespace objects, those objects live in, `default`, the system and root ones; a partial world's declared ones. */
function knownNamespace(ctx: AnalysisContext, ns: string): boolean {
  return ctx.namespaceExists(ns) || ns === 'default' || SYSTEM_NAMESPACES.has(ns) || ns === ctx.meshConfig.rootNamespace
    || ctx.objects.some(o => o.manifest.metadata.namespace === ns) || ctx.world === 'partial';
}

const exportToNamespace: Analyzer = {
  analyzer: 'kiali.ExportToNamespaceChecker',
  code: 'KIA0005',
  name: 'ExportToNamespaceNotFound',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0005: a VirtualService, DestinationRule or ServiceEntry exports to a namespace that does not exist (a closed world only)',
  run: ctx => ['VirtualService', 'DestinationRule', 'ServiceEntry'].flatMap(kind => ctx.of(kind, NET)).flatMap(o => {
    const missing = strs((o.manifest.spec as { exportTo?: unknown } | undefined)?.exportTo).map((ns, i) => ({ ns, i }))
      .filter(({ ns }) => ns !== '.' && ns !== '*' && !knownNamespace(ctx, ns));
    return missing.map(({ ns, i }) => ({
      object: o,
      message: `${o.manifest.kind} '${name(o)}' exports to namespace '${ns}' (exportTo[${i}]), which does not exist (Kiali KIA0005, ${CHECKERS}/common/export_to_namespace_checker.go)`,
      field: `spec.exportTo[${i}]`,
      value: ns,
      fix: `fix the name, or create namespace '${ns}'`,
    }));
  }).sort((a, b) => ctx.objects.indexOf(a.object) - ctx.objects.indexOf(b.object)),
};

/** An egress host of a Sidecar, and where the hosts it names are declared (visible to the Sidecar's namespace). */
interface EgressHost { sc: AnalyzedObject; host: string; at: string; field: string; from?: string; declaredIn: string[] }

/**
 * The `ns/host` egress hosts of the Sidecars that import nothing. istiod imports, for `ns/host`, the services of that
 * host declared in namespace ns (`.`: the Sidecar's, `*`: any) and exported to the Sidecar's namespace (istio/istio
 * pilot/pkg/model/sidecar.go selectServices, by the service's own namespace); Kiali looks the host up in the whole
 * registry. `declaredIn`: the namespaces that do declare it (visible to the Sidecar), when not the one named.
 */
function unimportedEgressHosts(ctx: AnalysisContext): EgressHost[] {
  const visibleTo = (scopes: string[], ns: string) => scopes.includes('*') || scopes.includes(ns);
  const serviceScopes = (svc: AnalyzedObject) => {
    const e = svc.manifest.metadata.annotations?.['networking.istio.io/exportTo'];
    return e === undefined ? ['*'] : e.split(',').map(x => x.trim()).map(x => (x === '.' ? ctx.namespaceOf(svc) : x));
  };
  const declared: Array<{ ns: string; host: string; scopes: string[] }> = [
    ...ctx.of('Service', '').map(svc => ({ ns: ctx.namespaceOf(svc), host: toFqdn(ctx.namespaceOf(svc), name(svc)), scopes: serviceScopes(svc) })),
    ...ctx.of('ServiceEntry', NET).flatMap(se => strs(((se.manifest.spec ?? {}) as { hosts?: unknown }).hosts)
      .map(h => ({ ns: ctx.namespaceOf(se), host: toFqdn(ctx.namespaceOf(se), h), scopes: scopesOf(ctx, se) }))),
  ];
  return ctx.of('Sidecar', NET).flatMap(sc => {
    const ns = ctx.namespaceOf(sc);
    const egress = list(((sc.manifest.spec ?? {}) as { egress?: Array<{ hosts?: unknown }> }).egress);
    return egress.flatMap((e, i) => strs(e?.hosts).flatMap((host, j): EgressHost[] => {
      if (!host.includes('/')) return [];
      const [hostNs, dns] = [host.slice(0, host.indexOf('/')), host.slice(host.indexOf('/') + 1)];
      // `ns/*` imports whatever the namespace has; `~/...` imports nothing on purpose
      if (dns === '*' || hostNs === '~') return [];
      const from = hostNs === '.' ? ns : hostNs === '*' ? undefined : hostNs;
      const fqdn = toFqdn(from ?? ns, dns);
      if (ctx.world === 'partial' && ((from !== undefined && ctx.namespace(from) === undefined) || ctx.destinationHost(ns, undefined, fqdn)?.external)) return [];
      const visible = declared.filter(d => visibleTo(d.scopes, ns) && hostsMatch(fqdn, d.host));
      if (visible.some(d => from === undefined || d.ns === from)) return [];
      return [{ sc, host, at: `egress[${i}] host '${host}' (hosts[${j}])`, field: `spec.egress[${i}].hosts[${j}]`, from, declaredIn: [...new Set(visible.map(d => d.ns))] }];
    }));
  });
}
const egressFix = `(Kiali KIA1004, ${CHECKERS}/sidecars/egress_listener_checker.go): the proxy gets no configuration for it`;

const sidecarEgressHost: Analyzer = {
  analyzer: 'kiali.SidecarEgressHostChecker',
  code: 'KIA1004',
  name: 'SidecarEgressServiceNotFound',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1004: a Sidecar egress host names no Service or ServiceEntry visible to the Sidecar\'s namespace',
  run: ctx => unimportedEgressHosts(ctx).filter(e => e.declaredIn.length === 0).map(e => ({
    object: e.sc,
    message: `Sidecar '${name(e.sc)}' ${e.at} names no Service or ServiceEntry visible to namespace '${ctx.namespaceOf(e.sc)}' ${egressFix}`,
    field: e.field,
    value: e.host,
    fix: 'fix the host, or declare it with a ServiceEntry',
  })),
};

const sidecarEgressElsewhere: Analyzer = {
  analyzer: 'kiali.SidecarEgressHostChecker',
  code: 'KIA1004',
  name: 'SidecarEgressServiceNotFound',
  level: FindingLevel.INFO,
  description: 'KIA1004 at Info (Kiali finds the host in its registry and reports nothing): a Sidecar egress host names a namespace that does not declare the host',
  run: ctx => unimportedEgressHosts(ctx).filter(e => e.declaredIn.length > 0).map(e => ({
    object: e.sc,
    message: `Sidecar '${name(e.sc)}' ${e.at}: namespace '${e.from}' does not declare it, ${e.declaredIn.map(n => `'${n}'`).join(', ')} does `
      + `${egressFix}, as istiod imports a host from the namespace named only (istio/istio pilot/pkg/model/sidecar.go selectServices; `
      + 'Kiali, which looks the whole registry up, reports nothing)',
    field: e.field,
    value: e.host,
    fix: `write '${e.declaredIn[0]}/${e.host.slice(e.host.indexOf('/') + 1)}' or '*/${e.host.slice(e.host.indexOf('/') + 1)}'`,
  })),
};

const globalSidecarSelector: Analyzer = {
  analyzer: 'kiali.SidecarGlobalChecker',
  code: 'KIA1006',
  name: 'GlobalSidecarWithSelector',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1006: a Sidecar of the root namespace (the mesh-wide default) has a workloadSelector',
  run: ctx => ctx.of('Sidecar', NET).filter(sc => ctx.namespaceOf(sc) === ctx.meshConfig.rootNamespace
    && Object.keys(strMap(((sc.manifest.spec ?? {}) as { workloadSelector?: { labels?: unknown } }).workloadSelector?.labels)).length > 0)
    .map(sc => ({
      object: sc,
      message: `Sidecar '${name(sc)}' in the root namespace '${ctx.meshConfig.rootNamespace}' has a workloadSelector (Kiali KIA1006, ${CHECKERS}/sidecars/global_checker.go): `
      + 'the mesh-wide default Sidecar should select no workload',
      field: 'spec.workloadSelector.labels',
      value: strMap(((sc.manifest.spec ?? {}) as { workloadSelector?: { labels?: unknown } }).workloadSelector?.labels),
      fix: 'drop the selector, or move the Sidecar to the workloads\' namespace',
    })),
};

const ambiguousOutbound: Analyzer = {
  analyzer: 'kiali.SidecarOutboundTrafficPolicyModeChecker',
  code: 'KIA1007',
  name: 'SidecarOutboundTrafficPolicyModeAmbiguous',
  level: FindingLevel.INFO,
  description: 'Kiali KIA1007 (at Kiali\'s unknown severity): a Sidecar\'s outboundTrafficPolicy without a mode',
  run: ctx => ctx.of('Sidecar', NET).filter(sc => {
    const policy = ((sc.manifest.spec ?? {}) as { outboundTrafficPolicy?: unknown }).outboundTrafficPolicy;
    return isObj(policy) && (policy.mode === undefined || policy.mode === '');
  }).map(sc => ({
    object: sc,
    message: `Sidecar '${name(sc)}' has an outboundTrafficPolicy without a mode (Kiali KIA1007, ${CHECKERS}/sidecars/outbound_traffic_policy_mode.go): `
      + 'istiod takes the mesh\'s mode only when the Sidecar has no outboundTrafficPolicy (istio/istio pilot/pkg/model/sidecar.go), so this one is REGISTRY_ONLY, '
      + 'the mode\'s zero value',
    field: 'spec.outboundTrafficPolicy',
    value: ((sc.manifest.spec ?? {}) as { outboundTrafficPolicy?: unknown }).outboundTrafficPolicy,
    fix: 'write the mode: ALLOW_ANY or REGISTRY_ONLY',
  })),
};

const WORKLOAD_GROUP = 'WorkloadGroup';
const wgSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as { metadata?: { labels?: unknown }; template?: { serviceAccount?: unknown } };

const wgServiceAccount: Analyzer = {
  analyzer: 'kiali.WorkloadGroupServiceAccountsChecker',
  code: 'KIA1701',
  name: 'WorkloadGroupServiceAccountNotFound',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1701: a WorkloadGroup\'s template names a ServiceAccount its namespace does not have',
  run: ctx => ctx.of(WORKLOAD_GROUP, NET).flatMap(wg => {
    const sa = str(wgSpec(wg).template?.serviceAccount);
    const ns = ctx.namespaceOf(wg);
    // a partial world (an app) knows the ServiceAccounts of the namespaces it creates only
    if (sa === '' || ctx.find('ServiceAccount', '', ns, sa) || (ctx.world === 'partial' && ctx.namespace(ns) === undefined)) return [];
    return [{
      object: wg,
      message: `WorkloadGroup '${name(wg)}' template names ServiceAccount '${sa}', which namespace '${ns}' does not have `
        + `(Kiali KIA1701, ${CHECKERS}/workloadgroups/service_accounts_checker.go): its workloads cannot get that identity`,
      field: 'spec.template.serviceAccount',
      value: sa,
      fix: `create ServiceAccount '${sa}' in namespace '${ns}', or fix the name`,
    }];
  }),
};

const wgDuplicateLabels: Analyzer = {
  analyzer: 'kiali.WorkloadGroupDuplicateLabelsChecker',
  code: 'KIA1702',
  name: 'WorkloadGroupsDuplicateLabels',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1702: WorkloadGroups of one namespace give their workloads the same labels',
  run: ctx => {
    const groups = distinct(ctx.of(WORKLOAD_GROUP, NET)).filter(wg => isObj(wgSpec(wg).metadata));
    const pairs: Pair[] = [];
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const [a, b] = [groups[i], groups[j]];
        const labels = selectorString(strMap(wgSpec(a).metadata?.labels));
        if (ctx.namespaceOf(a) === ctx.namespaceOf(b) && labels === selectorString(strMap(wgSpec(b).metadata?.labels))) pairs.push([a, b, labels]);
      }
    }
    return collisions(ctx, pairs, (o, others, what) => `WorkloadGroup '${name(o)}' and ${others} give their workloads the same labels '${what.join('')}' `
      + `(Kiali KIA1702, ${CHECKERS}/workloadgroups/duplicate_labels_checker.go): Services and policies cannot tell their workloads apart`,
    'give each group its own labels', o => ({ field: 'spec.metadata.labels', value: strMap(wgSpec(o).metadata?.labels) }));
  },
};

/** Kiali's validations of the traffic kinds. */
export const KIALI_TRAFFIC_ANALYZERS: Analyzer[] = [
  drMultiMatch, subsetNoLabels, subsetNoLabelsBeside, mtlsOverridden, gatewayNomenclature, singleHost, gatewayMultiMatch,
  portName, appProtocol, deploymentPort, seMultiMatch, exportToNamespace,
  sidecarEgressHost, sidecarEgressElsewhere, globalSidecarSelector, ambiguousOutbound, wgServiceAccount, wgDuplicateLabels,
];
