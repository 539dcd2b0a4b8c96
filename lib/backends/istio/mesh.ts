/**
 * What Istio decides whichever traffic API renders its routes (Istio's own or the Gateway API): how workloads join the
 * mesh, what its ports' names mean, and what it refuses of Linkerd's settings. The shared base of the two Istio
 * back-ends (`istio/`, `gateway-api/`).
 *
 * @module
 */
import { MeshSettings } from '../../core/settings';
import { renderIstioAuthorizationPolicy, securityApiVersion } from '../../render/istio';
import { AuthorizationModel, Manifest, PortModel } from '../../render/model';
import { checkPortName } from '../../validation/rules';
import { MeshBackend, NamespaceEnrolment } from '../backend';
import { inboundPolicyWithoutLinkerd, namespaceInboundPolicyProblem, requestPolicyWithoutLinkerd } from '../shared/refusals';

/** The decisions both Istio back-ends share. */
export const istioMesh: Pick<MeshBackend, 'namespaceMarks' | 'portNameProblems' | 'appProtocol' | 'injection' | 'inboundPolicy' | 'requestPolicy' | 'balancerAnnotations'
| 'meshProblem' | 'ingressProblem' | 'istioOnlyProblem' | 'authorizesAtWaypoint' | 'authorizationRenderer'
| 'egressBy' | 'addonsMesh'> = {
  // a namespace is enrolled by its labels (the mesh is Istio under either traffic API: messages name it 'istio')
  namespaceMarks: (e: NamespaceEnrolment) => (e.defaultInboundPolicy !== undefined
    ? { refused: namespaceInboundPolicyProblem('istio', e.defaultInboundPolicy) } : { value: { labels: e.istioLabels } }),
  // Istio selects a port's protocol by its name (or appProtocol): istio.io docs, ops/configuration/traffic-management/protocol-selection
  portNameProblems: (port: PortModel, protocol: string) => checkPortName('ports.name', port, protocol),
  appProtocol: (protocol: string) => protocol,
  injection: (enabled: boolean) => ({ where: 'labels', key: 'sidecar.istio.io/inject', value: String(enabled) }),
  inboundPolicy: inboundPolicyWithoutLinkerd,
  requestPolicy: requestPolicyWithoutLinkerd,
  balancerAnnotations: () => undefined,
  meshProblem: () => undefined,
  ingressProblem: () => undefined,
  istioOnlyProblem: () => undefined,
  // ambient: ztunnel at the pods sees the waypoint's identity, never the caller's; the waypoint sees the caller
  authorizesAtWaypoint: true,
  egressBy: 'ServiceEntry',
  addonsMesh: () => ({ value: 'istio' }),
  authorizationRenderer: scope => {
    const apiVersion = securityApiVersion(MeshSettings.of(scope).istioApiVersion);
    return (m: AuthorizationModel): Manifest[] => [renderIstioAuthorizationPolicy(m, apiVersion)];
  },
};
