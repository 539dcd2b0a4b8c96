import { TrafficPolicyModel } from '../model';

/**
 * Linkerd's circuit breaking (failure accrual, on the Service) from the outlier detection Istio reads: `consecutive5xxErrors`
 * becomes the consecutive failures that make an endpoint unavailable (Linkerd counts 5xx responses as failures), and
 * `baseEjectionTime` the minimum penalty (Linkerd backs off from it, as Istio lengthens repeated ejections).
 * Assumes the policy passed `linkerdServiceProblems` (nothing else of outlier detection is set).
 * @see https://linkerd.io/2/reference/circuit-breaking/
 */
export function failureAccrualAnnotations(p: TrafficPolicyModel | undefined): { [key: string]: string } | undefined {
  const o = p?.outlierDetection;
  if (!o || o.consecutive5xxErrors === undefined) return undefined;
  return {
    'balancer.linkerd.io/failure-accrual': 'consecutive',
    'balancer.linkerd.io/failure-accrual-consecutive-max-failures': String(o.consecutive5xxErrors),
    ...(o.baseEjectionTime !== undefined ? { 'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': o.baseEjectionTime } : {}),
  };
}
