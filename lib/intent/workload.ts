import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import type { ContainerResources } from 'cdk8s-plus-27';
import { wholeSeconds } from '../core/duration';
import { fail, problem } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { EnvModel, MountModel, ProjectionModel, ResourcesModel, SecurityModel, VolumeModel } from '../render/model';

/** When the kubelet pulls the container image. */
export enum ImagePullPolicy {
  /** Pull only when the image is not on the node. */
  IF_NOT_PRESENT = 'IfNotPresent',
  /** Pull on every start. */
  ALWAYS = 'Always',
  /** Never pull. */
  NEVER = 'Never',
}

/** How a pod's DNS is set up. */
export enum DnsPolicy {
  /** Cluster DNS first, then the node's upstream (the Kubernetes default). */
  CLUSTER_FIRST = 'ClusterFirst',
  /** ClusterFirst for pods on the host network. */
  CLUSTER_FIRST_WITH_HOST_NET = 'ClusterFirstWithHostNet',
  /** The node's DNS configuration. */
  DEFAULT = 'Default',
  /** Only the pod's own `dnsConfig`. */
  NONE = 'None',
}

/** Whether a workload gets the mesh's proxy (an Istio sidecar, a Linkerd proxy). */
export enum SidecarInjection {
  /** Whatever its namespace says (no pod label is written). */
  INHERIT = 'inherit',
  /** Always inject (`sidecar.istio.io/inject: "true"`; Linkerd: `linkerd.io/inject: enabled`). */
  ENABLED = 'enabled',
  /** Never inject (`sidecar.istio.io/inject: "false"`; Linkerd: `linkerd.io/inject: disabled`). */
  DISABLED = 'disabled',
}

/** The value of an environment variable. */
export class EnvValue {
  /** A literal value. */
  public static fromValue(value: string): EnvValue {
    return new EnvValue({ value });
  }

  /** A key of a ConfigMap. */
  public static fromConfigMapKey(configMapName: string, key: string): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key } } });
  }

  /** A key of a Secret. */
  public static fromSecretKey(secretName: string, key: string): EnvValue {
    return new EnvValue({ valueFrom: { secretKeyRef: { name: secretName, key } } });
  }

  /** A field of the pod, e.g. `spec.nodeName`. */
  public static fromFieldPath(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(private readonly model: Omit<EnvModel, 'name'>) {}

  /** @internal */
  public _toModel(name: string): EnvModel {
    return { name, ...this.model };
  }
}

/** Options of an emptyDir volume. */
export interface EmptyDirOptions {
  /**
   * Back the volume with memory (`Memory`) instead of the node's disk.
   * @default false
   */
  readonly memory?: boolean;
  /**
   * The most the volume may hold.
   * @default - no limit
   */
  readonly sizeLimit?: Size;
}

/** Options of a ConfigMap or Secret volume. */
export interface KeyProjectionOptions {
  /**
   * Keys to project, as `key -> path` (in this order).
   * @default - every key, each at a path named after it
   */
  readonly items?: { [key: string]: string };
  /**
   * Start the pod even when the ConfigMap or Secret (or a listed key) does not exist: the files are then missing.
   * @default false - the pod waits for it
   */
  readonly optional?: boolean;
}

/** Options of {@link Projection.serviceAccountToken}. */
export interface ServiceAccountTokenOptions {
  /**
   * The audience the token is for.
   * @default - the Kubernetes API server
   */
  readonly audience?: string;
  /**
   * How long the token is valid (the kubelet renews it before); at least 10 minutes.
   * @default - 1 hour
   */
  readonly expiration?: Duration;
}

/** One source of a {@link Volume.projected} volume. */
export class Projection {
  /** The keys of a ConfigMap. */
  public static configMap(configMapName: string, options: KeyProjectionOptions = {}): Projection {
    return new Projection({ configMap: { name: configMapName, items: keyItems(options), optional: options.optional || undefined } });
  }

  /** The keys of a Secret. */
  public static secret(secretName: string, options: KeyProjectionOptions = {}): Projection {
    return new Projection({ secret: { name: secretName, items: keyItems(options), optional: options.optional || undefined } });
  }

  /** A token of the pod's ServiceAccount for `audience`, at `path` (a bound, expiring token). */
  public static serviceAccountToken(path: string, options: ServiceAccountTokenOptions = {}): Projection {
    if (path === '' || path.startsWith('/')) fail(problem('path', 'must be a relative path inside the volume', path));
    const expirationSeconds = options.expiration ? wholeSeconds('expiration', options.expiration, 600) : undefined;
    return new Projection({ serviceAccountToken: { path, audience: options.audience, expirationSeconds } });
  }

