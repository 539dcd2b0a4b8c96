/**
 * Argo Rollouts' objects of a self-driving canary (issue 35): the `Rollout`, the `AnalysisTemplate` of the mesh's own
 * metrics, and the routing objects Argo edits in place (an Istio VirtualService and DestinationRule, or, through the
 * `argoproj-labs/gatewayAPI` traffic-router plugin, an HTTPRoute and the stable and canary Services). Plain data, typed
 * from `lib/imports/argoproj.io.ts` (types only).
 *
 * @module
 */
import {
  AnalysisTemplateSpec,
  AnalysisTemplateSpecMetrics,
  RolloutSpec,
  RolloutSpecStrategyCanary,
  RolloutSpecStrategyCanaryAnalysis,
  RolloutSpecStrategyCanarySteps,
  RolloutSpecStrategyCanaryTrafficRouting,
} from '../../imports/argoproj.io';
import { VirtualServiceSpec } from '../../imports/networking.istio.io';
import { autoscalerSpec, disruptionBudgetSpec } from '../kubernetes/scaling';
import { metadataOf } from '../metadata';
import { AutoscalingModel, DisruptionBudgetModel, Manifest, StringMatchModel } from '../model';

/** The name of the VirtualService route (and the HTTPRoute's only rule) whose weights Argo sets at each step. */
export const ARGO_SPLIT_ROUTE = 'canary-split';
/** The managed route Argo's `setHeaderRoute` step adds before the split (the canary's override). */
export const ARGO_HEADER_ROUTE = 'canary-override';
/** The managed route Argo's `setMirrorRoute` step adds (the canary's mirrored share). */
export const ARGO_MIRROR_ROUTE = 'canary-mirror';
/** The DestinationRule subsets (or the Services' suffixes) Argo points at the stable and canary ReplicaSets. */
export const ARGO_STABLE = 'stable';
export const ARGO_CANARY = 'canary';
/** The traffic-router plugin of the Gateway API, as Argo's `argo-rollouts-config` ConfigMap registers it. */
export const ARGO_GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** A pause between steps: for a time, or until someone promotes the rollout (`kubectl argo rollouts promote`). */
export type ArgoPauseModel = { readonly duration: string } | { readonly indefinite: true };

/** Where Argo shifts the traffic. */
export type ArgoRouterModel =
  | {
    readonly kind: 'istio';
    readonly virtualService: string;
    readonly destinationRule: string;
  }
  | {
    readonly kind: 'gateway-api';
    readonly plugin: string;
    readonly httpRoute: string;
    readonly namespace?: string;
    readonly stableService: string;
    readonly canaryService: string;
  };

/** The Rollout, as the intent decided it. */
export interface ArgoRolloutModel {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: { readonly [key: string]: string };
  /** Pods the Rollout runs (undefined: Argo's default, 1). */
  readonly replicas?: number;
  /** The selector of every revision's pods (the service's `app`; Argo adds `rollouts-pod-template-hash`). */
  readonly selector: { readonly [key: string]: string };
  /** The pod template (the canary version's), when the Rollout holds it. */
  readonly template?: { readonly [key: string]: unknown };
  /** The Deployment the Rollout takes its template from, when it references one. */
  readonly workloadRef?: { readonly name: string; readonly scaleDown: string };
  /** The canary weights of the plan before promotion (the last stage, 100, is the end of the steps). */
  readonly weights: readonly number[];
  readonly pause: ArgoPauseModel;
  readonly router: ArgoRouterModel;
  /** The canary's override: header matches of Argo's `setHeaderRoute`. */
  readonly headerRoute?: ReadonlyArray<{ readonly headerName: string; readonly value: StringMatchModel }>;
  /** The share mirrored to the canary (Argo's `setMirrorRoute`, Istio only). */
  readonly mirrorPercentage?: number;
  readonly analysis?: { readonly template: string; readonly args: ReadonlyArray<{ readonly name: string; readonly value: string }> };
  readonly dynamicStableScale?: boolean;
  readonly abortScaleDownDelaySeconds?: number;
}

