import {
  GatewaySpec,
  GatewaySpecListeners,
  GatewaySpecListenersAllowedRoutesNamespacesFrom as From,
  GatewaySpecListenersTlsMode as TlsMode,
} from '../../imports/gateway.networking.k8s.io';
import { metadataOf } from '../metadata';
import { GatewayModel, Manifest, ServerModel } from '../model';
import { enumValue } from '../wire-values';

function listenersOf(s: ServerModel, gw: GatewayModel): GatewaySpecListeners[] {
  // MUTUAL is Istio's listener option `gateway.istio.io/tls-terminate-mode: MUTUAL` (the client CA from the same Secret,
  // as for Istio's Gateway): istio/istio pilot/pkg/config/kube/gateway/conversion.go; istio.io secure-ingress task, Gateway API tab
  const tls = s.tls?.mode === 'SIMPLE' || s.tls?.mode === 'MUTUAL'
    ? {
      mode: enumValue<TlsMode>('Terminate'),
      certificateRefs: [{ name: s.tls.credentialName! }],
      options: s.tls.mode === 'MUTUAL' ? { 'gateway.istio.io/tls-terminate-mode': 'MUTUAL' } : undefined,
    }
    : s.tls?.mode === 'PASSTHROUGH' ? { mode: enumValue<TlsMode>('Passthrough') } : undefined;
  // the gateway's own namespace, and those whose routes attach to it, by name (never All)
  const namespaces = gw.routeNamespaces?.length
    ? {
      from: enumValue<From>('Selector'),
      selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...(gw.namespace ? [gw.namespace] : []), ...gw.routeNamespaces] }] },
    }
    : { from: enumValue<From>('Same') };
  const base = { port: s.port, protocol: s.protocol, tls, allowedRoutes: { namespaces } };
  // A Gateway API listener serves one hostname (none: any); an Istio server serves a list.
  if (s.hosts.includes('*')) return [{ ...base, name: s.portName }];
  return s.hosts.map((hostname, i) => ({ ...base, name: s.hosts.length === 1 ? s.portName : `${s.portName}-${i + 1}`, hostname }));
}

/**
 * Renders an ingress gateway as a Gateway API Gateway of its GatewayClass (`istio` deploys the
 * gateway itself). Listeners admit routes of the Gateway's own namespace, and of the namespaces whose routes attach to it.
 * Assumes the gateway passed {@link gatewayApiGatewayProblems}.
 */
export function renderGatewayApiGateway(gw: GatewayModel): Manifest {
  const spec: GatewaySpec = {
    gatewayClassName: gw.gatewayClassName,
    listeners: gw.servers.flatMap(s => listenersOf(s, gw)),
  };
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: metadataOf(gw.name, gw.namespace),
    spec,
  };
}
