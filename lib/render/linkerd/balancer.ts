import { millisOfDurationString, wholeUnits } from '../../core/duration';
import { TrafficPolicyModel } from '../model';

/**
 * Linkerd's defaults for consecutive failure accrual, as its policy controller reads the Service's annotations
 * (linkerd/linkerd2 `policy-controller/k8s/index/src/outbound/index.rs`, `parse_consecutive_params`): 7 failures, a
 * penalty from 1s to 60s, jitter 0.5.
 */
export const LINKERD_ACCRUAL_DEFAULTS = { maxFailures: 7, minPenaltyMs: 1_000, maxPenaltyMs: 60_000 } as const;

/** The largest `failure-accrual-consecutive-max-failures` Linkerd reads (a `u32`). */
export const LINKERD_MAX_FAILURES_LIMIT = 4_294_967_295;

/**
 * Linkerd's circuit breaking (failure accrual, on the Service) from the outlier detection Istio reads: `consecutive5xxErrors`
 * becomes the consecutive failures that make an endpoint unavailable (Linkerd counts 5xx responses as failures), and
 * `baseEjectionTime` the minimum penalty (Linkerd backs off from it, as Istio lengthens repeated ejections). What is not
 * given keeps Linkerd's default (7 failures, a penalty of 1s to 60s): `outlierDetection: {}` writes the mode alone.
 *
 * Linkerd refuses a minimum penalty above the maximum and then applies no failure accrual at all (the controller logs
 * "Failed to parse accrual config" and drops the Service's whole configuration), so a `baseEjectionTime` above its
 * default maximum (60s) also writes the maximum penalty, equal to it: the endpoint is then held out for that long each
 * time, without growth.
 *
 * Assumes the policy passed `linkerdServiceProblems` (nothing else of outlier detection is set, counts within Linkerd's).
 * @see https://linkerd.io/2/reference/circuit-breaking/
 */
export function failureAccrualAnnotations(p: TrafficPolicyModel | undefined): { [key: string]: string } | undefined {
  const o = p?.outlierDetection;
  if (!o) return undefined;
  // `parse_duration` takes no fractions: `0.5s` is written `500ms`
  const min = o.baseEjectionTime !== undefined ? wholeUnits(o.baseEjectionTime) : undefined;
  return {
    'balancer.linkerd.io/failure-accrual': 'consecutive',
    ...(o.consecutive5xxErrors !== undefined ? { 'balancer.linkerd.io/failure-accrual-consecutive-max-failures': String(o.consecutive5xxErrors) } : {}),
    ...(min !== undefined && millisOfDurationString(min) > LINKERD_ACCRUAL_DEFAULTS.maxPenaltyMs ? { 'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': min } : {}),
    ...(min !== undefined ? { 'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': min } : {}),
  };
}