/** The mesh-metrics AnalysisTemplate. */
export interface ArgoAnalysisModel {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: { readonly [key: string]: string };
  /** The Prometheus address. */
  readonly address: string;
  /** Whose metrics: Istio's (`istio_requests_total`...) or Linkerd's (`response_total`...). */
  readonly mesh: 'istio' | 'linkerd';
  /** Under Istio, whose proxies report the metrics: the sidecars (`destination`), the waypoints under ambient (`waypoint`). */
  readonly reporter: 'destination' | 'waypoint';
  /** The success rate below which a check fails, as a fraction (0.99). */
  readonly minSuccessRate: number;
  /** The p99 latency above which a check fails, in milliseconds. */
  readonly maxLatencyMs: number;
  /** The interval between checks, and the window each query reads (`1m`). */
  readonly interval: string;
  /** Argo's failureLimit: the failed measurements tolerated (one fewer than the checks that abort). */
  readonly failureLimit: number;
  readonly loadTestUrl?: string;
}

/** The AnalysisTemplate's arguments, given by the Rollout: what the mesh's metrics tell the canary's pods by. */
export function analysisArgs(mesh: 'istio' | 'linkerd'): ReadonlyArray<'service' | 'app' | 'namespace' | 'canary-version'> {
  return mesh === 'istio' ? ['service', 'namespace', 'canary-version'] : ['app', 'namespace', 'canary-version'];
}

type PauseStep = { readonly duration?: string };
type Step = Omit<RolloutSpecStrategyCanarySteps, 'pause'> & { readonly pause?: PauseStep };
type TrafficRouting = Omit<RolloutSpecStrategyCanaryTrafficRouting, 'plugins'> & { readonly plugins?: { readonly [plugin: string]: unknown } };
type Canary = Omit<RolloutSpecStrategyCanary, 'steps' | 'trafficRouting' | 'analysis' | 'maxSurge' | 'maxUnavailable'> & {
  readonly steps: Step[];
  readonly trafficRouting: TrafficRouting;
  readonly analysis?: RolloutSpecStrategyCanaryAnalysis;
};
type Spec = Omit<RolloutSpec, 'template' | 'strategy' | 'selector'> & {
  readonly selector: { readonly matchLabels: { [key: string]: string } };
  readonly template?: { readonly [key: string]: unknown };
  readonly strategy: { readonly canary: Canary };
};

/** Argo's header value: exactly one of exact, prefix, regex (argo-rollouts `pkg/apis/rollouts/validation`, hasMultipleMatchValues). */
function headerValueOf(m: StringMatchModel): { exact?: string; prefix?: string; regex?: string } {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  return { regex: m.regex };
}

/**
 * The steps of the plan: the managed routes first (the override's header route, the mirror), then for each stage below
 * 100 a `setWeight` and a pause; the end of the steps is the promotion (argo-rollouts `docs/features/canary.md`: after
 * the last step the canary becomes the stable). Argo removes the managed routes itself when the rollout completes or
 * aborts (`rollout/trafficrouting.go`, reconcileTrafficRouting: RemoveManagedRoutes).
 */
function argoSteps(m: ArgoRolloutModel): Step[] {
  const steps: Step[] = [];
  if (m.headerRoute) {
    steps.push({
      setHeaderRoute: {
        name: ARGO_HEADER_ROUTE,
        match: m.headerRoute.map(h => ({ headerName: h.headerName, headerValue: headerValueOf(h.value) })),
      },
    });
  }
  if (m.mirrorPercentage !== undefined) {
    steps.push({ setMirrorRoute: { name: ARGO_MIRROR_ROUTE, percentage: m.mirrorPercentage, match: [{ path: { prefix: '/' } }] } });
  }
  for (const w of m.weights) {
    steps.push({ setWeight: w });
    steps.push({ pause: 'duration' in m.pause ? { duration: m.pause.duration } : {} });
  }
  return steps;
}

