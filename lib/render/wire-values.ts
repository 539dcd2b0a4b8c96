import type { k8s } from 'cdk8s-plus-27';

/*
 * Values of the generated types (cdk8s-plus-27's Kubernetes types, the Istio and Gateway API imports) written as
 * the plain values the API takes, still checked by the compiler against those types, without loading the modules
 * that define them: their enums and classes cost tens of milliseconds at require (cdk8s-plus-27 alone ~35 ms, the
 * Istio networking imports ~19 ms), paid by every `cdk8s synth` for nothing but a wrapper around a string.
 */

/** A member of a generated string enum, by its value: `enumValue<SidecarSpecOutboundTrafficPolicyMode>('REGISTRY_ONLY')`. */
export function enumValue<E extends string>(value: `${E}`): E {
  return value as E;
}

/**
 * A value of a generated enum known only at run time (a redirect code, a CORS method), typed as the enum: the model
 * was validated when it was built, and the pinned schema checks the value again at synth (IST0106).
 */
export function validatedEnumValue<E extends string | number>(value: string | number): E {
  return value as E;
}

/** A Kubernetes quantity ('100m', '128Mi') as the API writes it, typed as cdk8s-plus's `k8s.Quantity`. */
export function quantity(value: string): k8s.Quantity {
  return value as unknown as k8s.Quantity;
}

/** A port or percentage as the API writes it (8080, 'http', '25%'), typed as cdk8s-plus's `k8s.IntOrString`. */
export function intOrString(value: number | string): k8s.IntOrString {
  return value as unknown as k8s.IntOrString;
}
