/**
 * Refusals more than one back-end words the same way (the message names the construct and the mesh it needs).
 *
 * @module
 */
import { Problem, problem } from '../../core/errors';
import { BackendName, Decision, RequestPolicyInput } from '../backend';

/** Mesh routing or policy (`what`) in a chart rendered for no mesh. */
export function noMeshProblem(what: string): Problem {
  return problem('mesh', `${what} needs a mesh: this chart is rendered for MeshProvider.NONE`, 'none', 'render the chart for MeshProvider.ISTIO or LINKERD');
}

/** `exportTo` of a ServiceRouting under a back-end whose routes apply where they attach. */
export function exportToProblem(exportTo: readonly string[]): Problem {
  return problem('exportTo', 'cannot be expressed with the Gateway API or Linkerd back-end: an HTTPRoute applies where its parentRef is (use a ReferenceGrant for other namespaces)',
    exportTo, 'remove it, or render this chart with TrafficApi.ISTIO');
}

/** Linkerd's default inbound policy, refused without Linkerd. */
export function inboundPolicyWithoutLinkerd(policy: string): Decision<{ readonly [key: string]: string }> {
  return {
    refused: problem('defaultInboundPolicy', 'cannot be expressed without Linkerd: it is Linkerd\'s (config.linkerd.io/default-inbound-policy)', policy,
      'under Istio use PeerAuthentication (STRICT) and AuthorizationPolicy.denyAllThenAllow(), or render this chart for MeshProvider.LINKERD'),
  };
}

/** Linkerd's request policy (timeouts and retries on the Service), refused without Linkerd. */
export function requestPolicyWithoutLinkerd(r: RequestPolicyInput): Decision<{ readonly [key: string]: string }> {
  return {
    refused: problem('requestPolicy', 'cannot be expressed without Linkerd: Istio and the Gateway API set timeouts and retries on routes', r.fields,
      'set timeout and retries on the routes (ServiceRouting), or render this chart for MeshProvider.LINKERD'),
  };
}

/** Sticky sessions (a DestinationRule setting) under a back-end that reaches versions through Services of their own. */
export function stickySessionsProblem(backend: string, fix: string): Problem {
  return problem('stickySessions', `cannot be expressed with the ${backend}: it is a DestinationRule setting`, 'consistentHash', `remove it, or ${fix}`);
}

/** VirtualService delegation under back-end `backend`, whose routes are not VirtualServices. */
export function delegationProblem(backend: BackendName): Problem {
  return problem('trafficApi', 'must be Istio\'s API: VirtualService delegation has no Gateway API or Linkerd equivalent', backend,
    'attach each team\'s route to the gateway or service directly, or render this chart with TrafficApi.ISTIO');
}

/** Linkerd's EgressNetwork under back-end `backend`. */
export function egressNetworkProblem(backend: BackendName): Problem {
  return problem('mesh', 'must be Linkerd: EgressNetwork is Linkerd\'s egress control', backend,
    'under Istio declare the external services with ServiceEntry (and outboundTrafficPolicy: REGISTRY_ONLY, or SidecarScoping registryOnly)');
}

/** A rate limit under back-end `backend`, whose mesh has no rate-limit API. */
export function rateLimitProblem(backend: BackendName, got: unknown): Problem {
  return problem('rateLimit', `cannot be expressed with the ${backend} back-end: Istio has no rate-limit API (its local rate limit is an EnvoyFilter)`,
    got, 'remove it, or render this chart for MeshProvider.LINKERD (HTTPLocalRateLimitPolicy)');
}

/** A namespace's default inbound policy (Linkerd's) under mesh `mesh`. */
export function namespaceInboundPolicyProblem(mesh: string, policy: string): Problem {
  return problem('defaultInboundPolicy', `cannot be expressed with the ${mesh} back-end: it is Linkerd's (config.linkerd.io/default-inbound-policy)`,
    policy, 'under Istio use PeerAuthentication (STRICT) and AuthorizationPolicy.denyAllThenAllow(), or render this chart for MeshProvider.LINKERD');
}
