import { IConstruct } from 'constructs';
import { fail, failAt, problem } from './errors';

/**
 * The version of Istio's `networking.istio.io` / `security.istio.io` APIs to emit.
 * Chosen once per chart or app with {@link MeshSettings.apply} (or `MeshChart`), never per object.
 */
export enum IstioApiVersion {
  /** `v1`: Istio 1.22 and later. */
  V1 = 'v1',
  /** `v1beta1`: Istio 1.5 and later. */
  V1BETA1 = 'v1beta1',
  /** `v1alpha3`: every Istio release; for old clusters. */
  V1ALPHA3 = 'v1alpha3',
}

/**
 * The Linkerd release the Linkerd back-end targets. Chosen once per chart or app, as the Istio API version is.
 * @see https://linkerd.io/2-edge/reference/httproute/
 */
export enum LinkerdVersion {
  /**
   * Linkerd 2.20: routes are the Gateway API's `gateway.networking.k8s.io/v1` HTTPRoute and GRPCRoute, attached to the
   * Service, using only fields of Gateway API v1.2.1 (the release Linkerd 2.20 recommends; it ignores a route with
   * fields newer than the Gateway API installed); retries and timeouts as Linkerd's annotations.
   */
  V2_20 = '2.20',
  /**
   * Linkerd's edge line from edge-26.8.2: routes as with 2.20 (the Gateway API's `gateway.networking.k8s.io/v1` HTTPRoute
   * and GRPCRoute attached to the Service), read with the field set of Gateway API v1.5.1 (rule names, retries, …: the
   * release these edge releases read). mesh-kit has no Gateway API v1.5.1 CRDs pinned: the objects are checked against
   * the pinned Gateway API v1.6.0 schemas, which accept v1.5.1's fields (and those v1.6 added).
   * @see https://linkerd.io/2-edge/reference/httproute/
   */
  EDGE_26_8 = 'edge-26.8',
  /**
   * Linkerd 2.16 to 2.19 without the Gateway API CRDs: routes are Linkerd's own `policy.linkerd.io/v1beta3` HTTPRoute
   * (which Linkerd's reference now calls supported but not maintained); gRPC is routed by its paths.
   */
  V2_16 = '2.16',
}

/** Which API carries routing: Istio's own, or the Kubernetes Gateway API. */
export enum TrafficApi {
  /** VirtualService, DestinationRule and Gateway of `networking.istio.io`. */
  ISTIO = 'istio',
  /**
   * HTTPRoute and Gateway of `gateway.networking.k8s.io` (mesh routes attach to the Service: GAMMA),
   * with one Service per version instead of DestinationRule subsets.
   */
  GATEWAY_API = 'gateway-api',
}

/** The service mesh the constructs are rendered for. */
/**
 * How a gateway's Service is exposed: an {@link IstioGateway}'s, or the one Istio deploys for a Gateway API Gateway
 * (`IngressGatewayProps.serviceType`).
 */
export enum GatewayServiceType {
  /** An external load balancer (ingress default). */
  LOAD_BALANCER = 'LoadBalancer',
  /** A port on every node. */
  NODE_PORT = 'NodePort',
  /** Inside the cluster only (egress default). */
  CLUSTER_IP = 'ClusterIP',
}

/**
 * How Istio's objects name the cluster's own Services in `host` and `hosts` (VirtualService hosts and destinations,
 * DestinationRule hosts). A Service of another namespace is always written fully qualified, an external host (a
 * ServiceEntry's) and `*` as given.
 */
export enum HostNames {
  /**
   * A Service of the object's own namespace by its short name (`reviews`), as Istio's Bookinfo samples write it; Istio
   * completes it with the namespace of the object that names it.
   */
  SHORT = 'Short',
  /**
   * Every in-cluster Service as `<name>.<namespace>.svc.cluster.local`, as Istio recommends ("To avoid potential
   * misconfigurations, it is recommended to always use fully qualified domain names over short names": istio/api
   * `networking/v1alpha3/virtual_service.proto` and `destination_rule.proto`, `host`) and its security tasks write it:
   * the object means the same Service wherever it is applied or moved.
   */
  FULLY_QUALIFIED = 'FullyQualified',
}

