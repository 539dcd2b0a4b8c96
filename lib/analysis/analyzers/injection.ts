import { SYSTEM_NAMESPACES, nameOf } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel } from '../model';

/*
 * Sidecar injection of namespaces: Istio's `injection` analyzers (istio/istio pkg/config/analysis/analyzers/injection/), one file per Istio package.
 */

const name = nameOf;
const istioOnly = (objects: AnalyzedObject[]) => objects.filter(o => o.mesh === 'istio');

const injectionAnalyzer = 'injection.Analyzer';

/** Istio's injection rule for a namespace: undefined (no label), or whether it is injected. */
function injectorEnablesByDefault(ctx: AnalysisContext, revision: string | undefined): boolean {
  const cmName = revision && revision !== 'default' ? `istio-sidecar-injector-${revision}` : 'istio-sidecar-injector';
  const cm = ctx.of('ConfigMap').find(c => name(c) === cmName);
  const values = (cm?.manifest.data as { values?: string } | undefined)?.values;
  try {
    return values !== undefined && (JSON.parse(values) as { sidecarInjectorWebhook?: { enableNamespacesByDefault?: boolean } })
      .sidecarInjectorWebhook?.enableNamespacesByDefault === true;
  } catch {
    return false;
  }
}

/** The namespaces the injection checks look at: not Istio's system namespaces. */
const userNamespaces = (ctx: AnalysisContext) => istioOnly(ctx.of('Namespace')).filter(n => !SYSTEM_NAMESPACES.has(name(n)));

/** The namespaces that say nothing of the mesh: no istio-injection or istio.io/rev label, not in ambient mode. */
const unlabelled = (ctx: AnalysisContext) => userNamespaces(ctx).filter(n => {
  const labels = n.manifest.metadata.labels ?? {};
  return !('istio-injection' in labels || 'istio.io/rev' in labels || labels['istio.io/dataplane-mode'] === 'ambient');
});

const namespaceNotInjected: Analyzer = {
  analyzer: injectionAnalyzer,
  code: 'IST0102',
  name: 'NamespaceNotInjected',
  level: FindingLevel.INFO,
  description: 'a namespace has no sidecar-injection label (istio-injection, istio.io/rev) and is not in ambient mode',
  run: ctx => (injectorEnablesByDefault(ctx, undefined) ? [] : unlabelled(ctx).map(n => ({
    object: n,
    message: `Namespace '${name(n)}' is not enabled for Istio injection`,
    field: 'metadata.labels',
    value: n.manifest.metadata.labels ?? {},
    fix: 'label it istio-injection=enabled (MeshNamespace does), or istio-injection=disabled to say it needs none',
  }))),
};

const namespaceInjectedByDefault: Analyzer = {
  analyzer: injectionAnalyzer,
  code: 'IST0148',
  name: 'NamespaceInjectionEnabledByDefault',
  level: FindingLevel.INFO,
  description: 'a namespace without injection labels is injected anyway, because the sidecar injector enables namespaces by default',
  run: ctx => (!injectorEnablesByDefault(ctx, undefined) ? [] : unlabelled(ctx).map(n => ({
    object: n,
    message: `Namespace '${name(n)}' has no injection label but is injected: the sidecar injector enables namespaces by default (sidecarInjectorWebhook.enableNamespacesByDefault)`,
    field: 'metadata.labels',
    value: n.manifest.metadata.labels ?? {},
    fix: 'label it istio-injection=enabled to say so, or istio-injection=disabled to keep it out of the mesh',
  }))),
};

const multipleInjectionLabels: Analyzer = {
  analyzer: injectionAnalyzer,
  code: 'IST0123',
  name: 'NamespaceMultipleInjectionLabels',
  level: FindingLevel.WARNING,
  description: 'a namespace enrols in the mesh more than one way: istio-injection=enabled, istio.io/rev, ambient mode',
  run: ctx => userNamespaces(ctx).flatMap(n => {
    const labels = n.manifest.metadata.labels ?? {};
    const ways = [
      labels['istio-injection'] !== undefined && labels['istio-injection'] !== 'disabled' ? `istio-injection=${labels['istio-injection']}` : undefined,
      labels['istio-injection'] !== 'disabled' && labels['istio.io/rev'] !== undefined ? `istio.io/rev=${labels['istio.io/rev']}` : undefined,
      labels['istio.io/dataplane-mode'] === 'ambient' ? 'istio.io/dataplane-mode=ambient' : undefined,
    ].filter((w): w is string => w !== undefined);
    const keys = ways.map(w => w.split('=')[0]);
    return ways.length > 1 ? [{
      object: n,
      message: `Namespace '${name(n)}' enrols in the mesh ${ways.length} ways (${ways.join(', ')})`,
      field: 'metadata.labels',
      value: Object.fromEntries(keys.map(k => [k, labels[k]])),
      fix: keys.length === 2 ? `keep one: remove the label ${keys[1]}, or ${keys[0]}` : `keep one: remove two of the labels ${keys.join(', ')}`,
    }] : [];
  }),
};

/** Istio's `injection` analyzers (Istio charts only). */
export const INJECTION_ANALYZERS: Analyzer[] = [namespaceNotInjected, namespaceInjectedByDefault, multipleInjectionLabels];
