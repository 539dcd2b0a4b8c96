/**
 * Kiali's checks of Istio's ambient mode (codes, levels and texts: kiali/kiali `models/istio_validation.go`):
 *
 * - L7 configuration in an ambient namespace that no waypoint applies, from `business/checkers/ambient_policy_checker.go`
 *   with the L4/L7 classification of `business/checkers/ambient/l7_classification.go`: AuthorizationPolicy (KIA0109,
 *   KIA0110), DestinationRule (KIA0210–KIA0212), VirtualService (KIA1109, KIA1113, KIA1114), RequestAuthentication
 *   (KIA1110, KIA1115), WasmPlugin (KIA1111, KIA1116), Telemetry (KIA1112, KIA1117);
 * - workloads enrolled two ways or using a waypoint they cannot, from `business/checkers/ambient/ambient_workload_checker.go`
 *   (KIA1311–KIA1317), reported on the workload (Deployment, StatefulSet, Pod...).
 *
 * Before a cluster exists, a namespace is ambient when its Namespace object is labelled `istio.io/dataplane-mode: ambient`
 * (Kiali's `IsDataplaneAmbientNamespace`), a waypoint exists when a Gateway of class `istio-waypoint` does, and a
 * workload's pods are its pod template. Where mesh-kit's own MK0005–MK0008 (ambient.ts) make the same finding on the same
 * object, Kiali's code is reported and the MK code is its alias in suppressions ({@link AMBIENT_CODE_ALIASES}).
 *
 * @module
 */
import { isObj, list, nameOf, selects, specOf, strMap, strs } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, PodTemplateRef, RawFinding } from '../model';

const SEC = 'security.istio.io';
const NET = 'networking.istio.io';
const GW = 'gateway.networking.k8s.io';
const POLICY = 'kiali/kiali business/checkers/ambient_policy_checker.go';
const WORKLOAD = 'kiali/kiali business/checkers/ambient/ambient_workload_checker.go';
const DATAPLANE = 'istio.io/dataplane-mode';
const USE_WAYPOINT = 'istio.io/use-waypoint';
type Obj = { [k: string]: unknown };
const labelsOf = (o: AnalyzedObject | undefined) => o?.manifest.metadata.labels ?? {};
const nsOf = (o: AnalyzedObject) => o.manifest.metadata.namespace ?? 'default';

/**
 * mesh-kit's own codes of ambient mode and the Kiali codes that now report the same mistake: a suppression naming one
 * also suppresses the others (run.ts), so suppressions written before Kiali's codes were reported keep working.
 */
export const AMBIENT_CODE_ALIASES: { readonly [mk: string]: readonly string[] } = {
  MK0005: ['KIA0110', 'KIA1115'],
  MK0006: ['KIA0109', 'KIA1110'],
  MK0007: ['KIA1313'],
  MK0008: ['KIA1109', 'KIA1113', 'KIA1114'],
  // the VirtualService and subset advice was MK0008 (Warning) before it was MK0024 (Info): a suppression of either covers it
  MK0024: ['MK0008'],
};

/** The codes a suppression of `code` covers: itself and its aliases (an MK code's Kiali codes, a Kiali code's MK code). */
export function aliasesOf(code: string): readonly string[] {
  const kiali = AMBIENT_CODE_ALIASES[code];
  if (kiali) return [code, ...kiali];
  const mk = Object.keys(AMBIENT_CODE_ALIASES).find(k => AMBIENT_CODE_ALIASES[k].includes(code));
  return mk ? [code, mk] : [code];
}

/** The workload's waypoint label names one that does not exist (Kiali KIA1313): exported for MK0007, which then leaves the namespace to it. */
export function workloadWaypointMissing(ctx: AnalysisContext, p: PodTemplateRef): boolean {
  const wp = waypointLabelOf(ctx, p);
  return wp !== undefined && !waypointExists(ctx, wp);
}

/** Kiali's `IsDataplaneAmbientNamespace`: the namespace is labelled `istio.io/dataplane-mode: ambient`. */
export function kialiAmbientNamespace(ctx: AnalysisContext, ns: string): boolean {
  return labelsOf(ctx.namespace(ns))[DATAPLANE] === 'ambient';
}

/** Kiali's `IsEnrolledForWaypoint`: the resource's `istio.io/use-waypoint`, else its namespace's, names a waypoint (not `none`). */
function enrolled(resource: { readonly [k: string]: string } | undefined, namespace: { readonly [k: string]: string }): boolean {
  for (const labels of [resource ?? {}, namespace]) {
    if (labels[USE_WAYPOINT] !== undefined) return labels[USE_WAYPOINT] !== '' && labels[USE_WAYPOINT] !== 'none';
  }
  return false;
}

/** Kiali's `IsL7Condition`: a `when` key only L7 can evaluate (`destination.port` is L4). */
const l7Condition = (key: string) => ['request.headers', 'request.auth.claims', 'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter']
  .some(p => key.startsWith(p));