/** Where Istio's data plane runs for the workloads below a scope. */
export enum DataPlane {
  /** A sidecar proxy in every pod (namespace label `istio-injection: enabled`). */
  SIDECAR = 'sidecar',
  /**
   * Ambient mode: ztunnel on each node for L4 (mutual TLS, L4 authorization), waypoint proxies for L7 (routes, L7
   * authorization); namespace label `istio.io/dataplane-mode: ambient`. Routing is rendered to the Gateway API (waypoints
   * do not use DestinationRule subsets) unless `trafficApi` asks for Istio's API.
   */
  AMBIENT = 'ambient',
}

export enum MeshProvider {
  /** Istio: sidecar injection by label, routing by `trafficApi`, DestinationRule subsets. */
  ISTIO = 'istio',
  /**
   * Linkerd 2: injection by the `linkerd.io/inject` annotation, one Service per version, routing by the Gateway API's
   * HTTPRoute and GRPCRoute (or Linkerd's own `policy.linkerd.io` HTTPRoute, by `linkerdVersion`), retries and timeouts
   * by Linkerd's annotations. `trafficApi` does not apply.
   */
  LINKERD = 'linkerd',
  /**
   * No mesh objects: workloads and Services only (no injection label, no DestinationRule, no
   * per-version Services), for charts whose routing lives elsewhere, e.g. in the dtabs of the
   * legacy Linkerd 1 router (`Linkerd1Router`). Routing constructs are refused.
   */
  NONE = 'none',
}

/**
 * The images a scope may deploy without a pinned tag or digest: the opt-out of mesh-kit's supply-chain rule that every
 * image is pinned (a tag other than `latest`, or a `@sha256:` digest), for tutorials and development clusters.
 * Given as the `allowUnpinnedImages` setting of an app ({@link MeshSettings.apply}) or of a chart (`MeshChart`).
 *
 * @example
 * // one image (Linkerd's and Istio's docs run `curlimages/curl` untagged)
 * MeshSettings.apply(app, { allowUnpinnedImages: UnpinnedImages.of('curlimages/curl') });
 * // every image of a chart
 * new MeshChart(app, 'dev', { allowUnpinnedImages: UnpinnedImages.ALL });
 */
export class UnpinnedImages {
  /** No image: every image must be pinned (the default). */
  public static readonly NONE = new UnpinnedImages([]);

  /** Every image, pinned or not: for tutorials and development clusters only. */
  public static readonly ALL = new UnpinnedImages(['*']);

  /**
   * These image repositories, each with any tag or none (`latest` included): the image as written, without its tag,
   * e.g. `curlimages/curl` (which does not match `docker.io/curlimages/curl`: write the repository as the props do).
   */
  public static of(...repositories: string[]): UnpinnedImages {
    repositories.forEach((r, i) => {
      if (typeof r !== 'string' || r === '' || r === '*' || /\s/.test(r)) {
        fail(problem(`allowUnpinnedImages[${i}]`, 'must be an image repository', r, 'e.g. \'curlimages/curl\', or UnpinnedImages.ALL for every image'));
      }
      if (repositoryOf(r) !== r) {
        fail(problem(`allowUnpinnedImages[${i}]`, 'must be an image repository, without a tag or digest', r, `write '${repositoryOf(r)}'`));
      }
    });
    return new UnpinnedImages([...new Set(repositories)].sort());
  }

  /** @internal */
  public static fromContext(value: string | undefined): UnpinnedImages {
    return value === undefined ? UnpinnedImages.NONE : new UnpinnedImages(JSON.parse(value) as string[]);
  }

  private constructor(private readonly repositories: readonly string[]) {}

  /** Whether `image` may be deployed unpinned. */
  public allows(image: string): boolean {
    return this.repositories.includes('*') || this.repositories.includes(repositoryOf(image));
  }

