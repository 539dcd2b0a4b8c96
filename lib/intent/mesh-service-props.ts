import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Locality } from './locality';
import { DefaultInboundPolicy, IMeshNamespace } from './mesh-namespace';
import { WorkloadOptions } from './pod-options';
import { ContainerOnlyPort, MeshServicePort } from './ports';
import { Probe } from './probe';
import type { IMeshService } from './route';
import { RetryPolicy } from './route-policies';
import { Autoscaling, DisruptionBudget } from './scaling';
import { ServiceExposure, SessionAffinity } from './service-exposure';
import { TrafficPolicy } from './traffic-policy';
import type { Waypoint } from './waypoint';
import { DnsPolicy, EnvValue, ImagePullPolicy, SidecarInjection, Volume, VolumeMount, WorkloadSecurity } from './workload';

/** Props of a {@link MeshService}. */
export interface MeshServiceProps extends WorkloadOptions {
  /**
   * Deploy one workload of this image, without versions: a Deployment named like the service, pods labelled `app` only,
   * a DestinationRule without subsets. `addVersion()` is then refused (give versions instead when routing needs them).
   * Pinned to a tag or digest unless the scope's `allowUnpinnedImages` setting lets it through.
   * @default - none: the service's pods are its versions (`addVersion()`)
   */
  readonly image?: string;

  /**
   * Back the whole service with one Deployment or StatefulSet made elsewhere in the app (cdk8s-plus of any version, the
   * L1 `KubeDeployment`, an `Include` holding one), without versions: see {@link MeshService.adoptVersion} for what
   * mesh-kit adds to it and checks.
   * @default - none
   */
  readonly workload?: IConstruct;

  /**
   * Label the service's objects and pods with Kubernetes' recommended labels: `app.kubernetes.io/name` (the app),
   * `app.kubernetes.io/version` (the version label, or the image tag of a single workload), `app.kubernetes.io/part-of`
   * (`partOf`) and `app.kubernetes.io/managed-by: mesh-kit`. Istio reads the first two as the workload's canonical name
   * and revision in telemetry when `app` and `version` are absent.
   * @default false
   */
  readonly recommendedLabels?: boolean;

  /**
   * The application the service is part of (`app.kubernetes.io/part-of`, with `recommendedLabels`).
   * @default - not written
   */
  readonly partOf?: string;

  /**
   * The Service name, which is also the host name other services call it by.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The namespace of every object of the service.
   * @default - the chart's namespace
   */
  readonly namespace?: IMeshNamespace;

  /**
   * The ports the Service exposes (and the containers listen on). More with `addPort()`.
   * @default - none; at least one is required by synth
   */
  readonly ports?: MeshServicePort[];

  /**
   * Ports the containers listen on that the Service does not expose (metrics, admin): written on the main container of
   * the Deployments this service writes, after the Service's ports (an adopted workload keeps its own container ports).
   * A port a Service port already targets is refused (it is exposed: declare it in `ports`).
   * @default - the containers declare the Service's ports only
   */
  readonly containerPorts?: ContainerOnlyPort[];

  /**
   * The value of the `app` label that the Service selects on.
   * @default - the service name
   */
  readonly app?: string;

  /**
   * The DestinationRule's name.
   * @default - the service name
   */
  readonly destinationRuleName?: string;

  /**
   * The namespaces whose callers the DestinationRule applies to: `['.']` for its own only, namespace names, `['*']` for all.
   * @default - not written: Istio's default, every namespace — a service's traffic policy must reach its callers wherever they run
   */
  readonly exportTo?: string[];

  /**
   * Make each DestinationRule subset select the `app` label as well as `version` (some manifests
   * do, to be explicit; the Service already narrows to `app`).
   * @default false - subsets select `version` only, as Istio's samples do
   */
  readonly subsetsSelectApp?: boolean;

  /**
   * Timeouts and retries of every request to the service, whichever route it takes (Linkerd's annotations on the
   * Service; a route's own replace them). Linkerd only: Istio sets timeouts and retries on routes.
   * @default - none
   */
  readonly requestPolicy?: RequestPolicy;

  /**
   * Traffic policy of the DestinationRule (load balancing, circuit breaking, outlier detection, client TLS).
   * @default - `tls: ISTIO_MUTUAL` (secure by default; `tls: ClientTls.auto()` to write nothing), Istio's defaults for the rest;
   * nothing for TLS when the service's pods get no sidecar (`sidecarInjection: SidecarInjection.DISABLED`, or a namespace
   * with injection disabled), since they could not answer Istio's mutual TLS
   */
  readonly trafficPolicy?: TrafficPolicy;

  /**
   * Labels of every Deployment object (not its pods), besides `app` and `version`.
   * @default - none
   */
  readonly deploymentLabels?: { [key: string]: string };

  /**
   * The waypoint that processes the service's L7 traffic under ambient mode (`istio.io/use-waypoint` on the Service):
   * routes, L7 authorization, retries and faults need one.
   * @default - its namespace's; else, when it needs one, a waypoint of its own `<name>-waypoint` (see `autoWaypoints`)
   */
  readonly waypoint?: Waypoint;

