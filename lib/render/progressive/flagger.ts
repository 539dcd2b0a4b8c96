/**
 * Flagger's objects as plain data: the `Canary` that drives a {@link CanaryRelease} and the `MetricTemplate`s of its
 * analysis, typed from the pinned CRDs (`lib/imports/flagger.app.ts`, types only).
 *
 * @module
 */
import type {
  CanarySpec, CanarySpecAnalysis, CanarySpecAnalysisMatch, CanarySpecAnalysisMetrics, CanarySpecAnalysisWebhooks,
  CanarySpecAnalysisWebhooksType, CanarySpecAutoscalerRefKind, CanarySpecProvider, CanarySpecService, CanarySpecServiceTrafficPolicy,
  CanarySpecTargetRefKind, MetricTemplateSpec, MetricTemplateSpecProviderType,
} from '../../imports/flagger.app';
import { metadataOf } from '../metadata';
import { Manifest, MatchModel } from '../model';
import { enumValue } from '../wire-values';

/** Flagger's providers mesh-kit writes (Flagger's `spec.provider`: pkg/apis/flagger/v1beta1/canary.go). */
export type FlaggerProviderName = 'istio' | 'gatewayapi:v1' | 'gatewayapi:v1beta1' | 'linkerd';

// the generated CRD types are types only: the published package leaves lib/imports out (their values never load)
const PROVIDERS: { readonly [P in FlaggerProviderName]: CanarySpecProvider } = {
  'istio': enumValue<CanarySpecProvider>('istio'),
  'gatewayapi:v1': enumValue<CanarySpecProvider>('gatewayapi:v1'),
  'gatewayapi:v1beta1': enumValue<CanarySpecProvider>('gatewayapi:v1beta1'),
  'linkerd': enumValue<CanarySpecProvider>('linkerd'),
};

/** Whose proxies report the request metrics the analysis reads, and how they label them. */
export type MeshMetricsDialect = 'istio-sidecar' | 'istio-ambient' | 'linkerd';

/** How the canary's weight grows, from the plan. */
export type FlaggerSteps =
  | { readonly kind: 'linear'; readonly stepWeight: number; readonly maxWeight: number }
  | { readonly kind: 'weights'; readonly stepWeights: readonly number[] }
  | { readonly kind: 'ab'; readonly iterations: number; readonly match: readonly MatchModel[] };

/** The analysis's thresholds, from `CanaryAnalysis.meshMetrics`. */
export interface FlaggerMetricsModel {
  /** Prometheus's address (`http://prometheus.istio-system:9090`). */
  readonly address: string;
  readonly minSuccessRate: number;
  readonly maxLatencyMillis: number;
  /** The window each query reads, a Go duration (`1m`). */
  readonly window: string;
  /** Flagger's built-in `request-success-rate`/`request-duration`, read from `spec.metricsServer`; else MetricTemplates. */
  readonly builtIn: boolean;
  readonly dialect: MeshMetricsDialect;
}

/** A Flagger Canary as model data. */
export interface FlaggerCanaryModel {
  readonly name: string;
  readonly namespace?: string;
  readonly provider: FlaggerProviderName;
  /** The Deployment Flagger targets. */
  readonly target: string;
  /** The target's HorizontalPodAutoscaler, and the replicas of the primary's copy of it. */
  readonly autoscaler?: { readonly name: string; readonly primaryMinReplicas?: number; readonly primaryMaxReplicas?: number };
  readonly progressDeadlineSeconds?: number;
  readonly skipAnalysis?: boolean;
  readonly revertOnDeletion?: boolean;
  readonly service: {
    readonly port: number;
    readonly portName: string;
    readonly targetPort?: number;
    readonly appProtocol?: string;
    /** Under Istio, at an ingress gateway: the gateways (`<namespace>/<name>`) and hosts Flagger's VirtualService binds to. */
    readonly gateways?: readonly string[];
    readonly hosts?: readonly string[];
    /** Under the Gateway API: the route's parents (the Service itself for routing in the mesh, GAMMA). */
    readonly gatewayRefs?: ReadonlyArray<{
      readonly name: string; readonly namespace?: string; readonly group?: string; readonly kind?: string; readonly port?: number;
    }>;
    /**
     * Under Istio: the traffic policy of the DestinationRules Flagger writes for the primary and canary hosts (Istio's
     * TrafficPolicy on the wire, as {@link canaryTrafficPolicyOf} takes it from the service's DestinationRule).
     */
    readonly trafficPolicy?: { readonly [field: string]: unknown };
  };
  readonly analysis: {
    /** Go duration (`1m`). */
    readonly interval: string;
    readonly threshold: number;
    readonly steps: FlaggerSteps;
    readonly metrics: FlaggerMetricsModel;
    readonly loadTest?: { readonly url: string; readonly cmd: string };
  };
}

