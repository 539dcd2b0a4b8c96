/**
 * Checks of Istio's ambient mode that `istioctl analyze` does not make (IST0167, a Sidecar under ambient, and IST0123,
 * a namespace enrolled two ways, are Istio's own, in sidecar.ts and injection.ts): what ztunnel cannot enforce, L7
 * configuration no waypoint applies, `istio.io/use-waypoint` naming no waypoint or one that does not admit its namespace,
 * sidecar-only configuration. Their codes are mesh-kit's (MK), each message citing Istio's ambient documentation for the
 * behaviour.
 *
 * @module
 */
import { kialiReportsPolicy, kialiReportsVirtualService, workloadWaypointMissing } from './kiali-ambient';
import { isObj, list, nameOf, specOf, strMap, strs } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, PodTemplateRef, RawFinding } from '../model';

const SEC = 'security.istio.io';
const NET = 'networking.istio.io';
const GW = 'gateway.networking.k8s.io';
const name = nameOf;

/** A namespace enrolled in ambient mode (and not also injected). */
export function ambientNamespace(ctx: AnalysisContext, ns: string): boolean {
  const l = ctx.namespace(ns)?.manifest.metadata.labels ?? {};
  return l['istio.io/dataplane-mode'] === 'ambient' && (l['istio-injection'] === undefined || l['istio-injection'] === 'disabled');
}

/** A pod captured by ztunnel: enrolled by its namespace or its own label, not kept out, without a sidecar. */
function ambientPod(ctx: AnalysisContext, p: PodTemplateRef): boolean {
  const own = p.labels['istio.io/dataplane-mode'];
  if (own === 'none' || p.labels['sidecar.istio.io/inject'] === 'true') return false;
  return own === 'ambient' || ambientNamespace(ctx, p.namespace);
}

/** An attribute only L7 can evaluate: as the message names it, where it is written and what is written there. */
interface L7Attribute {
  readonly what: string;
  readonly field: string;
  readonly value: unknown;
}

/** The first attribute of an AuthorizationPolicy only L7 can evaluate (methods, paths, hosts, JWT principals, request conditions). */
function l7AttributeOf(spec: { [k: string]: unknown }): L7Attribute | undefined {
  if (spec.action === 'CUSTOM' || spec.action === 'AUDIT') return { what: `action ${String(spec.action)}`, field: 'spec.action', value: spec.action };
  for (const [i, r] of list(spec.rules as unknown[]).entries()) {
    if (!isObj(r)) continue;
    for (const [j, f] of list(r.from as unknown[]).entries()) {
      const s = isObj(f) && isObj(f.source) ? f.source : {};
      for (const k of ['requestPrincipals', 'notRequestPrincipals']) {
        if (strs(s[k]).length > 0) return { what: `from.source.${k}`, field: `spec.rules[${i}].from[${j}].source.${k}`, value: s[k] };
      }
    }
    for (const [j, t] of list(r.to as unknown[]).entries()) {
      const op = isObj(t) && isObj(t.operation) ? t.operation : {};
      for (const k of ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts']) {
        if (strs(op[k]).length > 0) return { what: `to.operation.${k}`, field: `spec.rules[${i}].to[${j}].operation.${k}`, value: op[k] };
      }
    }
    for (const [j, w] of list(r.when as unknown[]).entries()) {
      const key = isObj(w) ? String(w.key) : '';
      if (key.startsWith('request.')) return { what: `when ${key}`, field: `spec.rules[${i}].when[${j}].key`, value: key };
    }
  }
  return undefined;
}

const targetsOf = (spec: { [k: string]: unknown }) =>
  [...(isObj(spec.targetRef) ? [spec.targetRef] : []), ...list(spec.targetRefs as unknown[]).filter(isObj)];

