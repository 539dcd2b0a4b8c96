import { nameOf } from '../context';
import { Analyzer, FindingLevel, RawFinding } from '../model';
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
    .map(p => {
      const gateway = selectorOf(p)![gatewayNameLabel];
      return {
        object: p,
        message: `${p.manifest.kind} '${name(p)}' selects the pods of Gateway '${gateway}' by label, which Istio ignores for Gateway API gateways`,
        field: (p.manifest.spec as { selector?: unknown } | undefined)?.selector !== undefined ? 'spec.selector.matchLabels' : 'spec.workloadSelector.labels',
        value: selectorOf(p),
        fix: `replace spec.selector with targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: ${gateway} }]`,
      };
    }),
};

/*
 * Istio 1.31's addition that applies before a cluster exists: the Gateway API CRDs the objects install against the
 * minimum bundle versions istiod watches (istio/istio pkg/config/analysis/analyzers/k8sgateway/crdversion.go, the
 * minimums in pkg/config/schema/gatewayapi/minimumversions.go). Istio's other 1.31 additions: IST0175 needs istiod's
 * environment (BLOCKED_CIDRS_IN_JWKS_URIS); IST0177 is serviceentry.ts.
 */

/** The bundle version annotation the Gateway API puts on its CRDs (gateway-api pkg/consts BundleVersionAnnotation). */
export const BUNDLE_VERSION_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';

/** The lowest bundle version of each Gateway API CRD Istio 1.31 processes (pkg/config/schema/gatewayapi/minimumversions.go). */
export const MINIMUM_GATEWAY_API_CRD_VERSIONS: { readonly [crd: string]: string } = {
  'grpcroutes.gateway.networking.k8s.io': '1.1.0',
  'backendtlspolicies.gateway.networking.k8s.io': '1.4.0',
  'tlsroutes.gateway.networking.k8s.io': '1.5.0',
  'tcproutes.gateway.networking.k8s.io': '1.6.0',
};

/**
 * A semantic version as Masterminds/semver reads it (an optional `v`, missing minor and patch as 0), printed as its
 * String() prints it; undefined when it is not one.
 */
function semver(v: string): { readonly core: [number, number, number]; readonly text: string } | undefined {
  const m = /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/.exec(v.trim());
  if (!m) return undefined;
  const core: [number, number, number] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  return { core, text: `${core.join('.')}${m[4] ? `-${m[4]}` : ''}${m[5] ? `+${m[5]}` : ''}` };
}
const below = (a: readonly number[], b: readonly number[]) => a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];

const crdVersionBelowMinimum: Analyzer = {
  analyzer: 'k8sgateway.CRDVersionAnalyzer',
  code: 'IST0176',
  name: 'GatewayAPICRDVersionBelowMinimum',
  level: FindingLevel.WARNING,
  description: 'a Gateway API CRD\'s bundle version is below the minimum Istio 1.31 processes: resources of that kind are ignored',
  run: ctx => ctx.of('CustomResourceDefinition', 'apiextensions.k8s.io').flatMap((crd): RawFinding[] => {
    const minimum = MINIMUM_GATEWAY_API_CRD_VERSIONS[nameOf(crd)];
    const bundle = crd.manifest.metadata.annotations?.[BUNDLE_VERSION_ANNOTATION];
    // no annotation: istiod's CRD watcher logs it itself; a version that is not semver: Istio skips it too
    const installed = minimum !== undefined && bundle !== undefined ? semver(bundle) : undefined;
    if (!installed || !below(installed.core, semver(minimum)!.core)) return [];
    return [{
      object: crd,
      // Istio's text (crdversion.go), its last sentence as the fix
      message: `Gateway API CRD "${nameOf(crd)}" is at version "${installed.text}" but Istio requires at least "${minimum}"; resources of this kind will not be processed`,
      field: `metadata.annotations['${BUNDLE_VERSION_ANNOTATION}']`,
      value: bundle,
      fix: `upgrade the Gateway API CRDs to bundle version ${minimum} or later to satisfy the minimum version`,
    }];
  }),
};

/** Istio's `k8sgateway` analyzers. */
export const K8S_GATEWAY_ANALYZERS: Analyzer[] = [ineffectiveSelector, crdVersionBelowMinimum];