  /** Fields of the pod (`metadata.labels`, `metadata.annotations`, `metadata.name`, …) as files, `path -> fieldPath`. */
  public static downwardApi(items: { [path: string]: string }): Projection {
    const list = Object.entries(items).map(([path, fieldPath]) => ({ path, fieldRef: { fieldPath } }));
    if (list.length === 0) fail(problem('items', 'must name at least one field', {}));
    return new Projection({ downwardAPI: { items: list } });
  }

  private constructor(/** @internal */ public readonly _model: ProjectionModel) {}
}

function keyItems(options: KeyProjectionOptions) {
  return options.items ? Object.entries(options.items).map(([key, path]) => ({ key, path })) : undefined;
}

/** A pod volume, mounted into the container with {@link VolumeMount}. */
export class Volume {
  /** A scratch directory that lives as long as the pod. */
  public static emptyDir(name: string, options: EmptyDirOptions = {}): Volume {
    return new Volume({
      name,
      emptyDir: {
        medium: options.memory ? 'Memory' : undefined,
        sizeLimit: options.sizeLimit ? quantityOf(options.sizeLimit) : undefined,
      },
    });
  }

  /** The keys of a ConfigMap, as files. */
  public static fromConfigMap(name: string, configMapName: string, options: KeyProjectionOptions = {}): Volume {
    return new Volume({ name, configMap: { name: configMapName, items: keyItems(options), optional: options.optional || undefined } });
  }

  /** The keys of a Secret, as files. */
  public static fromSecret(name: string, secretName: string, options: KeyProjectionOptions = {}): Volume {
    return new Volume({ name, secret: { secretName, items: keyItems(options), optional: options.optional || undefined } });
  }

  /** Several sources (ConfigMaps, Secrets, service account tokens, pod fields) in one directory. */
  public static projected(name: string, sources: Projection[]): Volume {
    if (sources.length === 0) fail(problem('sources', 'must hold at least one source', []));
    return new Volume({ name, projected: { sources: sources.map(p => p._model) } });
  }

  /** The volume name. */
  public readonly name: string;
  /** @internal */
  public readonly _model: VolumeModel;

  private constructor(model: VolumeModel) {
    const err = checkDnsLabel('volume', model.name);
    if (err) fail(err);
    this.name = model.name;
    this._model = model;
  }
}

/** Options of a {@link VolumeMount}. */
export interface VolumeMountOptions {
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Mount only this path of the volume.
   * @default - the whole volume
   */
  readonly subPath?: string;
}

/** Where a {@link Volume} appears in the container. */
export class VolumeMount {
  /** Mounts `volume` at `mountPath`. */
  public static of(volume: Volume, mountPath: string, options: VolumeMountOptions = {}): VolumeMount {
    return new VolumeMount(volume, mountPath, options);
  }

  private constructor(public readonly volume: Volume, public readonly mountPath: string, private readonly options: VolumeMountOptions) {
    if (!mountPath.startsWith('/')) fail(problem('mountPath', 'must be an absolute path', mountPath));
  }

  /** @internal */
  public _toModel(): MountModel {
    return {
      name: this.volume.name,
      mountPath: this.mountPath,
      readOnly: this.options.readOnly || undefined,
      subPath: this.options.subPath,
    };
  }
}