const l7OnZtunnel: Analyzer = {
  analyzer: 'meshkit.AmbientPolicyChecker',
  code: 'MK0005',
  name: 'L7PolicyOnAmbientWorkload',
  level: FindingLevel.ERROR,
  description: 'an AuthorizationPolicy with L7 rules, or a RequestAuthentication, selects ambient pods (or a whole ambient namespace): ztunnel enforces it, '
    + 'cannot evaluate L7, and denies what the rule would match; target the Service or its waypoint (targetRefs) instead (where Kiali\'s KIA0110 / KIA1115 '
    + 'do not report it)',
  run: ctx => [...ctx.of('AuthorizationPolicy', SEC), ...ctx.of('RequestAuthentication', SEC)].flatMap(o => {
    const spec = specOf(o);
    // Kiali's KIA0110 / KIA1115 report the same mistake on the same object: its code, with MK0005 an alias (kiali-ambient.ts)
    if (targetsOf(spec).length > 0 || kialiReportsPolicy(ctx, o, 'targetRefs')) return [];
    const attr = o.manifest.kind === 'RequestAuthentication'
      ? { what: 'JWT validation', field: 'spec.jwtRules', value: spec.jwtRules ?? [] }
      : l7AttributeOf(spec);
    if (!attr) return [];
    const ns = ctx.namespaceOf(o);
    const selector = isObj(spec.selector) ? strMap(spec.selector.matchLabels) : undefined;
    const pods = selector && Object.keys(selector).length > 0 ? ctx.podsSelectedBy(selector, ns) : undefined;
    const applies = pods ? pods.length > 0 && pods.every(p => ambientPod(ctx, p)) : ambientNamespace(ctx, ns);
    return applies ? [{
      object: o,
      message: `${o.manifest.kind} '${name(o)}' applies ${attr.what} to ${pods ? 'ambient pods' : `ambient namespace '${ns}'`} by ${pods ? 'selector' : 'default'}: `
        + 'ztunnel enforces it and cannot evaluate L7, so it denies the requests (Istio: ambient L7 policy needs a waypoint) (mesh-kit MK0005)',
      field: attr.field,
      value: attr.value,
      fix: `${pods ? 'replace spec.selector with' : 'add'} targetRefs to the Service or its waypoint, so that the waypoint enforces ${attr.what}`,
    }] : [];
  }),
};

/** The waypoint a Service uses: its own label, else its namespace's. */
function waypointOf(ctx: AnalysisContext, svc: AnalyzedObject): string | undefined {
  return waypointRefOf(ctx, svc)?.name;
}

/**
 * The waypoint (`namespace/name`) a Service uses: its own `istio.io/use-waypoint` label, else its namespace's, in the
 * namespace `istio.io/use-waypoint-namespace` of the same object names (default: the Service's).
 */
export function waypointRefOf(ctx: AnalysisContext, svc: AnalyzedObject): { name: string; namespace: string } | undefined {
  const ns = ctx.namespaceOf(svc);
  for (const labels of [svc.manifest.metadata.labels ?? {}, ctx.namespace(ns)?.manifest.metadata.labels ?? {}]) {
    const wp = labels['istio.io/use-waypoint'];
    if (wp === undefined) continue;
    return wp === 'none' ? undefined : { name: wp, namespace: labels['istio.io/use-waypoint-namespace'] ?? ns };
  }
  return undefined;
}

const noWaypoint: Analyzer = {
  analyzer: 'meshkit.AmbientPolicyChecker',
  code: 'MK0006',
  name: 'L7ConfigWithoutWaypoint',
  level: FindingLevel.ERROR,
  description: 'an HTTPRoute, AuthorizationPolicy or RequestAuthentication attached to a Service of an ambient namespace that uses no waypoint: nothing applies it '
    + '(where Kiali\'s KIA0109 / KIA1110 do not report it)',
  run: ctx => {
    const out: RawFinding[] = [];
    const check = (o: AnalyzedObject, ref: unknown, field: string, what: string) => {
      if (!isObj(ref) || ref.kind !== 'Service' || (ref.group ?? '') !== '') return;
      const ns = typeof ref.namespace === 'string' ? ref.namespace : ctx.namespaceOf(o);
      const svc = ctx.find('Service', '', ns, String(ref.name));
      if (!svc || !ambientNamespace(ctx, ns) || waypointOf(ctx, svc) !== undefined) return;
      out.push({
        object: o,
        message: `${o.manifest.kind} '${name(o)}' ${what} Service '${ns}/${String(ref.name)}', which uses no waypoint: under ambient mode only a waypoint applies it `
          + '(ztunnel is L4) (mesh-kit MK0006)',
        field,
        value: ref,
        fix: `label Service '${ns}/${String(ref.name)}' or namespace '${ns}' istio.io/use-waypoint=<the name of a waypoint Gateway of class istio-waypoint>`,
      });
    };
    for (const r of ctx.of('HTTPRoute', GW)) list(specOf(r).parentRefs as unknown[]).forEach((p, i) => check(r, p, `spec.parentRefs[${i}]`, 'routes traffic of'));
    for (const o of [...ctx.of('AuthorizationPolicy', SEC), ...ctx.of('RequestAuthentication', SEC)]) {
      // Kiali's KIA0109 / KIA1110 report the same mistake on the same object: its code, with MK0006 an alias (kiali-ambient.ts)
      if (kialiReportsPolicy(ctx, o, 'waypoint')) continue;
      const spec = specOf(o);
      if (isObj(spec.targetRef)) check(o, spec.targetRef, 'spec.targetRef', 'targets');
      list(spec.targetRefs as unknown[]).forEach((t, i) => check(o, t, `spec.targetRefs[${i}]`, 'targets'));
    }
    return out;
  },
};