/** The MetricTemplate names of a canary, by metric. */
export function metricTemplateNames(canary: string): { readonly successRate: string; readonly latency: string } {
  return { successRate: `${canary}-success-rate`, latency: `${canary}-latency` };
}

/**
 * The success-rate and p99-latency queries of a mesh's proxies, as Flagger's templates write them (`{{ namespace }}`,
 * `{{ target }}`, `{{ interval }}` filled by Flagger: pkg/metrics/observers/render.go). Istio's sidecars report at the
 * destination (`reporter="destination"`, `destination_workload`, `destination_workload_namespace`, `response_code`:
 * Flagger's own pkg/metrics/observers/istio.go); under ambient the waypoint reports the L7 metrics
 * (`reporter="waypoint"`, as Kiali's ambient graph queries it); Linkerd's proxies label inbound responses with
 * `deployment`, `namespace`, `direction="inbound"` and `classification` (pkg/metrics/observers/linkerd.go and Flagger's
 * Linkerd tutorial, docs/gitbook/tutorials/linkerd-progressive-delivery.md).
 */
export function meshMetricQueries(dialect: MeshMetricsDialect): { readonly successRate: string; readonly latency: string } {
  if (dialect === 'linkerd') {
    const sel = 'namespace="{{ namespace }}", deployment="{{ target }}", direction="inbound"';
    return {
      successRate: `sum(rate(response_total{${sel}, classification!="failure"}[{{ interval }}])) / sum(rate(response_total{${sel}}[{{ interval }}])) * 100`,
      latency: `histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{${sel}}[{{ interval }}])) by (le))`,
    };
  }
  const reporter = dialect === 'istio-ambient' ? 'waypoint' : 'destination';
  const sel = `reporter="${reporter}", destination_workload_namespace="{{ namespace }}", destination_workload="{{ target }}"`;
  return {
    successRate: `sum(rate(istio_requests_total{${sel}, response_code!~"5.*"}[{{ interval }}])) / sum(rate(istio_requests_total{${sel}}[{{ interval }}])) * 100`,
    latency: `histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{${sel}}[{{ interval }}])) by (le))`,
  };
}

/** The MetricTemplates a canary's analysis reads (none with Flagger's built-in metrics). */
export function renderMetricTemplates(m: FlaggerCanaryModel): Manifest[] {
  const metrics = m.analysis.metrics;
  if (metrics.builtIn) return [];
  const names = metricTemplateNames(m.name);
  const queries = meshMetricQueries(metrics.dialect);
  const template = (name: string, query: string): Manifest => {
    const spec: MetricTemplateSpec = { provider: { type: enumValue<MetricTemplateSpecProviderType>('prometheus'), address: metrics.address }, query };
    return { apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate', metadata: metadataOf(name, m.namespace), spec };
  };
  return [template(names.successRate, queries.successRate), template(names.latency, queries.latency)];
}

/** The Canary: its target, the Service it makes, the steps, the metrics and the load test. */
export function renderCanary(m: FlaggerCanaryModel): Manifest {
  const spec: CanarySpec = {
    provider: PROVIDERS[m.provider],
    ...(m.analysis.metrics.builtIn ? { metricsServer: m.analysis.metrics.address } : {}),
    targetRef: { apiVersion: 'apps/v1', kind: enumValue<CanarySpecTargetRefKind>('Deployment'), name: m.target },
    ...(m.autoscaler ? {
      autoscalerRef: {
        apiVersion: 'autoscaling/v2',
        kind: enumValue<CanarySpecAutoscalerRefKind>('HorizontalPodAutoscaler'),
        name: m.autoscaler.name,
        ...(m.autoscaler.primaryMinReplicas !== undefined || m.autoscaler.primaryMaxReplicas !== undefined ? {
          primaryScalerReplicas: {
            ...(m.autoscaler.primaryMinReplicas !== undefined ? { minReplicas: m.autoscaler.primaryMinReplicas } : {}),
            ...(m.autoscaler.primaryMaxReplicas !== undefined ? { maxReplicas: m.autoscaler.primaryMaxReplicas } : {}),
          },
        } : {}),
      },
    } : {}),
    ...(m.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: m.progressDeadlineSeconds } : {}),
    ...(m.skipAnalysis ? { skipAnalysis: true } : {}),
    ...(m.revertOnDeletion ? { revertOnDeletion: true } : {}),
    service: serviceOf(m),
    analysis: analysisOf(m),
  };
  return { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: metadataOf(m.name, m.namespace), spec };
}

