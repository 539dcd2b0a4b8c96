/** What an IstioOperator is rendered from: the istiod chart's values the installation computed, and its components. */
export interface IstioOperatorInput {
  readonly profile: string;
  readonly version: string;
  readonly namespace: string;
  /** The istiod chart's values (the installation's and the user's). */
  readonly istiod: { readonly [key: string]: unknown };
  readonly components: { readonly base: boolean; readonly cni: boolean; readonly ztunnel: boolean };
  /** The user's values of the other charts. */
  readonly values: { readonly base?: unknown; readonly cni?: unknown; readonly ztunnel?: unknown };
}

/**
 * The IstioOperator `spec` for istioctl: the istiod chart's values where IstioOperator keeps them (`meshConfig` and
 * `revision` at the top, `values.global`, `values.revisionTags`, the rest as `values.pilot`), istiod's disruption
 * budget as `components.pilot.k8s.podDisruptionBudget`, and istioctl's own gateways off (gateways are IstioGateways).
 * @see https://istio.io/latest/docs/reference/config/istio.operator.v1alpha1/
 */
export function istioOperatorSpec(i: IstioOperatorInput): { [key: string]: unknown } {
  // `profile` is the spec's own field; the rest of istiod's values keep their IstioOperator places
  const { meshConfig, global, profile: _profile, platform, revision, revisionTags, pdb, ...pilot } = i.istiod as { [key: string]: unknown };
  const globals = platform !== undefined ? { ...(global as object | undefined), platform } : global;
  return {
    profile: i.profile,
    tag: i.version,
    ...(revision !== undefined ? { revision } : {}),
    ...(i.namespace !== 'istio-system' ? { namespace: i.namespace } : {}),
    ...(meshConfig !== undefined ? { meshConfig } : {}),
    components: {
      base: { enabled: i.components.base },
      pilot: { enabled: true, ...(pdb !== undefined ? { k8s: { podDisruptionBudget: pdb } } : {}) },
      cni: { enabled: i.components.cni },
      ztunnel: { enabled: i.components.ztunnel },
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }],
      egressGateways: [{ name: 'istio-egressgateway', enabled: false }],
    },
    values: {
      ...(globals !== undefined ? { global: globals } : {}),
      ...(revisionTags !== undefined ? { revisionTags } : {}),
      pilot,
      ...(i.values.base !== undefined ? { base: i.values.base } : {}),
      ...(i.values.cni !== undefined ? { cni: i.values.cni } : {}),
      ...(i.values.ztunnel !== undefined ? { ztunnel: i.values.ztunnel } : {}),
    },
  };
}
