import { WorkloadInfo, WorldObject } from './world';

/** Who makes a call, as the destination's policy sees it. */
export type Caller =
  /** A workload: its data plane, namespace and ServiceAccount make its identity. */
  | { readonly kind: 'workload'; readonly workload: WorkloadInfo }
  /** A gateway: the Gateway object, and the pods that run it when the configuration has them. */
  | { readonly kind: 'gateway'; readonly gateway: WorldObject; readonly workloads: readonly WorkloadInfo[] };
