import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ArgoRolloutsOptions } from './argo-rollouts';
import { FlaggerOptions } from './flagger';
import { millisecondsOf } from '../../core/duration';
import { fail, failAt, problem } from '../../core/errors';
import { ObservabilityAddons } from '../observability/observability-addons';

/**
 * Where a canary's analysis reads the mesh's metrics: a Prometheus that scrapes the proxies (Istio's
 * `istio_requests_total`/`istio_request_duration_milliseconds`, Linkerd's `response_total`/`response_latency_ms`).
 */
export class MetricsSource {
  /** The Prometheus of the app's {@link ObservabilityAddons} (its in-cluster address). */
  public static addons(addons: ObservabilityAddons): MetricsSource {
    if (!(addons instanceof ObservabilityAddons)) fail(problem('addons', 'must be an ObservabilityAddons construct', addons, 'pass the app\'s ObservabilityAddons'));
    return new MetricsSource({ addons });
  }

  /** A Prometheus at this address, e.g. `http://prometheus.istio-system:9090`. */
  public static prometheus(address: string): MetricsSource {
    if (typeof address !== 'string' || !/^https?:\/\/[^\s/]+(:\d+)?(\/\S*)?$/.test(address)) {
      fail(problem('address', 'must be an http(s) URL of a Prometheus', address, 'write it as http://<service>.<namespace>:9090'));
    }
    return new MetricsSource({ address });
  }

  private constructor(/** @internal */ public readonly _model: { readonly addons?: ObservabilityAddons; readonly address?: string }) {}
}

/** Options of {@link CanaryAnalysis.meshMetrics}. */
export interface MeshMetricsAnalysisOptions {
  /** The Prometheus the analysis queries. */
  readonly metrics: MetricsSource;
  /**
   * The canary's lowest acceptable success rate (requests not answered 5xx), in percent.
   * @default 99
   */
  readonly minSuccessRate?: number;
  /**
   * The canary's highest acceptable 99th-percentile request latency.
   * @default Duration.millis(500)
   */
  readonly maxLatency?: Duration;
  /**
   * How often the metrics are checked.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * Failed checks after which the rollout is aborted and traffic returns to the stable version.
   * @default 5
   */
  readonly failureLimit?: number;
  /**
   * A load test to run against the canary while it is analysed (Flagger's load tester / an Argo web job), as a URL
   * the driver calls.
   * @default - none: the analysis reads live traffic only
   */
  readonly loadTestUrl?: string;
}

/** What decides, at each step of a self-driving rollout, whether the canary goes on or is rolled back. */
export class CanaryAnalysis {
  /** The mesh's own request metrics of the canary: its success rate and latency, from the given Prometheus. */
  public static meshMetrics(options: MeshMetricsAnalysisOptions): CanaryAnalysis {
    return new CanaryAnalysis(options);
  }

  private constructor(/** @internal */ public readonly _options: MeshMetricsAnalysisOptions) {}
}

/** What carries a {@link CanaryRelease}'s stages out. */
export class CanaryDriver {
  /** One file per stage and a rollback file, applied by a pipeline, one stage per run (the default). */
  public static stagedFiles(): CanaryDriver {
    return new CanaryDriver({ kind: 'staged' });
  }

  /** An Argo Rollouts `Rollout` that shifts the weights of the plan itself and aborts on a failed analysis. */
  public static argoRollouts(options: ArgoRolloutsOptions = {}): CanaryDriver {
    return new CanaryDriver({ kind: 'argo-rollouts', argo: options });
  }

  /** A Flagger `Canary` that shifts the weights of the plan itself and rolls back on a failed analysis. */
  public static flagger(options: FlaggerOptions = {}): CanaryDriver {
    return new CanaryDriver({ kind: 'flagger', flagger: options });
  }

  private constructor(/** @internal */ public readonly _model:
  | { readonly kind: 'staged' }
  | { readonly kind: 'argo-rollouts'; readonly argo: ArgoRolloutsOptions }
  | { readonly kind: 'flagger'; readonly flagger: FlaggerOptions }) {}
}

