import { Duration } from 'cdk8s';
import { ArgoRolloutsOptions } from './argo-rollouts';
import { FlaggerOptions } from './flagger';
import { fail, problem } from '../../core/errors';
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
