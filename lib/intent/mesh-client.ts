import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IMeshNamespace } from './mesh-namespace';
import { MeshServiceProps } from './mesh-service-props';
import { WorkloadOptions, checkImage, podModelOf, workloadOptionsOf } from './pod-options';
import { checkDataPlane } from './service-data-plane';
import { checkReplicas, deployedVersionModelOf, workloadModelOf } from './service-workloads';
import { EnvValue, ImagePullPolicy, SidecarInjection, Volume, VolumeMount, WorkloadSecurity } from './workload';
import { failAt } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel, checkDnsSubdomain, checkLabelValue, checkLabels } from '../core/names';
import { MeshSettings } from '../core/settings';
import { ambientAt, emit, namespaceOf } from '../hosting/cdk8s/emit';
import { renderDeployment, renderServiceAccount } from '../render/kubernetes';
import { versionLabels } from '../render/kubernetes/workload';
import { ServiceModel, VersionModel } from '../render/model';

/** Props of a {@link MeshClient}. */
export interface MeshClientProps extends WorkloadOptions {
  /** The container image, pinned (a tag other than `latest`, or a digest). */
  readonly image: string;

  /**
   * The name of the Deployment and the pods' `app` label.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The namespace; its injection label or annotation joins the pods to the mesh.
   * @default - the chart's namespace
   */
  readonly namespace?: IMeshNamespace;

  /**
   * The ServiceAccount the pods run as, created here: the client's mesh identity, which authorizations name. `default`
   * is the namespace's own account, which Kubernetes creates: not written here (emojivoto's vote-bot runs as it).
   * @default - the client's name
   */
  readonly serviceAccountName?: string;

  /**
   * The pods' `version` label, in the Deployment's selector too, as a service's versions carry it (Kiali groups
   * workloads by `app` and `version`; emojivoto's vote-bot is `version: v11`).
   * @default - none: the pods carry only `app`
   */
  readonly version?: string;

  /**
   * Labels of the Deployment object itself (e.g. Kubernetes' recommended labels), not of its pods.
   * @default - `app` only
   */
  readonly deploymentLabels?: { [key: string]: string };

  /**
   * Pods.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * The container's name.
   * @default - the client's name
   */
  readonly containerName?: string;

  /**
   * Environment variables (`EnvValue.fromValue('…')`, from a Secret or ConfigMap key).
   * @default - none
   */
  readonly env?: { [name: string]: EnvValue };

  /**
   * Volumes of the pods.
   * @default - none (besides those of volumeMounts)
   */
  readonly volumes?: Volume[];

  /**
   * Where the container mounts volumes.
   * @default - none
   */
  readonly volumeMounts?: VolumeMount[];

  /**
   * Annotations of the pods (e.g. Linkerd's `config.linkerd.io/proxy-cpu-request`).
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * Whether the pods join the mesh: as the namespace says, or forced in or out (a sidecar's label or Linkerd's
   * annotation; under ambient, `DISABLED` keeps the pods out).
   * @default SidecarInjection.INHERIT
   */
  readonly sidecarInjection?: SidecarInjection;

  /**
   * The pods' hardening.
   * @default WorkloadSecurity.restricted() - non-root, no privilege escalation, read-only root filesystem, no capabilities, RuntimeDefault seccomp
   */
  readonly security?: WorkloadSecurity;

  /**
   * When the kubelet pulls the image.
   * @default ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: ImagePullPolicy;
}

/**
 * A meshed workload that calls services but serves none: a client, a load generator (emojivoto's vote-bot), a curl
 * pod. A Deployment joined to the mesh as its namespace says (sidecar, Linkerd proxy or ambient), under a
 * ServiceAccount of its own (its mesh identity: authorize it with `AuthorizedClient.workload(client)`), hardened as a
 * `MeshService`'s workloads are; no Service, no routes, no ports.
 *
 * A construct of its own rather than a port-less `MeshService`: a MeshService is a host other workloads call (its
 * Service, routes, versions, DestinationRule), and a client has none of that — as cdk8s-plus keeps `Deployment` apart
 * from `Service`.
 */
export class MeshClient extends Construct {
  /** The client's name: its Deployment's and its pods' `app` label. */
  public readonly name: string;
  /** The namespace its objects go to (undefined: the chart's, or none). */
  public readonly namespace?: string;
  /** The ServiceAccount its pods run as: its mesh identity. */
  public readonly serviceAccountName: string;
  /** The Deployment (escape hatch). */
  public readonly deployment: ApiObject;
  /** The ServiceAccount (escape hatch); undefined when the pods run as the namespace's `default` account. */
  public readonly serviceAccount?: ApiObject;

  public constructor(scope: Construct, id: string, props: MeshClientProps) {
    super(...constructArgs('MeshClient', [scope, id, props]));
    this.name = props.name ?? id;
    this.namespace = namespaceOf(this, props.namespace?.name);
    this.serviceAccountName = props.serviceAccountName ?? this.name;
    const replicas = props.replicas ?? 1;
    for (const err of [
      checkDnsLabel(props.name === undefined ? 'name (the construct id)' : 'name', this.name),
      checkLabelValue('name', this.name),
      checkDnsSubdomain('serviceAccountName', this.serviceAccountName),
      checkDnsLabel('containerName', props.containerName ?? this.name),
      checkReplicas('replicas', replicas),
      props.version !== undefined ? checkLabelValue('version', props.version) : undefined,
      props.deploymentLabels !== undefined ? checkLabels('deploymentLabels', props.deploymentLabels) : undefined,
      checkImage('image', props.image, MeshSettings.of(this).allowUnpinnedImages),
    ]) {
      if (err) failAt(this, err);
    }
    // the MeshService's workload functions take its props; a client's are a subset of them
    const asService: MeshServiceProps = props;
    const ambient = ambientAt(this);
    checkDataPlane(this, asService, ambient, this.namespace);
    const podProblems = podModelOf(workloadOptionsOf(asService), replicas, props.containerName ?? this.name,
      MeshSettings.of(this).allowUnpinnedImages).problems;
    if (podProblems.length > 0) failAt(this, podProblems[0]);
    const ctx = { scope: this, name: this.name, app: this.name, serviceAccountName: this.serviceAccountName, props: asService, replicas, ambient };
    const workload = workloadModelOf(ctx, () => ({}));
    const version = deployedVersionModelOf({ ...ctx, workload },
      props.version !== undefined ? { name: props.version, label: props.version } : { name: 'workload', label: this.name, unversioned: true },
      { image: props.image, deploymentName: this.name });
    const model = this.model(version);
    this.serviceAccount = this.serviceAccountName === 'default' ? undefined : emit(this, 'ServiceAccount',
      { apiVersion: 'v1', kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace, labels: { account: this.name }, body: ['automountServiceAccountToken'] },
      () => renderServiceAccount(model));
    this.deployment = emit(this, 'Deployment',
      { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name, namespace: this.namespace, labels: { ...props.deploymentLabels, ...versionLabels(model, version) }, body: ['spec'] },
      () => renderDeployment(model, version));
  }

  /** The client as the workload renderers read a service: no ports, one unversioned workload. */
  private model(version: VersionModel): ServiceModel {
    return {
      name: this.name,
      namespace: this.namespace,
      app: this.name,
      ports: [],
      serviceAccountName: this.serviceAccountName,
      versions: [version],
      destinationRuleName: this.name,
      subsetsSelectApp: false,
    };
  }
}