/** Kiali's `IsL7AuthorizationPolicy`: what makes a policy L7 (a condition, an operation's methods, paths or hosts, JWT principals). */
export function l7AuthorizationReason(spec: Obj): string | undefined {
  for (const r of list(spec.rules as unknown[]).filter(isObj)) {
    for (const w of list(r.when as unknown[]).filter(isObj)) if (l7Condition(String(w.key ?? ''))) return `the condition '${String(w.key)}'`;
    for (const t of list(r.to as unknown[]).filter(isObj)) {
      const op = isObj(t.operation) ? t.operation : {};
      for (const [k, not] of [['methods', 'notMethods'], ['paths', 'notPaths'], ['hosts', 'notHosts']]) {
        if (strs(op[k]).length > 0 || strs(op[not]).length > 0) return `HTTP ${k}`;
      }
    }
    for (const f of list(r.from as unknown[]).filter(isObj)) {
      const s = isObj(f.source) ? f.source : {};
      if (strs(s.requestPrincipals).length > 0 || strs(s.notRequestPrincipals).length > 0) return 'request principals (JWT)';
    }
  }
  return undefined;
}

/** Kiali's `IsL7DestinationRule`: HTTP consistent-hash load balancing, HTTP connection pool settings, outlier detection. */
function l7DestinationRuleReason(spec: Obj): string | undefined {
  const policies = [spec.trafficPolicy, ...list(spec.subsets as unknown[]).filter(isObj).map(s => s.trafficPolicy)].filter(isObj);
  for (const tp of policies) {
    const hash = isObj(tp.loadBalancer) && isObj(tp.loadBalancer.consistentHash) ? tp.loadBalancer.consistentHash : {};
    if ((typeof hash.httpHeaderName === 'string' && hash.httpHeaderName !== '') || isObj(hash.httpCookie)) return 'HTTP consistent-hash load balancing';
    if (isObj(tp.connectionPool) && isObj(tp.connectionPool.http)) return 'HTTP connection pool settings';
    if (isObj(tp.outlierDetection)) return 'outlier detection';
  }
  return undefined;
}

/** Kiali's `IsL7Telemetry`: tracing, access logging, or metric overrides (L4 metrics are ztunnel's). */
function l7TelemetryReason(spec: Obj): string | undefined {
  if (list(spec.tracing as unknown[]).length > 0) return 'tracing';
  if (list(spec.accessLogging as unknown[]).length > 0) return 'access logging';
  if (list(spec.metrics as unknown[]).some(m => isObj(m) && list(m.overrides as unknown[]).length > 0)) return 'metric overrides';
  return undefined;
}

const targetRefsOf = (spec: Obj): Obj[] => [...(isObj(spec.targetRef) ? [spec.targetRef] : []), ...list(spec.targetRefs as unknown[]).filter(isObj)];
/** The targetRefs with their paths from the object's root (`spec.targetRef`, `spec.targetRefs[1]`). */
const targetRefsAt = (spec: Obj): { ref: Obj; path: string }[] => [
  ...(isObj(spec.targetRef) ? [{ ref: spec.targetRef, path: 'spec.targetRef' }] : []),
  ...list(spec.targetRefs as unknown[]).flatMap((r, i) => (isObj(r) ? [{ ref: r, path: `spec.targetRefs[${i}]` }] : [])),
];

/**
 * What to do for a target no waypoint serves: label it with the namespace's waypoint (a Gateway of class
 * istio-waypoint), or create one first when the namespace has none.
 */
function labelWithWaypoint(ctx: AnalysisContext, ns: string, target: string): string {
  const wp = ctx.of('Gateway', GW).find(g => ctx.namespaceOf(g) === ns && specOf(g).gatewayClassName === 'istio-waypoint');
  return wp ? `label ${target} istio.io/use-waypoint: ${nameOf(wp)}`
    : `create a waypoint in namespace '${ns}' (a Gateway of class istio-waypoint) and label ${target} istio.io/use-waypoint with its name`;
}

/** Why an L7 policy's targets use no waypoint: the text, the field of the policy that attaches it, its value, and what to label. */
interface Unenrolled { readonly text: string; readonly field: string; readonly value: unknown; readonly target: string }
const selectorOf = (spec: Obj) => (isObj(spec.selector) ? strMap(spec.selector.matchLabels) : {});
const isServiceRef = (r: Obj) => r.kind === 'Service' && (r.group === undefined || r.group === '' || r.group === 'core');

/**
 * A waypoint's own pods, as Kiali's `config.IsWaypoint` reads their labels: `gateway.istio.io/managed:
 * istio.io-mesh-controller`, or a Gateway API gateway name containing `waypoint`.
 */
const isWaypointPod = (p: PodTemplateRef) => p.labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller'
  || (p.labels['gateway.networking.k8s.io/gateway-name'] ?? '').toLowerCase().includes('waypoint');

/** An ingress or egress gateway's pods, as Kiali's `config.IsGateway` reads them (istioctl's, Helm's and gateway injection's labels). */
const isGatewayPod = (p: PodTemplateRef) => ['IngressGateways', 'EgressGateways'].includes(p.labels['operator.istio.io/component'] ?? '')
  || ['ingressgateway', 'egressgateway'].includes(p.labels.istio ?? '') || p.annotations['inject.istio.io/templates'] === 'gateway'
  || p.labels['gateway.networking.k8s.io/gateway-name'] !== undefined;

