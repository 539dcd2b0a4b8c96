/**
 * What the API server and the admission webhooks refuse that no schema says: Kubernetes' own validation
 * (names per kind, label and annotation keys and values, container port names, etcd's request size),
 * Istio's validating webhook (istio/istio pkg/config/validation) and Linkerd's admission controller
 * (linkerd2 policy-controller). The rules live in `./rules/`, one file per area; this file dispatches by
 * kind. Problems are `<path>: <what is wrong>`, as the schema's.
 *
 * @module
 */
import { envoyFilterProblems, telemetryProblems, wasmPluginProblems } from './rules/istio-extensions';
import { istioGatewayProblems, virtualServiceProblems } from './rules/istio-networking';
import { authorizationPolicyProblems, istioMetadataProblems, requestAuthenticationProblems } from './rules/istio-security';
import {
  destinationRuleProblems, exportToProblems, serviceEntryProblems, sidecarProblems, workloadEntrySpecProblems, workloadGroupProblems,
} from './rules/istio-traffic';
import { kubernetesProblems } from './rules/kubernetes';
import {
  egressNetworkProblems, linkerdAuthorizationPolicyProblems, linkerdServerProblems, meshTlsAuthenticationProblems, networkAuthenticationProblems,
  rateLimitPolicyProblems, serverAuthorizationProblems,
} from './rules/linkerd';
import { gatewayHttpRouteLinkerdProblems, grpcRouteLinkerdProblems, linkerdHttpRouteProblems, tcpRouteLinkerdProblems, tlsRouteLinkerdProblems } from './rules/linkerd-routes';
import { Manifest } from '../render/model';

/** etcd's default request limit (`--max-request-bytes`, 1.5 MiB): the API server refuses a larger object. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/** A kind's admission rules: the problems of one object, `<path>: <message>`. */
type KindRules = (o: Manifest) => string[];

/** Admission rules by `group/Kind` (any version of the group); a kind may have rules from several area files. */
const RULES: ReadonlyMap<string, readonly KindRules[]> = new Map<string, readonly KindRules[]>([
  ['networking.istio.io/VirtualService', [virtualServiceProblems, exportToProblems]],
  ['networking.istio.io/Gateway', [istioGatewayProblems]],
  ['networking.istio.io/DestinationRule', [istioMetadataProblems, destinationRuleProblems, exportToProblems]],
  ['networking.istio.io/ServiceEntry', [istioMetadataProblems, serviceEntryProblems, exportToProblems]],
  ['networking.istio.io/Sidecar', [istioMetadataProblems, sidecarProblems]],
  ['networking.istio.io/WorkloadEntry', [istioMetadataProblems, workloadEntrySpecProblems]],
  ['networking.istio.io/WorkloadGroup', [istioMetadataProblems, workloadGroupProblems]],
  ['security.istio.io/AuthorizationPolicy', [istioMetadataProblems, authorizationPolicyProblems]],
  ['security.istio.io/RequestAuthentication', [istioMetadataProblems, requestAuthenticationProblems]],
  ['security.istio.io/PeerAuthentication', [istioMetadataProblems]],
  ['telemetry.istio.io/Telemetry', [istioMetadataProblems, telemetryProblems]],
  ['extensions.istio.io/WasmPlugin', [istioMetadataProblems, wasmPluginProblems]],
  ['networking.istio.io/ProxyConfig', [istioMetadataProblems]],
  ['networking.istio.io/EnvoyFilter', [istioMetadataProblems, envoyFilterProblems]],
  ['policy.linkerd.io/Server', [linkerdServerProblems]],
  ['policy.linkerd.io/ServerAuthorization', [serverAuthorizationProblems]],
  ['policy.linkerd.io/AuthorizationPolicy', [linkerdAuthorizationPolicyProblems]],
  ['policy.linkerd.io/MeshTLSAuthentication', [meshTlsAuthenticationProblems]],
  ['policy.linkerd.io/NetworkAuthentication', [networkAuthenticationProblems]],
  ['policy.linkerd.io/HTTPRoute', [linkerdHttpRouteProblems]],
  ['policy.linkerd.io/HTTPLocalRateLimitPolicy', [rateLimitPolicyProblems]],
  ['policy.linkerd.io/EgressNetwork', [egressNetworkProblems]],
  // Linkerd's rules for the Gateway API routes apply only to a route that is Linkerd's (rules/linkerd-routes.ts)
  ['gateway.networking.k8s.io/HTTPRoute', [gatewayHttpRouteLinkerdProblems]],
  ['gateway.networking.k8s.io/GRPCRoute', [grpcRouteLinkerdProblems]],
  ['gateway.networking.k8s.io/TLSRoute', [tlsRouteLinkerdProblems]],
  ['gateway.networking.k8s.io/TCPRoute', [tcpRouteLinkerdProblems]],
]);

/**
 * What the API server or an admission webhook would refuse in an object beyond its schema: Kubernetes' names,
 * labels, annotations and port names, etcd's size limit, and the webhooks' rules for the object's kind.
 */
export function apiRuleProblems(o: Manifest): string[] {
  const out = kubernetesProblems(o);
  const group = o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '';
  const rules = RULES.get(`${group}/${o.kind}`);
  for (const rule of rules ?? []) out.push(...rule(o));
  const size = Buffer.byteLength(JSON.stringify(o));
  if (size > MAX_OBJECT_BYTES) {
    out.push(`/: the object is ${(size / 1024 / 1024).toFixed(2)} MiB, over etcd's 1.5 MiB request limit: the API server refuses it; `
      + 'split it (e.g. one ConfigMap per dashboard or file, or fewer routes per VirtualService)');
  }
  return out;
}
