import {
  GatewaySpec,
  GatewaySpecListeners,
  GatewaySpecListenersAllowedRoutesNamespacesFrom as From,
  GatewaySpecListenersTlsMode as TlsMode,
} from '../../imports/gateway.networking.k8s.io';
import { metadataOf } from '../metadata';
import { GatewayModel, Manifest, ServerModel } from '../model';

function listenersOf(s: ServerModel): GatewaySpecListeners[] {
  const tls = s.tls?.mode === 'SIMPLE'
    ? { mode: TlsMode.TERMINATE, certificateRefs: [{ name: s.tls.credentialName! }] }
    : s.tls?.mode === 'PASSTHROUGH' ? { mode: TlsMode.PASSTHROUGH } : undefined;
  const base = { port: s.port, protocol: s.protocol, tls, allowedRoutes: { namespaces: { from: From.SAME } } };
  // A Gateway API listener serves one hostname (none: any); an Istio server serves a list.
  if (s.hosts.includes('*')) return [{ ...base, name: s.portName }];
  return s.hosts.map((hostname, i) => ({ ...base, name: s.hosts.length === 1 ? s.portName : `${s.portName}-${i + 1}`, hostname }));
}

/**
 * Renders an ingress gateway as a Gateway API Gateway of its GatewayClass (`istio` deploys the
 * gateway itself). Listeners admit routes of the Gateway's own namespace only.
 * Assumes the gateway passed {@link gatewayApiGatewayProblems}.
 */
export function renderGatewayApiGateway(gw: GatewayModel): Manifest {
  const spec: GatewaySpec = {
    gatewayClassName: gw.gatewayClassName,
    listeners: gw.servers.flatMap(listenersOf),
  };
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: metadataOf(gw.name, gw.namespace),
    spec,
  };
}