  /** @internal */
  public _toContext(): string {
    return JSON.stringify(this.repositories);
  }
}

/** An image without its tag or digest: `curlimages/curl:8.11.1` → `curlimages/curl` (a registry's port stays). */
function repositoryOf(image: string): string {
  const noDigest = image.includes('@') ? image.slice(0, image.indexOf('@')) : image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', slash + 1);
  return colon < 0 ? noDigest : noDigest.slice(0, colon);
}

/** Settings that apply to every mesh construct below a scope. */
export interface MeshSettingsProps {
  /**
   * The mesh every construct below the scope is rendered for.
   * @default MeshProvider.ISTIO
   */
  readonly mesh?: MeshProvider;

  /**
   * The Istio API version of every Istio object below the scope.
   * @default IstioApiVersion.V1
   */
  readonly istioApiVersion?: IstioApiVersion;

  /**
   * The API routing is rendered to.
   * @default TrafficApi.ISTIO
   */
  readonly trafficApi?: TrafficApi;

  /**
   * Istio's data plane: sidecars or ambient mode.
   * @default DataPlane.SIDECAR
   */
  readonly dataPlane?: DataPlane;

  /**
   * Under ambient mode, give a service that needs L7 processing (routes, L7 authorization) a waypoint of its own when
   * neither it nor its namespace uses one; `false` makes that an error naming the service and the feature instead.
   * @default true
   */
  readonly autoWaypoints?: boolean;

  /**
   * The Linkerd release the Linkerd back-end targets (which route API it writes).
   * @default LinkerdVersion.V2_20
   */
  readonly linkerdVersion?: LinkerdVersion;

  /**
   * Annotate every object with its Argo CD sync wave: `0` Namespaces and CRDs, `1` workloads and
   * their Services, `2` mesh routing and policy, so a GitOps sync applies them in that order.
   * @default false
   */
  readonly argoCdSyncWaves?: boolean;

  /**
   * The images that may be deployed without a pinned tag or digest below the scope (the opt-out of the rule that every
   * image is pinned): {@link UnpinnedImages.of} some repositories (e.g. `curlimages/curl`, which upstream docs run
   * untagged), or {@link UnpinnedImages.ALL} for tutorials and development clusters.
   * @default UnpinnedImages.NONE
   */
  readonly allowUnpinnedImages?: UnpinnedImages;

  /**
   * How Istio's objects below the scope name in-cluster Services in `host`/`hosts`: {@link HostNames.FULLY_QUALIFIED}
   * writes `<name>.<namespace>.svc.cluster.local` also for the object's own namespace, as Istio recommends.
   * @default HostNames.SHORT - a Service of the object's own namespace by its short name
   */
  readonly hostNames?: HostNames;
}

const MESH_KEY = '@mesh-kit/core:mesh';
const CONTEXT_KEY = '@mesh-kit/core:istioApiVersion';
const TRAFFIC_KEY = '@mesh-kit/core:trafficApi';
const WAVES_KEY = '@mesh-kit/core:argoCdSyncWaves';
const DATA_PLANE_KEY = '@mesh-kit/core:dataPlane';
const AUTO_WAYPOINTS_KEY = '@mesh-kit/core:autoWaypoints';
const LINKERD_KEY = '@mesh-kit/core:linkerdVersion';
const UNPINNED_KEY = '@mesh-kit/core:allowUnpinnedImages';
const HOST_NAMES_KEY = '@mesh-kit/core:hostNames';

/**
 * Mesh-wide settings, held in the construct tree's context so that a chart (or the whole app)
 * chooses them once for everything below it.
 */
