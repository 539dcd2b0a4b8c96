import { nameOf } from '../context';
import { AnalysisContext, Analyzer, FindingLevel, RawFinding } from '../model';
import { ambient, podAmbient, selectorChecks, selectorOf, severalNamespaceWide } from './util/selectors';

/*
 * Sidecars: Istio's `sidecar` analyzers (istio/istio pkg/config/analysis/analyzers/sidecar/), one file per Istio package.
 */

const NET = 'networking.istio.io';
const name = nameOf;

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
  run: ctx => sidecars(ctx).flatMap((s): RawFinding[] => {
    const ns = ctx.namespaceOf(s);
    const sel = selectorOf(s);
    if (sel) {
      const pods = ctx.podsSelectedBy(sel, ns);
      return pods.length > 0 && pods.every(p => podAmbient(p) || (ambient(ctx, ns) && p.labels['sidecar.istio.io/inject'] !== 'true'))
        ? [{
          object: s,
          message: `Sidecar '${name(s)}' selects only pods in ambient mode, which have no sidecar: it has no effect`,
          field: 'spec.workloadSelector.labels',
          value: sel,
          fix: 'remove the Sidecar, or select pods that run a sidecar (label them sidecar.istio.io/inject=true)',
        }] : [];
    }
    return ambient(ctx, ns) ? [{
      object: s,
      message: `Sidecar '${name(s)}' is in namespace '${ns}', which is in ambient mode: it has no effect`,
      field: 'metadata.namespace',
      value: ns,
      fix: `remove the Sidecar, or move it to a namespace with sidecar injection (namespace '${ns}' is labelled istio.io/dataplane-mode=ambient)`,
    }] : [];
  }),
};

/** Istio's `sidecar` analyzers. */
export const SIDECAR_ANALYZERS: Analyzer[] = [sidecarSelectorNotFound, sidecarConflict, sidecarsWithoutSelector, sidecarInAmbient];
