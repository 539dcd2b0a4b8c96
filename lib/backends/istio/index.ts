/**
 * The Istio back-end with Istio's traffic API (`TrafficApi.ISTIO`): routes are VirtualServices, versions are
 * DestinationRule subsets.
 *
 * @module
 */
import { emit, istioNetworking, renderContextOf } from '../../hosting/cdk8s/emit';
import { renderDestinationRule, renderGateway } from '../../render/istio';
import { serviceLocalityProblems } from '../../validation/locality';
import { matchGatewayProblems, pathPrefixRewriteProblems, virtualServiceWeightProblems } from '../../validation/rules';
import { GatewayHost, MeshBackend, ServiceHost } from '../backend';
import { istioMesh } from './mesh';
import { VirtualServiceRoutes } from './routes';
import { egressNetworkProblem, rateLimitProblem } from '../shared/refusals';

export const istioBackend: MeshBackend & { readonly name: 'istio' } = {
  name: 'istio',
  ...istioMesh,
  routeObjects: host => new VirtualServiceRoutes(host),
  routeProblems: (_scope, model) => [...matchGatewayProblems(model), ...pathPrefixRewriteProblems(model), ...virtualServiceWeightProblems(model)],
  exportToProblem: () => undefined,
  versionServices: false,
  destinationPolicyKind: 'DestinationRule',
  serviceObjects: (host: ServiceHost) => ({
    destinationRule: emit(host.scope, 'DestinationRule',
      { apiVersion: istioNetworking(host.scope), kind: 'DestinationRule', name: host.destinationRuleName, namespace: host.namespace, body: ['spec'] },
      () => renderDestinationRule(host.model(), renderContextOf(host.scope))),
  }),
  versionObjects: () => ({}),
  // a DestinationRule's locality failover without outlier detection never fails over
  serviceProblems: serviceLocalityProblems,
  gatewayObject: (host: GatewayHost) => emit(host.scope, 'Resource',
    { apiVersion: istioNetworking(host.scope), kind: 'Gateway', name: host.name, namespace: host.namespace, body: ['spec'] },
    () => renderGateway(host.model(), renderContextOf(host.scope))),
  gatewayDeploymentProblem: () => undefined,
  gatewayProblems: () => [],
  oneMatchPerRewrite: false,
  rateLimitProblem: (got: unknown) => rateLimitProblem('istio', got),
  delegationProblem: () => undefined,
  egressNetworkProblem: () => egressNetworkProblem('istio'),
  canary: { stableBySelector: false, stickySessionsProblem: () => undefined },
};
