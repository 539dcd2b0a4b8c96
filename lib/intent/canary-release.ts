import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IIngressGateway } from './ingress-gateway';
import { IngressGatewayRoute } from './ingress-gateway-route';
import { HeaderMatch, HttpMatch } from './matches';
import { MeshService, ServiceVersion } from './mesh-service';
import { Protocol, TCP_PROTOCOLS } from './ports';
import { applyArgoRollouts } from './progressive/argo-rollouts';
import { CanaryAnalysis, CanaryDriver } from './progressive/canary-driver';
import { applyFlagger } from './progressive/flagger';
import { HttpRouteOptions, RouteAction } from './route';
import { ServiceRouting, carriedRoutingOf } from './service-routing';
import { LoadBalancer } from './traffic-policy';
import { backendAt, refuse } from '../backends/registry';
import { checkPercent } from '../core/duration';
import { fail, failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel } from '../core/names';
import { MeshSettings } from '../core/settings';
import { ambientAt, emit, istioNetworking, renderContextOf } from '../hosting/cdk8s/emit';
import { MeshChart } from '../hosting/cdk8s/mesh-chart';
import { renderDestinationRule } from '../render/istio';

/** Options of {@link CanaryPlan.linear}. */
export interface LinearPlanOptions {
  /** Canary weight added at each stage, in percent. */
  readonly stepWeight: number;
  /** The last canary weight before promotion to 100. */
  readonly maxWeight: number;
}

/** The canary's share of traffic at each stage of a rollout, ending at 100 (promotion). */
export class CanaryPlan {
  /** Explicit stages, e.g. `[10, 25, 50, 100]`: increasing, between 1 and 100, the last one 100. */
  public static stages(weights: number[]): CanaryPlan {
    return new CanaryPlan(weights);
  }

  /** `stepWeight`, `2 × stepWeight`… up to `maxWeight`, then 100 (as Flagger's stepWeight/maxWeight). */
  public static linear(options: LinearPlanOptions): CanaryPlan {
    const { stepWeight, maxWeight } = options;
    if (!Number.isInteger(stepWeight) || stepWeight < 1 || stepWeight > 100) fail(problem('stepWeight', 'must be a whole number between 1 and 100', stepWeight));
    if (!Number.isInteger(maxWeight) || maxWeight < stepWeight || maxWeight > 100) {
      fail(problem('maxWeight', `must be a whole number between stepWeight (${stepWeight}) and 100`, maxWeight));
    }
    const weights: number[] = [];
    for (let w = stepWeight; w <= maxWeight; w += stepWeight) weights.push(w);
    if (weights[weights.length - 1] !== 100) weights.push(100);
    return new CanaryPlan(weights);
  }

  /** The canary weight of each stage (a copy). */
  public get weights(): number[] {
    return [...this._weights];
  }

  private readonly _weights: number[];

  private constructor(weights: number[]) {
    if (weights.length === 0) fail(problem('stages', 'must hold at least one stage', '[]', 'e.g. [10, 50, 100]'));
    for (const w of weights) {
      if (!Number.isInteger(w) || w < 0 || w > 100) fail(problem('stages', 'must be whole-number weights between 0 and 100', w));
    }
    const back = weights.findIndex((w, i) => i > 0 && w <= weights[i - 1]);
    if (back > 0) {
      fail(problem('stages', 'must increase from stage to stage', `${weights[back - 1]} then ${weights[back]}`,
        `order the stages by weight, each once: [${[...new Set(weights)].sort((a, b) => a - b).join(', ')}]`));
    }
    if (weights[weights.length - 1] !== 100) {
      fail(problem('stages', 'must end at 100 (the canary promoted)', weights[weights.length - 1], `append 100: [${[...weights, 100].join(', ')}]`));
    }
    this._weights = [...weights];
  }
}

/** Requests that go to the canary at every stage (A/B testing). */
export class CanaryOverride {
  /** Requests whose header matches. */
  public static header(match: HeaderMatch): CanaryOverride {
    return new CanaryOverride(HttpMatch.headers(match));
  }

  /** Requests carrying the cookie `name=value`. */
  public static cookie(name: string, value: string): CanaryOverride {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) fail(problem('cookie', 'must be a cookie name', name));
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new CanaryOverride(HttpMatch.headers(HeaderMatch.regex('cookie', `^(.*?;\\s*)?(${esc(name)}=${esc(value)})(;.*)?$`)));
  }

  private constructor(/** @internal */ public readonly _match: HttpMatch) {}
}

