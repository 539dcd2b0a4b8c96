import { SelectorSpec } from './types';
import { distinct, list, nameOf, selectorString, strs } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const NET = 'networking.istio.io';
const SEC = 'security.istio.io';
const TEL = 'telemetry.istio.io';
const name = nameOf;
const spec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as SelectorSpec & { [k: string]: unknown };
const hasTargets = (o: AnalyzedObject) => spec(o).targetRef !== undefined || list(spec(o).targetRefs).length > 0;

/** A policy's workload selector labels (`selector.matchLabels` or a Sidecar's `workloadSelector.labels`), or undefined when it has none. */
function selectorOf(o: AnalyzedObject): { [k: string]: string } | undefined {
  const labels = spec(o).selector?.matchLabels ?? spec(o).workloadSelector?.labels;
  return labels && typeof labels === 'object' && Object.keys(labels).length > 0 ? labels : undefined;
}

const ambient = (ctx: AnalysisContext, ns: string) => {
  const l = ctx.namespace(ns)?.manifest.metadata.labels ?? {};
  return l['istio.io/dataplane-mode'] === 'ambient' && l['istio-injection'] === undefined && l['istio.io/rev'] === undefined;
};
const podAmbient = (p: { annotations: { readonly [k: string]: string } }) => p.annotations['ambient.istio.io/redirection'] === 'enabled';

const authz = 'authz.AuthorizationPoliciesAnalyzer';

const authzNoWorkloads: Analyzer = {
  analyzer: authz,
  code: 'IST0127',
  name: 'NoMatchingWorkloadsFound',
  level: FindingLevel.WARNING,
  description: 'an AuthorizationPolicy selects no workload of the mesh (in its namespace, or anywhere for the root namespace); a namespace-wide one has no workload in its namespace',
  run: ctx => ctx.of('AuthorizationPolicy', SEC).flatMap((ap): RawFinding[] => {
    if (hasTargets(ap)) return [];
    const ns = ctx.namespaceOf(ap);
    const sel = spec(ap).selector?.matchLabels;
    const meshPods = ctx.pods.filter(p => p.inMesh);
    if (ns === ctx.meshConfig.rootNamespace) {
      if (sel === undefined || meshPods.some(p => Object.entries(sel).every(([k, v]) => p.labels[k] === v))) return [];
      return [{ object: ap, message: `AuthorizationPolicy '${name(ap)}' in the root namespace selects '${selectorString(sel)}', which no workload of the mesh has` }];
    }
    const inNs = meshPods.filter(p => p.namespace === ns);
    if (sel === undefined) {
      return inNs.length > 0 ? [] : [{ object: ap, message: `AuthorizationPolicy '${name(ap)}' applies to namespace '${ns}', which has no workload in the mesh` }];
    }
    return inNs.some(p => Object.entries(sel).every(([k, v]) => p.labels[k] === v)) ? [] : [{
      object: ap,
      message: `AuthorizationPolicy '${name(ap)}' selects '${selectorString(sel)}', which matches none of the workloads of namespace '${ns}' in the mesh`,
    }];
  }),
};

/** Istio's authz namespaceMatch: `*`, `prefix*`, `*suffix` or a name. */
const namespaceMatch = (ns: string, exp: string) => exp === '*' || (exp.startsWith('*') ? ns.endsWith(exp.slice(1)) : exp.endsWith('*') ? ns.startsWith(exp.slice(0, -1)) : ns.toLowerCase() === exp.toLowerCase());

const authzNamespaceNotFound: Analyzer = {
  analyzer: authz,
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'an AuthorizationPolicy source names a namespace (namespaces, notNamespaces) that does not exist',
  run: ctx => {
    const known = ctx.of('Namespace').map(n => name(n));
    return ctx.of('AuthorizationPolicy', SEC).flatMap(ap => list(spec(ap).rules as Array<{ from?: Array<{ source?: { namespaces?: string[]; notNamespaces?: string[] } }> }>)
      .flatMap(r => list(r?.from)).flatMap(f => [...strs(f?.source?.namespaces), ...strs(f?.source?.notNamespaces)])
      .filter(exp => !known.some(ns => namespaceMatch(ns, exp)) && !(exp.includes('*') ? false : ctx.world === 'partial' && ctx.namespaceExists(exp)))
      .map(exp => ({ object: ap, message: `AuthorizationPolicy '${name(ap)}' names namespace '${exp}', which does not exist` })));
  },
};

/** Namespace-wide resources of one kind, more than one in a namespace (Istio applies one). */
function severalNamespaceWide(ctx: AnalysisContext, objects: AnalyzedObject[], kind: string): RawFinding[] {
  const byNs = new Map<string, AnalyzedObject[]>();
  for (const o of objects.filter(x => selectorOf(x) === undefined && !hasTargets(x))) {
    byNs.set(ctx.namespaceOf(o), [...(byNs.get(ctx.namespaceOf(o)) ?? []), o]);
  }
  return [...byNs].filter(([, l]) => distinct(l).length > 1).flatMap(([ns, l]) => l.map(o => ({
    object: o,
    message: `The ${kind} resources ${distinct(l).map(x => `'${name(x)}'`).join(', ')} in namespace '${ns}' have no workload selector: Istio applies only one of them (give each a selector or merge them)`,
  })));
}

