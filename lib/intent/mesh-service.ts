import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MeshNeeds, workloadObjectOf } from './existing-workload';
import { ImportedMeshService, MeshServiceImport } from './imported-mesh-service';
import { AdoptedVersionOptions, ExternalVersionOptions, MeshServiceAttributes, MeshServiceProps, ServiceVersionOptions } from './mesh-service-props';
import { checkImage, podModelOf, workloadOptionsOf } from './pod-options';
import { ContainerOnlyPort, MeshServicePort, TransportProtocol } from './ports';
import { HttpRouteOptions, IMeshService, IRouteTarget } from './route';
import { checkDataPlane, waypointOnlyPolicies } from './service-data-plane';
import { SessionAffinity, affinityTimeoutSeconds } from './service-exposure';
import { checkExposure, inboundPolicyAnnotations, portModelOf, portProblems, requestPolicyAnnotations, serviceLabelsOf } from './service-object';
import { ServiceRouting } from './service-routing';
import { ServiceVersion } from './service-version';
import { ServiceWorkloadContext, checkReplicas, deployedVersionModelOf, probeProblems, selectorOverlaps, workloadModelOf } from './service-workloads';
import { trafficPolicyModelOf } from './traffic-policy';
import { Waypoint, useWaypointLabels } from './waypoint';
import { SidecarInjection } from './workload';
import { MeshBackend } from '../backends/backend';
import { backendAt } from '../backends/registry';
import { MeshValidationError, Problem, failAt, problem, problemValidation } from '../core/errors';
import { markExternal } from '../core/external-references';
import { constructArgs } from '../core/input';
import { checkDnsLabel, checkDnsSubdomain, checkExportTo, checkLabelValue, checkPort, checkServiceName } from '../core/names';
import { MeshSettings } from '../core/settings';
import { ambientAt, emit, namespaceOf } from '../hosting/cdk8s/emit';
import { renderService, renderServiceAccount } from '../render/kubernetes';
import { ServiceModel, TrafficPolicyModel, VersionModel, WorkloadModel } from '../render/model';
import { duplicates } from '../validation/rules';

export { ServiceVersion } from './service-version';

/**
 * A microservice of the mesh: one Service (selecting `app`), one ServiceAccount, one Deployment per
 * version (labels `app` and `version`) and one DestinationRule with a subset per version; and, when
 * asked with `addRoute()`, a VirtualService routing between versions.
 *
 * @example
 * const reviews = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }] });
 * reviews.addVersion('v1', { image: 'registry.istio.io/release/examples-bookinfo-reviews-v1:1.20.3' });
 * reviews.addVersion('v2', { image: 'registry.istio.io/release/examples-bookinfo-reviews-v2:1.20.3' });
 * reviews.addRoute({ match: [HttpMatch.headers(HeaderMatch.exact('end-user', 'jason'))], action: RouteAction.forward(reviews.version('v2')) });
 * reviews.addRoute({ action: RouteAction.forward(reviews.version('v1')) });
 */
export class MeshService extends Construct implements IMeshService, IRouteTarget {
  /**
   * A service this app does not deploy (another team's chart, another repo), so that routes can
   * target it and its versions with the same checks as for services declared here. The import is a construct
   * of the app: the app's synth-time analysis counts the service as existing, and no other app's does.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: MeshServiceAttributes): IMeshService & IRouteTarget;
  /**
   * A service this app does not deploy, imported without a scope.
   * @deprecated use `fromAttributes(scope, id, attrs)`: an import without a scope belongs to no app; the synth-time
   * analysis counts it only in the apps whose constructs hold it (a route's target). Removed in the next minor version.
   */
  public static fromAttributes(attrs: MeshServiceAttributes): IMeshService & IRouteTarget;
  public static fromAttributes(scopeOrAttrs: Construct | MeshServiceAttributes, id?: string,
    attrs?: MeshServiceAttributes): IMeshService & IRouteTarget {
    if (Construct.isConstruct(scopeOrAttrs)) return new MeshServiceImport(scopeOrAttrs, id!, attrs!);
    const imported = new ImportedMeshService(scopeOrAttrs);
    return markExternal(imported, 'service', imported.namespace, imported.name);
  }

