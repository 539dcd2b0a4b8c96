/**
 * No mesh (`MeshProvider.NONE`): workloads and Services only. Mesh routing and policy are refused, naming the mesh to
 * render for.
 *
 * @module
 */
import { failAt, problem } from '../../core/errors';
import { PortModel } from '../../render/model';
import { checkPortName } from '../../validation/rules';
import { MeshBackend, NamespaceEnrolment } from '../backend';
import { namespaceInboundPolicyProblem, delegationProblem, egressNetworkProblem, exportToProblem, rateLimitProblem, inboundPolicyWithoutLinkerd, noMeshProblem, requestPolicyWithoutLinkerd } from '../shared/refusals';

export const noneBackend: MeshBackend & { readonly name: 'none' } = {
  name: 'none',
  routeObjects: host => failAt(host.scope, noMeshProblem('Routing')),
  routeProblems: () => [noMeshProblem('Routing')],
  exportToProblem,
  versionServices: false,
  destinationPolicyKind: 'DestinationRule',
  serviceObjects: () => ({}),
  versionObjects: () => ({}),
  serviceProblems: () => [],
  namespaceMarks: (e: NamespaceEnrolment) => (e.defaultInboundPolicy !== undefined
    ? { refused: namespaceInboundPolicyProblem('none', e.defaultInboundPolicy) } : { value: {} }),
  portNameProblems: (port: PortModel, protocol: string) => checkPortName('ports.name', port, protocol),
  appProtocol: (protocol: string) => protocol,
  // no mesh, no injection setting to write
  injection: () => undefined,
  inboundPolicy: inboundPolicyWithoutLinkerd,
  requestPolicy: requestPolicyWithoutLinkerd,
  balancerAnnotations: () => undefined,
  meshProblem: noMeshProblem,
  ingressProblem: noMeshProblem,
  istioOnlyProblem: (what: string) => noMeshProblem(what),
  // no mesh, no ingress gateway: IngressGateway and its routes are refused before they ask
  gatewayObject: host => failAt(host.scope, noMeshProblem('IngressGateway')),
  gatewayDeploymentProblem: () => undefined,
  gatewayProblems: () => [],
  oneMatchPerRewrite: false,
  // no mesh, no authorization: ServiceAuthorization is refused before it asks
  authorizesAtWaypoint: false,
  // no mesh, no egress control: ServiceEntry is refused before it asks
  egressBy: 'ServiceEntry',
  addonsMesh: () => ({
    refused: problem('mesh', 'ObservabilityAddons needs a mesh to observe: this chart is rendered for MeshProvider.NONE', 'none',
      'render the chart for MeshProvider.ISTIO or LINKERD'),
  }),
  authorizationRenderer: scope => failAt(scope, noMeshProblem('ServiceAuthorization')),
  rateLimitProblem: (got: unknown) => rateLimitProblem('none', got),
  delegationProblem: () => delegationProblem('none'),
  egressNetworkProblem: () => egressNetworkProblem('none'),
  canary: { stableBySelector: false, stickySessionsProblem: () => undefined },
};