/**
 * Kiali's `enrollmentNeedsWarning`: Service targetRefs first (one not enrolled warns, resolved and enrolled ones do not);
 * else the selector's workloads (one not enrolled warns; only opted-out ones do not); else the namespace's enrolment.
 * A targetRef to a Gateway attaches the policy to that gateway (a waypoint applies it to what it serves): mesh-kit does
 * not warn there, where Kiali falls back to the namespace's label.
 */
function needsEnrolment(ctx: AnalysisContext, o: AnalyzedObject, spec: Obj): Unenrolled | undefined {
  const ns = ctx.namespaceOf(o);
  const nsLabels = labelsOf(ctx.namespace(ns));
  const refs = targetRefsAt(spec);
  if (refs.some(({ ref: r }) => r.kind === 'Gateway' && (r.group === GW || r.group === undefined))) return undefined;
  const services = refs.filter(r => isServiceRef(r.ref)).flatMap(r => {
    const svc = ctx.find('Service', '', ns, String(r.ref.name));
    return svc ? [{ svc, path: r.path }] : [];
  });
  if (services.length > 0) {
    const off = services.find(s => !enrolled(labelsOf(s.svc), nsLabels));
    return off ? {
      text: `its target Service '${ns}/${nameOf(off.svc)}' is not enrolled to use a waypoint`,
      field: `${off.path}.name`,
      value: nameOf(off.svc),
      target: `Service '${nameOf(off.svc)}'`,
    } : undefined;
  }
  const selector = selectorOf(spec);
  if (Object.keys(selector).length > 0) {
    const matched = ctx.podsSelectedBy(selector, ns).filter(p => !isWaypointPod(p));
    const ambient = matched.filter(p => p.labels[DATAPLANE] !== 'none');
    const off = ambient.find(p => !enrolled(p.labels, nsLabels));
    if (off) {
      return {
        text: `the workload '${nameOf(off.object)}' it selects is not enrolled to use a waypoint`,
        field: 'spec.selector.matchLabels',
        value: selector,
        target: `${off.object.manifest.kind} '${nameOf(off.object)}' (or its Service)`,
      };
    }
    if (matched.length > 0) return undefined;
  }
  return enrolled(undefined, nsLabels) ? undefined : {
    text: `namespace '${ns}' is not enrolled to use a waypoint (no istio.io/use-waypoint label)`,
    field: 'metadata.namespace',
    value: ns,
    target: `namespace '${ns}'`,
  };
}

/** Whether Kiali's no-waypoint check (KIA0109, KIA1110...) reports a policy of an ambient namespace. */
function policyReports(ctx: AnalysisContext, o: AnalyzedObject, l7: (spec: Obj) => string | undefined, which: 'waypoint' | 'targetRefs'): boolean {
  const spec = specOf(o);
  if (!kialiAmbientNamespace(ctx, ctx.namespaceOf(o)) || l7(spec) === undefined) return false;
  return which === 'targetRefs' ? targetRefsOf(spec).length === 0 : needsEnrolment(ctx, o, spec) !== undefined;
}

/**
 * Whether Kiali's checks report an AuthorizationPolicy or RequestAuthentication for the mistake that mesh-kit's MK0005
 * (`targetRefs`: attached by selector under ambient) or MK0006 (`waypoint`: its targets use no waypoint) finds: then
 * only Kiali's code is reported.
 */
export function kialiReportsPolicy(ctx: AnalysisContext, o: AnalyzedObject, which: 'waypoint' | 'targetRefs'): boolean {
  return policyReports(ctx, o, o.manifest.kind === 'RequestAuthentication' ? () => 'JWT validation' : l7AuthorizationReason, which);
}

/** Whether Kiali's checks (KIA1109, KIA1113, KIA1114) report a VirtualService under ambient mode: then mesh-kit's MK0008 does not. */
export function kialiReportsVirtualService(ctx: AnalysisContext, vs: AnalyzedObject): boolean {
  return vsNeedsWaypoint(specOf(vs)) && hostFindings(ctx, vs, strs(specOf(vs).hosts)).length > 0;
}