/** Selectors that pick no pod of their namespace (IST0101), and pods several selectors pick (the conflict code). */
function selectorChecks(ctx: AnalysisContext, objects: AnalyzedObject[], kind: string, conflictCode: 'missing' | 'conflict'): RawFinding[] {
  const byPod = new Map<object, AnalyzedObject[]>();
  const out: RawFinding[] = [];
  for (const o of objects) {
    const sel = selectorOf(o);
    if (!sel || hasTargets(o)) continue;
    const pods = ctx.podsSelectedBy(sel, ctx.namespaceOf(o));
    if (pods.length === 0 && conflictCode === 'missing') {
      out.push({ object: o, message: `${kind} '${name(o)}' selects '${selectorString(sel)}', which no pod of namespace '${ctx.namespaceOf(o)}' has` });
    }
    for (const p of pods) byPod.set(p, [...(byPod.get(p) ?? []), o]);
  }
  if (conflictCode === 'conflict') {
    const reported = new Set<AnalyzedObject>();
    for (const [pod, l] of byPod) {
      if (distinct(l).length < 2) continue;
      for (const o of l) {
        if (reported.has(o)) continue;
        reported.add(o);
        out.push({ object: o, message: `${kind} resources ${l.map(x => `'${name(x)}'`).join(', ')} all select pod '${(pod as { object: AnalyzedObject }).object.manifest.metadata.name}': Istio applies only one of them` });
      }
    }
  }
  return out;
}

const sidecar = 'sidecar.SelectorAnalyzer';
const sidecars = (ctx: AnalysisContext) => ctx.of('Sidecar', NET);

const sidecarSelectorNotFound: Analyzer = {
  analyzer: sidecar,
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'a Sidecar\'s workloadSelector picks no pod of its namespace',
  run: ctx => selectorChecks(ctx, sidecars(ctx), 'Sidecar', 'missing'),
};
const sidecarConflict: Analyzer = {
  analyzer: sidecar,
  code: 'IST0110',
  name: 'ConflictingSidecarWorkloadSelectors',
  level: FindingLevel.ERROR,
  description: 'several Sidecars select the same pod',
  run: ctx => selectorChecks(ctx, sidecars(ctx), 'Sidecar', 'conflict'),
};
const sidecarsWithoutSelector: Analyzer = {
  analyzer: sidecar,
  code: 'IST0111',
  name: 'MultipleSidecarsWithoutWorkloadSelectors',
  level: FindingLevel.ERROR,
  description: 'more than one Sidecar in a namespace has no workload selector',
  run: ctx => severalNamespaceWide(ctx, sidecars(ctx), 'Sidecar'),
};
const sidecarInAmbient: Analyzer = {
  analyzer: sidecar,
  code: 'IST0167',
  name: 'IneffectivePolicy',
  level: FindingLevel.WARNING,
  description: 'a Sidecar in an ambient namespace, or selecting only ambient pods, has no effect (there is no sidecar)',
  run: ctx => sidecars(ctx).flatMap(s => {
    const ns = ctx.namespaceOf(s);
    const sel = selectorOf(s);
    if (sel) {
      const pods = ctx.podsSelectedBy(sel, ns);
      return pods.length > 0 && pods.every(p => podAmbient(p) || (ambient(ctx, ns) && p.labels['sidecar.istio.io/inject'] !== 'true'))
        ? [{ object: s, message: `Sidecar '${name(s)}' selects only pods in ambient mode, which have no sidecar: it has no effect` }] : [];
    }
    return ambient(ctx, ns) ? [{ object: s, message: `Sidecar '${name(s)}' is in namespace '${ns}', which is in ambient mode: it has no effect` }] : [];
  }),
};

const telemetry = (ctx: AnalysisContext) => ctx.of('Telemetry', TEL);
const telemetrySelectorNotFound: Analyzer = {
  analyzer: 'telemetry.SelectorAnalyzer',
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'a Telemetry\'s selector picks no pod of its namespace',
  run: ctx => selectorChecks(ctx, telemetry(ctx), 'Telemetry', 'missing'),
};
const telemetryConflict: Analyzer = {
  analyzer: 'telemetry.SelectorAnalyzer',
  code: 'IST0159',
  name: 'ConflictingTelemetryWorkloadSelectors',
  level: FindingLevel.ERROR,
  description: 'several Telemetries select the same pod',
  run: ctx => selectorChecks(ctx, telemetry(ctx), 'Telemetry', 'conflict'),
};
const telemetriesWithoutSelector: Analyzer = {
  analyzer: 'telemetry.DefaultSelectorAnalyzer',
  code: 'IST0160',
  name: 'MultipleTelemetriesWithoutWorkloadSelectors',
  level: FindingLevel.ERROR,
  description: 'more than one Telemetry in a namespace has no workload selector',
  run: ctx => severalNamespaceWide(ctx, telemetry(ctx), 'Telemetry'),
};

