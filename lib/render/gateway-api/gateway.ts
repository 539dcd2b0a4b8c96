import {
  GatewaySpec,
  GatewaySpecListeners,
  GatewaySpecListenersAllowedRoutes,
  GatewaySpecListenersAllowedRoutesNamespacesFrom as From,
  GatewaySpecListenersTlsMode as TlsMode,
} from '../../imports/gateway.networking.k8s.io';
import { metadataOf } from '../metadata';
import { AllowedRoutesModel, GatewayModel, Manifest, ServerModel } from '../model';
import { enumValue } from '../wire-values';

const NAME_LABEL = 'kubernetes.io/metadata.name';

/** Namespaces selected by name: one by `matchLabels`, several by `matchExpressions` (the label Kubernetes sets on every namespace). */
function byNames(names: readonly string[]): GatewaySpecListenersAllowedRoutes['namespaces'] {
  return {
    from: enumValue<From>('Selector'),
    selector: names.length === 1
      ? { matchLabels: { [NAME_LABEL]: names[0] } }
      : { matchExpressions: [{ key: NAME_LABEL, operator: 'In', values: [...names] }] },
  };
}

/** The `allowedRoutes` the user set. */
function explicitAllowedRoutes(a: AllowedRoutesModel): GatewaySpecListenersAllowedRoutes {
  const namespaces = a.from === 'Selector'
    ? (a.labels ? { from: enumValue<From>('Selector'), selector: { matchLabels: { ...a.labels } } } : byNames(a.names ?? []))
    : { from: enumValue<From>(a.from) };
  return { namespaces, ...(a.kinds ? { kinds: a.kinds.map(kind => ({ kind })) } : {}) };
}

/**
 * The listeners' `allowedRoutes`: as set, else exactly the namespaces whose routes attach — `Same` when they are the
 * gateway's own only (or none attach), else those namespaces by name (the gateway's own among them when its routes
 * attach from it), as the secure-ingress task's Gateway in istio-system admits `default` only (istio.io
 * tasks/traffic-management/ingress/secure-ingress, Gateway API tab). The Gateway API admits a route only from a namespace
 * the listener selects (gateway-api apis/v1/gateway_types.go, `RouteNamespaces`). Routes whose namespace is unknown are
 * refused by {@link gatewayApiGatewayProblems} rather than dropped.
 */
function allowedRoutesOf(gw: GatewayModel): GatewaySpecListenersAllowedRoutes {
  if (gw.allowedRoutes) return explicitAllowedRoutes(gw.allowedRoutes);
  const others = gw.routeNamespaces ?? [];
  if (others.length === 0) return { namespaces: { from: enumValue<From>('Same') } };
  const own = gw.ownNamespaceRoutes && gw.namespace !== undefined ? [gw.namespace] : [];
  return { namespaces: byNames([...new Set([...own, ...others])].sort()) };
}

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
  const base = { port: s.port, protocol: s.protocol, tls, allowedRoutes: allowedRoutesOf(gw) };
  // A Gateway API listener serves one hostname (none: any); an Istio server serves a list.
  if (s.hosts.includes('*')) return [{ ...base, name: s.portName }];
  return s.hosts.map((hostname, i) => ({ ...base, name: s.hosts.length === 1 ? s.portName : `${s.portName}-${i + 1}`, hostname }));
}

/**
 * The annotations of a Gateway API Gateway (fixed when the gateway is declared). Istio deploys a Gateway API Gateway with
 * the Service type of `networking.istio.io/service-type` (istio/istio pilot/pkg/config/kube/gateway/deploymentcontroller.go;
 * istio.io docs tasks/traffic-management/egress/egress-gateway, Gateway API tab).
 */
export function gatewayApiGatewayAnnotations(gw: Pick<GatewayModel, 'serviceType'>): { [key: string]: string } | undefined {
  return gw.serviceType !== undefined ? { 'networking.istio.io/service-type': gw.serviceType } : undefined;
}

/**
 * Renders an ingress gateway as a Gateway API Gateway of its GatewayClass (`istio` deploys the
 * gateway itself). Listeners admit the namespaces whose routes attach to it, no more (or what `allowedRoutes` sets).
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
    metadata: metadataOf(gw.name, gw.namespace, undefined, gatewayApiGatewayAnnotations(gw)),
    spec,
  };
}