function trafficRoutingOf(m: ArgoRolloutModel): TrafficRouting {
  const managed = [
    ...(m.headerRoute ? [{ name: ARGO_HEADER_ROUTE }] : []),
    ...(m.mirrorPercentage !== undefined ? [{ name: ARGO_MIRROR_ROUTE }] : []),
  ];
  const r = m.router;
  if (r.kind === 'istio') {
    return {
      managedRoutes: managed.length > 0 ? managed : undefined,
      istio: {
        virtualService: { name: r.virtualService, routes: [ARGO_SPLIT_ROUTE] },
        destinationRule: { name: r.destinationRule, canarySubsetName: ARGO_CANARY, stableSubsetName: ARGO_STABLE },
      },
    };
  }
  // the plugin's configuration (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi pkg/plugin/types.go,
  // GatewayAPITrafficRouting): `httpRoutes` with `useHeaderRoutes`, so that setHeaderRoute reaches the route
  return {
    managedRoutes: managed.length > 0 ? managed : undefined,
    plugins: {
      [r.plugin]: {
        httpRoutes: [{ name: r.httpRoute, useHeaderRoutes: m.headerRoute ? true : undefined }],
        namespace: r.namespace,
      },
    },
  };
}

/** Renders the Rollout. */
export function renderRollout(m: ArgoRolloutModel): Manifest {
  const analysis: RolloutSpecStrategyCanaryAnalysis | undefined = m.analysis
    ? {
      templates: [{ templateName: m.analysis.template }],
      // the background analysis starts with the first weight (after the managed routes are set)
      startingStep: (m.headerRoute ? 1 : 0) + (m.mirrorPercentage !== undefined ? 1 : 0),
      args: m.analysis.args.map(a => ({ name: a.name, value: a.value })),
    }
    : undefined;
  const canary: Canary = {
    canaryService: m.router.kind === 'gateway-api' ? m.router.canaryService : undefined,
    stableService: m.router.kind === 'gateway-api' ? m.router.stableService : undefined,
    dynamicStableScale: m.dynamicStableScale,
    abortScaleDownDelaySeconds: m.abortScaleDownDelaySeconds,
    trafficRouting: trafficRoutingOf(m),
    analysis,
    steps: argoSteps(m),
  };
  const spec: Spec = {
    replicas: m.replicas,
    selector: { matchLabels: { ...m.selector } },
    template: m.template,
    workloadRef: m.workloadRef ? { apiVersion: 'apps/v1', kind: 'Deployment', name: m.workloadRef.name, scaleDown: m.workloadRef.scaleDown } : undefined,
    strategy: { canary },
  };
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: metadataOf(m.name, m.namespace, { ...m.labels }), spec };
}

/** Istio's request metrics of the canary's pods, as its proxies label them (istio.io docs `reference/config/metrics`). */
function istioSelector(m: ArgoAnalysisModel, extra = ''): string {
  return `reporter="${m.reporter}",destination_service_name="{{args.service}}",destination_service_namespace="{{args.namespace}}",`
    + `destination_version="{{args.canary-version}}"${extra}`;
}

/**
 * Istio's success rate of the canary: requests not answered 5xx over all requests, over one interval. The canary's
 * pods are told apart by `destination_version`, the pods' `version` label (istio/istio `pkg/kube/labels`, the canonical
 * revision), since Argo's stable and canary pods belong to one workload.
 */
export function istioSuccessRateQuery(m: ArgoAnalysisModel): string {
  const window = `[${m.interval}]`;
  return `sum(rate(istio_requests_total{${istioSelector(m, ',response_code!~"5.*"')}}${window})) / sum(rate(istio_requests_total{${istioSelector(m)}}${window}))`;
}

/** Istio's 99th-percentile request latency of the canary, in milliseconds, over one interval. */
export function istioLatencyQuery(m: ArgoAnalysisModel): string {
  return `histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{${istioSelector(m)}}[${m.interval}])) by (le))`;
}

/**
 * Linkerd's inbound metrics of the canary's pods (linkerd.io docs `reference/proxy-metrics`): the proxies' own labels
 * (`direction`, `classification`) and the pods' labels, which the Prometheus of the add-ons (as linkerd-viz's) copies
 * onto every series (`labelmap __meta_kubernetes_pod_label_(.+)`): `app` and the canary's `version`.
 */