const telemetryProviders: Analyzer = {
  analyzer: 'telemetry.ProviderAnalyzer',
  code: 'IST0157',
  name: 'InvalidTelemetryProvider',
  level: FindingLevel.WARNING,
  description: 'a Telemetry access-logging entry names no provider while the mesh config has no default access-logging provider: it is ignored',
  run: ctx => (ctx.meshConfig.defaultAccessLogging.length > 0 ? [] : telemetry(ctx)
    .flatMap(t => list(spec(t).accessLogging as Array<{ providers?: unknown[]; disabled?: boolean }>)
      .filter(l => list(l?.providers).length === 0 && l?.disabled === undefined)
      .map(() => ({ object: t, message: `Telemetry '${name(t)}' in namespace '${ctx.namespaceOf(t)}' has an access-logging entry without providers and the mesh config has no default: it is ignored` })))),
};

const lightstep: Analyzer = {
  analyzer: 'telemetry.LightstepAnalyzer',
  code: 'IST0002',
  name: 'Deprecated',
  level: FindingLevel.WARNING,
  description: 'a Telemetry uses a Lightstep provider, which Istio deprecated (use OpenTelemetry)',
  run: ctx => {
    const names = new Set(ctx.meshConfig.extensionProviders.filter(p => p.kinds.includes('lightstep')).map(p => p.name));
    return names.size === 0 ? [] : telemetry(ctx).filter(t => list(spec(t).tracing as Array<{ providers?: Array<{ name?: string }> }>)
      .some(tr => list(tr?.providers).some(p => names.has(p?.name ?? ''))) || ctx.namespaceOf(t) === ctx.meshConfig.rootNamespace)
      .map(t => ({ object: t, message: `Telemetry '${name(t)}': the Lightstep tracing provider is deprecated: use an OpenTelemetry provider` }));
  },
};

const gatewayNameLabel = 'gateway.networking.k8s.io/gateway-name';
const K8S_GATEWAY_POLICIES: Array<[string, string]> = [['RequestAuthentication', SEC], ['AuthorizationPolicy', SEC], ['WasmPlugin', 'extensions.istio.io'], ['Telemetry', TEL]];

const ineffectiveSelector: Analyzer = {
  analyzer: 'k8sgateway.SelectorAnalyzer',
  code: 'IST0166',
  name: 'IneffectiveSelector',
  level: FindingLevel.WARNING,
  description: 'a policy selects a Gateway API gateway\'s pods by label: Istio ignores selectors on those pods; use targetRefs',
  run: ctx => K8S_GATEWAY_POLICIES.flatMap(([kind, group]) => ctx.of(kind, group))
    .filter(p => !hasTargets(p) && selectorOf(p)?.[gatewayNameLabel] !== undefined)
    .map(p => ({ object: p, message: `${p.manifest.kind} '${name(p)}' selects the pods of Gateway '${selectorOf(p)![gatewayNameLabel]}' by label, which Istio ignores for Gateway API gateways: use targetRefs` })),
};

const OTHER_POLICIES: Array<[string, string]> = [['PeerAuthentication', SEC], ['RequestAuthentication', SEC], ['WasmPlugin', 'extensions.istio.io']];

const policyNoWorkloads: Analyzer = {
  analyzer: 'meshkit.PolicySelectorAnalyzer',
  code: 'IST0127',
  name: 'NoMatchingWorkloadsFound',
  level: FindingLevel.WARNING,
  description: 'a PeerAuthentication, RequestAuthentication or WasmPlugin selects none of the workloads of its namespace (mesh-kit applies Istio\'s AuthorizationPolicy check to them)',
  run: ctx => OTHER_POLICIES.flatMap(([kind, group]) => ctx.of(kind, group)).flatMap(p => {
    const sel = selectorOf(p);
    const ns = ctx.namespaceOf(p);
    if (!sel || hasTargets(p) || sel[gatewayNameLabel] !== undefined) return [];
    const pods = ns === ctx.meshConfig.rootNamespace ? ctx.podsSelectedBy(sel) : ctx.podsSelectedBy(sel, ns);
    return pods.length > 0 ? [] : [{ object: p, message: `${p.manifest.kind} '${name(p)}' selects '${selectorString(sel)}', which matches none of the workloads of namespace '${ns}'` }];
  }),
};

/** The checks of policies' and Sidecars' workload selectors. */
export const SELECTOR_ANALYZERS: Analyzer[] = [
  authzNoWorkloads, authzNamespaceNotFound, sidecarSelectorNotFound, sidecarConflict, sidecarsWithoutSelector, sidecarInAmbient,
  telemetrySelectorNotFound, telemetryConflict, telemetriesWithoutSelector, telemetryProviders, lightstep, ineffectiveSelector, policyNoWorkloads,
];