function serviceOf(m: FlaggerCanaryModel): CanarySpecService {
  const s = m.service;
  return {
    port: s.port,
    portName: s.portName,
    ...(s.targetPort !== undefined ? { targetPort: s.targetPort } : {}),
    ...(s.appProtocol !== undefined ? { appProtocol: s.appProtocol } : {}),
    ...(s.gateways ? { gateways: [...s.gateways] } : {}),
    ...(s.hosts ? { hosts: [...s.hosts] } : {}),
    ...(s.gatewayRefs ? { gatewayRefs: s.gatewayRefs.map(r => ({ ...r })) } : {}),
    // Istio's TrafficPolicy, which flagger.app's CanarySpecServiceTrafficPolicy mirrors field for field
    ...(s.trafficPolicy ? { trafficPolicy: s.trafficPolicy as CanarySpecServiceTrafficPolicy } : {}),
  };
}

function analysisOf(m: FlaggerCanaryModel): CanarySpecAnalysis {
  const a = m.analysis;
  const steps = a.steps;
  const stepFields: Partial<CanarySpecAnalysis> = steps.kind === 'linear' ? { stepWeight: steps.stepWeight, maxWeight: steps.maxWeight }
    : steps.kind === 'weights' ? { stepWeights: [...steps.stepWeights] }
      : { iterations: steps.iterations, match: steps.match.map(matchOf) };
  return {
    interval: a.interval,
    threshold: a.threshold,
    ...stepFields,
    metrics: metricsOf(m),
    ...(a.loadTest ? { webhooks: [loadTestOf(a.loadTest)] } : {}),
  };
}

/** The metrics of the analysis: Flagger's built-ins, or the MetricTemplates of {@link renderMetricTemplates}. */
function metricsOf(m: FlaggerCanaryModel): CanarySpecAnalysisMetrics[] {
  const x = m.analysis.metrics;
  if (x.builtIn) {
    return [
      { name: 'request-success-rate', interval: x.window, thresholdRange: { min: x.minSuccessRate } },
      { name: 'request-duration', interval: x.window, thresholdRange: { max: x.maxLatencyMillis } },
    ];
  }
  const names = metricTemplateNames(m.name);
  const ref = (name: string) => ({ name, ...(m.namespace !== undefined ? { namespace: m.namespace } : {}) });
  // not named request-success-rate / request-duration: Flagger takes those names for its built-ins
  // (pkg/controller/scheduler_metrics.go, runBuiltinMetricChecks)
  return [
    { name: 'success-rate', templateRef: ref(names.successRate), interval: x.window, thresholdRange: { min: x.minSuccessRate } },
    { name: 'latency', templateRef: ref(names.latency), interval: x.window, thresholdRange: { max: x.maxLatencyMillis } },
  ];
}

/** An A/B match as Flagger takes it: Istio's `HTTPMatchRequest` (pkg/apis/istio/v1beta1), headers by name. */
function matchOf(match: MatchModel): CanarySpecAnalysisMatch {
  const headers = Object.fromEntries(Object.entries(match.headers ?? {}).map(([name, s]) => [name, { ...s }]));
  return { headers };
}

/** Flagger's load tester runs `cmd` while the canary is analysed (docs/gitbook/usage/webhooks.md, "Load Testing"). */
function loadTestOf(t: { readonly url: string; readonly cmd: string }): CanarySpecAnalysisWebhooks {
  return { name: 'load-test', type: enumValue<CanarySpecAnalysisWebhooksType>('rollout'), url: t.url, timeout: '5s', metadata: { cmd: t.cmd } };
}

/**
 * The traffic policy of a service's DestinationRule, for the DestinationRules Flagger writes for the primary and canary
 * hosts (`service.trafficPolicy`): both are Istio's TrafficPolicy, less the per-port settings Flagger's has not.
 */
export function canaryTrafficPolicyOf(rule: Manifest): { readonly [field: string]: unknown } | undefined {
  const tp = (rule.spec as { trafficPolicy?: { [k: string]: unknown } }).trafficPolicy;
  if (!tp) return undefined;
  const { portLevelSettings: _perPort, ...rest } = tp;
  return rest;
}
