import { fail, problem } from '../../core/errors';
import { checkDnsLabel } from '../../core/names';
import { IngressGateway } from '../ingress-gateway';
import { MeshService } from '../mesh-service';

/**
 * The workloads (pods) a policy applies to, by their labels, and the namespace they run in.
 * Reference by object: a {@link MeshService}, an {@link IngressGateway}; labels only for what this
 * app does not declare.
 */
export class WorkloadSelector {
  /** The pods of a service declared here (every version): its `app` label, in its namespace. */
  public static service(service: MeshService): WorkloadSelector {
    return new WorkloadSelector({ app: service.app }, service.namespace, `service '${service.name}'`, service);
  }

  /**
   * The pods of a gateway declared here, by its workload labels.
   * @param namespace where the gateway's pods run (a policy must be there to apply to them)
   * @default namespace 'istio-system', where Istio's default ingress gateway runs
   */
  public static gateway(gateway: IngressGateway, namespace = 'istio-system'): WorkloadSelector {
    const err = checkDnsLabel('namespace', namespace);
    if (err) fail(err);
    return new WorkloadSelector(gateway.workloadLabels, namespace, `gateway '${gateway.name}'`);
  }

  /** Pods this app does not declare, by labels (and the namespace they run in, when the chart's is not theirs). */
  public static labels(labels: { [key: string]: string }, namespace?: string): WorkloadSelector {
    if (Object.keys(labels).length === 0) fail(problem('labels', 'must name at least one label', '{}', 'leave the selector out to apply to the whole namespace'));
    if (namespace !== undefined) {
      const err = checkDnsLabel('namespace', namespace);
      if (err) fail(err);
    }
    return new WorkloadSelector({ ...labels }, namespace, JSON.stringify(labels));
  }

  private constructor(
    /** @internal */ public readonly _labels: { [key: string]: string },
    /** @internal */ public readonly _namespace: string | undefined,
    /** @internal */ public readonly _describe: string,
    /** @internal */ public readonly _service?: MeshService,
  ) {}
}