/** Route the rollout at an ingress gateway instead of inside the mesh. */
export interface CanaryIngressOptions {
  /** The gateway. */
  readonly gateway: IIngressGateway;
  /** The hosts; each must be served by the gateway. */
  readonly hosts: string[];
  /**
   * Bind only to the gateway's listener on this port (a TCP service's rollout binds to its TCP listener).
   * @default - every listener of the gateway that carries the service's protocol
   */
  readonly gatewayPort?: number;
}

/** Props of a {@link CanaryRelease}. */
export interface CanaryReleaseProps {
  /** The service being rolled out. */
  readonly service: MeshService;
  /** The version that serves traffic today. Under Linkerd, the service's Service then selects its pods only. */
  readonly stable: ServiceVersion;
  /** The version being rolled out. */
  readonly canary: ServiceVersion;
  /** The canary's weight at each stage. */
  readonly plan: CanaryPlan;

  /**
   * Emit only this stage (a weight of the plan), for a pipeline that applies one stage per run.
   * @default - every stage
   */
  readonly stage?: number;

  /**
   * Requests that go to the canary at every stage (A/B), e.g. a header or a cookie.
   * @default - none
   */
  readonly override?: CanaryOverride;

  /**
   * Mirror this share of the traffic to the canary (responses discarded) at every stage before 100.
   * @default - no mirroring
   */
  readonly mirrorPercentage?: number;

  /**
   * Sticky sessions: a consistent-hash load balancer written on each stage's DestinationRule.
   * Note that Istio hashes within a subset; a user stays on one version only through `override`.
   * @default - the service's load balancing
   */
  readonly stickySessions?: LoadBalancer;

  /**
   * Route at an ingress gateway.
   * @default - route inside the mesh (a VirtualService for the service's host)
   */
  readonly ingress?: CanaryIngressOptions;

  /**
   * The VirtualService name of every stage.
   * @default - the service name
   */
  readonly name?: string;

  /**
   * The service port to route to; in the mesh under the Gateway API and Linkerd, the stages' routes attach to it only
   * (a GRPCRoute when it is gRPC).
   * @default - as for any route: none in the mesh; the service's only port at a gateway
   */
  readonly port?: number;

  /**
   * What carries the stages out: files a pipeline applies one by one, an Argo Rollouts `Rollout` or a Flagger `Canary`
   * that shift the plan's weights themselves and roll back on a failed {@link CanaryReleaseProps.analysis}.
   * @default CanaryDriver.stagedFiles()
   */
  readonly driver?: CanaryDriver;

  /**
   * What the driver checks at each step before going on: the canary's success rate and latency from the mesh's metrics.
   * Only a self-driving driver (Argo Rollouts, Flagger) runs it.
   * @default - none: staged files are promoted by whoever applies the next stage
   */
  readonly analysis?: CanaryAnalysis;
}

/**
 * A progressive rollout that lives in Git: each stage of the plan, and the rollback (100% stable),
 * is synthesized as its own chart, so a pipeline applies stage N and a reviewer sees exactly what
 * changes. Under a {@link MeshApp} the files are `<id>.stage-<weight>.k8s.yaml` and `<id>.rollback.k8s.yaml`.
 *
 * Each stage holds the VirtualService with the stage's weights (after the A/B override, if any) and
 * the DestinationRule with the service's subsets (and sticky sessions, if asked); under the service's
 * TrafficApi.GATEWAY_API setting, an HTTPRoute with weighted per-version backends instead.
 *
 * Under Linkerd the service's own Service (in its chart, applied first) selects only the stable version's pods
 * (`version: <stable>` beside `app`), as Linkerd's traffic-shifting guide sets it up: until a stage's HTTPRoute is
 * applied, and for callers outside the mesh that no route reaches, traffic goes to the stable version alone; each stage's
 * route, attached to that Service, splits between the per-version Services.
 *
 * The stages and the rollback are alternatives of each other (`MeshChart.alternativeGroup`, the canary's construct
 * path): the synth-time analysis checks each with the charts applied with it, never with another stage.
 */
export class CanaryRelease extends Construct {
  /** The canary weight of every stage emitted. */
  public readonly stages: number[];
  /** The chart of each emitted stage, by canary weight (escape hatch). */
  public readonly stageCharts: Map<number, MeshChart> = new Map();
  /** The rollback chart (100% stable); undefined under a self-driving driver, which rolls back by itself. */
  public readonly rollbackChart?: MeshChart;
  /**
   * The route in the service's own chart that sends every request to the stable version until a stage is applied
   * (undefined under Linkerd, where the Service selects the stable version, for a canary at a gateway, and when the
   * service's chart routes it already). Escape hatch.
   */
  public readonly baseRouting?: ServiceRouting;