/** Options of {@link WorkloadSecurity.restricted}. */
export interface RestrictedSecurityOptions {
  /**
   * The user id the containers run as. Never 0 (root), nor 1337, the Istio sidecar's own user (IST0144).
   *
   * A user id is always written: with `runAsNonRoot` alone the kubelet refuses to start an image that declares no user
   * ("container has runAsNonRoot and image will run as root"), which most images are. 65532 is the `nonroot` user of
   * distroless and Chainguard images: a high id that matches no user of the node, and neither Istio's proxy (1337) nor
   * Linkerd's (2102). An image that needs its own user (files it writes are owned by it) must name it here.
   * @default 65532
   */
  readonly runAsUser?: number;
  /**
   * The group id the containers run as.
   *
   * Not written by default: the runtime then uses the user's primary group in the image, or group 0 when the image does
   * not know the user, which is how images built to run as any user keep their writable paths (group 0, group-writable:
   * OpenShift's convention, followed by nginx-unprivileged, Bitnami's and the Liberty image of Bookinfo's reviews).
   * @default - the primary group of `runAsUser` in the image (0 when it has none)
   */
  readonly runAsGroup?: number;
  /**
   * The group that owns mounted volumes.
   * @default - not set
   */
  readonly fsGroup?: number;
  /**
   * Mount the container's root filesystem read-only (mount volumes for what it writes).
   * @default false
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Mount the Kubernetes API token into the pods (written on the ServiceAccount). The Istio sidecar
   * does not need it: it uses a token of its own.
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
}

/**
 * The user id of restricted pods when none is given: the `nonroot` user of distroless and Chainguard images.
 * @internal
 */
export const RESTRICTED_RUN_AS_USER = 65532;

/**
 * Pod and container hardening.
 *
 * The default, {@link WorkloadSecurity.restricted}, follows the Kubernetes "restricted" Pod Security
 * Standard: `runAsNonRoot: true` with a non-root `runAsUser` (65532 unless given, so that images declaring no user
 * start), `seccompProfile: RuntimeDefault`, `allowPrivilegeEscalation: false` and all capabilities dropped; and the
 * ServiceAccount does not mount the Kubernetes API token.
 * {@link WorkloadSecurity.unset} writes none of it (no securityContext, no `automountServiceAccountToken`).
 */
export class WorkloadSecurity {
  /** The "restricted" Pod Security Standard (the default). */
  public static restricted(options: RestrictedSecurityOptions = {}): WorkloadSecurity {
    for (const [field, id] of [['runAsUser', options.runAsUser], ['runAsGroup', options.runAsGroup], ['fsGroup', options.fsGroup]] as const) {
      if (id !== undefined && (!Number.isInteger(id) || id < 0)) fail(problem(field, 'must be a whole number of at least 0', id));
    }
    if (options.runAsUser === 0) {
      fail(problem('runAsUser', 'must not be 0 (root) under the restricted policy', 0, 'use WorkloadSecurity.unset() to run as root'));
    }
    if (options.runAsUser === 1337) {
      fail(problem('runAsUser', 'must not be 1337, the user id of the Istio sidecar (IST0144)', 1337));
    }
    return new WorkloadSecurity({
      runAsNonRoot: true,
      runAsUser: options.runAsUser ?? RESTRICTED_RUN_AS_USER,
      runAsGroup: options.runAsGroup,
      fsGroup: options.fsGroup,
      seccompRuntimeDefault: true,
      allowPrivilegeEscalation: false,
      dropAllCapabilities: true,
      readOnlyRootFilesystem: options.readOnlyRootFilesystem ?? false,
      automountServiceAccountToken: options.automountServiceAccountToken ?? false,
    });
  }

  /**
   * No hardening written at all: the image and the cluster decide. Only for images that cannot
   * run restricted, or to reproduce a manifest field for field.
   */
  public static unset(): WorkloadSecurity {
    return new WorkloadSecurity(undefined);
  }

  private constructor(/** @internal */ public readonly _model: SecurityModel | undefined) {}
}

/**
 * The resource requests written when none are given: enough for the scheduler to place a small service.
 * @internal
 */
export const DEFAULT_RESOURCES: ResourcesModel = { requests: { cpu: '100m', memory: '128Mi' } };

/**
 * A size as a Kubernetes quantity, in the largest binary unit that keeps it whole (`1Gi`, `1536Mi`, `100Ki`).
 * @internal
 */
export function quantityOf(size: Size): string {
  const ki = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(ki)) fail(problem('size', 'must be a whole number of kibibytes', `${ki}Ki`));
  for (const [unit, factor] of [['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024]] as const) {
    if (ki % factor === 0 && ki >= factor) return `${ki / factor}${unit}`;
  }
  return `${ki}Ki`;
}

/**
 * Converts cdk8s-plus `ContainerResources` to Kubernetes quantities; `{}` means none at all.
 * @internal
 */
export function resourcesModelOf(r: ContainerResources): ResourcesModel | undefined {
  const mem = (s: Size | undefined) => (s ? quantityOf(s) : undefined);
  const part = (cpu: string | undefined, memory: string | undefined) =>
    (cpu === undefined && memory === undefined ? undefined : { cpu, memory });
  const requests = part(r.cpu?.request?.amount, mem(r.memory?.request));
  const limits = part(r.cpu?.limit?.amount, mem(r.memory?.limit));
  return requests || limits ? { requests, limits } : undefined;
}
