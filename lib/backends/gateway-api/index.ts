/**
 * The Istio back-end with the Gateway API (`TrafficApi.GATEWAY_API`, and ambient mode by default): routes are
 * HTTPRoutes, GRPCRoutes, TCPRoutes and TLSRoutes attached to the Service (GAMMA), versions are Services of their own.
 *
 * @module
 */
import { GatewayApiRoutes } from './routes';
import { problem } from '../../core/errors';
import { emit } from '../../hosting/cdk8s/emit';
import { gatewayApiGatewayAnnotations, renderGatewayApiGateway } from '../../render/gateway-api';
import { gatewayApiGatewayProblems, gatewayApiRouteProblems, gatewayApiServiceProblems } from '../../validation/gateway-api';
import { localityRefusals, withoutLocality } from '../../validation/locality';
import { MeshBackend } from '../backend';
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
  // this back-end writes no DestinationRule, where Istio reads locality load balancing from
  serviceProblems: svc => [
    ...localityRefusals(svc, 'cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): locality load balancing is a DestinationRule '
      + 'setting (localityLbSetting), and this back-end writes none (versions are Services of their own); the Gateway API has no locality setting',
    'remove it, or render this chart with TrafficApi.ISTIO (Istio applies the DestinationRule to calls from the mesh and gateways alike)'),
    ...gatewayApiServiceProblems(withoutLocality(svc)),
  ],
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
