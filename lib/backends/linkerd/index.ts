/**
 * The Linkerd back-end (`MeshProvider.LINKERD`): routes are HTTPRoutes or GRPCRoutes attached to the Service, versions
 * are Services of their own, and a service's policies are its Service's and pods' annotations. Linkerd has no ingress
 * gateway and none of Istio's own resources.
 *
 * @module
 */
import { LinkerdRoutes } from './routes';
import { linkerdRequestPolicy } from './service';
import { Problem, failAt, problem } from '../../core/errors';
import { LinkerdVersion, MeshSettings } from '../../core/settings';
import { failureAccrualAnnotations, linkerdAppProtocol, renderLinkerdAuthorization } from '../../render/linkerd';
import { linkerdRouteProblems, linkerdServiceProblems } from '../../validation/linkerd';
import { localityLabelRefusals, localityRefusals, withoutLocality } from '../../validation/locality';
import { MeshBackend, NamespaceEnrolment } from '../backend';
import { delegationProblem, exportToProblem, stickySessionsProblem } from '../shared/refusals';
import { versionServiceOf } from '../shared/version-service';

export const linkerdBackend: MeshBackend & { readonly name: 'linkerd' } = {
  name: 'linkerd',
  routeObjects: host => new LinkerdRoutes(host),
  routeProblems: (scope, model) => linkerdRouteProblems(model, model.grpc === true && MeshSettings.of(scope).linkerdVersion !== LinkerdVersion.V2_16),
  exportToProblem,
  versionServices: true,
  destinationPolicyKind: 'DestinationRule',
  serviceObjects: () => ({}),
  versionObjects: versionServiceOf,
  serviceProblems: svc => [
    // linkerd2-proxy balances over every endpoint by latency (power of two choices, peak EWMA); zone-aware balancing
    // (HAZL) is Buoyant Enterprise for Linkerd's, not open-source Linkerd's
    ...localityRefusals(svc, 'cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): open-source Linkerd has no locality load balancing '
      + '(its proxy balances over every endpoint by latency)', 'remove it, or render this chart for MeshProvider.ISTIO'),
    ...localityLabelRefusals(svc, 'cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): topology.istio.io/locality is a label istiod reads',
      'remove it (Linkerd reads no locality), or render this chart for MeshProvider.ISTIO'),
    ...linkerdServiceProblems(withoutLocality(svc)),
  ],
  // a namespace is enrolled by its annotations; Istio's revisions have no Linkerd equivalent
  namespaceMarks: (e: NamespaceEnrolment) => (!e.linkerdAnnotations
    ? {
      refused: problem('injection', 'cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): revisions are Istio\'s', e.injectionShown,
        'use NamespaceInjection.enabled() or disabled()'),
    }
    : {
      value: {
        annotations: {
          ...e.linkerdAnnotations,
          ...(e.defaultInboundPolicy !== undefined ? { 'config.linkerd.io/default-inbound-policy': e.defaultInboundPolicy } : {}),
        },
      },
    }),
  // Istio's naming convention is Istio's: Linkerd detects the protocol (or reads appProtocol), whatever the name
  portNameProblems: () => [],
  // the value Linkerd reads as the same protocol (any other value would make the port opaque to Linkerd)
  appProtocol: linkerdAppProtocol,
  injection: (enabled: boolean) => ({ where: 'annotations', key: 'linkerd.io/inject', value: enabled ? 'enabled' : 'disabled' }),
  inboundPolicy: (policy: string) => ({ value: { 'config.linkerd.io/default-inbound-policy': policy } }),
  requestPolicy: linkerdRequestPolicy,
  // Linkerd balances per Service: circuit breaking on the service's Service and on each version's
  balancerAnnotations: failureAccrualAnnotations,
  meshProblem: () => undefined,
  ingressProblem: (what: string) => linkerdIngressProblem(what),
  istioOnlyProblem: (what: string, linkerdFix: string) =>
    problem('mesh', `${what} cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): it is an Istio resource`, 'linkerd', linkerdFix),
  // Linkerd has no ingress gateway: IngressGateway and its routes are refused before they ask
  gatewayObject: host => failAt(host.scope, linkerdIngressProblem('IngressGateway')),
  gatewayDeploymentProblem: () => undefined,
  gatewayProblems: () => [],
  oneMatchPerRewrite: false,
  authorizesAtWaypoint: false,
  egressBy: 'EgressNetwork',
  addonsMesh: () => ({ value: 'linkerd' }),
  authorizationRenderer: () => renderLinkerdAuthorization,
  rateLimitProblem: () => undefined,
  delegationProblem: () => delegationProblem('linkerd'),
  egressNetworkProblem: () => undefined,
  canary: {
    stableBySelector: true,
    stickySessionsProblem: () => stickySessionsProblem('Linkerd back-end (MeshProvider.LINKERD)', 'render the service for MeshProvider.ISTIO'),
  },
};

function linkerdIngressProblem(what: string): Problem {
  return problem('mesh', `${what} cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): Linkerd has no ingress gateway of its own`,
    'linkerd', 'put it in a chart for MeshProvider.ISTIO, or route ingress with your ingress controller to the meshed Service');
}
