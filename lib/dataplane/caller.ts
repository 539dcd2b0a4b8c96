import { WorkloadInfo, WorldObject } from './world';

/** Who makes a call, as the destination's policy sees it. */
export type Caller =
  /** A workload: its data plane, namespace and ServiceAccount make its identity. */
  | { readonly kind: 'workload'; readonly workload: WorkloadInfo }
  /** A gateway: the Gateway object, and the pods that run it when the configuration has them. */
  | { readonly kind: 'gateway'; readonly gateway: WorldObject; readonly workloads: readonly WorkloadInfo[] };

/** Istio's default gateway deployments (istio/istio `manifests/charts/gateway` as `istioctl install` names them): selector value, ServiceAccount, app. */
const DEFAULT_ISTIO_GATEWAYS: ReadonlyArray<readonly [string, string, string]> = [
  ['ingressgateway', 'istio-ingressgateway-service-account', 'istio-ingressgateway'],
  ['egressgateway', 'istio-egressgateway-service-account', 'istio-egressgateway'],
];

/**
 * The pod an Istio Gateway runs on when the configuration holds none of its pods: Istio's default ingress or egress
 * gateway in `istio-system` when the selector is exactly theirs (`istio: ingressgateway`, as `istioctl analyze` adds
 * them), else a pod with the selector's labels in the Gateway's namespace, identity unknown. Both the routing and the
 * authorization read it, so that they assume the same proxy.
 */
export function assumedIstioGatewayPod(gateway: WorldObject, selector: { readonly [k: string]: string }): {
  readonly namespace: string;
  readonly labels: { readonly [k: string]: string };
  readonly serviceAccount?: string;
  readonly note: string;
} {
  const known = DEFAULT_ISTIO_GATEWAYS.find(([istio]) => selector.istio === istio && Object.keys(selector).length === 1);
  if (known) {
    return {
      namespace: 'istio-system',
      labels: { app: known[2], istio: known[0] },
      serviceAccount: known[1],
      note: `no pods of Gateway ${gateway.namespace}/${gateway.name} are in the configuration: taken as Istio's default ${known[2]} (istio-system, ServiceAccount ${known[1]})`,
    };
  }
  return {
    namespace: gateway.namespace,
    labels: selector,
    note: `no pods of Gateway ${gateway.namespace}/${gateway.name} are in the configuration: its proxy is taken to run in namespace '${gateway.namespace}' `
      + 'with the selector\'s labels, its identity unknown',
  };
}