const waypointNotFound: Analyzer = {
  analyzer: 'meshkit.AmbientPolicyChecker',
  code: 'MK0007',
  name: 'WaypointNotFound',
  level: FindingLevel.ERROR,
  description: 'istio.io/use-waypoint names no waypoint (a Gateway of class istio-waypoint), or one that does not serve traffic addressed to Services',
  run: ctx => [...ctx.of('Service', ''), ...ctx.of('Namespace', '')].flatMap(o => {
    const labels = o.manifest.metadata.labels ?? {};
    const wp = labels['istio.io/use-waypoint'];
    if (wp === undefined || wp === 'none') return [];
    const ns = labels['istio.io/use-waypoint-namespace'] ?? (o.manifest.kind === 'Namespace' ? name(o) : ctx.namespaceOf(o));
    // a partial world (an app) knows the Gateways of the namespaces it creates only
    if (ctx.world === 'partial' && ctx.namespace(ns) === undefined) return [];
    const gw = ctx.find('Gateway', GW, ns, wp);
    const cls = gw ? specOf(gw).gatewayClassName : undefined;
    if (!gw || cls !== 'istio-waypoint') {
      // a namespace's workloads that follow its label: Kiali's KIA1313 reports each of them (kiali-ambient.ts), MK0007 its alias
      const follows = (p: PodTemplateRef) => p.labels['istio.io/use-waypoint'] === undefined && p.labels['istio.io/dataplane-mode'] !== 'none';
      if (o.manifest.kind === 'Namespace' && ctx.podsIn(name(o)).some(p => follows(p) && workloadWaypointMissing(ctx, p))) return [];
      return [{
        object: o,
        message: `${o.manifest.kind} '${name(o)}' uses waypoint '${ns}/${wp}', but there is no Gateway of class istio-waypoint by that name`
          + `${gw ? ` (Gateway '${ns}/${wp}' has class '${String(cls)}')` : ''} (mesh-kit MK0007)`,
        field: 'metadata.labels[\'istio.io/use-waypoint\']',
        value: wp,
        fix: gw
          ? `set gatewayClassName istio-waypoint on Gateway '${ns}/${wp}', or set istio.io/use-waypoint to the name of a waypoint`
          : `create a waypoint Gateway '${wp}' of class istio-waypoint in namespace '${ns}' (istioctl waypoint apply -n ${ns} --name ${wp}), or set istio.io/use-waypoint to the name of an existing one`,
      }];
    }
    const servesFor = gw.manifest.metadata.labels?.['istio.io/waypoint-for'] ?? 'service';
    return o.manifest.kind === 'Service' && servesFor !== 'service' && servesFor !== 'all' ? [{
      object: o,
      message: `Service '${name(o)}' uses waypoint '${ns}/${wp}', which serves ${servesFor} traffic, not traffic addressed to Services (istio.io/waypoint-for) (mesh-kit MK0007)`,
      field: 'metadata.labels[\'istio.io/use-waypoint\']',
      value: wp,
      fix: `label Gateway '${ns}/${wp}' istio.io/waypoint-for=service (or all), or use a waypoint that serves Services`,
    }] : [];
  }),
};

/**
 * Whether a Kubernetes label selector (`matchLabels`, `matchExpressions`) matches `labels`: undefined when it names a key
 * whose value is not known. An empty selector matches every namespace, a missing one none (`LabelSelectorAsSelector`).
 */
