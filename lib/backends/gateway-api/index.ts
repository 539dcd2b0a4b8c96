/**
 * The Istio back-end with the Gateway API (`TrafficApi.GATEWAY_API`, and ambient mode by default): routes are
 * HTTPRoutes, GRPCRoutes, TCPRoutes and TLSRoutes attached to the Service (GAMMA), versions are Services of their own.
 *
 * @module
 */
import { problem } from '../../core/errors';
import { emit } from '../../hosting/cdk8s/emit';
import { gatewayApiGatewayAnnotations, renderGatewayApiGateway } from '../../render/gateway-api';
import { gatewayApiGatewayProblems, gatewayApiRouteProblems, gatewayApiServiceProblems } from '../../validation/gateway-api';
import { MeshBackend } from '../backend';
import { GatewayApiRoutes } from './routes';
import { istioMesh } from '../istio/mesh';
import { delegationProblem, egressNetworkProblem, exportToProblem, rateLimitProblem, stickySessionsProblem } from '../shared/refusals';
import { versionServiceOf } from '../shared/version-service';

export const gatewayApiBackend: MeshBackend & { readonly name: 'gateway-api' } = {
  name: 'gateway-api',
  ...istioMesh,
  routeObjects: host => new GatewayApiRoutes(host),
  routeProblems: (_scope, model) => gatewayApiRouteProblems(model),
  exportToProblem,
  versionServices: true,
  destinationPolicyKind: 'BackendTLSPolicy',
  serviceObjects: () => ({}),
  versionObjects: host => versionServiceOf(host, true),
  serviceProblems: gatewayApiServiceProblems,
  gatewayObject: host => emit(host.scope, 'Resource',
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      name: host.name,
      namespace: host.namespace,
      annotations: gatewayApiGatewayAnnotations(host.model()),
      body: ['spec'],
    },
    () => renderGatewayApiGateway(host.model())),
  gatewayDeploymentProblem: (gatewayName: string) => problem('gateway', 'is for Istio\'s Gateway: under the Gateway API, Istio deploys each Gateway\'s own pods',
    gatewayName, 'drop gateway (gatewayClassName \'istio\' deploys one), or render this chart with TrafficApi.ISTIO'),
  gatewayProblems: gatewayApiGatewayProblems,
  oneMatchPerRewrite: true,
  rateLimitProblem: (got: unknown) => rateLimitProblem('gateway-api', got),
  delegationProblem: () => delegationProblem('gateway-api'),
  egressNetworkProblem: () => egressNetworkProblem('gateway-api'),
  canary: {
    stableBySelector: false,
    stickySessionsProblem: () => stickySessionsProblem('Gateway API back-end (TrafficApi.GATEWAY_API)', 'render the service with TrafficApi.ISTIO'),
  },
};
