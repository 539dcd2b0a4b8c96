/**
 * Linkerd's settings of a service, carried by its Service's and pods' annotations.
 *
 * @module
 */
import { wholeUnits } from '../../core/duration';
import { problem } from '../../core/errors';
import { LINKERD_GRPC_RETRY_ON, retryAnnotations } from '../../render/linkerd';
import { LINKERD_RETRY_ON } from '../../validation/linkerd';
import { Decision, RequestPolicyInput } from '../backend';

/**
 * Linkerd's timeouts and retries of every request to the service (its Service's `timeout.linkerd.io/*` and
 * `retry.linkerd.io/*` annotations), checked as a route's are.
 */
export function linkerdRequestPolicy(r: RequestPolicyInput): Decision<{ readonly [key: string]: string }> {
  const retries = r.retries();
  const allowed = r.grpc ? LINKERD_GRPC_RETRY_ON : LINKERD_RETRY_ON;
  const bad = retries?.retryOn?.split(',').find((c: string) => !allowed.includes(c));
  if (bad) {
    return {
      refused: problem('requestPolicy.retries.retryOn', `cannot be expressed with the Linkerd back-end: it retries ${r.grpc ? 'gRPC calls' : 'requests'} on ${allowed.join(', ')}`, bad,
        r.grpc ? 'use RetryOn.UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED or INTERNAL' : 'use RetryOn.FIVE_XX or RetryOn.GATEWAY_ERROR'),
    };
  }
  const timeouts = Object.entries(r.timeouts())
    .filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => [`timeout.linkerd.io/${k}`, wholeUnits(v)]);
  return { value: { ...Object.fromEntries(timeouts), ...(retries && retries.attempts > 0 ? retryAnnotations(retries, r.grpc) : {}) } };
}
