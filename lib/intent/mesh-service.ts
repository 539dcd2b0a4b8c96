import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MeshNeeds, WorkloadFacts, addMeshNeeds, adoptionProblems, meshPodLabels, selects, workloadFactsOf, workloadObjectOf } from './existing-workload';
import { AdoptedVersionOptions, ExternalVersionOptions, MeshServiceAttributes, MeshServiceProps, ServiceVersionOptions } from './mesh-service-props';
import { checkImage, podModelOf, workloadOptionsOf } from './pod-options';
import { MeshServicePort, Protocol } from './ports';
import { HttpRouteOptions, IMeshService, IRouteTarget } from './route';
import { retriesModelOf } from './route-policies';
import { SessionAffinity, affinityTimeoutSeconds } from './service-exposure';
import { ServiceRouting } from './service-routing';
import { trafficPolicyModelOf } from './traffic-policy';
import { Waypoint, useWaypointLabels } from './waypoint';
import { DEFAULT_RESOURCES, ImagePullPolicy, SidecarInjection, WorkloadSecurity, resourcesModelOf } from './workload';
import { durationString } from '../core/duration';
import { MeshValidationError, Problem, fail, failAt, problem, problemValidation, within } from '../core/errors';
import { importAt, markExternal } from '../core/external-references';
import { constructArgs } from '../core/input';
import { checkDnsLabel, checkDnsSubdomain, checkExportTo, checkLabelValue, checkServiceName } from '../core/names';
import { MeshProvider, MeshSettings } from '../core/settings';
import { securityApiVersion } from './security/api';
import { ambientAt, emit, istioNetworking, namespaceOf, renderContextOf, routingBackendOf, usesVersionServices } from '../hosting/cdk8s/emit';
import { renderVersionService } from '../render/gateway-api';
import { versionServiceName } from '../render/hosts';
import { AuthorizationPolicyModel, renderAuthorizationPolicy, renderDestinationRule } from '../render/istio';
import { renderAutoscaler, renderDeployment, renderDisruptionBudget, renderService, renderServiceAccount, versionLabels } from '../render/kubernetes';
import { LINKERD_GRPC_RETRY_ON, failureAccrualAnnotations, linkerdAppProtocol, retryAnnotations } from '../render/linkerd';
import { PortModel, ServiceModel, TrafficPolicyModel, VersionModel, WorkloadModel } from '../render/model';
import { gatewayApiServiceProblems } from '../validation/gateway-api';
import { LINKERD_RETRY_ON, linkerdServiceProblems } from '../validation/linkerd';
import { checkPortName, duplicates } from '../validation/rules';

/**
 * One version of a {@link MeshService}: a DestinationRule subset, and a Deployment when its pods
 * are deployed by this app. A route target: `RouteAction.forward(reviews.version('v2'))`.
 */
export class ServiceVersion extends Construct implements IRouteTarget {
  /** The subset name. */
  public readonly subset: string;
  /** The value of the `version` label. */
  public readonly label: string;
  /** The Deployment (escape hatch), or undefined for an external version. */
  public readonly deployment?: ApiObject;
  /**
   * The version's own Service `<service>-<version>` (escape hatch): emitted for deployed versions
   * under TrafficApi.GATEWAY_API, where routes name it as a backend.
   */
  public readonly versionService?: ApiObject;
  /** The HorizontalPodAutoscaler (escape hatch), when the version autoscales. */
  public readonly autoscaler?: ApiObject;
  /** The PodDisruptionBudget (escape hatch), when the version has one. */
  public readonly disruptionBudget?: ApiObject;

  /** The version's own ServiceAccount (escape hatch), when it runs under its own identity and is the first to. */
  public readonly serviceAccount?: ApiObject;
  /** The Deployment or StatefulSet made elsewhere that this version's pods come from (`adoptVersion()`). */
  public readonly workload?: ApiObject;
  private facts?: WorkloadFacts;
  private patched = false;

