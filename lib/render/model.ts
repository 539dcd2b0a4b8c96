/**
 * The model: plain, host-independent data describing what the user declared.
 * Intent constructs produce it; renderers turn it into Kubernetes and Istio objects;
 * validation rules read it. Nothing here knows about cdk8s, Pulumi or YAML.
 *
 * @module
 */

/**
 * A Kubernetes object as plain data, ready for any host. Fields may hold `undefined` (meaning: not
 * written); hosts drop them, as cdk8s's `ApiObject.toJson()` does for both of ours.
 */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/** The part of Kubernetes `metadata` that this library writes. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: { readonly [key: string]: string };
  readonly annotations?: { readonly [key: string]: string };
}

/** Where a service lives: what a host name is computed from. */
export interface ServiceRef {
  readonly name: string;
  readonly namespace?: string;
  /** A host outside the cluster's Services (a ServiceEntry's): `name` is the host, written as is from any namespace. */
  readonly external?: boolean;
  /** The name of the ServiceEntry declaring an external host (a Gateway API route's ServiceEntry parent). */
  readonly entryName?: string;
}

/** One port of a service. */
export interface PortModel {
  readonly name: string;
  readonly port: number;
  readonly targetPort?: number;
  /** The container port's name, when asked. */
  readonly containerPortName?: string;
  /** Kubernetes transport protocol (`TCP`, `UDP`), only when asked to be written. */
  readonly transport?: string;
  readonly appProtocol?: string;
}