export function selectorMatches(selector: unknown, labels: { readonly [k: string]: string }, known: (key: string) => boolean): boolean | undefined {
  if (!isObj(selector)) return false;
  const matchLabels = strMap(selector.matchLabels);
  const expressions = list(selector.matchExpressions as unknown[]).filter(isObj);
  if ([...Object.keys(matchLabels), ...expressions.map(e => String(e.key))].some(k => !known(k))) return undefined;
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v) && expressions.every(e => {
    const v = labels[String(e.key)];
    const values = strs(e.values);
    switch (e.operator) {
      case 'In': return v !== undefined && values.includes(v);
      case 'NotIn': return v === undefined || !values.includes(v);
      case 'Exists': return v !== undefined;
      case 'DoesNotExist': return v === undefined;
      default: return false;
    }
  });
}

/**
 * Whether a waypoint admits users of namespace `ns`, as istiod decides (istio/istio
 * `pilot/pkg/serviceregistry/ambient/waypoints.go`: `makeAllowedRoutes` reads the HBONE listener on 15008, `Same` without
 * one or without `allowedRoutes`; `AllowsAttachmentFromNamespace`); undefined when the namespace's labels are not known.
 */
function waypointAdmits(ctx: AnalysisContext, gw: AnalyzedObject, ns: string): { admitted: boolean | undefined; from: string } {
  const listener = list(specOf(gw).listeners as unknown[]).filter(isObj).find(l => l.protocol === 'HBONE' && l.port === 15008);
  const allowed = listener && isObj(listener.allowedRoutes) ? listener.allowedRoutes : undefined;
  const namespaces = allowed && isObj(allowed.namespaces) ? allowed.namespaces : undefined;
  const from = typeof namespaces?.from === 'string' ? namespaces.from : 'Same';
  if (from === 'All') return { admitted: true, from };
  if (from !== 'Selector') return { admitted: ns === ctx.namespaceOf(gw), from };
  const nsObject = ctx.namespace(ns);
  // Kubernetes labels every namespace with its name; other labels are known only from the Namespace object
  const labels = { ...(nsObject?.manifest.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns };
  return { admitted: selectorMatches(namespaces?.selector, labels, k => nsObject !== undefined || k === 'kubernetes.io/metadata.name'), from };
}

const waypointNotAdmitted: Analyzer = {
  analyzer: 'meshkit.AmbientPolicyChecker',
  code: 'MK0023',
  name: 'WaypointAttachmentDenied',
  level: FindingLevel.ERROR,
  description: 'istio.io/use-waypoint names a waypoint whose mesh listener (allowedRoutes) does not admit the namespace of the Service or namespace '
    + 'that uses it: Istio refuses the binding and no waypoint processes its traffic',
  run: ctx => [...ctx.of('Service', ''), ...ctx.of('Namespace', '')].flatMap(o => {
    const labels = o.manifest.metadata.labels ?? {};
    const wp = labels['istio.io/use-waypoint'];
    if (wp === undefined || wp === 'none') return [];
    const userNs = o.manifest.kind === 'Namespace' ? name(o) : ctx.namespaceOf(o);
    const ns = labels['istio.io/use-waypoint-namespace'] ?? userNs;
    if (ctx.world === 'partial' && ctx.namespace(ns) === undefined) return [];
    const gw = ctx.find('Gateway', GW, ns, wp);
    // no such waypoint is MK0007
    if (!gw || specOf(gw).gatewayClassName !== 'istio-waypoint') return [];
    const { admitted, from } = waypointAdmits(ctx, gw, userNs);
    return admitted === false ? [{
      object: o,
      message: `${o.manifest.kind} '${name(o)}'${o.manifest.kind === 'Namespace' ? '' : ` of namespace '${userNs}'`} uses waypoint '${ns}/${wp}', whose mesh listener does not admit that namespace `
        + `(allowedRoutes.namespaces.from: ${from}): Istio refuses the binding and no waypoint processes its traffic (mesh-kit MK0023)`,
      field: 'metadata.labels[\'istio.io/use-waypoint\']',
      value: wp,
      fix: `admit namespace '${userNs}' on waypoint '${ns}/${wp}' (Waypoint allowedNamespaces, or allowedRoutes on its HBONE listener), or use a waypoint of namespace '${userNs}'`,
    }] : [];
  }),
};

/** The Services of ambient namespaces that a host of namespace `ns` names. */
function ambientServiceOf(ctx: AnalysisContext, ns: string, host: string): AnalyzedObject | undefined {
  const [svc, svcNs = ns] = host.split('.');
  const found = ctx.find('Service', '', svcNs, svc);
  return found && ambientNamespace(ctx, svcNs) ? found : undefined;
}

const sidecarOnly: Analyzer = {
  analyzer: 'meshkit.AmbientPolicyChecker',
  code: 'MK0008',
  name: 'SidecarOnlyConfigUnderAmbient',
  level: FindingLevel.WARNING,
  description: 'an EnvoyFilter selecting only ambient pods: there is no sidecar to patch, so it has no effect',
  run: ctx => ctx.of('EnvoyFilter', NET).flatMap(ef => {
    const sel = isObj(specOf(ef).workloadSelector) ? strMap((specOf(ef).workloadSelector as { labels?: unknown }).labels) : undefined;
    if (!sel || Object.keys(sel).length === 0) return [];
    const pods = ctx.podsSelectedBy(sel, ctx.namespaceOf(ef));
    return pods.length > 0 && pods.every(p => ambientPod(ctx, p)) ? [{
      object: ef,
      message: `EnvoyFilter '${name(ef)}' selects ambient pods, which have no sidecar to patch: it has no effect (mesh-kit MK0008)`,
      field: 'spec.workloadSelector.labels',
      value: sel,
      fix: 'select the waypoint proxy that serves these workloads instead, or remove the EnvoyFilter',
    }] : [];
  }),
};

/*
 * Istio's own API for routing (VirtualService, DestinationRule subsets) aimed at an ambient Service that a waypoint
 * serves: waypoints apply it, as an alpha feature (istio.io docs, ambient/usage/l7-features: "VirtualService ... alpha").
 * Kiali accepts it (business/checkers/ambient_policy_checker.go: a captured destination, the CR in its namespace, gives no
 * check), so it is advice at Info, never a warning; what Kiali does report (KIA1109, KIA1113, KIA1114, KIA0210–KIA0212)
 * is kiali-ambient.ts.
 */
const alphaApiUnderAmbient: Analyzer = {
  analyzer: 'meshkit.AmbientPolicyChecker',
  code: 'MK0024',
  name: 'AlphaApiUnderAmbient',
  level: FindingLevel.INFO,
  description: 'a VirtualService or DestinationRule subsets for an ambient Service: its waypoint applies them as an alpha feature of Istio; '
    + 'an HTTPRoute attached to the Service, with a Service per version, is the stable form',
  run: ctx => {
    const out: RawFinding[] = [];
    for (const dr of ctx.of('DestinationRule', NET)) {
      const spec = specOf(dr);
      if (list(spec.subsets as unknown[]).length > 0 && ambientServiceOf(ctx, ctx.namespaceOf(dr), String(spec.host ?? ''))) {
        out.push({
          object: dr,
          message: `DestinationRule '${name(dr)}' has subsets for '${String(spec.host)}', an ambient service: its waypoint routes by subset as an alpha feature of Istio `
            + '(mesh-kit MK0024)',
          field: 'spec.subsets',
          value: list(spec.subsets as unknown[]).map(x => (isObj(x) ? x.name : x)),
          fix: `route '${String(spec.host)}' by version with a Service per version and an HTTPRoute attached to the Service, the stable form`,
        });
      }
    }
    for (const vs of ctx.of('VirtualService', NET)) {
      const spec = specOf(vs);
      // Kiali's KIA1109 / KIA1113 / KIA1114 report the VirtualServices that do not take effect (kiali-ambient.ts)
      if (strs(spec.gateways).some(g => g !== 'mesh') || kialiReportsVirtualService(ctx, vs)) continue;
      const hosts = list(spec.hosts as unknown[]);
      const k = hosts.findIndex(h => typeof h === 'string' && ambientServiceOf(ctx, ctx.namespaceOf(vs), h));
      if (k >= 0) {
        const host = String(hosts[k]);
        out.push({
          object: vs,
          message: `VirtualService '${name(vs)}' routes '${host}', an ambient service: its waypoint applies VirtualServices as an alpha feature of Istio (mesh-kit MK0024)`,
          field: `spec.hosts[${k}]`,
          value: host,
          fix: `route '${host}' with an HTTPRoute attached to the Service (parentRefs kind Service), the stable form`,
        });
      }
    }
    return out;
  },
};

/** mesh-kit's checks of ambient mode. */
export const AMBIENT_ANALYZERS: Analyzer[] = [l7OnZtunnel, noWaypoint, waypointNotFound, sidecarOnly, alphaApiUnderAmbient, waypointNotAdmitted];