  /** @internal */
  public constructor(public readonly service: MeshService, /** @internal */ public readonly _model: VersionModel,
    options: { ownAccount?: boolean; workload?: ApiObject } = {}) {
    super(service, _model.unversioned ? 'Workload' : _model.name);
    this.subset = _model.name;
    this.label = _model.label;
    if (_model.deployment) {
      const ns = service.namespace;
      const d = _model.deployment;
      const labels = versionLabels(service.model(), _model);
      this.deployment = emit(this, 'Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', name: d.name, namespace: ns, labels: { ...d.labels, ...labels }, body: ['spec'] },
        () => renderDeployment(service.model(), _model));
      if (d.autoscaling) {
        this.autoscaler = emit(this, 'HorizontalPodAutoscaler',
          { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: d.name, namespace: ns, labels, body: ['spec'] },
          () => renderAutoscaler(service.model(), _model));
      }
      if (d.disruptionBudget) {
        this.disruptionBudget = emit(this, 'PodDisruptionBudget',
          { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', name: d.name, namespace: ns, labels, body: ['spec'] },
          () => renderDisruptionBudget(service.model(), _model));
      }
      if (options.ownAccount && d.serviceAccountName) {
        const name = d.serviceAccountName;
        this.serviceAccount = emit(this, 'ServiceAccount',
          { apiVersion: 'v1', kind: 'ServiceAccount', name, namespace: ns, labels: { account: service.app }, body: ['automountServiceAccountToken'] },
          () => renderServiceAccount(service.model(), name));
      }
    }
    this.workload = options.workload;
    if ((_model.deployment || this.workload) && !_model.unversioned && usesVersionServices(this)) {
      const annotations = service._versionServiceAnnotations();
      this.versionService = emit(this, 'Service', {
        apiVersion: 'v1', kind: 'Service', name: versionServiceName(service.name, _model.name), namespace: service.namespace, annotations: annotations ? { ...annotations } : undefined, body: ['spec'],
      }, () => renderVersionService(service.model(), _model));
    }
    if (this.workload) this.node.addValidation(problemValidation(this, () => this.adopt()));
  }

  /**
   * What a brought workload says of its pods, read once before mesh-kit adds to it.
   * @internal
   */
  public get _facts(): WorkloadFacts | undefined {
    if (this.workload) this.facts ??= workloadFactsOf(this.workload);
    return this.facts;
  }

  /** @internal */
  public _needs(): MeshNeeds {
    return this.service._meshNeeds(this._model);
  }