/** One policy kind of Kiali's AmbientPolicyChecker: its no-waypoint code and its no-targetRefs code. */
function policyCheck(kind: string, group: string, l7: (spec: Obj) => string | undefined,
  noWaypoint: [code: string, name: string], noTargetRefs: [code: string, name: string]): Analyzer[] {
  const run = (which: 'waypoint' | 'targetRefs') => (ctx: AnalysisContext): RawFinding[] => ctx.of(kind, group).flatMap(o => {
    const ns = ctx.namespaceOf(o);
    const spec = specOf(o);
    const why = l7(spec);
    if (!policyReports(ctx, o, l7, which) || why === undefined) return [];
    const what = `${kind} '${nameOf(o)}' in ambient namespace '${ns}' uses ${why}, which only a waypoint applies`;
    if (which === 'targetRefs') {
      const selector = selectorOf(spec);
      const bySelector = Object.keys(selector).length > 0;
      const pods = bySelector ? ctx.podsSelectedBy(selector, ns) : [];
      const selected = pods.flatMap(p => ctx.servicesSelecting(p)).filter(s => ctx.namespaceOf(s) === ns);
      const services = [...new Set(selected.map(nameOf))].sort();
      const to = services.length > 0 ? services.map(s => `Service '${s}'`).join(', ') : 'the Service';
      return [{
        object: o,
        field: bySelector ? 'spec.selector.matchLabels' : 'metadata.namespace',
        value: bySelector ? selector : ns,
        message: `${what}, and attaches by ${bySelector ? 'selector' : 'namespace'} with no targetRefs: waypoints ignore such policies, and ztunnel cannot apply L7 ones: `
          + `${kind === 'AuthorizationPolicy' ? 'it fails safe, Istio enforces it as a DENY policy (istio.io docs ambient/usage/l4-policy)' : 'it has no effect'} `
          + `(Kiali ${noTargetRefs[0]}, ${POLICY})`,
        fix: `${bySelector ? 'replace spec.selector with' : 'add'} targetRefs to ${to} or to its waypoint Gateway`,
      }];
    }
    const missing = needsEnrolment(ctx, o, spec);
    if (missing === undefined) return [];
    return [{
      object: o,
      field: missing.field,
      value: missing.value,
      message: `${what}, but ${missing.text}: no waypoint processes that traffic, so nothing applies it (Kiali ${noWaypoint[0]}, ${POLICY})`,
      fix: labelWithWaypoint(ctx, ns, missing.target),
    }];
  });
  const base = { analyzer: 'kiali.AmbientPolicyChecker', level: FindingLevel.WARNING };
  return [
    { ...base, code: noWaypoint[0], name: noWaypoint[1], description: `Kiali ${noWaypoint[0]}: an L7 ${kind} in an ambient namespace whose targets are not enrolled to use a waypoint`, run: run('waypoint') },
    { ...base, code: noTargetRefs[0], name: noTargetRefs[1], description: `Kiali ${noTargetRefs[0]}: an L7 ${kind} in an ambient namespace attached by selector, not targetRefs`, run: run('targetRefs') },
  ];
}

/** Kiali's `GetHost`: the Service and namespace a host names, when it names one (`svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`). */
function serviceOfHost(ctx: AnalysisContext, fromNs: string, host: string): { name: string; namespace: string } | undefined {
  const parts = host.split('.');
  if (parts.length === 1 && host !== '' && host !== '*') return { name: host, namespace: fromNs };
  if (parts.length === 2 && (parts[1] === fromNs || ctx.namespace(parts[1]) !== undefined)) return { name: parts[0], namespace: parts[1] };
  if ((parts.length === 3 && parts[2] === 'svc') || (parts.length === 5 && host.endsWith('.svc.cluster.local'))) return { name: parts[0], namespace: parts[1] };
  return undefined;
}

type HostFinding = 'notInServiceNamespace' | 'serviceNotCaptured' | 'noWaypoint';
type HostFindingAt = { kind: HostFinding; host: string; index: number; service?: { name: string; namespace: string } };

/**
 * Kiali's `checkHostBasedConfig`: for each host naming a Service of an ambient namespace, whether the object is in
 * another namespace (it does not take effect there) and whether the Service is enrolled; when no host names one, the
 * object's own namespace's enrolment.
 */
export function hostFindings(ctx: AnalysisContext, o: AnalyzedObject, hosts: readonly string[]): HostFindingAt[] {
  const ns = ctx.namespaceOf(o);
  const out: HostFindingAt[] = [];
  const seen = new Set<string>();
  for (const [index, host] of hosts.entries()) {
    const ref = serviceOfHost(ctx, ns, host);
    if (!ref || !kialiAmbientNamespace(ctx, ref.namespace)) continue;
    const svc = ctx.find('Service', '', ref.namespace, ref.name);
    const key = `${ref.namespace}/${ref.name}`;
    if (!svc || seen.has(key)) continue;
    seen.add(key);
    if (ns !== ref.namespace) out.push({ kind: 'notInServiceNamespace', host, index, service: ref });
    if (!enrolled(labelsOf(svc), labelsOf(ctx.namespace(ref.namespace)))) out.push({ kind: 'serviceNotCaptured', host, index, service: ref });
  }
  if (seen.size === 0 && kialiAmbientNamespace(ctx, ns) && !enrolled(undefined, labelsOf(ctx.namespace(ns)))) out.push({ kind: 'noWaypoint', host: hosts[0] ?? '', index: 0 });
  return out;
}

/** Kiali's `ClassifyVirtualService`: HTTP or TLS routes for mesh traffic (no gateways, or `mesh`) need a waypoint. */
export const vsNeedsWaypoint = (spec: Obj) => (list(spec.http as unknown[]).length > 0 || list(spec.tls as unknown[]).length > 0)
  && (strs(spec.gateways).length === 0 || strs(spec.gateways).includes('mesh'));

