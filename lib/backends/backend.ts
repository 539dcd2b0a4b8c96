/**
 * What a back-end decides: which objects an intent becomes (their kind and identity, their bodies rendered lazily at
 * synth) and what it refuses (the problems, as the constructs' messages say them). Constructs describe intent and ask
 * the back-end in force at their scope (`backendAt(scope)`, `lib/backends/registry.ts`); they hold no conditionals on
 * which back-end it is.
 *
 * Adding a back-end is one folder (`lib/backends/<name>/`) implementing {@link MeshBackend}, plus its name in
 * {@link BackendName} and one line in the registry: the compiler then lists every place that does not know it yet.
 *
 * @module
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Problem } from '../core/errors';
import { AuthorizationModel, GatewayModel, Manifest, PortModel, RetriesModel, ServiceModel, TrafficPolicyModel, VersionModel, VirtualServiceModel } from '../render/model';

/**
 * The back-ends, by the objects routing is rendered to: Istio's API (VirtualService, DestinationRule), the Gateway API
 * under Istio (`TrafficApi.GATEWAY_API`), Linkerd (`MeshProvider.LINKERD`), and no mesh (`MeshProvider.NONE`).
 */
export type BackendName = 'istio' | 'gateway-api' | 'linkerd' | 'none';

/** The kinds of route a routing construct holds. */
export interface RouteKinds {
  readonly http: boolean;
  readonly tcp: boolean;
  readonly tls: boolean;
}

/** What a routing construct (`ServiceRouting`, `IngressGatewayRoute`) gives its back-end to emit its objects with. */
export interface RouteHost {
  /** The construct the objects are emitted under. */
  readonly scope: Construct;
  /** The objects' name. */
  readonly name: string;
  /** The objects' namespace, when known. */
  readonly namespace?: string;
  /** The routes as model data, read at synth. */
  readonly model: () => VirtualServiceModel;
  /** A GRPCRoute rather than an HTTPRoute, where the back-end has one. */
  readonly grpc: boolean;
}

/** The routing objects of one routing construct, emitted as routes of each kind first arrive. */
export interface RouteObjects {
  /** The first object emitted (the escape hatch of the construct's `resource`). */
  readonly primary: ApiObject;
  /** Emits the objects the kinds of route need that are not emitted yet; an HTTP object when there is no route at all. */
  sync(kinds: RouteKinds): void;
}

/** What a `MeshService` gives its back-end to emit its objects with. */
export interface ServiceHost {
  /** The service construct. */
  readonly scope: Construct;
  /** The namespace of its objects, when known. */
  readonly namespace?: string;
  /** The DestinationRule name (where the back-end has one). */
  readonly destinationRuleName: string;
  /** The service as model data, read at synth. */
  readonly model: () => ServiceModel;
}

/** What one version of a `MeshService` gives its back-end to emit its objects with. */
export interface VersionHost {
  /** The version construct. */
  readonly scope: Construct;
  /** The service's name. */
  readonly serviceName: string;
  /** The service's namespace, when known. */
  readonly namespace?: string;
  /** The version as model data. */
  readonly version: VersionModel;
  /** Its pods come from a workload made elsewhere in the app (`adoptVersion()`). */
  readonly hasWorkload: boolean;
  /** The annotations of the version's own Service, when it has some (read only when it has one). */
  readonly annotations: () => { readonly [key: string]: string } | undefined;
  /** The service as model data, read at synth. */
  readonly model: () => ServiceModel;
}

/** The injection label or annotation that puts a workload's pods in the mesh, or keeps them out. */
export interface InjectionMark {
  readonly where: 'labels' | 'annotations';
  readonly key: string;
  readonly value: string;
}

/** A service's request policy (timeouts and retries of every request to it), as the back-end reads it. */
export interface RequestPolicyInput {
  /** The names of the fields given (the value a refusal shows). */
  readonly fields: string[];
  /** The retries as model data, computed when the back-end reads them (a bad one fails there). */
  readonly retries: () => RetriesModel | undefined;
  /** Whether every port of the service is gRPC. */
  readonly grpc: boolean;
  /** The timeouts as Istio duration strings, computed when the back-end reads them (a bad one fails there). */
  readonly timeouts: () => { readonly request?: string; readonly response?: string; readonly idle?: string };
}

