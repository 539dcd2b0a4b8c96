import { nameOf } from '../context';
import { Analyzer, FindingLevel } from '../model';
import { gatewayNameLabel, hasTargets, selectorOf } from './util/selectors';

/*
 * Policies on Gateway API gateways: Istio's `k8sgateway` analyzers (istio/istio pkg/config/analysis/analyzers/k8sgateway/), one file per Istio package.
 */

const SEC = 'security.istio.io';
const TEL = 'telemetry.istio.io';
const name = nameOf;

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

/** Istio's `k8sgateway` analyzers. */
export const K8S_GATEWAY_ANALYZERS: Analyzer[] = [ineffectiveSelector];