function hostCheck(kind: 'VirtualService' | 'DestinationRule', codes: { [K in HostFinding]: [code: string, name: string] }): Analyzer[] {
  const applies = (o: AnalyzedObject): string | undefined => {
    const spec = specOf(o);
    if (kind === 'VirtualService') return vsNeedsWaypoint(spec) ? 'HTTP or TLS routes for mesh traffic' : undefined;
    return l7DestinationRuleReason(spec);
  };
  const hostsOf = (o: AnalyzedObject) => (kind === 'VirtualService' ? strs(specOf(o).hosts) : [String(specOf(o).host ?? '')]);
  const svcText = (f: HostFindingAt) => `${f.service?.namespace}/${f.service?.name}`;
  const text: { [K in HostFinding]: (o: AnalyzedObject, f: HostFindingAt) => string } = {
    notInServiceNamespace: (o, f) => `is in namespace '${nsOf(o)}', not in the namespace of the ambient Service '${svcText(f)}' it configures ('${f.host}'): `
      + `a waypoint applies only the ${kind}s of its Service's namespace`,
    serviceNotCaptured: (_o, f) => `configures the ambient Service '${svcText(f)}' ('${f.host}'), which is not enrolled to use a waypoint: `
      + 'no waypoint processes its traffic and ztunnel applies no L7 configuration',
    noWaypoint: o => `is in ambient namespace '${nsOf(o)}', which is not enrolled to use a waypoint (no istio.io/use-waypoint label): nothing applies its L7 configuration`,
  };
  const fixOf: { [K in HostFinding]: (ctx: AnalysisContext, o: AnalyzedObject, f: HostFindingAt) => string } = {
    notInServiceNamespace: (_ctx, o, f) => `move ${kind} '${nameOf(o)}' to namespace '${f.service?.namespace}'`,
    serviceNotCaptured: (ctx, _o, f) => labelWithWaypoint(ctx, f.service?.namespace ?? '', `Service '${f.service?.name}' (or namespace '${f.service?.namespace}')`),
    noWaypoint: (ctx, o) => labelWithWaypoint(ctx, nsOf(o), `namespace '${nsOf(o)}'`),
  };
  const fieldOf = (o: AnalyzedObject, f: HostFindingAt): { field: string; value: unknown } => (f.kind === 'noWaypoint' ? { field: 'metadata.namespace', value: nsOf(o) }
    : { field: kind === 'VirtualService' ? `spec.hosts[${f.index}]` : 'spec.host', value: f.host });
  return (Object.keys(codes) as HostFinding[]).map(which => ({
    analyzer: 'kiali.AmbientPolicyChecker',
    code: codes[which][0],
    name: codes[which][1],
    level: FindingLevel.WARNING,
    description: `Kiali ${codes[which][0]}: an L7 ${kind} under ambient mode ${which === 'notInServiceNamespace' ? 'outside its Service\'s namespace'
      : which === 'serviceNotCaptured' ? 'for a Service not enrolled to use a waypoint' : 'in an ambient namespace not enrolled to use a waypoint'}`,
    run: ctx => ctx.of(kind, NET).flatMap(o => {
      const why = applies(o);
      if (why === undefined) return [];
      return hostFindings(ctx, o, hostsOf(o)).filter(f => f.kind === which).map(f => ({
        object: o,
        ...fieldOf(o, f),
        message: `${kind} '${nameOf(o)}' (${why}) ${text[which](o, f)} (Kiali ${codes[which][0]}, ${POLICY})`,
        fix: fixOf[which](ctx, o, f),
      }));
    }),
  }));
}

// ---- workloads: Kiali's AmbientWorkloadChecker ----

/** Kiali's `hasAmbientLabel`: the workload's `istio.io/dataplane-mode: ambient`, or its namespace's unless it opts out (`none`). */
function hasAmbientLabel(ctx: AnalysisContext, p: PodTemplateRef): boolean {
  const ns = ctx.namespace(p.namespace);
  if (!ns) return false;
  return p.labels[DATAPLANE] === 'ambient' || (labelsOf(ns)[DATAPLANE] === 'ambient' && p.labels[DATAPLANE] !== 'none');
}

/**
 * Kiali's `hasSidecarLabel`: injection enabled by the namespace (`istio-injection: enabled`, or `istio.io/rev`) or the
 * workload (`sidecar.istio.io/inject`), and disabled by neither. Kiali compares the workload's label with `enabled`
 * and `none`; Istio's injector reads `true` and `false` (istio/istio `pkg/kube/inject/webhook.go`), which mesh-kit reads.
 */
function hasSidecarLabel(ctx: AnalysisContext, p: PodTemplateRef): boolean {
  const ns = ctx.namespace(p.namespace);
  if (!ns) return false;
  const l = labelsOf(ns);
  const own = p.labels['sidecar.istio.io/inject'];
  return (l['istio-injection'] === 'enabled' || (l['istio.io/rev'] ?? '') !== '' || own === 'true') && l['istio-injection'] !== 'disabled' && own !== 'false';
}