  /** Checks a brought workload and, when nothing keeps it, adds what the mesh needs (once). */
  private adopt(): Problem[] {
    const facts = this._facts!;
    const needs = this._needs();
    const field = this._model.unversioned ? 'workload' : `versions.${this.subset}.workload`;
    const problems = adoptionProblems(facts, needs, field);
    if (problems.length === 0 && !this.patched) {
      addMeshNeeds(this.workload!, facts, needs);
      this.patched = true;
    }
    return problems;
  }
}

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
  /** The mesh the service's chart renders for. */
  private readonly mesh: MeshProvider;
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
      this.checkReplicas('replicas', this.replicas),
      props.image !== undefined ? checkImage('image', props.image) : undefined,
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
    this.mesh = MeshSettings.of(this).mesh;
    this.checkDataPlane();
    for (const d of props.dependsOn ?? []) this.addDependency(d);
    const podProblems = podModelOf(workloadOptionsOf(props), this.replicas, props.containerName ?? this.name).problems;
    if (podProblems.length > 0) failAt(this, podProblems[0]);
    this.workload = this.workloadModel();
    this.trafficPolicy = props.trafficPolicy ? trafficPolicyModelOf(props.trafficPolicy) : undefined;
    for (const p of props.ports ?? []) this.addPort(p);

    const ns = this.namespace;
    this.checkExposure();
    this.node.addValidation(problemValidation(this, () => this.probeProblems()));
    this.serviceResource = emit(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      name: this.name,
      namespace: ns,
      labels: { app: this.app, service: this.app, ...this.commonLabels, ...this.serviceLabels() },
      annotations: this.serviceAnnotations(),
      body: ['spec'],
    }, () => renderService(this.model()));
    this.serviceAccount = emit(this, 'ServiceAccount',
      { apiVersion: 'v1', kind: 'ServiceAccount', name: this.serviceAccountName, namespace: ns, labels: { account: this.app }, body: ['automountServiceAccountToken'] },
      () => renderServiceAccount(this.model()));
    const backend = routingBackendOf(this);
    if (backend === 'istio') {
      this.destinationRule = emit(this, 'DestinationRule',
        { apiVersion: istioNetworking(this), kind: 'DestinationRule', name: props.destinationRuleName ?? this.name, namespace: ns, body: ['spec'] },
        () => renderDestinationRule(this.model(), renderContextOf(this)));
    }
    if (props.image !== undefined && props.workload !== undefined) {
      failAt(this, problem('workload', 'cannot be combined with image: the service\'s pods come either from the image (deployed here) or from the workload', props.workload.node.path));
    }
    if (props.image !== undefined) {
      this.single = this.deploy({ name: 'workload', label: this.app, unversioned: true }, { image: props.image, deploymentName: this.name });
    }
    if (props.workload !== undefined) {
      this.single = this.adopt({ name: 'workload', label: this.app, unversioned: true }, props.workload, {}, 'workload');
    }
    this.node.addValidation(problemValidation(this, () => this.selectorOverlaps()));
    this.node.addValidation(problemValidation(this, () => [
      ...this.validateService(),
      ...(backend === 'gateway-api' ? gatewayApiServiceProblems(this.model()) : []),
      ...(backend === 'linkerd' ? linkerdServiceProblems(this.model()) : []),
    ]));
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
      failAt(this, problem('port', 'must be a whole number between 1 and 65535', port.port));
    }
    if (port.targetPort !== undefined && (!Number.isInteger(port.targetPort) || port.targetPort < 1 || port.targetPort > 65535)) {
      failAt(this, problem('targetPort', 'must be a whole number between 1 and 65535', port.targetPort));
    }
    const name = this.portModel(port).name;
    const err = checkDnsLabel('ports.name', name);
    if (err) failAt(this, err);
    if (this._ports.some(p => p.port === port.port)) {
      failAt(this, problem('ports.port', 'must be unique within a service', port.port));
    }
    if (this._ports.some(p => this.portModel(p).name === name)) {
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
    const injection = w.sidecarInjection === undefined ? undefined : w.mesh === 'linkerd'
      ? { where: 'annotations' as const, key: 'linkerd.io/inject', value: w.sidecarInjection ? 'enabled' : 'disabled' }
      : w.mesh === 'istio' ? { where: 'labels' as const, key: 'sidecar.istio.io/inject', value: String(w.sidecarInjection) } : undefined;
    return {
      app: this.app,
      version: v.unversioned ? undefined : v.label,
      namespace: this.namespace,
      ports: this._ports.map(p => this.portModel(p)),
      serviceAccountName: this.serviceAccountName,
      injection,
    };
  }

  /**
   * A brought workload whose selector also takes another version's pods: both controllers would manage them. Its
   * selector cannot be narrowed in place (selectors are immutable), so this is an error with the way out.
   */
  private selectorOverlaps(): Problem[] {
    const all = [...this.versions, ...(this.single ? [this.single] : [])];
    const podLabels = (v: ServiceVersion): { [key: string]: string } | undefined => {
      if (v._facts) return meshPodLabels(v._facts, v._needs());
      if (!v._model.deployment) return undefined;
      return { ...v._model.deployment.workload.podLabels, app: this.app, ...(v._model.unversioned ? {} : { version: v.label }) };
    };
    const out: Problem[] = [];
    for (const a of all.filter(x => x._facts)) {
      for (const b of all.filter(x => x !== a)) {
        const labels = podLabels(b);
        if (labels && selects(a._facts!, labels)) {
          out.push(problem(`versions.${a.subset}.workload.spec.selector`, `must not select the pods of version '${b.subset}' too: two controllers would fight over them`,
            a._facts!.matchLabels, `a selector cannot be changed in place: give ${a._facts!.kind} '${a._facts!.name}' a selector with a label only its pods carry, and re-create it`));
        }
      }
    }
    return out;
  }

  /** A Deployment (with its autoscaler, budget and own ServiceAccount) of a version or of the single workload. */
  private deploy(v: { name: string; label: string; unversioned?: boolean }, options: ServiceVersionOptions): ServiceVersion {
    const { name, label } = v;
    const deploymentName = options.deploymentName ?? `${this.app}-${name}`;
    const at = v.unversioned ? '' : `versions.${name}.`;
    for (const err of [
      checkDnsSubdomain(`${at}deploymentName`, deploymentName),
      checkImage(`${at}image`, options.image),
      options.replicas !== undefined ? this.checkReplicas(`${at}replicas`, options.replicas) : undefined,
      options.serviceAccountName !== undefined ? checkDnsSubdomain(`${at}serviceAccountName`, options.serviceAccountName) : undefined,
    ]) {
      if (err) failAt(this, err);
    }
    const w = this.workload;
    const env = { ...Object.fromEntries(w.env.map(e => [e.name, e])) };
    for (const [k, val] of Object.entries(options.env ?? {})) env[k] = val._toModel(k);
    const volumes = new Map(w.volumes.map(x => [x.name, x]));
    for (const x of options.volumes ?? []) volumes.set(x.name, x._model);
    for (const m of options.volumeMounts ?? []) {
      if (!volumes.has(m.volume.name)) volumes.set(m.volume.name, m.volume._model);
    }
    const mounts = [...w.mounts, ...(options.volumeMounts ?? []).map(m => m._toModel())];
    const dupMount = duplicates(mounts.map(m => m.mountPath));
    if (dupMount.length > 0) failAt(this, problem(`${at}volumeMounts.mountPath`, 'must be unique within a container', dupMount[0]));
    const scaling = this.scalingOf(at, options);
    const pods = scaling.autoscaling ? scaling.autoscaling.minReplicas : scaling.replicas ?? 0;
    const own = podModelOf(workloadOptionsOf(options), pods, w.containerName);
    if (own.problems.length > 0) failAt(this, within(at, own.problems[0]));
    const pod = podModelOf(workloadOptionsOf(this.props, options), pods, w.containerName);
    if (pod.problems.length > 0) failAt(this, within(at, pod.problems[0]));
    const ownAccount = options.serviceAccountName !== undefined && options.serviceAccountName !== this.serviceAccountName
      ? options.serviceAccountName : undefined;
    const model: VersionModel = {
      name,
      label,
      unversioned: v.unversioned,
      trafficPolicy: options.trafficPolicy ? trafficPolicyModelOf(options.trafficPolicy) : undefined,
      deployment: {
        name: deploymentName,
        serviceAccountName: ownAccount,
        image: options.image,
        ...scaling,
        labels: { ...(this.props.deploymentLabels ?? {}) },
        workload: {
          ...w,
          env: Object.values(env),
          volumes: [...volumes.values()],
          mounts,
          podLabels: { ...w.podLabels, ...(options.podLabels ?? {}) },
          podAnnotations: { ...w.podAnnotations, ...(options.podAnnotations ?? {}) },
          resources: options.resources ? resourcesModelOf(options.resources) : w.resources,
          args: options.args ?? w.args,
          command: options.command ?? w.command,
          probes: {
            readiness: options.readinessProbe?._model ?? w.probes?.readiness,
            liveness: options.livenessProbe?._model ?? w.probes?.liveness,
            startup: options.startupProbe?._model ?? w.probes?.startup,
          },
          pod: pod.model,
        },
      },
    };
    const first = ownAccount !== undefined && !this.deployed().some(x => x._model.deployment?.serviceAccountName === ownAccount);
    return new ServiceVersion(this, model, { ownAccount: first });
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
   * A version's replicas, autoscaler and disruption budget: `replicas` is not written under an autoscaler (it would
   * fight it); a budget no eviction could satisfy is refused; two or more pods get `maxUnavailable: 1` by default.
   */
  private scalingOf(at: string, options: Pick<ServiceVersionOptions, 'autoscaling' | 'replicas' | 'disruptionBudget'>): Pick<NonNullable<VersionModel['deployment']>, 'replicas' | 'autoscaling' | 'disruptionBudget'> {
    const autoscaling = (options.autoscaling ?? this.props.autoscaling)?._model;
    const replicas = options.replicas ?? this.props.replicas;
    if (autoscaling && replicas !== undefined) {
      failAt(this, problem(`${at}replicas`, 'must not be given with autoscaling: the Deployment\'s replicas would fight the autoscaler', replicas,
        'remove replicas (the autoscaler\'s minReplicas sets the floor)'));
    }
    const pods = autoscaling ? autoscaling.minReplicas : this.replicas;
    const explicit = options.disruptionBudget ?? this.props.disruptionBudget;
    const budget = explicit ? explicit._model : pods >= 2 ? { maxUnavailable: 1 } : undefined;
    if (typeof budget?.minAvailable === 'number' && budget.minAvailable >= pods) {
      failAt(this, problem(`${at}disruptionBudget.minAvailable`, `must be less than the version's ${autoscaling ? 'minimum ' : ''}pods, or no pod could ever be evicted (a node drain would hang)`,
        budget.minAvailable, `it has ${pods}: use DisruptionBudget.maxUnavailable(1), or more replicas`));
    }
    return { replicas: autoscaling ? undefined : (options.replicas ?? this.replicas), autoscaling, disruptionBudget: budget };
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
      ports: this._ports.map(p => this.portModel(p)),
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
      serviceLabels: this.serviceLabels(),
      selectsVersion: this.onlyVersions[0]?.version.label,
    };
  }

  /** Linkerd's default inbound policy of the pods, when asked (refused for another mesh). */
  private inboundPolicyAnnotation(): { [key: string]: string } {
    const policy = this.props.defaultInboundPolicy;
    if (policy === undefined) return {};
    if (routingBackendOf(this) !== 'linkerd') {
      failAt(this, problem('defaultInboundPolicy', 'cannot be expressed without Linkerd: it is Linkerd\'s (config.linkerd.io/default-inbound-policy)', policy,
        'under Istio use PeerAuthentication (STRICT) and AuthorizationPolicy.denyAllThenAllow(), or render this chart for MeshProvider.LINKERD'));
    }
    return { 'config.linkerd.io/default-inbound-policy': policy };
  }

  /** The annotations of each version's Service (Linkerd's circuit breaking), without building the whole model. @internal */
  public _versionServiceAnnotations(): { [key: string]: string } | undefined {
    return this.balancerAnnotations();
  }

  /** Linkerd's circuit breaking from the service's outlier detection, on its Service and each version's (Linkerd balances per Service). */
  private balancerAnnotations(): { [key: string]: string } | undefined {
    return routingBackendOf(this) === 'linkerd' ? failureAccrualAnnotations(this.trafficPolicy) : undefined;
  }

  /**
   * Linkerd's timeouts and retries of every request to the service (its Service's annotations), checked as a route's are;
   * refused without Linkerd, which sets them on routes.
   */
  private requestPolicyAnnotations(): { [key: string]: string } {
    const r = this.props.requestPolicy;
    if (!r) return {};
    if (routingBackendOf(this) !== 'linkerd') {
      failAt(this, problem('requestPolicy', 'cannot be expressed without Linkerd: Istio and the Gateway API set timeouts and retries on routes', Object.keys(r),
        'set timeout and retries on the routes (ServiceRouting), or render this chart for MeshProvider.LINKERD'));
    }
    const grpc = this._ports.length > 0 && this._ports.every(p => p.protocol === Protocol.GRPC);
    const d = (field: string, x: Duration | undefined) => (x ? durationString(`requestPolicy.${field}`, x) : undefined);
    const retries = r.retries ? retriesModelOf(r.retries) : undefined;
    const allowed = grpc ? LINKERD_GRPC_RETRY_ON : LINKERD_RETRY_ON;
    const bad = retries?.retryOn?.split(',').find((c: string) => !allowed.includes(c));
    if (bad) {
      failAt(this, problem('requestPolicy.retries.retryOn', `cannot be expressed with the Linkerd back-end: it retries ${grpc ? 'gRPC calls' : 'requests'} on ${allowed.join(', ')}`, bad,
        grpc ? 'use RetryOn.UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED or INTERNAL' : 'use RetryOn.FIVE_XX or RetryOn.GATEWAY_ERROR'));
    }
    const timeouts = Object.entries({ request: d('timeout', r.timeout), response: d('responseTimeout', r.responseTimeout), idle: d('idleTimeout', r.idleTimeout) })
      .filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => [`timeout.linkerd.io/${k}`, v]);
    return { ...Object.fromEntries(timeouts), ...(retries && retries.attempts > 0 ? retryAnnotations(retries, grpc) : {}) };
  }

  /**
   * The annotations of the Service: the user's, and under Linkerd its circuit breaking, timeouts and retries — fixed when
   * the Service is declared (its ports then say whether retries are gRPC's).
   */
  private serviceAnnotations(): { [key: string]: string } | undefined {
    if (this.fixedAnnotations === undefined) {
      const all = { ...this.props.serviceAnnotations, ...this.balancerAnnotations(), ...this.requestPolicyAnnotations() };
      this.fixedAnnotations = Object.keys(all).length > 0 ? all : null;
    }
    return this.fixedAnnotations ? { ...this.fixedAnnotations } : undefined;
  }

  /** The Service's type against its other settings (local facts, at once; node ports against the ports at synth). */
  private checkExposure(): void {
    const p = this.props;
    const exposure = p.exposure?._model;
    if (exposure?.type && p.headless) {
      failAt(this, problem('exposure', 'cannot be combined with headless: a headless Service has no cluster IP to expose', exposure.type,
        'remove headless, or expose the service through an IngressGateway'));
    }
    if (p.sessionAffinityTimeout !== undefined && p.sessionAffinity !== SessionAffinity.CLIENT_IP) {
      failAt(this, problem('sessionAffinityTimeout', 'needs sessionAffinity: SessionAffinity.CLIENT_IP', p.sessionAffinity ?? 'None'));
    }
    if (p.sessionAffinityTimeout) {
      try {
        affinityTimeoutSeconds(p.sessionAffinityTimeout);
      } catch (e) {
        if (e instanceof MeshValidationError) failAt(this, e.message);
        throw e;
      }
    }
    this.node.addValidation(problemValidation(this,
      () => Object.keys(exposure?.nodePorts ?? {}).map(Number).filter(port => !this._ports.some(x => x.port === port))
        .map(port => problem(`exposure.nodePorts.${port}`, 'must name a port of the service', port, `its ports are ${this._ports.map(x => x.port).join(', ') || 'none'}`))));
  }

  /** The Service's own labels: the waypoint it uses, ingress through it. */
  private serviceLabels(): { [key: string]: string } | undefined {
    const labels = {
      ...useWaypointLabels(this.props.waypoint, this.namespace),
      ...(this.props.ingressUseWaypoint ? { 'istio.io/ingress-use-waypoint': 'true' } : {}),
    };
    return Object.keys(labels).length > 0 ? labels : undefined;
  }

  /** Ambient mode against the service's settings: no sidecar injection; a waypoint of its namespace, serving Services. */
  private checkDataPlane(): void {
    const p = this.props;
    if (this.ambient && p.sidecarInjection === SidecarInjection.ENABLED) {
      failAt(this, problem('sidecarInjection', 'cannot be ENABLED under ambient mode: a workload joins the mesh one way (IST0123)', p.sidecarInjection,
        'leave it out (the namespace enrols the pods in ambient mode), or render the chart with DataPlane.SIDECAR'));
    }
    const w = p.waypoint;
    if (w && !this.ambient) failAt(this, problem('waypoint', 'needs ambient mode (DataPlane.AMBIENT): sidecars do not use waypoints', w.name));
    if (p.ingressUseWaypoint && !this.ambient) {
      failAt(this, problem('ingressUseWaypoint', 'needs ambient mode (DataPlane.AMBIENT): sidecars do not use waypoints', true));
    }
    if (w && !w.servesServices) {
      failAt(this, problem('waypoint', `must serve traffic addressed to Services: waypoint '${w.name}' is for ${w.trafficFor} traffic, and routes address the Service`,
        w.trafficFor, 'use a waypoint with trafficFor: WaypointFor.SERVICE (the default) or ALL'));
    }
    // a waypoint of another namespace admits this one on its listener, or Istio refuses the use
    w?._usedFrom(this.namespace);
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
    const apiVersion = securityApiVersion(MeshSettings.of(scope).istioApiVersion);
    // Istio runs a waypoint under a ServiceAccount named after its Gateway
    const principal = `cluster.local/ns/${w.namespace ?? this.namespace ?? 'default'}/sa/${w.name}`;
    const policy = (id: string, name: string, model: Pick<AuthorizationPolicyModel, 'action' | 'rules'>) =>
      emit(scope, id, { apiVersion, kind: 'AuthorizationPolicy', name, namespace: this.namespace, body: ['spec'] },
        () => renderAuthorizationPolicy({ apiVersion, name, namespace: this.namespace, selector: { app: this.app }, ...model }));
    policy('WaypointBypass', `${this.name}-waypoint-bypass`, { action: 'DENY', rules: [{ from: [{ notPrincipals: [principal] }] }] });
    policy('FromWaypoint', `${this.name}-from-waypoint`, { action: 'ALLOW', rules: [{ from: [{ principals: [principal] }] }] });
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

  private workloadModel(): WorkloadModel {
    const p = this.props;
    const volumes = [...(p.volumes ?? [])];
    for (const m of p.volumeMounts ?? []) {
      if (!volumes.includes(m.volume)) volumes.push(m.volume);
    }
    const dupVolume = duplicates(volumes.map(v => v.name));
    if (dupVolume.length > 0) failAt(this, problem('volumes', 'must have unique names', dupVolume[0]));
    const injection = p.sidecarInjection ?? SidecarInjection.INHERIT;
    return {
      containerName: p.containerName ?? this.name,
      imagePullPolicy: p.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT,
      env: Object.entries(p.env ?? {}).map(([k, v]) => v._toModel(k)),
      volumes: volumes.map(v => v._model),
      mounts: (p.volumeMounts ?? []).map(m => m._toModel()),
      podAnnotations: { ...(p.podAnnotations ?? {}), ...this.inboundPolicyAnnotation() },
      podLabels: {},
      sidecarInjection: injection === SidecarInjection.INHERIT ? undefined : injection === SidecarInjection.ENABLED,
      mesh: MeshSettings.of(this).mesh,
      ambient: this.ambient || undefined,
      dnsPolicy: p.dnsPolicy,
      security: (p.security ?? WorkloadSecurity.restricted())._model,
      resources: p.resources ? resourcesModelOf(p.resources) : DEFAULT_RESOURCES,
      args: p.args,
      command: p.command,
      probes: { readiness: p.readinessProbe?._model, liveness: p.livenessProbe?._model, startup: p.startupProbe?._model },
    };
  }

  /** Every probe of every deployed version: on a declared port; liveness and startup with a success threshold of 1. */
  private probeProblems(): Problem[] {
    const ports = this._ports.map(p => p.port);
    const out: Problem[] = [];
    for (const v of this.deployed()) {
      const probes = v._model.deployment?.workload.probes ?? {};
      const preStop = v._model.deployment?.workload.pod?.preStop;
      const at = v._model.unversioned ? '' : `versions.${v.subset}.`;
      if (preStop?.kind === 'httpGet' && preStop.port !== undefined && !ports.includes(preStop.port)) {
        out.push(problem(`${at}preStop.port`, 'must be a port the service declares', preStop.port, `its ports are ${ports.join(', ') || 'none'}`));
      }
      for (const [kind, probe] of Object.entries(probes)) {
        if (!probe) continue;
        const field = `${at}${kind}Probe`;
        if (probe.kind !== 'exec' && probe.port !== undefined && !ports.includes(probe.port)) {
          out.push(problem(`${field}.port`, 'must be a port the service declares', probe.port, `its ports are ${ports.join(', ') || 'none'}`));
        }
        if (probe.kind !== 'exec' && probe.port === undefined && ports.length === 0) out.push(problem(`${field}.port`, 'needs a port: the service declares none', 'none'));
        if (kind !== 'readiness' && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
          out.push(problem(`${field}.successThreshold`, `must be 1 for a ${kind} probe (Kubernetes refuses another)`, probe.successThreshold));
        }
      }
    }
    return [...new Set(out)];
  }

  private checkNewVersion(name: string, label: string | undefined): string {
    const err = checkDnsLabel('version', name) ?? checkLabelValue('label', label ?? name);
    if (err) failAt(this, err);
    if (this.versions.some(v => v.subset === name)) {
      failAt(this, problem('version', `must be unique within service '${this.name}'`, name));
    }
    const l = label ?? name;
    const same = this.versions.find(v => v.label === l);
    if (same) {
      failAt(this, problem('label', `must differ between versions: version '${same.subset}' already selects pods labelled version=${l}`, l));
    }
    return l;
  }

  private checkReplicas(field: string, n: number): Problem | undefined {
    return Number.isInteger(n) && n >= 0 ? undefined : problem(field, 'must be a whole number of at least 0', n);
  }

  /**
   * A port as model data: `appProtocol`, when asked, is the protocol as Istio reads it, or under Linkerd the value Linkerd
   * reads as the same protocol (any other value would make the port opaque to Linkerd).
   */
  private portModel(p: MeshServicePort): PortModel {
    const protocol = p.protocol ?? Protocol.HTTP;
    const linkerd = this.mesh === MeshProvider.LINKERD;
    return {
      name: p.name ?? protocol,
      port: p.port,
      targetPort: p.targetPort,
      containerPortName: p.containerPortName,
      transport: p.transport,
      appProtocol: !p.appProtocol ? undefined : linkerd ? linkerdAppProtocol(protocol) : protocol,
    };
  }

  private validateService(): Problem[] {
    const errors: Problem[] = [];
    if (this._ports.length === 0) {
      errors.push(problem('ports', 'must hold at least one port', '[]', 'pass ports or call addPort()'));
    }
    // Istio's naming convention is Istio's: Linkerd detects the protocol (or reads appProtocol), whatever the name
    if (this.mesh !== MeshProvider.LINKERD) {
      for (const p of this._ports) errors.push(...checkPortName('ports.name', this.portModel(p), p.protocol ?? Protocol.HTTP));
    }
    for (const p of this.props.trafficPolicy?.ports ?? []) {
      if (!this._ports.some(x => x.port === p.port)) {
        errors.push(problem('trafficPolicy.ports.port', 'must be a port of the service', p.port, `its ports are ${this._ports.map(x => x.port).join(', ') || 'none'}`));
      }
    }
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


/** A service declared elsewhere; see {@link MeshService.fromAttributes}. */
class ImportedMeshService implements IMeshService, IRouteTarget {
  public readonly name: string;
  public readonly namespace?: string;
  public readonly subset?: string = undefined;
  public readonly service: IMeshService = this;
  private readonly _ports: MeshServicePort[];
  private readonly _versions: string[];

  public constructor(attrs: MeshServiceAttributes) {
    if (typeof attrs?.name === 'string' && attrs.name.includes('.')) {
      fail(problem('name', 'must be the name of a Service of the cluster: an external host is declared by a ServiceEntry, which routes target as they target a service',
        attrs.name, `const api = new ServiceEntry(scope, id, { hosts: ['${attrs.name}'] }); RouteAction.forward(api)`));
    }
    for (const err of [
      checkServiceName('name', attrs.name),
      attrs.namespace !== undefined ? checkDnsLabel('namespace', attrs.namespace) : undefined,
      ...(attrs.versions ?? []).map(v => checkDnsLabel('versions', v)),
    ]) {
      if (err) fail(err);
    }
    if (attrs.ports.length === 0) fail(problem('ports', 'must hold at least one port', '[]'));
    this.name = attrs.name;
    this.namespace = attrs.namespace;
    this._ports = attrs.ports.map(p => ({ ...p }));
    this._versions = [...(attrs.versions ?? [])];
  }

  public get ports(): MeshServicePort[] {
    return this._ports.map(p => ({ ...p }));
  }

  public get versionNames(): string[] {
    return [...this._versions];
  }

  public version(name: string): IRouteTarget {
    if (!this._versions.includes(name)) {
      fail(problem('version', `must be a version of service '${this.name}'`, name,
        this._versions.length > 0 ? `its versions are ${this._versions.map(n => `'${n}'`).join(', ')}` : 'it was imported without versions'));
    }
    return { service: this, subset: name };
  }
}

/** A service declared elsewhere, imported into an app: a construct, so that the import is the app's; see {@link MeshService.fromAttributes}. */
class MeshServiceImport extends Construct implements IMeshService, IRouteTarget {
  public readonly name: string;
  public readonly namespace?: string;
  public readonly subset?: string = undefined;
  public readonly service: IMeshService = this;

  private readonly imported: ImportedMeshService;

  public constructor(scope: Construct, id: string, attrs: MeshServiceAttributes) {
    super(scope, id);
    this.imported = importAt(this, 'MeshService.fromAttributes', () => new ImportedMeshService(attrs));
    this.name = this.imported.name;
    this.namespace = this.imported.namespace;
    markExternal(this, 'service', this.namespace, this.name);
  }

  public get ports(): MeshServicePort[] {
    return this.imported.ports;
  }

  public get versionNames(): string[] {
    return this.imported.versionNames;
  }

  public version(name: string): IRouteTarget {
    return { ...this.imported.version(name), service: this };
  }
}