function linkerdSelector(extra = ''): string {
  return `direction="inbound",namespace="{{args.namespace}}",app="{{args.app}}",version="{{args.canary-version}}"${extra}`;
}

/** Linkerd's success rate of the canary: responses not classified `failure` (5xx, gRPC errors) over all, over one interval. */
export function linkerdSuccessRateQuery(m: ArgoAnalysisModel): string {
  const window = `[${m.interval}]`;
  return `sum(rate(response_total{${linkerdSelector(',classification!="failure"')}}${window})) / sum(rate(response_total{${linkerdSelector()}}${window}))`;
}

/** Linkerd's 99th-percentile response latency of the canary, in milliseconds, over one interval. */
export function linkerdLatencyQuery(m: ArgoAnalysisModel): string {
  return `histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{${linkerdSelector()}}[${m.interval}])) by (le))`;
}

type Metric = Omit<AnalysisTemplateSpecMetrics, 'failureLimit'> & { readonly failureLimit?: number };

/**
 * Renders the AnalysisTemplate: the canary's success rate and p99 latency from Prometheus, checked every interval; a
 * failed check beyond `failureLimit` aborts the rollout (argo-rollouts `docs/features/analysis.md`: the run fails when
 * the failed measurements exceed failureLimit). No data (no request reached the canary) is a failed check too: the
 * condition reads `result[0]`, which is NaN for 0/0, as Argo's Istio example writes it. With a load test, a `web`
 * metric calls its URL at every interval, so the canary has traffic to be judged on.
 */
export function renderAnalysisTemplate(m: ArgoAnalysisModel): Manifest {
  const common = { interval: m.interval, failureLimit: m.failureLimit };
  const metrics: Metric[] = [
    {
      name: 'success-rate',
      ...common,
      successCondition: `result[0] >= ${m.minSuccessRate}`,
      provider: { prometheus: { address: m.address, query: m.mesh === 'istio' ? istioSuccessRateQuery(m) : linkerdSuccessRateQuery(m) } },
    },
    {
      name: 'latency',
      ...common,
      successCondition: `result[0] <= ${m.maxLatencyMs}`,
      provider: { prometheus: { address: m.address, query: m.mesh === 'istio' ? istioLatencyQuery(m) : linkerdLatencyQuery(m) } },
    },
  ];
  if (m.loadTestUrl !== undefined) {
    metrics.unshift({ name: 'load-test', interval: m.interval, failureLimit: m.failureLimit, provider: { web: { url: m.loadTestUrl, timeoutSeconds: 30 } } });
  }
  const spec: Omit<AnalysisTemplateSpec, 'metrics'> & { readonly metrics: Metric[] } = {
    args: analysisArgs(m.mesh).map(name => ({ name })),
    metrics,
  };
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: metadataOf(m.name, m.namespace, { ...m.labels }), spec };
}

/** The routing Argo edits in place: the split route between the stable and canary subsets, every request to stable. */
export interface ArgoIstioRoutingModel {
  readonly name: string;
  readonly namespace?: string;
  /** The VirtualService's hosts (the service's host, or the gateway's hosts). */
  readonly hosts: readonly string[];
  /** Gateways as the VirtualService names them (empty: the mesh). */
  readonly gateways: readonly string[];
  /** The host of the destinations (the service's). */
  readonly host: string;
  readonly port?: number;
}

/**
 * The VirtualService of the Rollout: one route, `canary-split`, to the `stable` (100) and `canary` (0) subsets: the
 * route Argo's `virtualService.routes` names (argo-rollouts `rollout/trafficrouting/istio/istio.go`, ValidateHTTPRoutes:
 * "HTTP Route '…' is not found in the defined Virtual Service", and exactly the two subsets in it).
 */
export function renderArgoVirtualService(m: ArgoIstioRoutingModel, apiVersion: string): Manifest {
  const port = m.port !== undefined ? { number: m.port } : undefined;
  const spec: VirtualServiceSpec = {
    hosts: [...m.hosts],
    gateways: m.gateways.length > 0 ? [...m.gateways] : undefined,
    http: [{
      name: ARGO_SPLIT_ROUTE,
      route: [
        { destination: { host: m.host, subset: ARGO_STABLE, port }, weight: 100 },
        { destination: { host: m.host, subset: ARGO_CANARY, port }, weight: 0 },
      ],
    }],
  };
  return { apiVersion, kind: 'VirtualService', metadata: metadataOf(m.name, m.namespace), spec };
}