/** A mesh-metrics analysis, checked once for every driver: where its Prometheus is, and its thresholds. @internal */
export interface MeshMetricsModel {
  /** The Prometheus URL. */
  readonly address: string;
  /** The lowest success rate, in percent (above 0, at most 100). */
  readonly minSuccessRate: number;
  /** The highest p99 latency, in whole milliseconds. */
  readonly maxLatencyMs: number;
  /** How often the metrics are checked, and the window of their rate() (whole seconds, at least 30), as given. */
  readonly interval: Duration;
  readonly intervalSeconds: number;
  /** Failed checks after which the rollout is aborted. */
  readonly failureLimit: number;
  readonly loadTestUrl?: string;
}

/**
 * The analysis of a self-driving canary, checked with one set of rules whichever driver carries it out (its fields
 * under `analysis.` of the release's path). @internal
 */
export function meshMetricsOf(scope: Construct, analysis: CanaryAnalysis): MeshMetricsModel {
  if (!(analysis instanceof CanaryAnalysis)) {
    failAt(scope, problem('analysis', 'must be a CanaryAnalysis', analysis, 'use CanaryAnalysis.meshMetrics({ metrics: MetricsSource.addons(addons) })'));
  }
  const o = analysis._options ?? {};
  const at = (field: string, rule: string, got: unknown, fix: string): never => failAt(scope, problem(`analysis.${field}`, rule, got, fix));
  const source = o.metrics?._model;
  if (source === undefined) {
    at('metrics', 'must name the Prometheus the analysis reads: without one, nothing is measured', o.metrics,
      'give metrics: MetricsSource.addons(addons) or MetricsSource.prometheus(\'http://prometheus.istio-system:9090\')');
  }
  const address = source!.addons ? source!.addons.prometheusUrl : source!.address;
  if (address === undefined) {
    at('metrics', `must be a Prometheus: the ObservabilityAddons '${source!.addons!.node.path}' install none (prometheus.enabled: false)`, 'MetricsSource.addons(...)',
      'install Prometheus with the add-ons, or give MetricsSource.prometheus(<its URL>)');
  }
  const minSuccessRate = o.minSuccessRate ?? 99;
  if (typeof minSuccessRate !== 'number' || !Number.isFinite(minSuccessRate) || minSuccessRate <= 0 || minSuccessRate > 100) {
    at('minSuccessRate', 'must be a percentage above 0 and at most 100', minSuccessRate, 'e.g. 99');
  }
  const maxLatency = o.maxLatency ?? Duration.millis(500);
  if (!(maxLatency instanceof Duration)) at('maxLatency', 'must be a Duration', maxLatency, 'e.g. Duration.millis(500)');
  const maxLatencyMs = millisecondsOf(maxLatency);
  if (!Number.isInteger(maxLatencyMs) || maxLatencyMs < 1) at('maxLatency', 'must be whole milliseconds, at least 1ms', `${maxLatencyMs}ms`, 'e.g. Duration.millis(500)');
  const interval = o.interval ?? Duration.minutes(1);
  if (!(interval instanceof Duration)) at('interval', 'must be a Duration', interval, 'e.g. Duration.minutes(1)');
  const intervalSeconds = millisecondsOf(interval) / 1000;
  // the interval is also the window of the queries' rate() (Argo's templates, Flagger's built-ins and templates):
  // shorter than two of Prometheus' 15s scrapes, rate() has too few samples to give a value
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 30) {
    at('interval', 'must be whole seconds, at least 30s (two scrapes of Prometheus at its 15s default, for rate() to have samples)', `${intervalSeconds}s`,
      'e.g. Duration.minutes(1)');
  }
  const failureLimit = o.failureLimit ?? 5;
  if (!Number.isInteger(failureLimit) || failureLimit < 1) at('failureLimit', 'must be a whole number, at least 1', failureLimit, 'e.g. 5');
  if (o.loadTestUrl !== undefined && (typeof o.loadTestUrl !== 'string' || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(o.loadTestUrl))) {
    at('loadTestUrl', 'must be an http(s) URL', o.loadTestUrl, 'e.g. http://loadtester.test/');
  }
  return { address: address!, minSuccessRate, maxLatencyMs, interval, intervalSeconds, failureLimit, loadTestUrl: o.loadTestUrl };
}