  public readonly name: string;
  public readonly namespace?: string;
  /** The value of the `app` label. */
  public readonly app: string;
  /** The ServiceAccount name. */
  public readonly serviceAccountName: string;
  /** Always undefined: a MeshService as a route target means all of its versions. */
  public readonly subset?: string = undefined;
  /** The service itself: as a route target, a MeshService means any of its pods (no subset). */
  public readonly service: this = this;
  /** The Kubernetes Service object (escape hatch). */
  public readonly serviceResource: ApiObject;
  /** The ServiceAccount object (escape hatch). */
  public readonly serviceAccount: ApiObject;
  /** The DestinationRule object (escape hatch); none under TrafficApi.GATEWAY_API, which uses per-version Services. */
  public readonly destinationRule?: ApiObject;

  private readonly _ports: MeshServicePort[] = [];
  private readonly versions: ServiceVersion[] = [];
  /** The single workload (`image`), when the service has no versions. */
  private single?: ServiceVersion;
  private readonly commonLabels?: { [key: string]: string };
  /** Istio ambient mode: ztunnel and waypoints instead of sidecars. */
  private readonly ambient: boolean;
  /** The back-end the service's chart renders for. */
  private readonly backend: MeshBackend;
  /** The waypoint mesh-kit added because the service needs L7 processing and has none. */
  private autoWaypoint?: Waypoint;
  /** Under ambient with autoWaypoints off: the L7 features that found no waypoint. */
  private readonly waypointNeeds: string[] = [];
  private waypointGuarded = false;
  /** A ServiceRouting routes the service's traffic (L7 routes its waypoint applies, under ambient mode). */
  private routedInMesh = false;
  /** A gateway route forwards to the whole service (and follows its routes). */
  private forwardedByGateway = false;
  /** The gateway routes that forward to the whole service, and who wants to hear of them. */
  private readonly gatewayRoutes: Construct[] = [];
  private readonly gatewayRouteListeners: Array<(route: Construct) => void> = [];
  private readonly declaredDependencies: IMeshService[] = [];
  private readonly derivedDependencies: IMeshService[] = [];
  private readonly workload: WorkloadModel;
  private readonly replicas: number;
  private readonly trafficPolicy?: TrafficPolicyModel;
  private routing?: ServiceRouting;
  /** The Service's annotations once computed (null: none). */
  private fixedAnnotations?: { [key: string]: string } | null;
  /** The versions the Service alone should select (a Linkerd canary's stable one), with the construct that asked. */
  private readonly onlyVersions: Array<{ version: ServiceVersion; by: string }> = [];