/**
 * The service's DestinationRule with the subsets Argo points at ReplicaSets: `stable` and `canary`, each selecting the
 * Rollout's pods by the service's labels; Argo adds `rollouts-pod-template-hash` to each (argo-rollouts
 * `docs/features/traffic-management/istio.md`, Subset-level Traffic Splitting). The version subsets (`version: v1`)
 * would select nothing once the canary is promoted.
 */
export function argoSubsets(selector: { readonly [key: string]: string }): Array<{ name: string; labels: { [key: string]: string } }> {
  return [ARGO_STABLE, ARGO_CANARY].map(name => ({ name, labels: { ...selector } }));
}

/** The HTTPRoute of the Rollout under the Gateway API: one rule, to the stable (100) and canary (0) Services. */
export interface ArgoHttpRouteModel {
  readonly name: string;
  readonly namespace?: string;
  /** The parents: the service (GAMMA, on its port), or the gateways. */
  readonly parentRefs: ReadonlyArray<{
    readonly group?: string; readonly kind?: string; readonly name: string; readonly namespace?: string; readonly port?: number;
  }>;
  readonly hostnames?: readonly string[];
  readonly stableService: string;
  readonly canaryService: string;
  readonly port?: number;
}

/**
 * One rule, to the stable and canary Services: the plugin sets the weights of the backendRefs that name them in every
 * rule, and adds its header routes as rules of their own (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi
 * `pkg/plugin/httproute.go`). Its releases before the fix of its issue #207 added the header route for the first rule
 * only; a route of one rule has no other rule a header route could miss, whichever release runs.
 */
export function renderArgoHttpRoute(m: ArgoHttpRouteModel): Manifest {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: metadataOf(m.name, m.namespace),
    spec: {
      parentRefs: m.parentRefs.map(p => ({ ...p })),
      hostnames: m.hostnames ? [...m.hostnames] : undefined,
      // no rule name (GEP-995): Linkerd 2.20 reads the Gateway API v1.2.1 standard channel, and ignores a route with newer fields
      rules: [{
        backendRefs: [
          { name: m.stableService, port: m.port, weight: 100 },
          { name: m.canaryService, port: m.port, weight: 0 },
        ],
      }],
    },
  };
}

/**
 * The stable or canary Service of the Gateway API plugin: the service's ports, selecting the Rollout's pods by the
 * service's labels; Argo adds `rollouts-pod-template-hash` to the selector (argo-rollouts
 * `docs/features/traffic-management/index.md`: the canary and stable Services).
 */
export function renderArgoRoleService(base: Manifest, name: string): Manifest {
  const spec = (base.spec ?? {}) as { [key: string]: unknown };
  const { type: _type, externalTrafficPolicy: _e, loadBalancerSourceRanges: _l, loadBalancerClass: _c, ...rest } = spec;
  return { apiVersion: 'v1', kind: 'Service', metadata: metadataOf(name, base.metadata.namespace), spec: rest };
}

/** The HorizontalPodAutoscaler of the Rollout: the canary version's, scaling the Rollout (argo-rollouts docs/features/hpa-support.md). */
export function renderRolloutAutoscaler(name: string, namespace: string | undefined, labels: { readonly [key: string]: string },
  a: AutoscalingModel): Manifest {
  const spec = autoscalerSpec(name, a);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadataOf(name, namespace, { ...labels }),
    spec: { ...spec, scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name } },
  };
}

/** The PodDisruptionBudget of the Rollout's pods (every revision's: they share the service's labels). */
export function renderRolloutDisruptionBudget(name: string, namespace: string | undefined, selector: { readonly [key: string]: string },
  b: DisruptionBudgetModel): Manifest {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: metadataOf(name, namespace, { ...selector }), spec: disruptionBudgetSpec(selector, b) };
}