/** How a `MeshNamespace` asks to be enrolled in the mesh. */
export interface NamespaceEnrolment {
  /** The labels Istio reads (injection, or under ambient mode the data-plane mode). */
  readonly istioLabels: { readonly [key: string]: string };
  /** Linkerd's injection annotations; undefined for what only Istio has (a revision). */
  readonly linkerdAnnotations?: { readonly [key: string]: string };
  /** How a refusal of the injection shows it. */
  readonly injectionShown: unknown;
  /** Linkerd's default inbound policy of the namespace's pods, when asked. */
  readonly defaultInboundPolicy?: string;
}

/** The labels and annotations that enrol a namespace in the mesh. */
export interface NamespaceMarks {
  readonly labels?: { readonly [key: string]: string };
  readonly annotations?: { readonly [key: string]: string };
}

/** A decision of a back-end: a value, or a refusal (a problem, as `problem()` words it). */
export type Decision<T> = { readonly value: T; readonly refused?: undefined } | { readonly refused: Problem; readonly value?: undefined };

/** How a canary release is carried out by the back-end. */
export interface CanaryDecisions {
  /**
   * The Service selects the stable version alone and each stage's route splits between per-version Services (Linkerd's
   * traffic shifting, linkerd.io docs `tasks/traffic-shifting`): no base route, and gateway routes are not copied into
   * the stage files.
   */
  readonly stableBySelector: boolean;
  /** Refuses sticky sessions (a DestinationRule setting) where there is no DestinationRule. */
  stickySessionsProblem(): Problem | undefined;
}

/** What a back-end decides about a service, its ports, versions and workloads. */
export interface ServiceDecisions {
  /** Versions are reached through Services of their own (`reviews-v1`), which routes name as backends, rather than DestinationRule subsets. */
  readonly versionServices: boolean;
  /** The object a `DestinationPolicy` becomes: Istio's DestinationRule, or under the Gateway API a BackendTLSPolicy (its TLS only). */
  readonly destinationPolicyKind: 'DestinationRule' | 'BackendTLSPolicy';
  /** Emits the service's back-end objects (under Istio's API, its DestinationRule). */
  serviceObjects(host: ServiceHost): { readonly destinationRule?: ApiObject };
  /** Emits a version's back-end objects (its own Service, where routes name one). */
  versionObjects(host: VersionHost): { readonly versionService?: ApiObject };
  /** What the back-end cannot express of the service (checked at synth). */
  serviceProblems(model: ServiceModel): Problem[];
  /** Problems with a port's name (Istio's protocol selection by name; Linkerd detects the protocol). */
  portNameProblems(port: PortModel, protocol: string): Problem[];
  /** The `appProtocol` written for a port of `protocol` when asked. */
  appProtocol(protocol: string): string | undefined;
  /** The labels and annotations that enrol a namespace in the mesh. */
  namespaceMarks(e: NamespaceEnrolment): Decision<NamespaceMarks>;
  /** The injection label or annotation of a workload whose injection is set, if the mesh has one. */
  injection(enabled: boolean): InjectionMark | undefined;
  /** The pods' annotations for a default inbound policy (`MeshServiceProps.defaultInboundPolicy`). */
  inboundPolicy(policy: string): Decision<{ readonly [key: string]: string }>;
  /** The Service's annotations for a request policy (`MeshServiceProps.requestPolicy`). */
  requestPolicy(r: RequestPolicyInput): Decision<{ readonly [key: string]: string }>;
  /** The annotations of the service's Service and of each version's for its outlier detection (Linkerd's circuit breaking). */
  balancerAnnotations(p: TrafficPolicyModel | undefined): { [key: string]: string } | undefined;
}