/** Kiali's `hasWaypointLabel`: the waypoint the workload's `istio.io/use-waypoint`, else its namespace's, names (not for opted-out workloads). */
function waypointLabelOf(ctx: AnalysisContext, p: PodTemplateRef): { name: string; namespace: string } | undefined {
  if (p.labels[DATAPLANE] === 'none') return undefined;
  const nsLabels = labelsOf(ctx.namespace(p.namespace));
  for (const labels of [p.labels, nsLabels]) {
    const wp = labels[USE_WAYPOINT];
    if (wp === undefined) continue;
    return wp === '' || wp === 'none' ? undefined : { name: wp, namespace: labels['istio.io/use-waypoint-namespace'] ?? p.namespace };
  }
  return undefined;
}

/** A pod with a sidecar: an istio-proxy container, the injector's status annotation, or its own request to be injected. */
const hasSidecar = (p: PodTemplateRef) => [...list(p.spec.containers as unknown[]), ...list(p.spec.initContainers as unknown[])].some(c => isObj(c) && c.name === 'istio-proxy')
  || p.annotations['sidecar.istio.io/status'] !== undefined || p.labels['sidecar.istio.io/inject'] === 'true' || p.annotations['sidecar.istio.io/inject'] === 'true';

/** The pod is captured by ztunnel (Kiali's `IsAmbient`): redirected, or enrolled by label without a sidecar. */
const isAmbient = (ctx: AnalysisContext, p: PodTemplateRef) => p.annotations['ambient.istio.io/redirection'] === 'enabled' || (hasAmbientLabel(ctx, p) && !hasSidecar(p));

/** The waypoint a workload's label names exists: a Gateway of class istio-waypoint (in a partial world, unknown namespaces are taken to hold it). */
function waypointExists(ctx: AnalysisContext, ref: { name: string; namespace: string }): boolean {
  if (ctx.world === 'partial' && ctx.namespace(ref.namespace) === undefined) return true;
  const gw = ctx.find('Gateway', GW, ref.namespace, ref.name);
  return gw !== undefined && specOf(gw).gatewayClassName === 'istio-waypoint';
}

/** The waypoint a workload uses: its own label, a Service's that selects it, or its namespace's; when it exists. */
function resolvedWaypoint(ctx: AnalysisContext, p: PodTemplateRef): boolean {
  const own = waypointLabelOf(ctx, p);
  if (own && p.labels[USE_WAYPOINT] !== undefined) return waypointExists(ctx, own);
  for (const svc of ctx.servicesSelecting(p)) {
    const wp = labelsOf(svc)[USE_WAYPOINT];
    if (wp !== undefined && wp !== 'none' && waypointExists(ctx, { name: wp, namespace: labelsOf(svc)['istio.io/use-waypoint-namespace'] ?? p.namespace })) return true;
  }
  return own !== undefined && waypointExists(ctx, own);
}

/** Kiali's `l7AuthPolicyAppliesToWorkload`: an L7 AuthorizationPolicy of the workload's namespace that reaches it. */
function l7PolicyOn(ctx: AnalysisContext, p: PodTemplateRef): AnalyzedObject | undefined {
  return ctx.of('AuthorizationPolicy', SEC).find(ap => {
    if (ctx.namespaceOf(ap) !== p.namespace) return false;
    const spec = specOf(ap);
    if (l7AuthorizationReason(spec) === undefined) return false;
    const refs = targetRefsOf(spec);
    if (refs.length > 0) return refs.filter(isServiceRef).some(r => ctx.servicesSelecting(p).some(s => nameOf(s) === String(r.name)));
    const selector = selectorOf(spec);
    return Object.keys(selector).length === 0 || selects(selector, p.labels);
  });
}

/** What a workload rule finds: the text after the workload's name, where in the workload, what is written there, and the fix. */
interface WorkloadFinding { readonly text: string; readonly field: string; readonly value: unknown; readonly fix: string }

type WorkloadRule = {
  code: string;
  /** Kiali checks it on the workload's pods: not on a workload scaled to zero (`replicas: 0`). */
  pods?: boolean;
  name: string;
  level: FindingLevel;
  text: string;
  finds: (ctx: AnalysisContext, p: PodTemplateRef) => WorkloadFinding | undefined;
};

/** The path of the pod's metadata from the object's root: its template's in a workload, its own in a Pod. */
const metaPath = (p: PodTemplateRef) => (p.template ? 'spec.template.metadata' : 'metadata');
const labelAt = (p: PodTemplateRef, key: string) => `${metaPath(p)}.labels['${key}']`;

/** Where the workload's waypoint label is: its own `istio.io/use-waypoint`, else its namespace's (`metadata.namespace`). */
const waypointLabelAt = (p: PodTemplateRef) => (p.labels[USE_WAYPOINT] !== undefined
  ? { field: labelAt(p, USE_WAYPOINT), value: p.labels[USE_WAYPOINT] } : { field: 'metadata.namespace', value: p.namespace });