  /**
   * Under ambient mode, make ingress gateways send the service's traffic through its waypoint
   * (`istio.io/ingress-use-waypoint`), so that its L7 routes and policies apply to ingress traffic too. `false` keeps
   * the label off for the service's routes' sake (a gateway's requests then reach the pods without them), though an L7
   * policy that guards the service against waypoint bypass still adds it (the gateway would be refused otherwise).
   * @default - true when a gateway route forwards to the whole service (`followServiceRoutes`, the default) and a
   * routing routes it (`addRoute()`, `ServiceRouting`), or once an L7 policy guards the service against waypoint
   * bypass; otherwise not written
   */
  readonly ingressUseWaypoint?: boolean;

  /**
   * The services this one calls. With the authorization that names it as a caller (`ServiceAuthorization`,
   * `AuthorizationPolicy` rules from `RequestSource.service(this)`), they scope its Sidecar (`SidecarScoping`). More with
   * `addDependency()`.
   * @default - none declared
   */
  readonly dependsOn?: IMeshService[];

  /**
   * The ServiceAccount every version runs as: the service's mesh identity
   * (`spiffe://<trust-domain>/ns/<namespace>/sa/<name>`).
   * @default - the service name
   */
  readonly serviceAccountName?: string;

  /**
   * The container name.
   * @default - the service name
   */
  readonly containerName?: string;

  /**
   * Make the Service headless (`clusterIP: None`): DNS returns the pods' addresses.
   * @default false
   */
  readonly headless?: boolean;

  /**
   * How the Service is reached: `ServiceExposure.nodePort()`, `ServiceExposure.loadBalancer()`.
   * @default ServiceExposure.clusterIp() - inside the cluster only (traffic from outside enters through an IngressGateway)
   */
  readonly exposure?: ServiceExposure;

  /**
   * Annotations of the Service object (a cloud load balancer's settings, for instance).
   * @default - none
   */
  readonly serviceAnnotations?: { [key: string]: string };

  /**
   * Send a client's connections to the same pod.
   * @default SessionAffinity.NONE - not written
   */
  readonly sessionAffinity?: SessionAffinity;

  /**
   * How long `ClientIP` affinity lasts.
   * @default - Kubernetes' default (3 hours)
   */
  readonly sessionAffinityTimeout?: Duration;

  /**
   * The pods' DNS policy.
   * @default - not written (Kubernetes uses ClusterFirst)
   */
  readonly dnsPolicy?: DnsPolicy;

  /**
   * When the kubelet pulls images.
   * @default ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /**
   * Environment variables of every version, in this order.
   * @default - none
   */
  readonly env?: { [name: string]: EnvValue };

  /**
   * Pod volumes of every version, in this order (volumes that are only mounted are appended).
   * @default - the mounted volumes
   */
  readonly volumes?: Volume[];

  /**
   * Volume mounts of the container, in this order.
   * @default - none
   */
  readonly volumeMounts?: VolumeMount[];

  /**
   * Annotations of every version's pods (e.g. `prometheus.io/scrape`).
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * Linkerd's default inbound policy for the service's pods (`config.linkerd.io/default-inbound-policy`): what a port
   * without a Server admits. Linkerd only.
   * @default - the namespace's, else the cluster's
   */
  readonly defaultInboundPolicy?: DefaultInboundPolicy;

  /**
   * Sidecar injection for this workload, overriding its namespace.
   * @default SidecarInjection.INHERIT
   */
  readonly sidecarInjection?: SidecarInjection;

  /**
   * Pod, container and ServiceAccount hardening.
   * @default WorkloadSecurity.restricted() - non-root as user 65532, RuntimeDefault seccomp, no privilege escalation,
   * all capabilities dropped, no Kubernetes API token mounted
   */
  readonly security?: WorkloadSecurity;

  /**
   * Replicas of each version's Deployment.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * A HorizontalPodAutoscaler for every version (each version may have its own). `replicas` must then not be given.
   * @default - none: `replicas` pods
   */
  readonly autoscaling?: Autoscaling;

  /**
   * A PodDisruptionBudget for every version (each version may have its own).
   * @default - with two or more pods (replicas, or the autoscaler's minimum) `DisruptionBudget.maxUnavailable(1)`, else none
   */
  readonly disruptionBudget?: DisruptionBudget;

  /**
   * When a pod may receive traffic: `Probe.http('/ready')`, `Probe.tcp()`, `Probe.grpc()`, `Probe.exec([...])`, on one
   * of the service's ports (Istio rewrites HTTP and gRPC probes of sidecar pods so the kubelet reaches them).
   * @default - none
   */
  readonly readinessProbe?: Probe;

  /**
   * When a container is restarted.
   * @default - none
   */
  readonly livenessProbe?: Probe;

  /**
   * Holds the other probes back until a slow-starting container is up.
   * @default - none
   */
  readonly startupProbe?: Probe;
}