/** One environment variable. */
export interface EnvModel {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

/** One pod volume. */
export interface VolumeModel {
  readonly name: string;
  readonly emptyDir?: { readonly medium?: string; readonly sizeLimit?: string };
  readonly configMap?: { readonly name: string; readonly items?: { readonly key: string; readonly path: string }[]; readonly optional?: boolean };
  readonly secret?: { readonly secretName: string; readonly items?: { readonly key: string; readonly path: string }[]; readonly optional?: boolean };
  readonly projected?: { readonly sources: ProjectionModel[] };
}

/** One source of a projected volume. */
export interface ProjectionModel {
  readonly configMap?: { readonly name: string; readonly items?: { readonly key: string; readonly path: string }[]; readonly optional?: boolean };
  readonly secret?: { readonly name: string; readonly items?: { readonly key: string; readonly path: string }[]; readonly optional?: boolean };
  readonly serviceAccountToken?: { readonly path: string; readonly audience?: string; readonly expirationSeconds?: number };
  readonly downwardAPI?: { readonly items: { readonly path: string; readonly fieldRef: { readonly fieldPath: string } }[] };
}

/** One volume mount. */
export interface MountModel {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

/** Pod and container hardening. */
export interface SecurityModel {
  readonly runAsNonRoot: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
  readonly seccompRuntimeDefault: boolean;
  readonly allowPrivilegeEscalation: boolean;
  readonly dropAllCapabilities: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly automountServiceAccountToken: boolean;
}

/** Container resource requests and limits, as Kubernetes quantities. */
export interface ResourcesModel {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** The pod template shared by every version of a service (a version may add to it). */
export interface WorkloadModel {
  readonly containerName: string;
  readonly imagePullPolicy?: string;
  readonly env: EnvModel[];
  readonly volumes: VolumeModel[];
  readonly mounts: MountModel[];
  readonly podAnnotations: { readonly [key: string]: string };
  readonly podLabels: { readonly [key: string]: string };
  /**
   * true/false writes the pod's `sidecar.istio.io/inject` label, or under Linkerd its
   * `linkerd.io/inject: enabled|disabled` annotation; undefined leaves it to the namespace.
   */
  readonly sidecarInjection?: boolean;
  /** The mesh the workload is injected by (`istio`, `linkerd` or `none`). */
  readonly mesh: string;
  /** Istio ambient mode: no sidecar; `sidecarInjection: false` keeps the pods out (`istio.io/dataplane-mode: none`). */
  readonly ambient?: boolean;
  /** The pods' DNS policy, when asked. */
  readonly dnsPolicy?: string;
  /** undefined: no securityContext at all. */
  readonly security?: SecurityModel;
  readonly resources?: ResourcesModel;
  readonly args?: string[];
  readonly command?: string[];
  /** The container's probes. */
  readonly probes?: ProbesModel;
  /** Scheduling, extra containers and shutdown of the pods. */
  readonly pod?: PodModel;
  /** Ports the container declares beyond the Service's (the Service does not expose them). */
  readonly containerOnlyPorts?: ReadonlyArray<{ readonly containerPort: number; readonly name?: string; readonly protocol?: string }>;
}

/** A topology spread constraint over the version's own pods. */
export interface TopologySpreadModel {
  readonly topologyKey: string;
  readonly maxSkew: number;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  readonly minDomains?: number;
}

/** A container lifecycle handler (`preStop`). */
export interface LifecycleHandlerModel {
  readonly kind: 'exec' | 'sleep' | 'httpGet';
  readonly command?: readonly string[];
  readonly seconds?: number;
  readonly path?: string;
  /** The service port (resolved to the container port when rendered); undefined: the first. */
  readonly port?: number;
}

/** Part of a Kubernetes object as the API writes it (what users passed in cdk8s-plus-27's types, converted and checked). */
export interface WireValue {
  readonly [key: string]: unknown;
}

/** Pod settings beyond the main container. */
export interface PodModel {
  readonly nodeSelector?: { readonly [key: string]: string };
  readonly tolerations?: readonly WireValue[];
  readonly affinity?: WireValue;
  /** undefined: none written. */
  readonly topologySpread?: readonly TopologySpreadModel[];
  readonly priorityClassName?: string;
  /** Containers run to completion before the others start. */
  readonly initContainers?: readonly WireValue[];
  /** Native sidecars: init containers with `restartPolicy: Always`, started after the init containers. */
  readonly sidecarContainers?: readonly WireValue[];
  readonly preStop?: LifecycleHandlerModel;
  readonly terminationGracePeriodSeconds?: number;
  readonly imagePullSecrets?: readonly string[];
  /** Istio sidecar's `terminationDrainDuration`, in seconds (written in `proxy.istio.io/config`). */
  readonly proxyDrainSeconds?: number;
}

/** A container probe: the service port it targets (resolved to the container port when rendered). */
export interface ProbeModel {
  readonly kind: 'httpGet' | 'tcpSocket' | 'grpc' | 'exec';
  /** The service port; undefined: the service's first port (not used by exec). */
  readonly port?: number;
  readonly path?: string;
  readonly headers?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly service?: string;
  readonly command?: readonly string[];
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
}

/** The probes of a workload's container. */
export interface ProbesModel {
  readonly readiness?: ProbeModel;
  readonly liveness?: ProbeModel;
  readonly startup?: ProbeModel;
}

/** A HorizontalPodAutoscaler's bounds and targets. */
export interface AutoscalingModel {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
  /** `autoscaling/v2` metric specs, as cdk8s-plus types them. */
  readonly metrics: readonly unknown[];
}

/** A PodDisruptionBudget: one of the two. */
export interface DisruptionBudgetModel {
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
}

/** One version of a service: a DestinationRule subset and (when deployed here) a Deployment. */
export interface VersionModel {
  /** Subset name. */
  readonly name: string;
  /** The subset's own traffic policy. */
  readonly trafficPolicy?: TrafficPolicyModel;
  /** The locality its pods are labelled with (`topology.istio.io/locality`), as given (`region/zone/subzone`). */
  readonly locality?: string;
  /** Value of the `version` label. */
  readonly label: string;
  /** A service's single workload: no `version` label on its pods, no subset. */
  readonly unversioned?: boolean;
  /** The Deployment of this version, or undefined when its pods are deployed elsewhere. */
  readonly deployment?: {
    readonly name: string;
    /** The version's own ServiceAccount (mesh identity); undefined: the service's. */
    readonly serviceAccountName?: string;
    readonly image: string;
    /** undefined: not written (an autoscaler sets it). */
    readonly replicas?: number;
    /** A HorizontalPodAutoscaler for the Deployment. */
    readonly autoscaling?: AutoscalingModel;
    /** A PodDisruptionBudget for the version's pods. */
    readonly disruptionBudget?: DisruptionBudgetModel;
    readonly workload: WorkloadModel;
    /** Labels of the Deployment object itself, besides `app` and `version`. */
    readonly labels: { readonly [key: string]: string };
  };
}

/** A DestinationRule: the host's policies and its subsets. */
export interface DestinationRuleModel {
  readonly name: string;
  readonly namespace?: string;
  readonly host: string;
  readonly subsets: ReadonlyArray<{
    readonly name: string;
    readonly labels: { readonly [key: string]: string };
    readonly trafficPolicy?: TrafficPolicyModel;
  }>;
  readonly trafficPolicy?: TrafficPolicyModel;
  /** Write `tls: ISTIO_MUTUAL` in the host's policy and in each port's that sets no TLS of its own. */
  readonly istioMutualByDefault?: boolean;
  /** Namespaces the rule applies to (undefined: Istio's default, every namespace). */
  readonly exportTo?: readonly string[];
}

/** A mesh service: Service, ServiceAccount, DestinationRule and one Deployment per deployed version. */
export interface ServiceModel extends ServiceRef {
  /** Value of the `app` label, which the Service selects on. */
  readonly app: string;
  readonly ports: PortModel[];
  readonly serviceAccountName: string;
  /** undefined: not written. */
  readonly automountServiceAccountToken?: boolean;
  readonly versions: VersionModel[];
  /** The DestinationRule's name. */
  readonly destinationRuleName: string;
  /** Whether subsets select `app` as well as `version`. */
  readonly subsetsSelectApp: boolean;
  /** The DestinationRule's traffic policy for every version. */
  readonly trafficPolicy?: TrafficPolicyModel;
  /**
   * Write `tls: ISTIO_MUTUAL` in the service-level policy of the DestinationRule (no TLS was given,
   * and `ClientTls.auto()` was not asked for).
   */
  readonly istioMutualByDefault?: boolean;
  /** A headless Service (`clusterIP: None`). */
  readonly headless?: boolean;
  /** How the Service is reached besides its cluster IP. */
  readonly exposure?: ServiceExposureModel;
  /** Annotations of the Service object. */
  readonly serviceAnnotations?: { readonly [key: string]: string };
  /** Annotations of each per-version Service (Linkerd's circuit breaking). */
  readonly versionServiceAnnotations?: { readonly [key: string]: string };
  /** `ClientIP` session affinity, and its timeout in seconds. */
  readonly sessionAffinity?: { readonly type: string; readonly timeoutSeconds?: number };
  /** Labels of the Service and every Deployment and pod besides `app` / `version` (Kubernetes' recommended labels). */
  readonly commonLabels?: { readonly [key: string]: string };
  /** Namespaces its DestinationRule applies to (undefined: every namespace). */
  readonly exportTo?: readonly string[];
  /** Labels of the Service only (`istio.io/use-waypoint`). */
  readonly serviceLabels?: { readonly [key: string]: string };
  /** The `version` label the Service selects besides `app` (a Linkerd canary's stable version); undefined: every version. */
  readonly selectsVersion?: string;
}

/** A Service's type and its settings (NodePort, LoadBalancer). */
export interface ServiceExposureModel {
  /** undefined: ClusterIP (not written); 'ClusterIP' only when asked to be written. */
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** service port → node port. */
  readonly nodePorts?: { readonly [port: number]: number };
  readonly externalTrafficPolicy?: string;
  readonly sourceRanges?: readonly string[];
  readonly loadBalancerClass?: string;
}

/** A string match as Istio's `StringMatch`. */
export interface StringMatchModel {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}

/** One HTTP match request: every condition must hold. */
export interface MatchModel {
  readonly uri?: StringMatchModel;
  readonly headers?: { readonly [name: string]: StringMatchModel };
  readonly ignoreUriCase?: boolean;
  /** The port this match is restricted to: a gateway listener's, or in the mesh the destination port. */
  readonly port?: number;
  /** Query parameter conditions (exact or regex). */
  readonly queryParams?: { readonly [name: string]: StringMatchModel };
  /** Headers that must not match (Istio only). */
  readonly withoutHeaders?: { readonly [name: string]: StringMatchModel };
  /** Labels of the calling pods (Istio only). */
  readonly sourceLabels?: { readonly [key: string]: string };
  /** The calling pods' namespace (Istio only). */
  readonly sourceNamespace?: string;
  /** The gateways the match is restricted to (Istio only): `mesh`, or a gateway the route binds to. */
  readonly gateways?: ReadonlyArray<ServiceRef | 'mesh'>;
  /** A gRPC service and method (Istio: the `uri` written with it; the Gateway API: a GRPCRoute method match). */
  readonly grpc?: { readonly service: string; readonly method?: string };
}

/** Where a route sends traffic. */
export interface DestinationModel {
  readonly service: ServiceRef;
  readonly subset?: string;
  /** The port asked for (or a gateway route's default). */
  readonly port?: number;
  /** The service's port when it has exactly one (what the Gateway API writes when none was asked for). */
  readonly onlyPort?: number;
  /**
   * For a version (`subset`): the service's ports whose container port differs, each to that container port — the port
   * of the version's own Service (`<service>-<version>`, which exposes the containers' ports) that a Gateway API
   * backend names for it.
   */
  readonly versionPorts?: { readonly [servicePort: number]: number };
  readonly weight?: number;
  /**
   * The service's own Service selects this version alone (Linkerd's traffic shifting: the stable version of a canary):
   * under Linkerd the backend is that Service rather than the version's.
   */
  readonly selectedByService?: boolean;
}

/** Header operations of one direction. */
export interface HeaderOpsModel {
  readonly set?: { readonly [name: string]: string };
  readonly add?: { readonly [name: string]: string };
  readonly remove?: string[];
}

/** Retries of a route. */
export interface RetriesModel {
  readonly attempts: number;
  readonly perTryTimeout?: string;
  /** Comma-separated conditions. */
  readonly retryOn?: string;
}

/** Faults injected into a route. */
export interface FaultModel {
  readonly delay?: { readonly fixedDelay: string; readonly percentage: number };
  readonly abort?: { readonly httpStatus: number; readonly percentage: number };
}

/** A CORS policy. */
export interface CorsModel {
  readonly allowOrigins: StringMatchModel[];
  readonly allowMethods?: string[];
  readonly allowHeaders?: string[];
  readonly exposeHeaders?: string[];
  readonly maxAge?: string;
  readonly allowCredentials?: boolean;
}

/** A redirect answered instead of forwarding. */
export interface RedirectModel {
  readonly uri?: string;
  readonly authority?: string;
  readonly scheme?: string;
  readonly port?: number;
  readonly redirectCode?: number;
}

/** One HTTP route: matches (any of), then destinations or a redirect, and the policies on the way. */
export interface HttpRouteModel {
  readonly name?: string;
  readonly match: MatchModel[];
  /** Empty for a redirect. */
  readonly destinations: DestinationModel[];
  readonly redirect?: RedirectModel;
  /** Durations as `7s` / `500ms`. */
  readonly timeout?: string;
  readonly retries?: RetriesModel;
  readonly fault?: FaultModel;
  readonly mirror?: { readonly destination: DestinationModel; readonly percentage?: number };
  readonly rewrite?: { readonly uri?: string; readonly authority?: string };
  readonly cors?: CorsModel;
  readonly headers?: { readonly request?: HeaderOpsModel; readonly response?: HeaderOpsModel };
  /** Istio delegation: the requests go on to another VirtualService's routes (no destinations). */
  readonly delegate?: ServiceRef;
}

/** A DestinationRule traffic policy, Istio-shaped. */
/** A failover of locality load balancing: from one region to another (Istio's wire shape). */
export interface LocalityFailoverModel {
  readonly from: string;
  readonly to: string;
}

/** Istio's `localityLbSetting` (networking/v1alpha3 LocalityLoadBalancerSetting), in its wire shape. */
export interface LocalityLbSettingModel {
  /** `false`: locality load balancing off for the host (the mesh-wide default does not apply either). */
  readonly enabled?: boolean;
  /** Per source locality, the share of traffic each destination locality takes (weights totalling 100). */
  readonly distribute?: ReadonlyArray<{ readonly from: string; readonly to: { readonly [locality: string]: number } }>;
  readonly failover?: readonly LocalityFailoverModel[];
  /** Ordered labels (`label` or `label=value`) endpoints are prioritised by. */
  readonly failoverPriority?: readonly string[];
}

/** Istio 1.31's `zoneAwareLbSetting` (networking/v1alpha3 ZoneAwareLoadBalancerSetting), in its wire shape. */
export interface ZoneAwareLbSettingModel {
  readonly enabled?: boolean;
  readonly failover?: readonly LocalityFailoverModel[];
  readonly failoverPriority?: readonly string[];
  readonly minClusterSize?: number;
}

export interface TrafficPolicyModel {
  readonly loadBalancer?: {
    readonly simple?: string;
    readonly consistentHash?: {
      readonly httpHeaderName?: string;
      readonly httpCookie?: { readonly name: string; readonly ttl?: string };
      readonly useSourceIp?: boolean;
    };
    readonly localityLbSetting?: LocalityLbSettingModel;
    readonly zoneAwareLbSetting?: ZoneAwareLbSettingModel;
  };
  readonly connectionPool?: {
    readonly tcp?: { readonly maxConnections?: number; readonly connectTimeout?: string };
    readonly http?: {
      readonly http1MaxPendingRequests?: number;
      readonly http2MaxRequests?: number;
      readonly maxRequestsPerConnection?: number;
      readonly maxRetries?: number;
      readonly idleTimeout?: string;
    };
  };
  readonly outlierDetection?: {
    readonly consecutive5xxErrors?: number;
    readonly consecutiveGatewayErrors?: number;
    readonly interval?: string;
    readonly baseEjectionTime?: string;
    readonly maxEjectionPercent?: number;
  };
  readonly tls?: {
    readonly mode: string;
    readonly sni?: string;
    readonly caCertificates?: string;
    readonly credentialName?: string;
    readonly clientCertificate?: string;
    readonly privateKey?: string;
  };
  /** Policies of single ports (Istio's wire shape: `port.number`). */
  readonly portLevelSettings?: ReadonlyArray<Omit<TrafficPolicyModel, 'portLevelSettings'> & { readonly port: { readonly number: number } }>;
}

/** A VirtualService: routing for hosts, inside the mesh or on gateways. */
export interface VirtualServiceModel {
  readonly name: string;
  readonly namespace?: string;
  readonly hosts: string[];
  /** Gateways, as references; empty means the mesh. */
  readonly gateways: ServiceRef[];
  /** The gateway listener port the routes are restricted to. */
  readonly gatewayPort?: number;
  /** Bound to the mesh as well as to `gateways` (Istio's `mesh` gateway). */
  readonly mesh?: boolean;
  /** With `mesh`: `mesh` written first in the VirtualService's `gateways` (the order carries no meaning to Istio). */
  readonly meshFirst?: boolean;
  /** For mesh routes: the service whose traffic is routed, and its port when it has only one. */
  readonly meshService?: ServiceRef & { readonly port?: number };
  readonly http: HttpRouteModel[];
  /** Routes of opaque TCP traffic (Istio's `tcp:`). */
  readonly tcp?: TcpRouteModel[];
  /** Namespaces the VirtualService applies to (undefined: Istio's default, every namespace). */
  readonly exportTo?: readonly string[];
  /** Routes of TLS traffic by SNI (Istio's `tls:`). */
  readonly tls?: TlsRouteModel[];
  /** The routed service speaks gRPC: the Gateway API renders a GRPCRoute. */
  readonly grpc?: boolean;
  /** A delegate VirtualService (no hosts, no gateways): the routes a root delegates to. */
  readonly delegate?: boolean;
  /** Linkerd's timeouts of the whole route object (`timeout.linkerd.io/response` and `/idle`). */
  readonly linkerdTimeouts?: { readonly response?: string; readonly idle?: string };
}

/** A match of a TLS route: the SNI, and optionally the port and caller. */
export interface TlsMatchModel extends TcpMatchModel {
  readonly sniHosts: readonly string[];
}

/** A route of TLS traffic by SNI: matches, weighted destinations. */
export interface TlsRouteModel {
  readonly match: TlsMatchModel[];
  readonly destinations: DestinationModel[];
}

/** A match of a TCP route. */
export interface TcpMatchModel {
  readonly port?: number;
  readonly sourceLabels?: { readonly [key: string]: string };
  readonly sourceNamespace?: string;
  readonly gateways?: ReadonlyArray<ServiceRef | 'mesh'>;
}

/** A route of opaque TCP traffic: matches, weighted destinations. */
export interface TcpRouteModel {
  readonly match: TcpMatchModel[];
  readonly destinations: DestinationModel[];
}

/** One listener of a gateway, as a gateway reports it (`IIngressGateway.servers`). */
export interface GatewayServer {
  /** The port it listens on. */
  readonly port: number;
  /** The port's name (Istio's `port.name`, the Gateway API listener's name). */
  readonly portName: string;
  /** Istio's protocol: `HTTP`, `HTTPS`, `TLS`, `TCP`, ... */
  readonly protocol: string;
  /** The hosts it serves. */
  readonly hosts: string[];
  /** Istio's server TLS settings. */
  readonly tls?: { readonly mode?: string; readonly credentialName?: string; readonly httpsRedirect?: boolean };
}

/** One gateway listener, as model data: the public {@link GatewayServer}. */
export type ServerModel = GatewayServer;

/** An ingress gateway. */
export interface GatewayModel {
  readonly name: string;
  readonly namespace?: string;
  /** Istio: the gateway workload's labels. */
  readonly selector: { readonly [key: string]: string };
  /** Gateway API: the GatewayClass. */
  readonly gatewayClassName: string;
  readonly servers: ServerModel[];
  /** Gateway API: namespaces, other than the gateway's own, of the routes that attach to it (undefined: none). */
  readonly routeNamespaces?: readonly string[];
  /** Gateway API: routes attach from the gateway's own namespace (the same namespace, or both unset: kubectl's). */
  readonly ownNamespaceRoutes?: boolean;
  /** Gateway API: paths of attaching routes whose namespace is unknown (no namespace, their chart none) while the gateway's is set. */
  readonly unplacedRoutes?: readonly string[];
  /** Gateway API: the listeners' `allowedRoutes` as the user set it (undefined: computed from the routes that attach). */
  readonly allowedRoutes?: AllowedRoutesModel;
  /** Gateway API, Istio's deployment: the Service type of the deployed gateway (`networking.istio.io/service-type`). */
  readonly serviceType?: string;
}

/** A Gateway API listener's `allowedRoutes`, as the user set it. */
export interface AllowedRoutesModel {
  /** `All`, `Same`, or `Selector` (by `names` or by `labels`). */
  readonly from: 'All' | 'Same' | 'Selector';
  /** Selector: namespaces by name (`kubernetes.io/metadata.name`). */
  readonly names?: readonly string[];
  /** Selector: namespaces by labels. */
  readonly labels?: { readonly [key: string]: string };
  /** Route kinds admitted (undefined: those of the listener's protocol). */
  readonly kinds?: readonly string[];
}

/** A namespace of the mesh. */
export interface NamespaceModel {
  readonly name: string;
  readonly labels: { readonly [key: string]: string };
  /** Its annotations (Linkerd's injection annotation). */
  readonly annotations?: { readonly [key: string]: string };
}

/** How the renderers address hosts and versions. */
export interface RenderContext {
  /** e.g. `v1`; the group is added by each renderer. */
  readonly istioApiVersion: string;
  /** Kubernetes cluster domain for fully-qualified names. */
  readonly clusterDomain: string;
  /** Name a Service of the object's own namespace fully qualified too (`HostNames.FULLY_QUALIFIED`). */
  readonly qualifiedHosts: boolean;
}

/** Who may call a workload, as its mesh identifies them. */
export interface AuthorizedClientModel {
  /** Callers running as these ServiceAccounts (a service's identities: its own and its versions'). */
  readonly serviceAccounts?: ReadonlyArray<{ readonly name: string; readonly namespace: string }>;
  /** Callers in this namespace (any of its ServiceAccounts). */
  readonly namespace?: string;
  /** Any caller with a mesh identity (mutual TLS), unauthenticated ones refused. */
  readonly anyMeshed?: boolean;
  /** Callers from these networks, meshed or not (CIDRs, with exceptions). */
  readonly networks?: ReadonlyArray<{ readonly cidr: string; readonly except?: readonly string[] }>;
}

/** An authorization of one service: its pods accept only the listed callers, on the listed ports. */
export interface AuthorizationModel {
  readonly name: string;
  readonly namespace?: string;
  /** The `app` label of the service's pods. */
  readonly app: string;
  /** The ports guarded: the container port, its name when it has one, and the protocol. */
  readonly ports: Array<{ readonly containerPort: number; readonly containerPortName?: string; readonly protocol: string }>;
  readonly clients: AuthorizedClientModel[];
  readonly clusterDomain: string;
  /** Observe instead of enforce: Linkerd's `accessPolicy: audit`, Istio's `istio.io/dry-run` policy. */
  readonly audit?: boolean;
  /** Linkerd: the Servers' `accessPolicy` when asked (else `deny`, or `audit` when auditing). */
  readonly accessPolicy?: string;
  /** A local rate limit of the guarded ports (Linkerd's HTTPLocalRateLimitPolicy on each Server). */
  readonly rateLimit?: RateLimitModel;
  /**
   * Istio ambient with a waypoint: the Service whose waypoint enforces the policy (`targetRefs`), and its ports as the
   * waypoint sees them. The waypoint sees the caller's identity; ztunnel at the pods sees only the waypoint's.
   */
  readonly atWaypoint?: { readonly service: string; readonly ports: readonly number[] };
  /**
   * Requests some callers may make besides `clients` (who may make any): Linkerd's HTTPRoutes on the Servers with an
   * AuthorizationPolicy each, Istio's rules with `to.operation.methods/paths`.
   */
  readonly requests?: readonly RequestRuleModel[];
  /**
   * The paths of the pods' HTTP probes on the guarded ports: once a Server has routes, Linkerd no longer authorizes
   * probes by itself (its default probe route is left out), so they get a route of their own.
   */
  readonly probePaths?: readonly string[];
  /** Linkerd: names given to the Server (one guarded port), its AuthorizationPolicy and the callers' authentication. */
  readonly linkerdNames?: { readonly server?: string; readonly policy?: string; readonly authentication?: string };
}

/** One kind of request an authorization rule admits: a path condition and methods. */
export interface RequestMatchModel {
  /** undefined: any path. */
  readonly path?: { readonly type: 'Exact' | 'PathPrefix'; readonly value: string };
  /** undefined: any method. */
  readonly methods?: readonly string[];
}

/** Requests to a service and the callers who may make them. */
export interface RequestRuleModel {
  /** `<authorization name>-<rule name>`: the name of its Linkerd objects. */
  readonly name: string;
  /** Linkerd: names given to the rule's HTTPRoute, AuthorizationPolicy and authentication (else `name`). */
  readonly linkerdNames?: { readonly route?: string; readonly policy?: string; readonly authentication?: string };
  readonly clients: AuthorizedClientModel[];
  readonly requests: readonly RequestMatchModel[];
}

/** A local rate limit: in all, per client identity, and for some clients. */
export interface RateLimitModel {
  readonly total?: number;
  readonly perClient?: number;
  readonly overrides: ReadonlyArray<{
    readonly requestsPerSecond: number;
    readonly serviceAccounts: ReadonlyArray<{ readonly name: string; readonly namespace: string }>;
  }>;
}