  public constructor(scope: Construct, id: string, private readonly props: CanaryReleaseProps) {
    // a canary writes charts of its own (one per stage): it may sit in the app itself
    super(...constructArgs('CanaryRelease', [scope, id, props], { needsChart: false }));
    const err = checkDnsLabel('id (the file name prefix)', id);
    if (err) failAt(this, err);
    const { service, stable, canary, plan } = props;
    service._requireWaypoint('a canary release', this);
    for (const [field, v] of [['stable', stable], ['canary', canary]] as const) {
      if (v.service !== service) {
        failAt(this, problem(field, `must be a version of service '${service.name}'`, `${v.service.name}/${v.subset}`, `use ${service.name}.version(...)`));
      }
    }
    if (stable === canary) {
      failAt(this, problem('canary', 'must differ from the stable version', canary.subset,
        `name the new version as canary (${service.name}.version('<new version>')), and the one serving now as stable`));
    }
    // Linkerd's traffic shifting (linkerd.io docs, tasks/traffic-shifting): the Service selects the stable version, and
    // each stage's route, attached to it, splits between per-version Services
    const backend = backendAt(service);
    if (backend.canary.stableBySelector && (props.driver?._model.kind ?? 'staged') === 'staged') service._selectOnly(stable, this);
    if (props.stage !== undefined && !plan.weights.includes(props.stage)) {
      failAt(this, problem('stage', 'must be one of the plan\'s stages', props.stage, `the plan has ${plan.weights.join(', ')}`));
    }
    // a plan of one stage at 100 sends every request to the new version at once, with nothing observed first: a
    // deploy, not a canary (issue 37). Refused here rather than reported by the analysis: the plan alone decides it,
    // so the construct can name its own path and field before anything is written, and no suppression can hide it
    if (plan.weights.length === 1) {
      failAt(this, problem('plan', 'must shift part of the traffic before all of it: a single stage at 100 sends every request to the canary at once (a deploy, not a canary)',
        `[${plan.weights.join(', ')}]`, 'add stages below 100, e.g. CanaryPlan.stages([10, 50, 100]); to switch every request at once, route to the new version with a ServiceRouting instead'));
    }
    if (props.mirrorPercentage !== undefined) checkPercent('mirrorPercentage', props.mirrorPercentage);
    if (props.stickySessions) refuse(this, backend.canary.stickySessionsProblem());
    if (props.stickySessions && !props.stickySessions._model.consistentHash) {
      failAt(this, problem('stickySessions', 'must be a consistent-hash load balancer', props.stickySessions._model.simple ?? 'other',
        'use LoadBalancer.consistentHashByCookie(), ByHeader() or BySourceIp()'));
    }
    if (this.tcp) {
      for (const field of ['override', 'mirrorPercentage', 'stickySessions'] as const) {
        if (props[field] !== undefined) {
          failAt(this, problem(field, `cannot be used in the rollout of a TCP service: it is an HTTP feature (${service.name} is routed by TCP routes)`, field,
            'remove it: a TCP rollout shifts connections by weight'));
        }
      }
    }
    const driver = props.driver?._model ?? CanaryDriver.stagedFiles()._model;
    if (driver.kind !== 'staged') {
      this.stages = plan.weights;
      if (driver.kind === 'argo-rollouts') applyArgoRollouts(this, props, driver.argo);
      else applyFlagger(this, props, driver.flagger);
      return;
    }
    if (props.analysis !== undefined) {
      failAt(this, problem('analysis', 'is run only by a self-driving driver: staged files are promoted by whoever applies the next stage, and nothing would read it',
        'CanaryAnalysis.meshMetrics(...)', 'give driver: CanaryDriver.argoRollouts() or CanaryDriver.flagger(), or remove analysis'));
    }
    this.stages = props.stage !== undefined ? [props.stage] : plan.weights;
    for (const w of this.stages) {
      this.stageCharts.set(w, this.stageChart(`Stage${w}`, `${id}.stage-${w}`, w, true));
    }
    const rollbackChart = this.stageChart('Rollback', `${id}.rollback`, 0, false);
    this.rollbackChart = rollbackChart;
    this.baseRouting = this.baseRoute(id);
    // gateway routes to the whole service carry its routes: each stage file carries them with the stage's routes, so
    // applying a stage moves gateway traffic too (the base file's gateway route carries the base's: every request to
    // stable). Under ambient the waypoint applies the stage's routes to ingress traffic itself.
    if (!props.ingress && !backend.canary.stableBySelector && !ambientAt(service)) {
      service._onGatewayRoute(route => {
        if (!(route instanceof IngressGatewayRoute)) return;
        const mirrorId = `Gateway-${route.node.path.replace(/\//g, '--')}`;
        for (const chart of [...this.stageCharts.values(), rollbackChart]) route._mirrorInto(chart, mirrorId);
      });
    }
  }