/** Options of {@link MeshService.addVersion}. */
export interface ServiceVersionOptions extends WorkloadOptions {
  /** The container image, pinned to a tag or digest (never `latest`). */
  readonly image: string;

  /**
   * The ServiceAccount this version runs as: its own mesh identity (a ServiceAccount is written for it). Authorization
   * that names the service (`AuthorizedClient.service()`, `RequestSource.service()`) lets every version's identity in.
   * @default - the service's `serviceAccountName`
   */
  readonly serviceAccountName?: string;

  /**
   * Replicas of this version.
   * @default - the service's `replicas`
   */
  readonly replicas?: number;

  /**
   * The value of the pods' `version` label.
   * @default - the version name
   */
  readonly label?: string;

  /**
   * The Deployment name.
   * @default - `<app>-<version>`, e.g. `reviews-v2`
   */
  readonly deploymentName?: string;

  /**
   * Environment variables added to (or replacing) the service's.
   * @default - the service's
   */
  readonly env?: { [name: string]: EnvValue };

  /**
   * Labels added to this version's pods.
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * The locality of this version's pods (`Locality.of('us-east1/us-east1-b')`, no wildcard), written as Istio's pod label
   * `topology.istio.io/locality: us-east1.us-east1-b`, which istiod reads before the node's region, zone and subzone
   * (istio/istio pilot/pkg/serviceregistry/kube/controller/controller.go getPodLocality; pkg/model/proxy.go
   * GetLocalityLabel). For pods whose nodes carry no topology labels, or a test of failover in one cluster. Istio only:
   * refused under Linkerd.
   * @default - not written: the locality of the node each pod runs on
   * @see https://istio.io/latest/docs/reference/config/labels/#TopologyLocality
   */
  readonly locality?: Locality;

  /**
   * Traffic policy of this version's subset, overriding the service's.
   * @default - the service's
   */
  readonly trafficPolicy?: TrafficPolicy;

  /**
   * Volumes of this version: each replaces the service's volume of the same name, or is added.
   * @default - the service's
   */
  readonly volumes?: Volume[];

  /**
   * Volume mounts of this version, added to the service's (a volume they mount that is not
   * declared is added too).
   * @default - the service's
   */
  readonly volumeMounts?: VolumeMount[];

  /**
   * Annotations added to this version's pods.
   * @default - the service's
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * This version's HorizontalPodAutoscaler.
   * @default - the service's `autoscaling`
   */
  readonly autoscaling?: Autoscaling;

  /**
   * This version's PodDisruptionBudget.
   * @default - the service's `disruptionBudget`, else the default for its pod count
   */
  readonly disruptionBudget?: DisruptionBudget;

  /**
   * This version's readiness probe.
   * @default - the service's
   */
  readonly readinessProbe?: Probe;

  /**
   * This version's liveness probe.
   * @default - the service's
   */
  readonly livenessProbe?: Probe;

  /**
   * This version's startup probe.
   * @default - the service's
   */
  readonly startupProbe?: Probe;
}

/** Options of {@link MeshService.adoptVersion}. */
export interface AdoptedVersionOptions {
  /**
   * The value of the pods' `version` label (added when the pods have none; the pods' own value must be this).
   * @default - the version name
   */
  readonly label?: string;

  /**
   * Traffic policy of this version's subset, overriding the service's.
   * @default - the service's
   */
  readonly trafficPolicy?: TrafficPolicy;
}

/** What routes need to know of a service this app does not deploy. */
export interface MeshServiceAttributes {
  /** The Service name. */
  readonly name: string;
  /**
   * Its namespace.
   * @default - the namespace of whatever routes to it
   */
  readonly namespace?: string;
  /** Its ports. */
  readonly ports: MeshServicePort[];
  /**
   * Its versions (DestinationRule subsets).
   * @default - none: routes may only target the whole service
   */
  readonly versions?: string[];
}

/** Options of {@link MeshService.addExternalVersion}. */
export interface ExternalVersionOptions {
  /**
   * The value of the pods' `version` label.
   * @default - the version name
   */
  readonly label?: string;

  /**
   * Traffic policy of this version's subset, overriding the service's.
   * @default - the service's
   */
  readonly trafficPolicy?: TrafficPolicy;
}

/** Timeouts and retries of every request to a service ({@link MeshServiceProps.requestPolicy}). */
export interface RequestPolicy {
  /**
   * Time allowed for the whole request and response (`timeout.linkerd.io/request`).
   * @default - none
   */
  readonly timeout?: Duration;
  /**
   * Time allowed for the response once the request is sent (`timeout.linkerd.io/response`).
   * @default - none
   */
  readonly responseTimeout?: Duration;
  /**
   * Time a stream may stay idle (`timeout.linkerd.io/idle`).
   * @default - none
   */
  readonly idleTimeout?: Duration;
  /**
   * Retries (`retry.linkerd.io/http` or `/grpc` for a gRPC service, `/limit`, `/timeout`).
   * @default - none
   */
  readonly retries?: RetryPolicy;
}