  public constructor(scope: Construct, id: string, private readonly props: MeshServiceProps = {}) {
    super(...constructArgs('MeshService', [scope, id, props]));
    this.name = props.name ?? id;
    this.namespace = namespaceOf(this, props.namespace?.name);
    this.app = props.app ?? this.name;
    this.serviceAccountName = props.serviceAccountName ?? this.name;
    this.replicas = props.replicas ?? 1;
    for (const err of [
      checkServiceName(props.name === undefined ? 'name (the construct id)' : 'name', this.name),
      checkLabelValue('app', this.app),
      checkDnsSubdomain('serviceAccountName', this.serviceAccountName),
      checkDnsLabel('containerName', props.containerName ?? this.name),
      checkDnsSubdomain('destinationRuleName', props.destinationRuleName ?? this.name),
      checkReplicas('replicas', this.replicas),
      props.image !== undefined ? checkImage('image', props.image, MeshSettings.of(this).allowUnpinnedImages) : undefined,
      props.partOf !== undefined ? checkLabelValue('partOf', props.partOf) : undefined,
      props.exportTo !== undefined ? checkExportTo('exportTo', props.exportTo) : undefined,
    ]) {
      if (err) failAt(this, err);
    }
    if (props.partOf !== undefined && !props.recommendedLabels) {
      failAt(this, problem('partOf', 'is written only with recommendedLabels: true', props.partOf, 'set recommendedLabels: true'));
    }
    this.commonLabels = props.recommendedLabels ? {
      'app.kubernetes.io/name': this.app,
      ...(props.partOf !== undefined ? { 'app.kubernetes.io/part-of': props.partOf } : {}),
      'app.kubernetes.io/managed-by': 'mesh-kit',
    } : undefined;
    this.ambient = ambientAt(this);
    this.backend = backendAt(this);
    checkDataPlane(this, props, this.ambient, this.namespace);
    for (const d of props.dependsOn ?? []) this.addDependency(d);
    const podProblems = podModelOf(workloadOptionsOf(props), this.replicas, props.containerName ?? this.name,
      MeshSettings.of(this).allowUnpinnedImages).problems;
    if (podProblems.length > 0) failAt(this, podProblems[0]);
    this.workload = workloadModelOf(this.workloadContext(), () => inboundPolicyAnnotations(this, this.backend, props));
    this.trafficPolicy = props.trafficPolicy ? trafficPolicyModelOf(props.trafficPolicy) : undefined;
    for (const p of props.ports ?? []) this.addPort(p);

    const ns = this.namespace;
    checkExposure(this, props, () => this._ports);
    this.node.addValidation(problemValidation(this, () => probeProblems(this._ports.map(p => p.port), this.deployed())));
    for (const err of containerOnlyPortProblems(props.containerPorts ?? [])) failAt(this, err);
    this.node.addValidation(problemValidation(this, () => containerOnlyPortClashes(props.containerPorts ?? [], this._ports)));
    this.serviceResource = emit(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      name: this.name,
      namespace: ns,
      labels: { app: this.app, service: this.app, ...this.commonLabels, ...serviceLabelsOf(this.props, this.namespace) },
      annotations: this.serviceAnnotations(),
      body: ['spec'],
    }, () => renderService(this.model()));
    this.serviceAccount = emit(this, 'ServiceAccount',
      { apiVersion: 'v1', kind: 'ServiceAccount', name: this.serviceAccountName, namespace: ns, labels: { account: this.app }, body: ['automountServiceAccountToken'] },
      () => renderServiceAccount(this.model()));
    this.destinationRule = this.backend.serviceObjects({
      scope: this, namespace: ns, destinationRuleName: props.destinationRuleName ?? this.name, model: () => this.model(),
    }).destinationRule;
    if (props.image !== undefined && props.workload !== undefined) {
      failAt(this, problem('workload', 'cannot be combined with image: the service\'s pods come either from the image (deployed here) or from the workload', props.workload.node.path));
    }
    if (props.image !== undefined) {
      this.single = this.deploy({ name: 'workload', label: this.app, unversioned: true }, { image: props.image, deploymentName: this.name });
    }
    if (props.workload !== undefined) {
      this.single = this.adopt({ name: 'workload', label: this.app, unversioned: true }, props.workload, {}, 'workload');
    }
    this.node.addValidation(problemValidation(this, () => selectorOverlaps([...this.versions, ...(this.single ? [this.single] : [])], this.app)));
    this.node.addValidation(problemValidation(this, () => [
      ...this.validateService(),
      ...this.backend.serviceProblems(this.model()),
    ]));
    this.requireWaypointForLocality(this.trafficPolicy, this);
  }

  /**
   * Under ambient mode, a DestinationRule's locality load balancing is applied by the service's waypoint: ztunnel routes a
   * call to any endpoint of the Service as Kubernetes does, and Istio's traffic features need a waypoint (istio.io
   * docs/ambient/architecture/data-plane); istiod applies the setting to the waypoint's clusters, a zone-aware one as
   * locality load balancing (istio/istio pilot/pkg/networking/core/loadbalancer/loadbalancer.go, ApplyToCluster's isWaypoint).
   */
  private requireWaypointForLocality(p: TrafficPolicyModel | undefined, by: Construct): void {
    const has = (lb: TrafficPolicyModel['loadBalancer']) => lb?.localityLbSetting !== undefined || lb?.zoneAwareLbSetting !== undefined;
    if (has(p?.loadBalancer) || (p?.portLevelSettings ?? []).some(pp => has(pp.loadBalancer))) this._requireWaypoint('locality load balancing', by);
  }

  /** The ports the service exposes (copies). */
  public get ports(): MeshServicePort[] {
    return this._ports.map(p => ({ ...p }));
  }

  /** The names of the versions (DestinationRule subsets), in the order added. */
  public get versionNames(): string[] {
    return this.versions.map(v => v.subset);
  }

  /** Adds a port to the Service (and to every version's container). */
  public addPort(port: MeshServicePort): void {
    if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
      failAt(this, problem('port', 'must be a whole number between 1 and 65535', port.port, 'give the port the Service listens on, from 1 to 65535'));
    }
    if (port.targetPort !== undefined && (!Number.isInteger(port.targetPort) || port.targetPort < 1 || port.targetPort > 65535)) {
      failAt(this, problem('targetPort', 'must be a whole number between 1 and 65535', port.targetPort, 'give the port the container listens on, from 1 to 65535 (or leave it out: the service port)'));
    }
    const name = portModelOf(this.backend, port).name;
    const err = checkDnsLabel('ports.name', name);
    if (err) failAt(this, err);
    if (this._ports.some(p => p.port === port.port)) {
      failAt(this, problem('ports.port', 'must be unique within a service', port.port));
    }
    if (this._ports.some(p => portModelOf(this.backend, p).name === name)) {
      failAt(this, problem('ports.name', 'must be unique within a service', name));
    }
    this._ports.push({ ...port });
  }

  /**
   * Adds a version deployed by this app: a Deployment `<app>-<version>` and a DestinationRule subset.
   * @param name the version (and subset) name, e.g. `v1`
   */
  public addVersion(name: string, options: ServiceVersionOptions): ServiceVersion {
    this.checkVersioned(name);
    const label = this.checkNewVersion(name, options.label);
    const version = this.deploy({ name, label }, options);
    this.versions.push(version);
    this.requireWaypointForLocality(version._model.trafficPolicy, version);
    return version;
  }

  /**
   * Adds a version whose pods come from a Deployment or StatefulSet made elsewhere in the app: with cdk8s-plus (any
   * version), the L1 `KubeDeployment`, or read from YAML with cdk8s `Include` (a Helm-rendered workload). mesh-kit adds
   * the `app` and `version` labels to its pod template, the injection setting, and the service's ServiceAccount when
   * its pods name none (a ServiceAccount they name is the version's identity); it never changes a label or a selector,
   * and says at synth what keeps the workload from the mesh (a label of another value, a selector that would also take
   * another version's pods, a service port no container declares).
   * @param name the version (and subset) name, e.g. `v1`
   * @param workload the Deployment or StatefulSet (an `ApiObject`, a cdk8s-plus workload, or an `Include` holding one)
   */
  public adoptVersion(name: string, workload: IConstruct, options: AdoptedVersionOptions = {}): ServiceVersion {
    this.checkVersioned(name);
    const label = this.checkNewVersion(name, options.label);
    const version = this.adopt({ name, label }, workload, options, `versions.${name}.workload`);
    this.versions.push(version);
    this.requireWaypointForLocality(version._model.trafficPolicy, version);
    return version;
  }

  private adopt(v: { name: string; label: string; unversioned?: boolean }, workload: IConstruct,
    options: AdoptedVersionOptions, field: string): ServiceVersion {
    let object: ApiObject;
    try {
      object = workloadObjectOf(workload, field);
    } catch (e) {
      if (e instanceof MeshValidationError) failAt(this, e.message);
      throw e;
    }
    const adopter = [...this.versions, ...(this.single ? [this.single] : [])].find(x => x.workload === object);
    if (adopter) failAt(this, problem(field, `is already version '${adopter.subset}' of this service`, object.node.path));
    const model: VersionModel = {
      ...v,
      trafficPolicy: options.trafficPolicy ? trafficPolicyModelOf(options.trafficPolicy) : undefined,
    };
    return new ServiceVersion(this, model, { workload: object });
  }

  private checkVersioned(name: string): void {
    if (this.single) {
      failAt(this, problem('version', `cannot be added to a service whose pods are one workload (the ${this.props.image !== undefined ? 'image' : 'workload'} prop)`, name,
        `remove ${this.props.image !== undefined ? 'image' : 'workload'} and add every version with addVersion() or adoptVersion()`));
    }
  }

  /**
   * What the mesh needs of a version's pods (labels, injection, identity, ports).
   * @internal
   */
  public _meshNeeds(v: VersionModel): MeshNeeds {
    const w = this.workload;
    const injection = w.sidecarInjection === undefined ? undefined : this.backend.injection(w.sidecarInjection);
    return {
      app: this.app,
      version: v.unversioned ? undefined : v.label,
      namespace: this.namespace,
      ports: this._ports.map(p => portModelOf(this.backend, p)),
      serviceAccountName: this.serviceAccountName,
      injection,
    };
  }

  /** A version (or the single workload) deployed here: its Deployment, and the ServiceAccount of its own if it is the first to run under it. */
  private deploy(v: { name: string; label: string; unversioned?: boolean }, options: ServiceVersionOptions): ServiceVersion {
    const model = deployedVersionModelOf(this.workloadContext(), v, options);
    const ownAccount = model.deployment?.serviceAccountName;
    const first = ownAccount !== undefined && !this.deployed().some(x => x._model.deployment?.serviceAccountName === ownAccount);
    return new ServiceVersion(this, model, { ownAccount: first });
  }

  /** What the workload functions (`service-workloads.ts`) read of the service. */
  private workloadContext(): ServiceWorkloadContext {
    const { name, app, serviceAccountName, props, replicas, ambient, workload } = this;
    return { scope: this, name, app, serviceAccountName, props, replicas, ambient, workload };
  }

  /** Every version deployed here, and the single workload. */
  private deployed(): ServiceVersion[] {
    return [...this.versions, ...(this.single ? [this.single] : [])].filter(v => v._model.deployment);
  }

  /**
   * The mesh identities of the service's pods: its ServiceAccount and those of versions running under their own,
   * as authorization names them.
   */
  public get serviceAccountNames(): string[] {
    const all = [...this.versions, ...(this.single ? [this.single] : [])];
    const accounts = all.map(v => (v._facts ? v._facts.serviceAccountName : v._model.deployment?.serviceAccountName));
    const own = accounts.filter((n): n is string => n !== undefined);
    // the service's own account is an identity while a version (deployed here, elsewhere, or brought without one) may run under it
    const serviceAccountUsed = accounts.length === 0 || own.length < accounts.length;
    return [...new Set(serviceAccountUsed ? [this.serviceAccountName, ...own] : own)];
  }

  /** The single workload's Deployment (escape hatch), when the service is deployed with `image`. */
  public get deployment(): ApiObject | undefined {
    return this.single?.deployment;
  }

  /**
   * Adds a version whose pods are deployed elsewhere (another chart, VMs): only a DestinationRule subset.
   * @param name the version (and subset) name, e.g. `v2-mysql`
   */
  public addExternalVersion(name: string, options: ExternalVersionOptions = {}): ServiceVersion {
    const label = this.checkNewVersion(name, options.label);
    const trafficPolicy = options.trafficPolicy ? trafficPolicyModelOf(options.trafficPolicy) : undefined;
    const version = new ServiceVersion(this, { name, label, trafficPolicy });
    this.versions.push(version);
    this.requireWaypointForLocality(version._model.trafficPolicy, version);
    return version;
  }

  /** The version named `name`; fails when the service has no such version. */
  public version(name: string): ServiceVersion {
    const v = this.versions.find(x => x.subset === name);
    if (!v) {
      failAt(this, problem('version', `must be a version of service '${this.name}'`, name,
        this.versions.length > 0 ? `its versions are ${this.versionNames.map(n => `'${n}'`).join(', ')}` : 'it has none yet: call addVersion() first'));
    }
    return v;
  }

  /**
   * Adds a route to the service's mesh VirtualService (created with the first route, named like the service).
   * For alternative routing scenarios in other charts, use {@link ServiceRouting} directly.
   */
  public addRoute(route: HttpRouteOptions): void {
    this.routing ??= new ServiceRouting(this, 'Routing', { service: this });
    this.routing.addRoute(route);
  }

  /** The service as model data, for renderers and rules. @internal */
  public model(): ServiceModel {
    return {
      name: this.name,
      namespace: this.namespace,
      app: this.app,
      ports: this._ports.map(p => portModelOf(this.backend, p)),
      serviceAccountName: this.serviceAccountName,
      automountServiceAccountToken: this.workload.security?.automountServiceAccountToken,
      versions: [...this.versions, ...(this.single ? [this.single] : [])].map(v => v._model),
      destinationRuleName: this.props.destinationRuleName ?? this.name,
      subsetsSelectApp: this.props.subsetsSelectApp ?? false,
      trafficPolicy: this.trafficPolicy,
      // pods without a sidecar cannot answer Istio's mutual TLS (Kiali's KIA0207 / mesh-kit's MK0001): no default then
      istioMutualByDefault: this.props.trafficPolicy?.tls === undefined && !this.withoutSidecar(),
      headless: this.props.headless ?? false,
      exposure: this.props.exposure?._model.type ? this.props.exposure._model : undefined,
      serviceAnnotations: this.serviceAnnotations(),
      versionServiceAnnotations: this._versionServiceAnnotations(),
      sessionAffinity: this.props.sessionAffinity === SessionAffinity.CLIENT_IP ? {
        type: SessionAffinity.CLIENT_IP,
        timeoutSeconds: this.props.sessionAffinityTimeout ? affinityTimeoutSeconds(this.props.sessionAffinityTimeout) : undefined,
      } : undefined,
      commonLabels: this.commonLabels,
      exportTo: this.props.exportTo,
      serviceLabels: serviceLabelsOf(this.props, this.namespace),
      selectsVersion: this.onlyVersions[0]?.version.label,
    };
  }

  /** The annotations of each version's Service (Linkerd's circuit breaking), without building the whole model. @internal */
  public _versionServiceAnnotations(): { [key: string]: string } | undefined {
    return this.balancerAnnotations();
  }

  /** Linkerd's circuit breaking from the service's outlier detection, on its Service and each version's (Linkerd balances per Service). */
  private balancerAnnotations(): { [key: string]: string } | undefined {
    return this.backend.balancerAnnotations(this.trafficPolicy);
  }

  /**
   * The annotations of the Service: the user's, and under Linkerd its circuit breaking, timeouts and retries — fixed when
   * the Service is declared (its ports then say whether retries are gRPC's).
   */
  private serviceAnnotations(): { [key: string]: string } | undefined {
    if (this.fixedAnnotations === undefined) {
      const balancer = this.balancerAnnotations();
      const all = { ...this.props.serviceAnnotations, ...balancer, ...requestPolicyAnnotations(this, this.backend, this.props, this._ports) };
      this.fixedAnnotations = Object.keys(all).length > 0 ? all : null;
    }
    return this.fixedAnnotations ? { ...this.fixedAnnotations } : undefined;
  }

  /**
   * Records that `feature` (routes of `by`, an L7 authorization rule…) needs the service's L7 traffic processed: under
   * ambient mode by a waypoint — the service's, its namespace's, or (with `autoWaypoints`) one mesh-kit adds.
   * @internal
   */
  public _requireWaypoint(feature: string, by: Construct): void {
    if (!this.ambient || this.props.waypoint || this.props.namespace?.waypoint || this.autoWaypoint) return;
    if (!MeshSettings.of(this).autoWaypoints) {
      this.waypointNeeds.push(`${feature} (${by.node.path})`);
      return;
    }
    this.autoWaypoint = new Waypoint(this, 'Waypoint', { name: `${this.name}-waypoint`, namespace: this.props.namespace });
    // the Service was emitted before the need was known: the label joins its metadata
    for (const [k, v] of Object.entries(useWaypointLabels(this.autoWaypoint, this.namespace))) this.serviceResource.metadata.addLabel(k, v);
  }

  /**
   * Under ambient mode, keeps callers from bypassing the service's waypoint once L7 policy applies (once per service,
   * under `scope`): a DENY at the workload (ztunnel) of requests whose principal is not the waypoint's, and an ALLOW of
   * the waypoint's, so that a namespace-wide `allow-nothing` does not cut it off; and `istio.io/ingress-use-waypoint` on
   * the Service, so that ingress gateways go through the waypoint too rather than being refused.
   * @internal
   */
  public _waypointOnly(scope: Construct): void {
    const w = this.waypoint;
    if (!this.ambient || !w || this.waypointGuarded) return;
    this.waypointGuarded = true;
    waypointOnlyPolicies(scope, w, this);
    // an ingress gateway sends straight to the pods unless told to use the waypoint: it would be refused now
    if (!this.props.ingressUseWaypoint) this.serviceResource.metadata.addLabel('istio.io/ingress-use-waypoint', 'true');
  }

  /**
   * Records that a ServiceRouting routes the service. @internal
   */
  public _routedBy(_routing: Construct): void {
    this.routedInMesh = true;
    this.ingressThroughWaypoint();
  }

  /**
   * Records that a gateway route forwards to the whole service and follows its routes. @internal
   */
  public _forwardedByGateway(route: Construct): void {
    this.forwardedByGateway = true;
    this.ingressThroughWaypoint();
    if (this.gatewayRoutes.includes(route)) return;
    this.gatewayRoutes.push(route);
    for (const listener of this.gatewayRouteListeners) listener(route);
  }

  /**
   * Calls `listener` with every gateway route that forwards to the whole service, those declared so far and those
   * declared later (a canary copies them into its stage files). @internal
   */
  public _onGatewayRoute(listener: (route: Construct) => void): void {
    this.gatewayRouteListeners.push(listener);
    for (const r of this.gatewayRoutes) listener(r);
  }

  /**
   * Under ambient mode, a service with routes that a gateway forwards to gets `istio.io/ingress-use-waypoint`, so that
   * the gateway sends through its waypoint, which applies the routes (an ingress gateway otherwise sends straight to the
   * pods: istio/istio `pilot/pkg/serviceregistry/ambient/services.go`, `ingressUseWaypointFromLabels`). `ingressUseWaypoint`
   * given either way decides instead.
   */
  private ingressThroughWaypoint(): void {
    if (!this.ambient || !this.routedInMesh || !this.forwardedByGateway || this.props.ingressUseWaypoint !== undefined) return;
    this.serviceResource.metadata.addLabel('istio.io/ingress-use-waypoint', 'true');
  }

  /**
   * Makes the Service select only `version`'s pods (`version: <label>` beside `app`): under Linkerd, a canary's stable
   * version, so that traffic reaches it alone until a stage's route applies (and always from callers outside the mesh).
   * @internal
   */
  public _selectOnly(version: ServiceVersion, by: Construct): void {
    this.onlyVersions.push({ version, by: by.node.path });
  }

  /** The label of the one version the service's own Service selects, if it selects one alone (Linkerd's canary). @internal */
  public get _selectedVersion(): string | undefined {
    return this.onlyVersions[0]?.version.label;
  }

  /** Declares services this one calls (they scope its Sidecar with `SidecarScoping`). */
  public addDependency(...services: IMeshService[]): void {
    for (const s of services) {
      if (s === this) failAt(this, problem('dependsOn', 'must not name the service itself', this.name));
      if (!this.declaredDependencies.includes(s)) this.declaredDependencies.push(s);
    }
  }

  /**
   * Records that this service calls `service`, as its authorization says (a ServiceAuthorization or an AuthorizationPolicy
   * that lets it in).
   * @internal
   */
  public _calls(service: IMeshService): void {
    if (service !== this && !this.derivedDependencies.includes(service)) this.derivedDependencies.push(service);
  }

  /** The services this one calls: declared (`dependsOn`, `addDependency()`), then those authorization lets it call, in order. */
  public get dependencies(): IMeshService[] {
    return [...this.declaredDependencies, ...this.derivedDependencies.filter(d => !this.declaredDependencies.includes(d))];
  }

  /** The waypoint that processes the service's L7 traffic under ambient mode, if any. */
  public get waypoint(): Waypoint | undefined {
    return this.props.waypoint ?? this.props.namespace?.waypoint ?? this.autoWaypoint;
  }

  /** The service's pods get no sidecar: injection disabled on the service, or on its namespace and not enabled here. */
  private withoutSidecar(): boolean {
    const own = this.props.sidecarInjection ?? SidecarInjection.INHERIT;
    return own === SidecarInjection.DISABLED || (own === SidecarInjection.INHERIT && this.props.namespace?.injectsSidecars === false);
  }

  private checkNewVersion(name: string, label: string | undefined): string {
    const err = checkDnsLabel('version', name) ?? checkLabelValue('label', label ?? name);
    if (err) failAt(this, err);
    if (this.versions.some(v => v.subset === name)) {
      failAt(this, problem('version', `must be unique within service '${this.name}'`, name, `give each version its own name, or add version '${name}' once`));
    }
    const l = label ?? name;
    const same = this.versions.find(v => v.label === l);
    if (same) {
      failAt(this, problem('label', `must differ between versions: version '${same.subset}' already selects pods labelled version=${l}`, l));
    }
    return l;
  }

  private validateService(): Problem[] {
    const errors = portProblems(this.backend, this._ports, this.props);
    if (this.waypointNeeds.length > 0) {
      errors.push(problem('waypoint', `must be given under ambient mode with autoWaypoints off: ${this.waypointNeeds.join(', ')} need${this.waypointNeeds.length === 1 ? 's' : ''} `
        + 'L7 processing, which only a waypoint does (ztunnel is L4)', 'none', 'give the service (or its MeshNamespace) a waypoint: new Waypoint(chart, ...), or turn autoWaypoints on'));
    }
    if (new Set(this.onlyVersions.map(o => o.version)).size > 1) {
      errors.push(problem('stable', 'must be the same version in every CanaryRelease of a service under Linkerd: its Service selects the stable version\'s pods',
        this.onlyVersions.map(o => `${o.version.subset} (${o.by})`).join(', '), 'give every CanaryRelease of the service the same stable version'));
    }
    if (this.versions.length === 0 && !this.single) {
      errors.push(problem('versions', 'must hold at least one version', '[]', 'call addVersion(), or give the service one workload with the image prop'));
    }
    return errors;
  }
}