  /**
   * The route the service's own file carries until a stage is applied: every request to the stable version. Without it
   * the Service spreads requests over every version's pods (the canary's too) from the moment the base is applied —
   * what the data-plane model found. A stage's route has the same kind, name and namespace, so applying a stage file
   * replaces it, and the rollback file restores it. Under Linkerd the Service itself selects the stable version instead;
   * a canary at a gateway (`ingress`) leaves the service's mesh traffic alone; a service with routes of its own in its
   * chart keeps them (they say where its requests go).
   */
  private baseRoute(id: string): ServiceRouting | undefined {
    const { service, stable } = this.props;
    if (this.props.ingress || backendAt(service).canary.stableBySelector) return undefined;
    const chart = Chart.of(service);
    if (carriedRoutingOf(service, chart) !== undefined) return undefined;
    const forward = { port: this.props.port };
    const routes: HttpRouteOptions[] = [{ name: 'canary-stable', action: RouteAction.forward(stable, forward) }];
    const byKind = this.tcp ? { tcpRoutes: routes.map(r => ({ action: r.action })) } : { routes };
    return new ServiceRouting(chart, `${id}-base`, { service, name: this.props.name ?? service.name, ...byKind });
  }

  /** Whether the routed port (the one given, else every port of the service) carries opaque TCP. */
  private get tcp(): boolean {
    const ports = this.props.service.ports.filter(p => this.props.port === undefined || p.port === this.props.port);
    return ports.length > 0 && ports.every(p => TCP_PROTOCOLS.includes(p.protocol ?? Protocol.HTTP));
  }

  private stageChart(chartId: string, fileName: string, weight: number, extras: boolean): MeshChart {
    const { service, stable, canary } = this.props;
    const settings = MeshSettings.of(service);
    const chart = new MeshChart(this, chartId, {
      fileName,
      // the stages and the rollback are applied one at a time over the service's own file: the analysis checks each
      // with that file (the base), never two stages together
      alternativeGroup: this.node.path,
      mesh: settings.mesh,
      istioApiVersion: settings.istioApiVersion,
      trafficApi: settings.trafficApi,
      dataPlane: settings.dataPlane,
      autoWaypoints: settings.autoWaypoints,
      linkerdVersion: settings.linkerdVersion,
    });
    const forward = { port: this.props.port };
    const routes: HttpRouteOptions[] = [];
    if (extras && this.props.override) {
      routes.push({ name: 'canary-override', match: [this.props.override._match], action: RouteAction.forward(canary, forward) });
    }
    routes.push({
      name: 'canary-split',
      action: RouteAction.weightedForward([{ target: stable, weight: 100 - weight }, { target: canary, weight }], forward),
      mirror: extras && weight < 100 && this.props.mirrorPercentage !== undefined
        ? { target: canary, percentage: this.props.mirrorPercentage }
        : undefined,
    });
    const name = this.props.name ?? service.name;
    const ingress = this.props.ingress;
    // a TCP service's stages shift connections: the same weights, as TCP routes
    const byKind = this.tcp ? { tcpRoutes: routes.map(r => ({ action: r.action })) } : { routes };
    if (ingress) {
      const namespace = service.namespace !== undefined ? { name: service.namespace } : undefined;
      new IngressGatewayRoute(chart, 'Route', { name, gateway: ingress.gateway, hosts: ingress.hosts, namespace, gatewayPort: ingress.gatewayPort, ...byKind });
    } else {
      // under Linkerd the Service selects the stable version alone: the stable share goes to it, as Linkerd's
      // traffic-shifting task writes it (backendRefs bb and bb-v2)
      new ServiceRouting(chart, 'Routing', { service, name, port: this.props.port, ...byKind })._sendSelectedVersionToService();
    }
    if (!backendAt(chart).versionServices) this.destinationRule(chart);
    return chart;
  }

  private destinationRule(chart: MeshChart): ApiObject {
    const sticky = this.props.stickySessions?._model;
    const service = this.props.service;
    const identity = { apiVersion: istioNetworking(chart), kind: 'DestinationRule', name: service.model().destinationRuleName, namespace: service.namespace, body: ['spec'] };
    return emit(chart, 'DestinationRule', identity, () => {
      const model = this.props.service.model();
      const withSticky = sticky ? { ...model, trafficPolicy: { ...model.trafficPolicy, loadBalancer: sticky } } : model;
      return renderDestinationRule(withSticky, renderContextOf(chart));
    });
  }
}
