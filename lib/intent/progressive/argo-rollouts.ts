import { ApiObject, Chart, Duration, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { CanaryAnalysis, meshMetricsOf } from './canary-driver';
import { backendAt } from '../../backends/registry';
import { durationString, millisecondsOf } from '../../core/duration';
import { Problem, fail, failAt, problem, problemValidation } from '../../core/errors';
import { ambientAt, emit, istioNetworking, releaseIdentity, renderContextOf } from '../../hosting/cdk8s/emit';
import { gatewayRefOf, hostOf, versionServiceName } from '../../render/hosts';
import { renderDestinationRuleOf } from '../../render/istio';
import { renderDeployment, renderService } from '../../render/kubernetes';
import { Manifest, ServiceModel, VersionModel } from '../../render/model';
import {
  ARGO_CANARY, ARGO_GATEWAY_API_PLUGIN, ARGO_STABLE, ArgoAnalysisModel, ArgoPauseModel, ArgoRouterModel, argoSubsets,
  analysisArgs, renderAnalysisTemplate, renderArgoHttpRoute, renderArgoRoleService, renderArgoVirtualService, renderRollout, renderRolloutAutoscaler,
  renderRolloutDisruptionBudget,
} from '../../render/progressive/argo-rollouts';
import type { CanaryReleaseProps } from '../canary-release';
import { Protocol, TCP_PROTOCOLS } from '../ports';
import { ServiceRouting, carriedRoutingOf } from '../service-routing';
import type { ServiceVersion } from '../service-version';

/**
 * What Argo Rollouts does with the Deployment a Rollout references once the Rollout is healthy (`workloadRef.scaleDown`,
 * argo-rollouts `docs/migrating.md`).
 */
export enum ArgoScaleDown {
  /** The Deployment keeps its pods. */
  NEVER = 'never',
  /** The Deployment is scaled to zero once the Rollout is healthy. */
  ON_SUCCESS = 'onsuccess',
  /** The Deployment loses a pod for each pod the Rollout gains. */
  PROGRESSIVELY = 'progressively',
}

/** The pause after each weight of the plan. */
export class ArgoPause {
  /** Wait this long, then go on to the next weight (the analysis keeps running meanwhile). */
  public static of(duration: Duration): ArgoPause {
    if (!(duration instanceof Duration)) fail(problem('pause', 'must be a Duration', duration, 'e.g. ArgoPause.of(Duration.minutes(5))'));
    const ms = millisecondsOf(duration);
    if (!Number.isInteger(ms / 1000) || ms < 1000) {
      fail(problem('pause', 'must be whole seconds, at least 1s (Argo Rollouts\' pause duration)', `${ms / 1000}s`, 'e.g. ArgoPause.of(Duration.minutes(5))'));
    }
    return new ArgoPause({ duration: durationString('pause', duration) });
  }

  /** Wait until someone promotes the rollout (`kubectl argo rollouts promote <name>`): manual promotion, step by step. */
  public static untilPromoted(): ArgoPause {
    return new ArgoPause({ indefinite: true });
  }

  private constructor(/** @internal */ public readonly _model: ArgoPauseModel) {}
}

/** Options of {@link ArgoWorkload.deploymentRef}. */
export interface ArgoDeploymentRefOptions {
  /**
   * What Argo does with the referenced Deployment's own pods.
   * @default ArgoScaleDown.ON_SUCCESS
   */
  readonly scaleDown?: ArgoScaleDown;
}

/** Where the Rollout's pod template comes from. */
export class ArgoWorkload {
  /** The Rollout holds the canary version's pod template; mesh-kit writes no Deployment for the two versions. */
  public static podTemplate(): ArgoWorkload {
    return new ArgoWorkload({ kind: 'template' });
  }

  /**
   * The canary version's Deployment stays (written without `replicas`, which Argo then owns through `scaleDown`) and the
   * Rollout references it (`workloadRef`): Argo's migration path, where the Deployment remains the place the pod
   * template is kept (argo-rollouts `docs/migrating.md`, "Reference Deployment From Rollout").
   */
  public static deploymentRef(options: ArgoDeploymentRefOptions = {}): ArgoWorkload {
    const scaleDown = options?.scaleDown ?? ArgoScaleDown.ON_SUCCESS;
    if (!Object.values(ArgoScaleDown).includes(scaleDown)) {
      fail(problem('workload.scaleDown', 'must be an ArgoScaleDown', scaleDown, `use one of ${Object.keys(ArgoScaleDown).map(k => `ArgoScaleDown.${k}`).join(', ')}`));
    }
    return new ArgoWorkload({ kind: 'deployment', scaleDown });
  }

  private constructor(/** @internal */ public readonly _model: { readonly kind: 'template' } | { readonly kind: 'deployment'; readonly scaleDown: ArgoScaleDown }) {}
}

/** The objects a {@link CanaryRelease} driven by Argo Rollouts writes in its service's chart (escape hatches for `addJsonPatch()`). */
export class ArgoRolloutObjects {
  /** The objects of `release`, a CanaryRelease under `CanaryDriver.argoRollouts()`. */
  public static of(release: IConstruct): ArgoRolloutObjects {
    const found = release !== null && typeof release === 'object' ? OBJECTS.get(release) : undefined;
    if (!found) {
      fail(problem('release', 'must be a CanaryRelease driven by CanaryDriver.argoRollouts()', release instanceof Construct ? release.node.path : release,
        'pass the CanaryRelease whose driver is CanaryDriver.argoRollouts()'));
    }
    return found;
  }

  /** @internal */
  public constructor(
    /** The `Rollout`. */
    public readonly rollout: ApiObject,
    /** The route Argo shifts: the VirtualService (Istio's API) or the HTTPRoute (the Gateway API). */
    public readonly route: ApiObject,
    /** The service's DestinationRule with the `stable` and `canary` subsets (Istio's API). */
    public readonly destinationRule?: ApiObject,
    /** The `<service>-stable` and `<service>-canary` Services (the Gateway API). */
    public readonly stableService?: ApiObject,
    public readonly canaryService?: ApiObject,
    /** The mesh-metrics `AnalysisTemplate`, when the release has an analysis. */
    public readonly analysisTemplate?: ApiObject,
  ) {}
}

const OBJECTS = new WeakMap<IConstruct, ArgoRolloutObjects>();

/**
 * Options of {@link CanaryDriver.argoRollouts}: the canary release written as an Argo Rollouts `Rollout` (and its
 * analysis) in the service's own chart; Argo shifts the plan's weights itself, step by step, and aborts on a failed
 * analysis.
 *
 * What the service's chart then holds, so that nothing mesh-kit writes fights the controller on the next apply:
 * - the `Rollout` in place of the stable and canary versions' Deployments (with `ArgoWorkload.deploymentRef()`, the
 *   canary's Deployment stays without `replicas`, which Argo owns); its pods carry the canary's template, and Argo's
 *   stable is the revision it last promoted. Argo promotes a new Rollout's first revision at once, without steps
 *   (argo-rollouts `rollout/sync.go`, shouldFullPromote: "Initial deploy" while there is no stable ReplicaSet): move a running service under Argo with
 *   `deploymentRef()` and `ArgoScaleDown.ON_SUCCESS`, so its Deployment serves until the Rollout is healthy.
 * - Istio's API: the service's DestinationRule with the subsets `stable` and `canary`, each selecting the service's pods
 *   (Argo adds `rollouts-pod-template-hash`), and a VirtualService whose route `canary-split` sends 100 to stable and 0 to
 *   canary; Argo rewrites those weights and subset labels in place at each step (argo-rollouts
 *   `docs/features/traffic-management/istio.md`, subset-level splitting). The override becomes the managed route
 *   `canary-override` of a `setHeaderRoute` step, the mirror `canary-mirror` of a `setMirrorRoute` step.
 * - The Gateway API (under Istio): the Services `<service>-stable` and `<service>-canary` (Argo adds the hash to their
 *   selectors) and an HTTPRoute attached to the service (or, with `ingress`, to the gateway and its hosts) with one rule to
 *   both; the `argoproj-labs/gatewayAPI` plugin sets
 *   its weights and adds the header route (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi `pkg/plugin/httproute.go`).
 * - The analysis: an `AnalysisTemplate` `<service>-mesh-metrics` reading Istio's request metrics of the canary's pods
 *   (reported by the sidecars, or under ambient by the waypoint), run in the background from the first weight.
 * - Linkerd: as the Gateway API, through the plugin (its documented and tested Linkerd path), the analysis reading
 *   Linkerd's `response_total` / `response_latency_ms` by the pods' `app` and `version` labels.
 */
export interface ArgoRolloutsOptions {
  /**
   * The pause after each weight of the plan before the next.
   * @default - ArgoPause.of(Duration.minutes(5)) with an analysis; ArgoPause.untilPromoted() without one (nothing
   * checks the canary, so a person promotes each step)
   */
  readonly pause?: ArgoPause;
  /**
   * Where the Rollout's pods come from.
   * @default ArgoWorkload.podTemplate()
   */
  readonly workload?: ArgoWorkload;
  /**
   * Scale the stable ReplicaSet down as the canary's weight grows, rather than keeping it at full size until promotion
   * (`dynamicStableScale`).
   * @default false
   */
  readonly dynamicStableScale?: boolean;
  /**
   * How long the canary's pods are kept after an abort, before they are scaled down (`abortScaleDownDelaySeconds`).
   * @default - Argo's default, 30 seconds
   */
  readonly abortScaleDownDelay?: Duration;
  /**
   * The name under which the Gateway API traffic-router plugin is registered in Argo's `argo-rollouts-config` ConfigMap
   * (used under `TrafficApi.GATEWAY_API`).
   * @default 'argoproj-labs/gatewayAPI'
   */
  readonly gatewayApiPlugin?: string;
}

/** The checked options, with their defaults. */
interface ArgoDecided {
  readonly pause: ArgoPauseModel;
  readonly workload: ArgoWorkload['_model'];
  readonly dynamicStableScale?: boolean;
  readonly abortScaleDownDelaySeconds?: number;
  readonly plugin: string;
}

function decideOptions(scope: Construct, options: ArgoRolloutsOptions, analysed: boolean): ArgoDecided {
  const o = (options ?? {}) as ArgoRolloutsOptions;
  const at = (field: string, rule: string, got: unknown, fix: string) => failAt(scope, problem(`driver.${field}`, rule, got, fix));
  if (o.pause !== undefined && !(o.pause instanceof ArgoPause)) at('pause', 'must be an ArgoPause', o.pause, 'use ArgoPause.of(duration) or ArgoPause.untilPromoted()');
  if (o.workload !== undefined && !(o.workload instanceof ArgoWorkload)) at('workload', 'must be an ArgoWorkload', o.workload, 'use ArgoWorkload.podTemplate() or ArgoWorkload.deploymentRef()');
  if (o.dynamicStableScale !== undefined && typeof o.dynamicStableScale !== 'boolean') at('dynamicStableScale', 'must be true or false', o.dynamicStableScale, 'write true or false');
  let abort: number | undefined;
  if (o.abortScaleDownDelay !== undefined) {
    if (!(o.abortScaleDownDelay instanceof Duration)) at('abortScaleDownDelay', 'must be a Duration', o.abortScaleDownDelay, 'e.g. Duration.seconds(30)');
    abort = millisecondsOf(o.abortScaleDownDelay) / 1000;
    if (!Number.isInteger(abort) || abort < 0) at('abortScaleDownDelay', 'must be whole seconds, 0 or more', `${abort}s`, 'e.g. Duration.seconds(30)');
  }
  const plugin = o.gatewayApiPlugin ?? ARGO_GATEWAY_API_PLUGIN;
  if (typeof plugin !== 'string' || !/^[a-z0-9][a-z0-9.-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/.test(plugin)) {
    at('gatewayApiPlugin', 'must be a plugin name as argo-rollouts-config registers it, <owner>/<name>', plugin, `e.g. '${ARGO_GATEWAY_API_PLUGIN}'`);
  }
  const pause = o.pause?._model ?? (analysed ? ArgoPause.of(Duration.minutes(5))._model : ArgoPause.untilPromoted()._model);
  return { pause, workload: o.workload?._model ?? { kind: 'template' }, dynamicStableScale: o.dynamicStableScale, abortScaleDownDelaySeconds: abort, plugin };
}

/** The analysis, checked: where its Prometheus is, and its thresholds in the units Argo reads. */
function decideAnalysis(scope: Construct, analysis: CanaryAnalysis | undefined): Omit<ArgoAnalysisModel, 'name' | 'namespace' | 'labels' | 'reporter' | 'mesh'> | undefined {
  if (analysis === undefined) return undefined;
  const m = meshMetricsOf(scope, analysis);
  return {
    address: m.address,
    minSuccessRate: Math.round(m.minSuccessRate * 100) / 10000,
    maxLatencyMs: m.maxLatencyMs,
    interval: durationString('analysis.interval', m.interval),
    // Argo fails the run when the failed measurements exceed failureLimit: `failureLimit` checks abort, as the intent says
    failureLimit: m.failureLimit - 1,
    loadTestUrl: m.loadTestUrl,
  };
}

/**
 * What a back-end cannot do under Argo Rollouts, as a refusal; undefined where it can. Linkerd is driven through the
 * Gateway API plugin, as the plugin documents and tests it (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi
 * `docs/provider-status.md`, `examples/linkerd-header-based`): an HTTPRoute attached to the Service; Argo's SMI path needs
 * TrafficSplit, which Linkerd left for the linkerd-smi extension in 2.12.
 */
function backendProblem(name: string): Problem | undefined {
  if (name === 'none') {
    return problem('driver', 'needs a mesh to shift traffic by weight: without one, Argo can only scale ReplicaSets', 'CanaryDriver.argoRollouts()',
      'run the service in Istio (MeshProvider.ISTIO) or Linkerd, or use CanaryDriver.stagedFiles()');
  }
  return undefined;
}

/** The props Argo cannot carry, each a refusal with what to write instead. */
function propsProblems(props: CanaryReleaseProps, backend: string, tcp: boolean): Problem[] {
  const out: Problem[] = [];
  if (props.stage !== undefined) {
    out.push(problem('stage', 'cannot be used with CanaryDriver.argoRollouts(): the Rollout walks every stage of the plan itself', props.stage,
      'remove stage (pause with ArgoPause.untilPromoted() to promote each step by hand)'));
  }
  if (props.stickySessions !== undefined) {
    out.push(problem('stickySessions', 'cannot be used with CanaryDriver.argoRollouts(): Argo routes by the stable and canary subsets it owns, and a hash within each keeps no user on one version',
      'stickySessions', 'remove it; keep a user on the canary with override'));
  }
  if (tcp) {
    out.push(problem('port', 'must carry HTTP under CanaryDriver.argoRollouts(): mesh-kit drives Argo through HTTP routes', props.port ?? 'every port',
      'name an HTTP port, or use CanaryDriver.stagedFiles() for a TCP service'));
  }
  const plugin = backend === 'gateway-api' ? 'the Gateway API' : 'Linkerd';
  if (backend !== 'istio' && props.mirrorPercentage !== undefined) {
    out.push(problem('mirrorPercentage', `cannot be used with CanaryDriver.argoRollouts() under ${plugin}: mesh-kit carries mirroring as Argo's setMirrorRoute on Istio's VirtualService only`,
      props.mirrorPercentage, backend === 'linkerd' ? 'remove it' : 'remove it, or route with Istio\'s API (TrafficApi.ISTIO)'));
  }

  return out;
}

function versionProblems(v: ServiceVersion, field: 'stable' | 'canary'): Problem[] {
  // Argo's `stable` and `canary` subsets hold each version in turn (the canary becomes the stable at promotion): a
  // version's own subset policy has no subset of its own to go to
  if (v._model.trafficPolicy !== undefined) {
    return [problem(`${field}.trafficPolicy`, 'cannot be carried under CanaryDriver.argoRollouts(): Argo\'s stable and canary subsets hold each version in turn, so a version\'s own subset policy has no subset to go to',
      v.subset, `set it on the service (${v.service.name}'s trafficPolicy), which applies to both subsets`)];
  }
  const d = v._model.deployment;
  if (!d) {
    return [problem(field, 'must be a version this app deploys: under Argo Rollouts the Rollout runs its pods', v.subset,
      `declare it with ${v.service.name}.addVersion(), or use CanaryDriver.stagedFiles()`)];
  }
  return [];
}

/** Removes an object a version or service emitted, and its claim on the name (the Rollout replaces it). */
function drop(parent: Construct, childId: string): void {
  const o = parent.node.tryFindChild(childId);
  if (!(o instanceof ApiObject)) return;
  releaseIdentity(parent, { apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.metadata.namespace, body: [] });
  parent.node.tryRemoveChild(childId);
}

/** @internal Writes the canary release as an Argo Rollouts `Rollout` and what it drives ({@link ArgoRolloutsOptions}). */
export function applyArgoRollouts(scope: Construct, props: CanaryReleaseProps, options: ArgoRolloutsOptions): void {
  const { service, stable, canary } = props;
  const backend = backendAt(service).name;
  const refusal = backendProblem(backend);
  if (refusal) failAt(scope, refusal);
  const ports = service.ports.filter(p => props.port === undefined || p.port === props.port);
  const tcp = ports.length > 0 && ports.every(p => TCP_PROTOCOLS.includes(p.protocol ?? Protocol.HTTP));
  const problems = [...propsProblems(props, backend, tcp), ...versionProblems(stable, 'stable'), ...versionProblems(canary, 'canary')];
  if (problems.length > 0) failAt(scope, problems[0]);
  const analysis = decideAnalysis(scope, props.analysis);
  const decided = decideOptions(scope, options, analysis !== undefined);

  const chart = Chart.of(service);
  const home = new Construct(chart, `${scope.node.id}-argo-rollout`);
  const name = service.name;
  const namespace = service.namespace;
  const routeName = props.name ?? service.name;
  const selector = { app: service.app };
  const labels = { app: service.app };

  // the versions' Deployments give way to the Rollout (the canary's stays under deploymentRef(), its replicas Argo's)
  drop(stable, 'Deployment');
  if (decided.workload.kind === 'template') drop(canary, 'Deployment');
  else if (canary._model.deployment?.replicas !== undefined) canary.deployment?.addJsonPatch(JsonPatch.remove('/spec/replicas'));
  // the canary's autoscaler and disruption budget carry over to the Rollout's pods (Argo scales a Rollout through its
  // scale subresource: argo-rollouts docs/features/hpa-support.md); the versions' own select a version label
  const canaryDeployment = canary._model.deployment!;
  for (const v of [stable, canary]) {
    drop(v, 'HorizontalPodAutoscaler');
    drop(v, 'PodDisruptionBudget');
  }
  if (canaryDeployment.autoscaling) {
    const a = canaryDeployment.autoscaling;
    emit(home, 'HorizontalPodAutoscaler', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: service.name, namespace: service.namespace, labels: { app: service.app }, body: ['spec'] },
      () => renderRolloutAutoscaler(service.name, service.namespace, { app: service.app }, a));
  }
  if (canaryDeployment.disruptionBudget) {
    const b = canaryDeployment.disruptionBudget;
    emit(home, 'PodDisruptionBudget', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', name: service.name, namespace: service.namespace, labels: { app: service.app }, body: ['spec'] },
      () => renderRolloutDisruptionBudget(service.name, service.namespace, { app: service.app }, b));
  }

  // what Argo edits in place must exist with the names the Rollout gives; mesh-kit's own routing of the service would
  // set other weights on every apply (refused now when declared before, at synth when declared after)
  const early = routingProblems(service, chart, routeName, props, backend, false);
  if (early.length > 0) failAt(scope, early[0]);
  home.node.addValidation(problemValidation(home, () => routingProblems(service, chart, routeName, props, backend, true)));

  let router: ArgoRouterModel;
  let route: ApiObject;
  let destinationRule: ApiObject | undefined;
  const roleServices: ApiObject[] = [];
  const ctx = renderContextOf(service);
  const modelOf = (): ServiceModel => service.model();
  if (backend === 'istio') {
    const drName = modelOf().destinationRuleName;
    // the service's DestinationRule is written again, its subsets the ones Argo owns (the other versions' kept)
    drop(service, 'DestinationRule');
    destinationRule = emit(home, 'DestinationRule', { apiVersion: istioNetworking(home), kind: 'DestinationRule', name: drName, namespace, body: ['spec'] }, () => {
      const m = modelOf();
      const others = m.versions.filter(v => !v.unversioned && v.name !== stable.subset && v.name !== canary.subset);
      return renderDestinationRuleOf({
        name: m.destinationRuleName,
        namespace: m.namespace,
        host: hostOf({ name: m.name, namespace: m.namespace }, m.namespace, ctx.clusterDomain, ctx.qualifiedHosts),
        subsets: [
          ...others.map(v => ({
            name: v.name,
            labels: (m.subsetsSelectApp ? { app: m.app, version: v.label } : { version: v.label }) as { [key: string]: string },
            trafficPolicy: v.trafficPolicy,
          })),
          ...argoSubsets(selector),
        ],
        trafficPolicy: m.trafficPolicy,
        istioMutualByDefault: m.istioMutualByDefault,
        exportTo: m.exportTo,
      }, ctx);
    });
    const ingress = props.ingress;
    route = emit(home, 'VirtualService', { apiVersion: istioNetworking(home), kind: 'VirtualService', name: routeName, namespace, body: ['spec'] },
      () => renderArgoVirtualService({
        name: routeName,
        namespace,
        hosts: ingress ? ingress.hosts : [hostOf({ name, namespace }, namespace, ctx.clusterDomain, ctx.qualifiedHosts)],
        gateways: ingress ? [gatewayRefOf({ name: ingress.gateway.name, namespace: ingress.gateway.namespace }, namespace)] : [],
        host: hostOf({ name, namespace }, namespace, ctx.clusterDomain, ctx.qualifiedHosts || ingress !== undefined),
        port: props.port ?? (ingress && service.ports.length === 1 ? service.ports[0].port : undefined),
      }, istioNetworking(home)));
    router = { kind: 'istio', virtualService: routeName, destinationRule: drName };
  } else {
    const stableService = versionServiceName(name, ARGO_STABLE);
    const canaryService = versionServiceName(name, ARGO_CANARY);
    // the versions' own Services would select a version label that the next release leaves without pods
    drop(stable, 'Service');
    drop(canary, 'Service');
    for (const [id, svc] of [['StableService', stableService], ['CanaryService', canaryService]] as const) {
      roleServices.push(emit(home, id, { apiVersion: 'v1', kind: 'Service', name: svc, namespace, body: ['spec'] }, () => renderArgoRoleService(renderService(modelOf()), svc)));
    }
    const port = props.port ?? (service.ports.length === 1 ? service.ports[0].port : undefined);
    const ingress = props.ingress;
    route = emit(home, 'HTTPRoute', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', name: routeName, namespace, body: ['spec'] },
      () => renderArgoHttpRoute({
        name: routeName,
        namespace,
        // at a gateway, the route attaches to the Gateway API Gateway and its hosts (the plugin shifts any HTTPRoute);
        // in the mesh, to the service (GAMMA)
        parentRefs: ingress
          ? [{
            name: ingress.gateway.name,
            namespace: ingress.gateway.namespace !== namespace ? ingress.gateway.namespace : undefined,
            port: ingress.gatewayPort,
          }]
          : [{ group: '', kind: 'Service', name, port }],
        hostnames: ingress ? ingress.hosts : undefined,
        stableService,
        canaryService,
        port,
      }));
    router = { kind: 'gateway-api', plugin: decided.plugin, httpRoute: routeName, namespace, stableService, canaryService };
  }

  const templateName = `${name}-mesh-metrics`;
  let analysisTemplate: ApiObject | undefined;
  const mesh = backend === 'linkerd' ? 'linkerd' : 'istio';
  if (analysis) {
    const reporter = ambientAt(service) ? 'waypoint' : 'destination';
    analysisTemplate = emit(home, 'AnalysisTemplate', { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', name: templateName, namespace, labels, body: ['spec'] },
      () => renderAnalysisTemplate({ ...analysis, name: templateName, namespace, labels, reporter, mesh }));
  }
  const override = props.override ? [props.override._match._model] : [];
  const headerRoute = override.flatMap(m => Object.entries(m.headers ?? {}).map(([headerName, value]) => ({ headerName, value })));
  const rollout = emit(home, 'Rollout', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name, namespace, labels, body: ['spec'] }, () => {
    const m = modelOf();
    const v = versionOf(m, canary.subset);
    const deployment = renderDeployment(m, v) as Manifest & { spec: { template: { [key: string]: unknown }; replicas?: number } };
    return renderRollout({
      name,
      namespace,
      labels,
      replicas: v.deployment?.replicas,
      selector,
      template: decided.workload.kind === 'template' ? deployment.spec.template : undefined,
      workloadRef: decided.workload.kind === 'deployment' ? { name: v.deployment!.name, scaleDown: decided.workload.scaleDown } : undefined,
      weights: props.plan.weights.filter(w => w < 100),
      pause: decided.pause,
      router,
      headerRoute: headerRoute.length > 0 ? headerRoute : undefined,
      mirrorPercentage: props.mirrorPercentage,
      analysis: analysis ? {
        template: templateName,
        args: analysisArgs(mesh).map(a => ({ name: a, value: { 'service': name, 'app': service.app, 'namespace': namespace ?? 'default', 'canary-version': canary.label }[a] })),
      } : undefined,
      dynamicStableScale: decided.dynamicStableScale,
      abortScaleDownDelaySeconds: decided.abortScaleDownDelaySeconds,
    });
  });
  OBJECTS.set(scope, new ArgoRolloutObjects(rollout, route, destinationRule, roleServices[0], roleServices[1], analysisTemplate));
}

function versionOf(m: ServiceModel, subset: string): VersionModel {
  const v = m.versions.find(x => x.name === subset);
  if (!v) throw new Error(`internal: version '${subset}' of '${m.name}' is not in its model`);
  return v;
}

/** Routing of the service that would fight the Rollout's: the service's own routes, and gateway routes that bypass Argo's. */
function routingProblems(service: CanaryReleaseProps['service'], chart: Chart, routeName: string, props: CanaryReleaseProps, backend: string,
  gatewayRoutes: boolean): Problem[] {
  const out: Problem[] = [];
  const own: ServiceRouting | undefined = carriedRoutingOf(service, chart);
  if (own !== undefined) {
    out.push(problem('driver', `cannot share the service's routing: Argo sets the weights of the route it manages, and the ServiceRouting '${own.node.path}' routes ${service.name} too`,
      'CanaryDriver.argoRollouts()', 'remove the ServiceRouting (the Rollout\'s route sends every request to the stable version until a step moves it), or use CanaryDriver.stagedFiles()'));
  }
  if (gatewayRoutes && props.ingress === undefined && !ambientAt(service)) {
    const routes: IConstruct[] = [];
    service._onGatewayRoute(r => routes.push(r));
    if (routes.length > 0) {
      out.push(problem('ingress', `must be given when a gateway route forwards to ${service.name}: a gateway applies its own ${backend === 'istio' ? 'VirtualService' : 'route'}, `
        + `which Argo does not shift, so gateway traffic would reach both versions' pods whatever the step (${routes[0].node.path})`, 'undefined',
      `route the canary at the gateway: ingress: { gateway, hosts } (and name: '${routeName}' apart from the gateway route's)`));
    }
  }
  return out;
}