/** A Kubernetes IANA_SVC_NAME (validation.IsValidPortName): 1-15 lower-case letters, digits and '-', a letter among them. */
const IANA_SVC_NAME = /^(?=.*[a-z])(?!-)(?!.*--)[a-z0-9-]{1,15}(?<!-)$/;

/**
 * The container-only ports' own rules: port numbers, names as Kubernetes' container port names, no duplicates (the
 * protocol's values are checked with the props).
 */
function containerOnlyPortProblems(ports: readonly ContainerOnlyPort[]): Problem[] {
  const out: Problem[] = [];
  ports.forEach((c, i) => {
    const err = checkPort(`containerPorts[${i}].port`, c.port);
    if (err) out.push(err);
    if (c.name !== undefined && !IANA_SVC_NAME.test(c.name)) {
      out.push(problem(`containerPorts[${i}].name`, 'must be an IANA service name: at most 15 lower-case letters, digits and \'-\', with a letter', c.name, 'e.g. \'metrics\''));
    }
  });
  const dupPort = duplicates(ports.map(c => `${c.port}/${c.protocol ?? TransportProtocol.TCP}`));
  if (dupPort.length > 0) out.push(problem('containerPorts.port', 'must be unique within the container', dupPort[0]));
  const dupName = duplicates(ports.flatMap(c => (c.name === undefined ? [] : [c.name])));
  if (dupName.length > 0) out.push(problem('containerPorts.name', 'must be unique within the container', dupName[0]));
  return out;
}

/** A container-only port the Service targets (it is exposed), or one whose name a Service port's container port has. */
function containerOnlyPortClashes(ports: readonly ContainerOnlyPort[], servicePorts: readonly MeshServicePort[]): Problem[] {
  return ports.flatMap((c, i) => {
    const target = servicePorts.find(s => (s.targetPort ?? s.port) === c.port
      && (s.transport ?? TransportProtocol.TCP) === (c.protocol ?? TransportProtocol.TCP));
    if (target) {
      return [problem(`containerPorts[${i}].port`, `is the target of the Service's port ${target.port}: the Service exposes it`, c.port, 'leave it out of containerPorts')];
    }
    const named = c.name === undefined ? undefined : servicePorts.find(s => s.containerPortName === c.name);
    return named ? [problem(`containerPorts[${i}].name`, `is the container port name of the Service's port ${named.port}`, c.name, 'give another name')] : [];
  });
}