export class MeshSettings {
  /**
   * Applies settings to everything that will be added below `scope`. Call it on an app or a chart
   * before adding constructs to it.
   */
  public static apply(scope: IConstruct, props: MeshSettingsProps): void {
    setOnce(scope, MESH_KEY, 'mesh', props.mesh, Object.values(MeshProvider));
    setOnce(scope, CONTEXT_KEY, 'istioApiVersion', props.istioApiVersion, Object.values(IstioApiVersion));
    setOnce(scope, TRAFFIC_KEY, 'trafficApi', props.trafficApi, Object.values(TrafficApi));
    setOnce(scope, WAVES_KEY, 'argoCdSyncWaves', props.argoCdSyncWaves === undefined ? undefined : String(props.argoCdSyncWaves), ['true', 'false']);
    setOnce(scope, DATA_PLANE_KEY, 'dataPlane', props.dataPlane, Object.values(DataPlane));
    setOnce(scope, AUTO_WAYPOINTS_KEY, 'autoWaypoints', props.autoWaypoints === undefined ? undefined : String(props.autoWaypoints), ['true', 'false']);
    setOnce(scope, LINKERD_KEY, 'linkerdVersion', props.linkerdVersion, Object.values(LinkerdVersion));
    setOnce(scope, HOST_NAMES_KEY, 'hostNames', props.hostNames, Object.values(HostNames));
    // its type is checked with the props (checkArguments): an UnpinnedImages
    const unpinned = props.allowUnpinnedImages;
    setOnce(scope, UNPINNED_KEY, 'allowUnpinnedImages', unpinned?._toContext(), unpinned === undefined ? [] : [unpinned._toContext()]);
  }

  /** The settings in force at `scope`. */
  public static of(scope: IConstruct): Required<MeshSettingsProps> {
    const v = scope.node.tryGetContext(CONTEXT_KEY) as IstioApiVersion | undefined;
    const t = scope.node.tryGetContext(TRAFFIC_KEY) as TrafficApi | undefined;
    const w = scope.node.tryGetContext(WAVES_KEY) as string | undefined;
    const m = scope.node.tryGetContext(MESH_KEY) as MeshProvider | undefined;
    const d = scope.node.tryGetContext(DATA_PLANE_KEY) as DataPlane | undefined;
    const a = scope.node.tryGetContext(AUTO_WAYPOINTS_KEY) as string | undefined;
    const l = scope.node.tryGetContext(LINKERD_KEY) as LinkerdVersion | undefined;
    const u = scope.node.tryGetContext(UNPINNED_KEY) as string | undefined;
    const h = scope.node.tryGetContext(HOST_NAMES_KEY) as HostNames | undefined;
    const dataPlane = d ?? DataPlane.SIDECAR;
    // ambient routes with the Gateway API (waypoints do not read DestinationRule subsets) unless Istio's API is asked for
    const trafficApi = t ?? (dataPlane === DataPlane.AMBIENT ? TrafficApi.GATEWAY_API : TrafficApi.ISTIO);
    return {
      mesh: m ?? MeshProvider.ISTIO,
      istioApiVersion: v ?? IstioApiVersion.V1,
      trafficApi,
      argoCdSyncWaves: w === 'true',
      dataPlane,
      autoWaypoints: a !== 'false',
      linkerdVersion: l ?? LinkerdVersion.V2_20,
      allowUnpinnedImages: UnpinnedImages.fromContext(u),
      hostNames: h ?? HostNames.SHORT,
    };
  }

  private constructor() {}
}

/** Records one setting in the construct context, where everything added below `scope` reads it. */
function setOnce(scope: IConstruct, key: string, field: string, value: string | undefined, allowed: string[]): void {
  if (value === undefined) return;
  if (!allowed.includes(value)) {
    failAt(scope, problem(field, `must be one of ${allowed.map(a => `'${a}'`).join(', ')}`, value, `write one of them, e.g. '${allowed[0]}'`));
  }
  if (scope.node.children.length > 0) {
    const ids = scope.node.children.map(c => `'${c.node.id}'`).join(', ');
    failAt(scope, problem(field, 'must be set before constructs are added to the scope', value,
      `call MeshSettings.apply on '${scope.node.path || '(app)'}' before adding ${ids}`));
  }
  scope.node.setContext(key, value);
}
