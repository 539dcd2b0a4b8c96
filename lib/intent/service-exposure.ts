import { Duration } from 'cdk8s';
import { wholeSeconds } from '../core/duration';
import { fail, problem } from '../core/errors';
import { ServiceExposureModel } from '../render/model';

/** Whether a NodePort or LoadBalancer Service keeps external traffic on the node that received it. */
export enum ExternalTrafficPolicy {
  /** Spread over every ready endpoint (the client's source address is lost). */
  CLUSTER = 'Cluster',
  /** Only to endpoints on the receiving node (the client's source address is kept). */
  LOCAL = 'Local',
}

/** Whether a Service sends a client's connections to the same pod. */
export enum SessionAffinity {
  NONE = 'None',
  /** By the client's IP address. */
  CLIENT_IP = 'ClientIP',
}

/** Options of {@link ServiceExposure.nodePort}. */
export interface NodePortOptions {
  /**
   * A fixed node port per service port (`{ 9080: 30080 }`), in the cluster's node-port range (30000–32767 by default).
   * @default - Kubernetes assigns them
   */
  readonly nodePorts?: { readonly [port: number]: number };
  /**
   * @default - not written (Kubernetes uses Cluster)
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
}

/** Options of {@link ServiceExposure.clusterIp}. */
export interface ClusterIpOptions {
  /**
   * Write `type: ClusterIP`, as manifests that spell out Kubernetes' default do (emojivoto's `web-svc`).
   * @default false - not written (Kubernetes' default type)
   */
  readonly writeType?: boolean;
}

/** Options of {@link ServiceExposure.loadBalancer}. */
export interface LoadBalancerOptions extends NodePortOptions {
  /**
   * The client ranges the cloud load balancer admits (CIDRs).
   * @default - not written (the provider's default, usually everyone)
   */
  readonly sourceRanges?: string[];
  /**
   * The load balancer implementation (`loadBalancerClass`).
   * @default - the cluster's default
   */
  readonly loadBalancerClass?: string;
}

const CIDR = /^[0-9a-fA-F.:]+\/\d{1,3}$/;

/**
 * How a service's Service is reached: inside the cluster only (the default: nothing is exposed unless
 * asked), on every node's port, or through a cloud load balancer. With a sidecar mesh, traffic from
 * outside usually enters through an ingress gateway instead (`IngressGateway`): expose a service
 * directly only for what must bypass the mesh's ingress.
 */
export class ServiceExposure {
  /** A cluster-internal virtual IP (`type: ClusterIP`, not written unless `writeType`). */
  public static clusterIp(options: ClusterIpOptions = {}): ServiceExposure {
    return new ServiceExposure(options.writeType ? { type: 'ClusterIP' } : {});
  }

  /** `type: NodePort`: every node's port forwards to the service. */
  public static nodePort(options: NodePortOptions = {}): ServiceExposure {
    return new ServiceExposure({ type: 'NodePort', ...ServiceExposure.common('nodePort', options) });
  }

  /** `type: LoadBalancer`: a cloud load balancer in front of node ports. */
  public static loadBalancer(options: LoadBalancerOptions = {}): ServiceExposure {
    for (const r of options.sourceRanges ?? []) {
      if (!CIDR.test(r)) fail(problem('loadBalancer.sourceRanges', 'must be CIDR blocks', r, 'e.g. \'203.0.113.0/24\''));
    }
    if (options.loadBalancerClass !== undefined && options.loadBalancerClass.trim() === '') {
      fail(problem('loadBalancer.loadBalancerClass', 'must not be empty', options.loadBalancerClass));
    }
    return new ServiceExposure({
      type: 'LoadBalancer',
      ...ServiceExposure.common('loadBalancer', options),
      sourceRanges: options.sourceRanges ? [...options.sourceRanges] : undefined,
      loadBalancerClass: options.loadBalancerClass,
    });
  }

  private static common(field: string, options: NodePortOptions): Pick<ServiceExposureModel, 'nodePorts' | 'externalTrafficPolicy'> {
    const nodePorts: { [port: number]: number } = {};
    for (const [port, nodePort] of Object.entries(options.nodePorts ?? {})) {
      if (!Number.isInteger(nodePort) || nodePort < 1 || nodePort > 65535) {
        fail(problem(`${field}.nodePorts.${port}`, 'must be a whole port number (the cluster\'s node-port range: 30000-32767 by default)', nodePort));
      }
      nodePorts[Number(port)] = nodePort;
    }
    return { nodePorts: Object.keys(nodePorts).length > 0 ? nodePorts : undefined, externalTrafficPolicy: options.externalTrafficPolicy };
  }

  private constructor(/** @internal */ public readonly _model: ServiceExposureModel) {}
}

/** A session affinity timeout in whole seconds, as the Service writes it (1 s to 86,400 s). @internal */
export function affinityTimeoutSeconds(d: Duration): number {
  return wholeSeconds('sessionAffinityTimeout', d, 1, 86400);
}