/** What a back-end decides about routes. */
export interface RouteDecisions {
  /** The routing objects of a routing construct (refused where there is no mesh). */
  routeObjects(host: RouteHost): RouteObjects;
  /** What the back-end cannot express of the routes of one routing construct at `scope` (checked at synth). */
  routeProblems(scope: Construct, model: VirtualServiceModel): Problem[];
  /** Refuses `exportTo` of a ServiceRouting where routes apply where they attach. */
  exportToProblem(exportTo: readonly string[]): Problem | undefined;
}

/** What an `IngressGateway` gives its back-end to emit its Gateway with. */
export interface GatewayHost {
  /** The gateway construct. */
  readonly scope: Construct;
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace, when known. */
  readonly namespace?: string;
  /** The gateway as model data, read at synth. */
  readonly model: () => GatewayModel;
}

/** What a back-end decides about ingress gateways and their routes. */
export interface IngressDecisions {
  /** A gateway route carrying a service's routes splits matches that rewrite (the Gateway API's URLRewrite has one prefix per rule). */
  readonly oneMatchPerRewrite: boolean;
  /** Emits the Gateway of an ingress gateway (Istio's, or the Gateway API's). */
  gatewayObject(host: GatewayHost): ApiObject;
  /** Refuses an Istio gateway deployment given to a Gateway (`IngressGatewayProps.gateway`) where the Gateway deploys its own pods. */
  gatewayDeploymentProblem(gatewayName: string): Problem | undefined;
  /** What the back-end cannot express of a gateway (checked at synth). */
  gatewayProblems(model: GatewayModel, selectorGiven: boolean): Problem[];
}

/** What a back-end decides about authorization (`ServiceAuthorization`). */
export interface AuthorizationDecisions {
  /** Under ambient mode, a service with a waypoint has its authorization enforced there (the pods admit only the waypoint). */
  readonly authorizesAtWaypoint: boolean;
  /**
   * How a ServiceAuthorization at `scope` is rendered: Istio's ALLOW AuthorizationPolicy, or Linkerd's Server,
   * MeshTLSAuthentication and AuthorizationPolicy per port (and its rate limit).
   */
  authorizationRenderer(scope: IConstruct): (model: AuthorizationModel) => Manifest[];
  /** Refuses a rate limit (showing `got`) where the mesh has no rate-limit API. */
  rateLimitProblem(got: unknown): Problem | undefined;
}

/** What a back-end decides about the mesh as a whole: egress, observability. */
export interface MeshWideDecisions {
  /**
   * What lets external hosts out: Istio's ServiceEntry itself, or under Linkerd routes of an EgressNetwork (a
   * `ServiceEntry` becomes them).
   */
  readonly egressBy: 'ServiceEntry' | 'EgressNetwork';
  /** The mesh observability add-ons observe (its Prometheus jobs, dashboards, Kiali or Linkerd Viz), or a refusal. */
  addonsMesh(): Decision<'istio' | 'linkerd'>;
}

/** What a back-end refuses outright: constructs it has no objects for. */
export interface Refusals {
  /** Refuses mesh routing or policy (`what`) where there is no mesh. */
  meshProblem(what: string): Problem | undefined;
  /** Refuses an ingress gateway or its routes (`what`) where the mesh has none. */
  ingressProblem(what: string): Problem | undefined;
  /** Refuses an Istio-only construct (`what`), naming what to use under Linkerd (`linkerdFix`). */
  istioOnlyProblem(what: string, linkerdFix: string): Problem | undefined;
  /** Refuses VirtualService delegation (`DelegateRoutes`) where routes are not VirtualServices. */
  delegationProblem(): Problem | undefined;
  /** Refuses Linkerd's egress control (`EgressNetwork`) under another mesh. */
  egressNetworkProblem(): Problem | undefined;
}

/** One back-end: what every intent becomes under it, and what it refuses. */
export interface MeshBackend extends RouteDecisions, ServiceDecisions, IngressDecisions, AuthorizationDecisions, MeshWideDecisions, Refusals {
  /** Its name, as the registry knows it and messages show it. */
  readonly name: BackendName;
  /** How canary releases are carried out. */
  readonly canary: CanaryDecisions;
}
