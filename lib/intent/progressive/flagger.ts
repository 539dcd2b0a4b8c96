import { ApiObject, Chart, Duration, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { MeshMetricsModel, meshMetricsOf } from './canary-driver';
import { backendAt } from '../../backends/registry';
import { millisecondsOf } from '../../core/duration';
import { Problem, failAt, problem, problemValidation } from '../../core/errors';
import { LinkerdVersion, MeshSettings, TrafficApi } from '../../core/settings';
import { ambientAt, emit, emitManifest, releaseIdentity, renderContextOf } from '../../hosting/cdk8s/emit';
import { renderDestinationRule } from '../../render/istio';
import { renderAutoscaler, renderDeployment, renderDisruptionBudget, versionLabels } from '../../render/kubernetes';
import { VersionModel } from '../../render/model';
import {
  FlaggerCanaryModel, FlaggerProviderName, FlaggerSteps, MeshMetricsDialect, canaryTrafficPolicyOf, renderCanary, renderMetricTemplates,
} from '../../render/progressive/flagger';
import { checkHostsServed } from '../../validation/rules';
import type { CanaryReleaseProps } from '../canary-release';
import { Protocol, TCP_PROTOCOLS } from '../ports';
import type { ServiceVersion } from '../service-version';

/** The router Flagger drives (its `spec.provider`). */
export enum FlaggerProvider {
  /** Istio's VirtualService and DestinationRules (`istio`). */
  ISTIO = 'istio',
  /** A Gateway API HTTPRoute attached to the Service (GAMMA) or to gateways (`gatewayapi:v1`): Istio or Linkerd. */
  GATEWAY_API = 'gatewayapi:v1',
  /**
   * A Gateway API `v1beta1` HTTPRoute (`gatewayapi:v1beta1`), as Flagger's Linkerd tutorial writes it: Linkerd 2.16 to 2.19
   * (`LinkerdVersion.V2_16`), whose routes are not the Gateway API's `v1`.
   */
  GATEWAY_API_V1BETA1 = 'gatewayapi:v1beta1',
  /** An SMI TrafficSplit (`linkerd`): Linkerd with its linkerd-smi extension. */
  LINKERD = 'linkerd',
}

/** The replicas of the autoscaler Flagger copies for the primary (`autoscalerRef.primaryScalerReplicas`). */
export interface FlaggerPrimaryScalerReplicas {
  /**
   * The primary autoscaler's minimum.
   * @default - the canary autoscaler's minReplicas
   */
  readonly minReplicas?: number;
  /**
   * The primary autoscaler's maximum.
   * @default - the canary autoscaler's maxReplicas
   */
  readonly maxReplicas?: number;
}

/**
 * Options of {@link CanaryDriver.flagger}: a {@link CanaryRelease} written as a Flagger `Canary` (fluxcd/flagger), which
 * shifts the plan's weights itself (`stepWeight`/`maxWeight` when the plan is linear, else `stepWeights`; the last
 * stage, 100, is the promotion) and rolls back when the analysis fails. The analysis's interval, thresholds, failure
 * limit and load test come from {@link CanaryAnalysis}.
 *
 * What the service's chart holds then, so that nothing mesh-kit writes fights what Flagger writes (every GitOps sync
 * or `kubectl apply` would undo the other):
 * - one Deployment named after the service, the one Flagger targets (`targetRef`), with the canary version's pod
 *   template: changing a target's template is how a Flagger rollout starts. Its selector is `app` alone, so that the next
 *   version keeps it (a selector cannot change). Flagger copies it as `<service>-primary` (labels `app: <app>-primary`)
 *   when it first sees it and promotes each analysed template into it (pkg/canary/deployment_controller.go): the stable
 *   version is what runs as the primary, written by the previous release; no Deployment of it, or of any other version,
 *   is written;
 * - the Service, with exactly what Flagger gives the apex Service (selector `app: <app>-primary`, the service's one port
 *   by name): Flagger updates an existing Service only where its selector or ports differ
 *   (pkg/router/kubernetes_default.go, reconcileService), so the two agree; Flagger creates `<service>-primary` and
 *   `<service>-canary` and the VirtualService/DestinationRules (`istio`), HTTPRoute (`gatewayapi:v1`) or TrafficSplit
 *   (`linkerd`) itself: the service may have no routes, subsets or per-version Services of its own (its traffic policy
 *   goes into the Canary's `service.trafficPolicy`, from which Flagger writes its DestinationRules);
 * - the Canary and, where Flagger's built-in metrics do not read the mesh's (the Gateway API provider reads
 *   `http_requests_total`: pkg/metrics/observers/factory.go), a MetricTemplate for the success rate and one for the
 *   latency, with the mesh's own metrics and labels and the address of the analysis's Prometheus.
 *
 * Under Istio's ambient mode, Flagger routes with the Gateway API (the service's waypoint applies the HTTPRoute
 * attached to its Service; an A/B header match is one of the route's matches) and the analysis reads what the waypoint
 * reports (`reporter="waypoint"`).
 *
 * The first time Flagger sees a Canary it copies the target into the primary at once, with no analysis (its
 * initialization: pkg/controller/scheduler.go): bring a service under Flagger with the version that already runs as the
 * target's template, and release the next one through it. What Flagger cannot carry is refused with the fix, never
 * dropped: `stage`, `mirrorPercentage`, `stickySessions`, `ingress` but with the istio provider (Flagger binds its
 * VirtualService to the gateway: `service.gateways`, `service.hosts`), a gateway route of the service's own under
 * sidecars (the gateway would send every request to the primary), a `name` other than the service's, a service of
 * several ports or of TCP, versions other than the stable and canary ones, a canary not deployed by this app, and a
 * route of the service's own (it would fight Flagger's).
 */
export interface FlaggerOptions {
  /**
   * The router Flagger drives. Istio with its own API: `istio`; the Gateway API under Istio (sidecars or ambient, where
   * waypoints apply HTTPRoutes) and Linkerd 2.20: `gatewayapi:v1`; Linkerd 2.16 to 2.19: `gatewayapi:v1beta1`, as
   * Flagger's Linkerd tutorial installs it (fluxcd/flagger docs/gitbook/tutorials/linkerd-progressive-delivery.md).
   * `LINKERD` (an SMI TrafficSplit) needs the linkerd-smi extension.
   * @default - from the service's back-end: ISTIO for Istio's API with sidecars, GATEWAY_API_V1BETA1 for
   * `LinkerdVersion.V2_16`, GATEWAY_API otherwise
   */
  readonly provider?: FlaggerProvider;
  /**
   * With an `override` (A/B testing): how many analysis runs the matched requests go to the canary before promotion.
   * Flagger's A/B test sends the matched requests to the canary and nothing else (pkg/apis/flagger/v1beta1/canary.go,
   * DeploymentStrategy: match and iterations), so the plan's weights do not apply then.
   * @default - required with `override`; not allowed without
   */
  readonly iterations?: number;
  /**
   * Promote without analysis (Flagger's `skipAnalysis`), e.g. for an urgent fix.
   * @default false
   */
  readonly skipAnalysis?: boolean;
  /**
   * How long the canary may take to make progress (pods ready) before it is rolled back (`progressDeadlineSeconds`).
   * @default - Flagger's, 600 seconds
   */
  readonly progressDeadline?: Duration;
  /**
   * The replicas of the primary's autoscaler, when the canary version autoscales.
   * @default - as the canary's autoscaler
   */
  readonly primaryScalerReplicas?: FlaggerPrimaryScalerReplicas;
  /**
   * Restore the Service and routes as they were when the Canary is deleted (`revertOnDeletion`).
   * @default false
   */
  readonly revertOnDeletion?: boolean;
  /**
   * The command Flagger's load tester runs while the canary is analysed (with the analysis's `loadTestUrl`).
   * @default - `hey -z <interval> -q 10 -c 2 http://<service>-canary.<namespace>:<port>/`
   */
  readonly loadTestCommand?: string;
}

/**
 * Writes a {@link CanaryRelease} as a Flagger `Canary` (see {@link FlaggerOptions} for what the service's chart holds then).
 * @internal
 */
export function applyFlagger(scope: Construct, props: CanaryReleaseProps, options: FlaggerOptions): void {
  const problems = checkOptions(options);
  if (problems.length > 0) failAt(scope, problems[0]);
  const { service, stable, canary } = props;
  const backend = backendAt(service);
  const ambient = ambientAt(service);
  const at: (field: string, rule: string, got: unknown, fix: string) => never =
    (field, rule, got, fix) => failAt(scope, problem(field, rule, got, fix));
  if (backend.name === 'none') {
    at('driver', 'needs a mesh: Flagger shifts traffic through Istio, the Gateway API or Linkerd', 'MeshProvider.NONE',
      'put the service in an Istio or Linkerd chart, or use CanaryDriver.stagedFiles()');
  }
  const provider = providerOf(scope, options.provider, backend.name, ambient, MeshSettings.of(service).linkerdVersion);

  // what Flagger cannot carry is refused, never dropped
  if (props.stage !== undefined) at('stage', 'cannot be used with CanaryDriver.flagger(): Flagger goes through every stage itself', props.stage, 'remove stage');
  if (props.mirrorPercentage !== undefined) {
    at('mirrorPercentage', 'cannot be carried by Flagger: it mirrors only in a blue/green run (analysis.mirror), not at each stage of a canary', props.mirrorPercentage,
      'remove mirrorPercentage, or use CanaryDriver.stagedFiles()');
  }
  if (props.stickySessions !== undefined) {
    at('stickySessions', 'cannot be carried by Flagger: its routes go to the primary and canary Services, not to subsets a consistent hash could keep', 'LoadBalancer',
      'remove stickySessions; keep users on the canary with override (an A/B test)');
  }
  const ingress = props.ingress;
  if (ingress !== undefined) {
    if (provider !== 'istio') {
      at('ingress', `is carried by the Flagger driver with the istio provider only: an HTTPRoute of ${provider} Flagger writes for the Service (GAMMA)`, ingress.hosts,
        ambient ? 'remove ingress and route the gateway to the whole service: it then goes through the service\'s waypoint, which applies Flagger\'s route'
          : 'remove ingress, or use CanaryDriver.stagedFiles()');
    }
    if (ingress.gateway.trafficApi === TrafficApi.GATEWAY_API) {
      at('ingress.gateway', 'must be an Istio Gateway with the istio provider: Flagger binds its VirtualService to it', ingress.gateway.name,
        'use an IngressGateway of Istio\'s API, or use CanaryDriver.stagedFiles()');
    }
    if (ingress.gatewayPort !== undefined) {
      at('ingress.gatewayPort', 'cannot be carried by Flagger: its VirtualService binds to every listener of the gateway', ingress.gatewayPort, 'remove gatewayPort');
    }
  }
  if (props.name !== undefined && props.name !== service.name) {
    at('name', `must be the service's name under Flagger: Flagger names its route after the Service ('${service.name}')`, props.name, 'remove name');
  }
  const ports = service.ports;
  if (ports.length !== 1) {
    at('service.ports', 'must be exactly one port under Flagger: the Service Flagger manages has one port, and would drop the others', ports.map(p => p.port),
      'give the service one port, or use CanaryDriver.stagedFiles()');
  }
  const port = service.model().ports[0];
  if (props.port !== undefined && props.port !== port.port) at('port', 'must be the service\'s port', props.port, `use ${port.port}, or remove port`);
  const protocol = ports[0].protocol ?? Protocol.HTTP;
  if (TCP_PROTOCOLS.includes(protocol)) {
    at('service.ports', 'must carry HTTP under the Flagger driver: its analysis reads request metrics, and its A/B matches are HTTP', protocol,
      'use CanaryDriver.stagedFiles() for a TCP service');
  }

  // the versions: the canary's template is the target's; no other version's pods may carry the app label
  const chart = Chart.of(service);
  // what would fight Flagger, checked now and again at synth (a version or route added after the release)
  const fights = (): Problem[] => [
    ...service.versionNames.filter(n => n !== stable.subset && n !== canary.subset).map(n => problem('service.versions',
      'must be the stable and canary versions only under Flagger: the pods of another version would be taken for the canary\'s (Flagger selects them by app)',
      n, `remove version '${n}' from service '${service.name}'`)),
    ...(hasRouting(service, chart) ? [problem('service', `must have no routes of its own under Flagger: Flagger writes the ${
      provider === 'istio' ? 'VirtualService' : provider === 'linkerd' ? 'TrafficSplit' : 'HTTPRoute'} '${service.name}' itself, and the two would fight`,
    service.name, 'remove the service\'s routes (addRoute, ServiceRouting) from its chart')] : []),
  ];
  const now = fights();
  if (now.length > 0) failAt(scope, now[0]);
  const d = canary._model.deployment;
  if (!d || canary.workload) {
    at('canary', 'must be a version this app deploys (addVersion): Flagger starts a rollout from the pod template of the Deployment it targets', canary.subset,
      `declare it with ${service.name}.addVersion('${canary.subset}', { image })`);
  }
  if (stable.workload) {
    at('stable', 'must not be a brought workload under Flagger: the stable version runs as the primary Flagger copied from the previous template', stable.subset,
      'declare the stable version with addVersion() (it is not written) or addExternalVersion()');
  }
  if (canary._model.deployment?.autoscaling === undefined && options.primaryScalerReplicas !== undefined) {
    at('primaryScalerReplicas', 'needs the canary version to autoscale: Flagger copies the target\'s autoscaler for the primary', 'given', 'give the canary version autoscaling, or remove primaryScalerReplicas');
  }

  // Flagger's DestinationRules carry one policy for the whole host (service.trafficPolicy): no subsets, no ports
  for (const v of [stable, canary]) {
    if (v._model.trafficPolicy !== undefined) {
      at(`versions.${v.subset}.trafficPolicy`, 'cannot be carried by Flagger: its DestinationRules for the primary and canary have no subsets', v.subset,
        `set the policy on service '${service.name}' (trafficPolicy) instead`);
    }
  }
  if (service.model().trafficPolicy?.portLevelSettings !== undefined) {
    at('service.trafficPolicy.ports', 'cannot be carried by Flagger: its service.trafficPolicy has no per-port settings', 'ports',
      'set the policy for the whole service');
  }
  const analysis = props.analysis?._options;
  if (!analysis) {
    at('analysis', 'must be given with CanaryDriver.flagger(): without it Flagger moves to each next weight with nothing checked', 'none',
      'give analysis: CanaryAnalysis.meshMetrics({ metrics: MetricsSource.addons(addons) }), or set skipAnalysis: true on the driver to promote without checks');
  }
  const checked = meshMetricsOf(scope, props.analysis!);
  const metrics = metricsOf(checked, provider, ambient ? 'istio-ambient' : backend.name === 'linkerd' ? 'linkerd' : 'istio-sidecar');
  const steps = stepsOf(scope, props, options, provider);
  const interval = metrics.window;
  const namespace = service.namespace;
  let loadTest: FlaggerCanaryModel['analysis']['loadTest'];
  if (analysis.loadTestUrl !== undefined) {
    if (namespace === undefined && options.loadTestCommand === undefined) {
      at('analysis.loadTestUrl', 'needs the service\'s namespace: the load tester calls the canary Service from its own namespace', analysis.loadTestUrl,
        'give the service (or its chart) a namespace, or give loadTestCommand');
    }
    loadTest = { url: analysis.loadTestUrl, cmd: options.loadTestCommand ?? `hey -z ${interval} -q 10 -c 2 http://${service.name}-canary.${namespace}:${port.port}/` };
  } else if (options.loadTestCommand !== undefined) {
    at('loadTestCommand', 'needs the analysis\'s loadTestUrl: it is the command Flagger\'s load tester runs', options.loadTestCommand, 'give analysis loadTestUrl, or remove loadTestCommand');
  }

  // the service's own objects: the versions' Deployments (and theirs) give way to the one target; the Service is Flagger's apex
  for (const name of service.versionNames) removeVersionObjects(service.version(name));
  const trafficPolicyFromRule = service.destinationRule !== undefined;
  removeObject(service.destinationRule);
  service.serviceResource.addJsonPatch(JsonPatch.replace('/spec/selector', { app: `${service.app}-primary` }));

  const host = new Construct(chart, `${scope.node.id}-flagger`);
  const targetModel: VersionModel = {
    ...canary._model,
    unversioned: true,
    deployment: { ...d!, name: service.name, workload: { ...d!.workload, podLabels: { ...d!.workload.podLabels, version: canary.label } } },
  };
  const identity = (kind: string, apiVersion: string, name: string, labels?: { [k: string]: string }) =>
    ({ apiVersion, kind, name, namespace, labels, body: ['spec'] as const });
  const labels = versionLabels(service.model(), targetModel);
  emit(host, 'Deployment', { ...identity('Deployment', 'apps/v1', service.name, { ...d!.labels, ...labels }) }, () => renderDeployment(service.model(), targetModel));
  if (d!.autoscaling) {
    emit(host, 'HorizontalPodAutoscaler', identity('HorizontalPodAutoscaler', 'autoscaling/v2', service.name, labels), () => renderAutoscaler(service.model(), targetModel));
  }
  if (d!.disruptionBudget) {
    emit(host, 'PodDisruptionBudget', identity('PodDisruptionBudget', 'policy/v1', service.name, labels), () => renderDisruptionBudget(service.model(), targetModel));
    // Flagger makes no budget for the primary, whose pods serve the traffic: one selecting them by Flagger's label
    const primaryLabels = { ...labels, app: `${service.app}-primary` };
    emit(host, 'PrimaryDisruptionBudget', identity('PodDisruptionBudget', 'policy/v1', `${service.name}-primary`, primaryLabels), () => {
      const b = renderDisruptionBudget(service.model(), targetModel);
      const spec = b.spec as { [k: string]: unknown };
      return { ...b, metadata: { ...b.metadata, name: `${service.name}-primary`, labels: primaryLabels }, spec: { ...spec, selector: { matchLabels: { app: `${service.app}-primary` } } } };
    });
  }

  const model = (): FlaggerCanaryModel => ({
    name: service.name,
    namespace,
    provider,
    target: service.name,
    autoscaler: d!.autoscaling ? {
      name: service.name,
      primaryMinReplicas: options.primaryScalerReplicas?.minReplicas,
      primaryMaxReplicas: options.primaryScalerReplicas?.maxReplicas,
    } : undefined,
    progressDeadlineSeconds: options.progressDeadline ? millisecondsOf(options.progressDeadline) / 1000 : undefined,
    skipAnalysis: options.skipAnalysis,
    revertOnDeletion: options.revertOnDeletion,
    service: {
      port: port.port,
      portName: port.name,
      targetPort: port.targetPort,
      appProtocol: port.appProtocol,
      gateways: ingress ? [ingress.gateway.namespace ?? namespace ? `${ingress.gateway.namespace ?? namespace}/${ingress.gateway.name}` : ingress.gateway.name] : undefined,
      hosts: ingress ? [...ingress.hosts] : undefined,
      gatewayRefs: provider.startsWith('gatewayapi') ? [{ name: service.name, ...(namespace !== undefined ? { namespace } : {}), group: 'core', kind: 'Service', port: port.port }] : undefined,
      trafficPolicy: provider === 'istio' && trafficPolicyFromRule
        ? canaryTrafficPolicyOf(renderDestinationRule(service.model(), renderContextOf(chart))) : undefined,
    },
    analysis: { interval, threshold: analysis.failureLimit ?? 5, steps, metrics, loadTest },
  });
  scope.node.addValidation(problemValidation(scope, fights));
  if (ingress) {
    const gw = ingress.gateway;
    scope.node.addValidation(problemValidation(scope, () => checkHostsServed('ingress.hosts', ingress.hosts, gw.servers, gw.name, { route: namespace, gateway: gw.namespace ?? namespace })));
  }
  // a gateway route to the whole service: under ambient it must go through the waypoint, which applies Flagger's route
  // (an ingress gateway sends straight to the pods otherwise: istio/istio pilot/pkg/serviceregistry/ambient/services.go);
  // under sidecars the gateway applies only its own VirtualService, and would send every request to the primary
  service._onGatewayRoute(route => {
    if (ambient) {
      service.serviceResource.metadata.addLabel('istio.io/ingress-use-waypoint', 'true');
    } else if (provider === 'istio') {
      failAt(scope, problem('service', 'must not be routed by a gateway route of its own under Flagger: Flagger\'s VirtualService applies in the mesh only, so the gateway would send every request to the primary',
        route.node.path, `give the release ingress: { gateway, hosts } (Flagger then binds its VirtualService to the gateway) and remove the gateway route to '${service.name}'`));
    }
  });
  const templates = renderMetricTemplates(model());
  for (const t of templates) emitManifest(host, `MetricTemplate-${t.metadata.name}`, t);
  emit(host, 'Canary', identity('Canary', 'flagger.app/v1beta1', service.name), () => renderCanary(model()));
}

function checkOptions(o: FlaggerOptions): Problem[] {
  const out: Problem[] = [];
  if (o.iterations !== undefined && (!Number.isInteger(o.iterations) || o.iterations < 1)) {
    out.push(problem('iterations', 'must be a whole number of at least 1', o.iterations, 'e.g. 10'));
  }
  for (const k of ['skipAnalysis', 'revertOnDeletion'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') out.push(problem(k, 'must be true or false', o[k]));
  }
  if (o.progressDeadline !== undefined) {
    const ms = o.progressDeadline instanceof Duration ? millisecondsOf(o.progressDeadline) : NaN;
    if (!Number.isInteger(ms / 1000) || ms < 1000) out.push(problem('progressDeadline', 'must be a Duration of whole seconds, at least 1', o.progressDeadline, 'e.g. Duration.minutes(10)'));
  }
  const r = o.primaryScalerReplicas;
  if (r !== undefined) {
    for (const k of ['minReplicas', 'maxReplicas'] as const) {
      if (r[k] !== undefined && (!Number.isInteger(r[k]) || r[k]! < 1)) out.push(problem(`primaryScalerReplicas.${k}`, 'must be a whole number of at least 1', r[k]));
    }
    if (r.minReplicas !== undefined && r.maxReplicas !== undefined && r.minReplicas > r.maxReplicas) {
      out.push(problem('primaryScalerReplicas.maxReplicas', `must be at least minReplicas (${r.minReplicas})`, r.maxReplicas));
    }
  }
  if (o.loadTestCommand !== undefined && (typeof o.loadTestCommand !== 'string' || o.loadTestCommand.trim() === '')) {
    out.push(problem('loadTestCommand', 'must be a command line', o.loadTestCommand, 'e.g. hey -z 1m -q 10 -c 2 http://reviews-canary.bookinfo:9080/'));
  }
  return out;
}

/** The provider: the one asked, if the back-end can carry it, else the back-end's. */
function providerOf(scope: Construct, asked: FlaggerProvider | undefined, backend: string, ambient: boolean,
  linkerdVersion: LinkerdVersion): FlaggerProviderName {
  const fallback: FlaggerProviderName = backend === 'istio' && !ambient ? 'istio'
    : backend === 'linkerd' && linkerdVersion === LinkerdVersion.V2_16 ? 'gatewayapi:v1beta1' : 'gatewayapi:v1';
  if (asked === undefined) return fallback;
  if (asked === FlaggerProvider.ISTIO && (backend === 'linkerd' || ambient)) {
    failAt(scope, problem('provider', ambient
      ? 'cannot be istio under ambient mode: waypoints apply Gateway API routes (Istio\'s VirtualService there is alpha and Flagger\'s carries the sidecars\' mesh gateway)'
      : 'cannot be istio for a Linkerd service', asked, 'use FlaggerProvider.GATEWAY_API, or leave provider out'));
  }
  if (asked === FlaggerProvider.LINKERD && backend !== 'linkerd') {
    failAt(scope, problem('provider', 'can be linkerd (an SMI TrafficSplit) only for a Linkerd service', asked, `use ${fallback === 'istio' ? 'FlaggerProvider.ISTIO' : 'FlaggerProvider.GATEWAY_API'}, or leave provider out`));
  }
  return asked;
}

/** Whether the service has routes of its own in its chart (a VirtualService/HTTPRoute Flagger's would fight). */
function hasRouting(service: CanaryReleaseProps['service'], chart: Chart): boolean {
  return chart.node.findAll().some(c => ApiObject.isApiObject(c) && ['VirtualService', 'HTTPRoute', 'GRPCRoute', 'TrafficSplit'].includes(c.kind)
    && c.metadata.name === service.name && (c.metadata.namespace ?? chart.namespace) === (service.namespace ?? chart.namespace));
}

/** The plan's weights as Flagger's steps; an override as Flagger's A/B test. */
function stepsOf(scope: Construct, props: CanaryReleaseProps, options: FlaggerOptions, provider: FlaggerProviderName): FlaggerSteps {
  if (props.override) {
    if (options.iterations === undefined) {
      failAt(scope, problem('iterations', 'must be given with override: Flagger\'s A/B test sends the matched requests to the canary for that many analysis runs, instead of the plan\'s weights',
        'none', 'give iterations on CanaryDriver.flagger({ iterations: 10 })'));
    }
    if (provider === 'linkerd') {
      failAt(scope, problem('override', 'cannot be carried by an SMI TrafficSplit (provider linkerd): it splits by weight only', 'override', 'use FlaggerProvider.GATEWAY_API'));
    }
    const match = props.override._match._models;
    if (provider.startsWith('gatewayapi')) {
      for (const m of match) {
        for (const [name, s] of Object.entries(m.headers ?? {})) {
          if (s.prefix !== undefined) {
            failAt(scope, problem(`override.headers.${name}`, 'must be exact or a regex under the Gateway API: Flagger maps no prefix match to an HTTPRoute (pkg/router/gateway_api.go, mapRouteMatches)',
              s.prefix, `use HeaderMatch.regex('${name}', '^${s.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*')`));
          }
        }
      }
    }
    return { kind: 'ab', iterations: options.iterations, match };
  }
  if (options.iterations !== undefined) {
    failAt(scope, problem('iterations', 'is for an A/B test (with override): without one, Flagger would run a blue/green release instead of the plan', options.iterations,
      'remove iterations, or give override'));
  }
  const before = props.plan.weights.slice(0, -1);
  const linear = before.every((w, i) => w === before[0] * (i + 1));
  return linear ? { kind: 'linear', stepWeight: before[0], maxWeight: before[before.length - 1] } : { kind: 'weights', stepWeights: before };
}

/** The metrics of the analysis (checked once for every driver): its thresholds, and Flagger's built-ins where they read the mesh's. */
function metricsOf(m: MeshMetricsModel, provider: FlaggerProviderName, dialect: MeshMetricsDialect): FlaggerCanaryModel['analysis']['metrics'] {
  // Flagger's built-ins read the mesh's metrics for its istio and linkerd providers (pkg/metrics/observers/istio.go,
  // linkerd.go), from the Canary's metricsServer; the Gateway API's read an app's http_requests_total (http.go)
  const builtIn = (provider === 'istio' && dialect === 'istio-sidecar') || provider === 'linkerd';
  return {
    address: m.address, minSuccessRate: m.minSuccessRate, maxLatencyMillis: m.maxLatencyMs, window: goDuration(m.intervalSeconds), builtIn, dialect,
  };
}

/** A Go duration (`1m`, `30s`) of whole seconds: Flagger's intervals. */
function goDuration(s: number): string {
  return s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

/** Removes an object a construct emitted before the driver was known (and frees its identity). */
function removeObject(o: ApiObject | undefined): void {
  if (!o) return;
  const parent = o.node.scope!;
  releaseIdentity(parent, { apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.metadata.namespace, body: [] });
  parent.node.tryRemoveChild(o.node.id);
}

function removeVersionObjects(v: ServiceVersion): void {
  for (const o of [v.deployment, v.autoscaler, v.disruptionBudget, v.versionService]) removeObject(o);
}

