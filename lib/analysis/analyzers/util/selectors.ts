import { distinct, list, nameOf, selectorString } from '../../context';
import { AnalysisContext, AnalyzedObject, RawFinding } from '../../model';
import { SelectorSpec } from '../types';

/* What the selector analyzers of several Istio packages share (authz, sidecar, telemetry, k8sgateway; Istio keeps these helpers in each package's util.go). */

const name = nameOf;
export const selectorSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as SelectorSpec & { [k: string]: unknown };
export const hasTargets = (o: AnalyzedObject) => selectorSpec(o).targetRef !== undefined || list(selectorSpec(o).targetRefs).length > 0;

/** A policy's workload selector labels (`selector.matchLabels` or a Sidecar's `workloadSelector.labels`), or undefined when it has none. */
export function selectorOf(o: AnalyzedObject): { [k: string]: string } | undefined {
  const labels = selectorSpec(o).selector?.matchLabels ?? selectorSpec(o).workloadSelector?.labels;
  return labels && typeof labels === 'object' && Object.keys(labels).length > 0 ? labels : undefined;
}

export const ambient = (ctx: AnalysisContext, ns: string) => {
  const l = ctx.namespace(ns)?.manifest.metadata.labels ?? {};
  return l['istio.io/dataplane-mode'] === 'ambient' && l['istio-injection'] === undefined && l['istio.io/rev'] === undefined;
};
export const podAmbient = (p: { annotations: { readonly [k: string]: string } }) => p.annotations['ambient.istio.io/redirection'] === 'enabled';

/** Where an object's workload selector is written: a Sidecar's `spec.workloadSelector.labels`, else `spec.selector.matchLabels`. */
export const selectorField = (o: AnalyzedObject) => (o.manifest.kind === 'Sidecar' ? 'spec.workloadSelector.labels' : 'spec.selector.matchLabels');

/** Namespace-wide resources of one kind, more than one in a namespace (Istio applies one). */
export function severalNamespaceWide(ctx: AnalysisContext, objects: AnalyzedObject[], kind: string): RawFinding[] {
  const byNs = new Map<string, AnalyzedObject[]>();
  for (const o of objects.filter(x => selectorOf(x) === undefined && !hasTargets(x))) {
    byNs.set(ctx.namespaceOf(o), [...(byNs.get(ctx.namespaceOf(o)) ?? []), o]);
  }
  return [...byNs].filter(([, l]) => distinct(l).length > 1).flatMap(([ns, l]) => l.map(o => ({
    object: o,
    message: `The ${kind} resources ${distinct(l).map(x => `'${name(x)}'`).join(', ')} in namespace '${ns}' have no workload selector: Istio applies only one of them`,
    field: 'spec',
    value: distinct(l).map(x => name(x)),
    fix: `give each of them a workload selector (${selectorField(o)}), or merge them into one ${kind}`,
  })));
}

/** Selectors that pick no pod of their namespace (IST0101), and pods several selectors pick (the conflict code). */
export function selectorChecks(ctx: AnalysisContext, objects: AnalyzedObject[], kind: string, conflictCode: 'missing' | 'conflict'): RawFinding[] {
  const byPod = new Map<object, AnalyzedObject[]>();
  const out: RawFinding[] = [];
  for (const o of objects) {
    const sel = selectorOf(o);
    if (!sel || hasTargets(o)) continue;
    const pods = ctx.podsSelectedBy(sel, ctx.namespaceOf(o));
    if (pods.length === 0 && conflictCode === 'missing') {
      out.push({
        object: o,
        message: `${kind} '${name(o)}' selects '${selectorString(sel)}', which no pod of namespace '${ctx.namespaceOf(o)}' has`,
        field: selectorField(o),
        value: sel,
        fix: `change the selector to the labels of a pod of namespace '${ctx.namespaceOf(o)}', or deploy a workload labelled '${selectorString(sel)}' there`,
      });
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
        const podName = (pod as { object: AnalyzedObject }).object.manifest.metadata.name;
        out.push({
          object: o,
          message: `${kind} resources ${l.map(x => `'${name(x)}'`).join(', ')} all select pod '${podName}': Istio applies only one of them`,
          field: selectorField(o),
          value: selectorOf(o),
          fix: `merge them into one ${kind} for pod '${podName}', or narrow the selectors so that each pod is selected by one ${kind}`,
        });
      }
    }
  }
  return out;
}

/** The label Istio puts on the pods of a Gateway API gateway it deploys. */
export const gatewayNameLabel = 'gateway.networking.k8s.io/gateway-name';