/** What gives the pod a sidecar, where it is written, and how to remove it. */
function sidecarAt(p: PodTemplateRef): { field: string; value: unknown; what: string } {
  const podSpec = p.template ? 'spec.template.spec' : 'spec';
  for (const key of ['containers', 'initContainers']) {
    const i = list(p.spec[key] as unknown[]).findIndex(c => isObj(c) && c.name === 'istio-proxy');
    if (i >= 0) return { field: `${podSpec}.${key}[${i}].name`, value: 'istio-proxy', what: 'its istio-proxy container' };
  }
  if (p.labels['sidecar.istio.io/inject'] === 'true') return { field: labelAt(p, 'sidecar.istio.io/inject'), value: 'true', what: 'its sidecar.istio.io/inject label' };
  if (p.annotations['sidecar.istio.io/inject'] === 'true') {
    return { field: `${metaPath(p)}.annotations['sidecar.istio.io/inject']`, value: 'true', what: 'its sidecar.istio.io/inject annotation' };
  }
  return { field: `${metaPath(p)}.annotations['sidecar.istio.io/status']`, value: p.annotations['sidecar.istio.io/status'] ?? '', what: 'the injected sidecar' };
}

const ONE_WAY = 'label it istio.io/dataplane-mode: none to keep the sidecar, or sidecar.istio.io/inject: "false" to keep ambient mode';

const WORKLOAD_RULES: WorkloadRule[] = [
  {
    code: 'KIA1311',
    name: 'WorkloadHasSidecarAndAmbientLabels',
    level: FindingLevel.ERROR,
    text: 'is enrolled both in ambient mode and for sidecar injection',
    finds: (ctx, p) => {
      if (!hasAmbientLabel(ctx, p) || !hasSidecarLabel(ctx, p)) return undefined;
      const at = p.labels[DATAPLANE] === 'ambient' ? { field: labelAt(p, DATAPLANE), value: 'ambient' }
        : p.labels['sidecar.istio.io/inject'] === 'true' ? { field: labelAt(p, 'sidecar.istio.io/inject'), value: 'true' } : { field: 'metadata.namespace', value: p.namespace };
      return {
        ...at,
        text: 'is enrolled both in ambient mode (istio.io/dataplane-mode) and for sidecar injection (istio-injection, istio.io/rev or sidecar.istio.io/inject): '
          + 'it must be enrolled one way',
        fix: ONE_WAY,
      };
    },
  },
  {
    code: 'KIA1312',
    pods: true,
    name: 'WorkloadUsesWaypointButNotAmbient',
    level: FindingLevel.WARNING,
    text: 'uses a waypoint but is not in ambient mode',
    finds: (ctx, p) => {
      const wp = waypointLabelOf(ctx, p);
      return wp && !isAmbient(ctx, p) ? {
        ...waypointLabelAt(p),
        text: `uses waypoint '${wp.namespace}/${wp.name}' (istio.io/use-waypoint) but is not in ambient mode: only ztunnel sends traffic through a waypoint`,
        fix: 'enrol it in ambient mode (istio.io/dataplane-mode: ambient), or remove the istio.io/use-waypoint label',
      } : undefined;
    },
  },
  {
    code: 'KIA1313',
    pods: true,
    name: 'WorkloadWaypointNotFound',
    level: FindingLevel.ERROR,
    text: 'uses a waypoint that does not exist',
    finds: (ctx, p) => {
      const wp = waypointLabelOf(ctx, p);
      const on = p.labels[USE_WAYPOINT] !== undefined ? 'workload' : 'namespace';
      return wp && !waypointExists(ctx, wp) ? {
        ...waypointLabelAt(p),
        text: `uses waypoint '${wp.namespace}/${wp.name}' (istio.io/use-waypoint on the ${on}), but there is no Gateway of class istio-waypoint by that name`,
        fix: `create waypoint '${wp.name}' in namespace '${wp.namespace}' (a Gateway of class istio-waypoint), or name an existing one in the ${on}'s istio.io/use-waypoint label`,
      } : undefined;
    },
  },
  {
    code: 'KIA1314',
    pods: true,
    name: 'WorkloadSidecarLabelAndAmbientRedirection',
    level: FindingLevel.ERROR,
    text: 'has a sidecar label and ambient redirection',
    finds: (ctx, p) => (hasSidecarLabel(ctx, p) && p.annotations['ambient.istio.io/redirection'] === 'enabled' ? {
      field: `${metaPath(p)}.annotations['ambient.istio.io/redirection']`,
      value: 'enabled',
      text: 'is enrolled for sidecar injection and its pod is redirected to ztunnel (ambient.istio.io/redirection: enabled): it must be enrolled one way',
      fix: ONE_WAY,
    } : undefined),
  },
  {
    code: 'KIA1315',
    pods: true,
    name: 'WorkloadSidecarAndAmbientLabel',
    level: FindingLevel.ERROR,
    text: 'has a pod with both a sidecar and ambient labels',
    finds: (ctx, p) => {
      if (!hasAmbientLabel(ctx, p) || !hasSidecar(p)) return undefined;
      const at = sidecarAt(p);
      return {
        field: at.field,
        value: at.value,
        text: 'has a sidecar (an istio-proxy container, or sidecar.istio.io/inject: true) and is enrolled in ambient mode by its own or its namespace\'s istio.io/dataplane-mode',
        fix: `label the workload istio.io/dataplane-mode: none to keep the sidecar, or remove ${at.what}`,
      };
    },
  },
  {
    code: 'KIA1316',
    pods: true,
    name: 'WorkloadSidecarInAmbientNamespace',
    level: FindingLevel.WARNING,
    text: 'has a sidecar in an ambient namespace',
    finds: (ctx, p) => {
      if (!hasSidecar(p) || !kialiAmbientNamespace(ctx, p.namespace)) return undefined;
      const at = sidecarAt(p);
      return {
        field: at.field,
        value: at.value,
        text: `has a sidecar in ambient namespace '${p.namespace}': it is served by its sidecar, not by ztunnel and its namespace's waypoints`,
        fix: `move it to ambient mode (remove ${at.what}), or out of namespace '${p.namespace}'`,
      };
    },
  },
  {
    code: 'KIA1317',
    name: 'WorkloadL7AuthorizationPolicyWithoutWaypoint',
    level: FindingLevel.WARNING,
    text: 'has L7 AuthorizationPolicies but no waypoint',
    finds: (ctx, p) => {
      if (isWaypointPod(p) || isGatewayPod(p) || p.labels[DATAPLANE] === 'none' || !(isAmbient(ctx, p) || hasAmbientLabel(ctx, p)) || resolvedWaypoint(ctx, p)) return undefined;
      const ap = l7PolicyOn(ctx, p);
      return ap ? {
        field: `${metaPath(p)}.labels`,
        value: p.labels,
        text: `is in ambient mode without a waypoint, and the L7 AuthorizationPolicy '${nameOf(ap)}' applies to it: ztunnel cannot evaluate L7 rules`,
        fix: labelWithWaypoint(ctx, p.namespace, `the workload (or its Service, or namespace '${p.namespace}')`),
      } : undefined;
    },
  },
];

