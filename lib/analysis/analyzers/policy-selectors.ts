import { nameOf, selectorString } from '../context';
import { Analyzer, FindingLevel } from '../model';
import { gatewayNameLabel, hasTargets, selectorOf, selectorSpec } from './util/selectors';

/*
 * mesh-kit's own check of policy selectors: Istio's AuthorizationPolicy check (IST0127) applied to the other selecting policies.
 */

const SEC = 'security.istio.io';
const name = nameOf;

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
    const field = selectorSpec(p).selector?.matchLabels !== undefined ? 'spec.selector.matchLabels' : 'spec.workloadSelector.labels';
    return pods.length > 0 ? [] : [{
      object: p,
      message: `${p.manifest.kind} '${name(p)}' selects '${selectorString(sel)}', which matches none of the workloads of namespace '${ns}'`,
      field,
      value: sel,
      fix: `change ${field} to the labels of a workload of namespace '${ns}', or remove the selector to apply it to the whole namespace`,
    }];
  }),
};

/** mesh-kit's selector check of PeerAuthentications, RequestAuthentications and WasmPlugins. */
export const POLICY_SELECTOR_ANALYZERS: Analyzer[] = [policyNoWorkloads];