/** The workloads' checks: one finding per workload (its pod template, or a Pod) and rule. */
const workloadAnalyzers: Analyzer[] = WORKLOAD_RULES.map(rule => ({
  analyzer: 'kiali.AmbientWorkloadChecker',
  code: rule.code,
  name: rule.name,
  level: rule.level,
  description: `Kiali ${rule.code}: a workload ${rule.text}`,
  run: ctx => {
    const seen = new Set<AnalyzedObject>();
    return ctx.pods.flatMap((p): RawFinding[] => {
      if (seen.has(p.object)) return [];
      seen.add(p.object);
      // a waypoint is always in ambient mode (Kiali: waypoints zero replicas, no KIA1312 or KIA1316)
      if (isWaypointPod(p) || (rule.pods && isObj(p.object.manifest.spec) && p.object.manifest.spec.replicas === 0)) return [];
      const found = rule.finds(ctx, p);
      return found === undefined ? [] : [{
        object: p.object,
        field: found.field,
        value: found.value,
        message: `${p.object.manifest.kind} '${nameOf(p.object)}' ${found.text} (Kiali ${rule.code}, ${WORKLOAD})`,
        fix: found.fix,
      }];
    });
  },
}));

/** Kiali's checks of ambient mode. */
export const KIALI_AMBIENT_ANALYZERS: Analyzer[] = [
  ...policyCheck('AuthorizationPolicy', SEC, l7AuthorizationReason, ['KIA0109', 'AmbientL7AuthorizationPolicyWithoutWaypoint'], ['KIA0110', 'AmbientL7AuthorizationPolicyWithoutTargetRefs']),
  ...policyCheck('RequestAuthentication', SEC, () => 'JWT validation', ['KIA1110', 'AmbientRequestAuthenticationWithoutWaypoint'], ['KIA1115', 'AmbientRequestAuthenticationWithoutTargetRefs']),
  ...policyCheck('WasmPlugin', 'extensions.istio.io', () => 'a Wasm filter', ['KIA1111', 'AmbientWasmPluginWithoutWaypoint'], ['KIA1116', 'AmbientWasmPluginWithoutTargetRefs']),
  ...policyCheck('Telemetry', 'telemetry.istio.io', l7TelemetryReason, ['KIA1112', 'AmbientL7TelemetryWithoutWaypoint'], ['KIA1117', 'AmbientL7TelemetryWithoutTargetRefs']),
  ...hostCheck('DestinationRule', {
    noWaypoint: ['KIA0210', 'AmbientL7DestinationRuleWithoutWaypoint'],
    serviceNotCaptured: ['KIA0211', 'AmbientL7DestinationRuleServiceNotCaptured'],
    notInServiceNamespace: ['KIA0212', 'AmbientL7DestinationRuleNotInServiceNamespace'],
  }),
  ...hostCheck('VirtualService', {
    noWaypoint: ['KIA1109', 'AmbientL7VirtualServiceWithoutWaypoint'],
    serviceNotCaptured: ['KIA1113', 'AmbientL7VirtualServiceServiceNotCaptured'],
    notInServiceNamespace: ['KIA1114', 'AmbientL7VirtualServiceNotInServiceNamespace'],
  }),
  ...workloadAnalyzers,
];
