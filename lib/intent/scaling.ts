import type { k8s } from 'cdk8s-plus-27';
import { fail, problem } from '../core/errors';
import { AutoscalingModel, DisruptionBudgetModel } from '../render/model';

/** Options of {@link Autoscaling.of}. */
export interface AutoscalingOptions {
  /** The fewest pods. */
  readonly minReplicas: number;
  /** The most pods. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilisation, in percent of the containers' CPU requests.
   * @default - 80 when neither a memory target nor metrics are given
   */
  readonly cpuUtilization?: number;
  /**
   * Target average memory utilisation, in percent of the containers' memory requests.
   * @default - none
   */
  readonly memoryUtilization?: number;
  /**
   * Further metrics (pods, object or external metrics), as cdk8s-plus's `k8s.MetricSpecV2`: the same type the
   * HorizontalPodAutoscaler's `autoscaling/v2` API has.
   * @default - none
   */
  readonly metrics?: k8s.MetricSpecV2[];
}

const percent = (field: string, v: number | undefined): void => {
  if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 1000)) fail(problem(field, 'must be a whole percentage between 1 and 1000', v));
};

/**
 * A HorizontalPodAutoscaler (`autoscaling/v2`) per version: the Deployment then has no `replicas` (it would fight
 * the autoscaler). Scaling on utilisation needs the containers' resource requests, which mesh-kit writes by default.
 */
export class Autoscaling {
  /** Scale between `minReplicas` and `maxReplicas` on CPU (80% by default), memory or other metrics. */
  public static of(options: AutoscalingOptions): Autoscaling {
    const { minReplicas: min, maxReplicas: max } = options;
    if (!Number.isInteger(min) || min < 1) fail(problem('minReplicas', 'must be a whole number of at least 1', min));
    if (!Number.isInteger(max) || max < min) {
      fail(problem('maxReplicas', 'must be a whole number of at least minReplicas', max, `minReplicas is ${min}`));
    }
    percent('cpuUtilization', options.cpuUtilization);
    percent('memoryUtilization', options.memoryUtilization);
    const none = options.cpuUtilization === undefined && options.memoryUtilization === undefined && (options.metrics ?? []).length === 0;
    return new Autoscaling({
      minReplicas: min,
      maxReplicas: max,
      cpuUtilization: none ? 80 : options.cpuUtilization,
      memoryUtilization: options.memoryUtilization,
      metrics: options.metrics ? [...options.metrics] : [],
    });
  }

  private constructor(/** @internal */ public readonly _model: AutoscalingModel) {}
}

/** How many pods of a version a voluntary disruption (a node drain, an upgrade) may take down. */
export class DisruptionBudget {
  /** At least this many pods (a number, or a percentage such as `'50%'`) stay available. */
  public static minAvailable(value: number | string): DisruptionBudget {
    const v = DisruptionBudget.amount('minAvailable', value);
    if (v === '100%') fail(problem('minAvailable', 'must let at least one pod go, or no node could ever be drained', value, 'use DisruptionBudget.maxUnavailable(1)'));
    return new DisruptionBudget({ minAvailable: v });
  }

  /** At most this many pods (a number, or a percentage such as `'25%'`) are unavailable at once. */
  public static maxUnavailable(value: number | string): DisruptionBudget {
    const v = DisruptionBudget.amount('maxUnavailable', value);
    if (v === 0 || v === '0%') fail(problem('maxUnavailable', 'must let at least one pod go, or no node could ever be drained', value));
    return new DisruptionBudget({ maxUnavailable: v });
  }

  /** No PodDisruptionBudget, even where mesh-kit writes one by default (two or more replicas). */
  public static none(): DisruptionBudget {
    return new DisruptionBudget(undefined);
  }

  private static amount(field: string, value: number | string): number | string {
    if (typeof value === 'number' ? !Number.isInteger(value) || value < 0 : !/^(100|[1-9]?\d)%$/.test(value)) {
      fail(problem(field, 'must be a whole number of pods or a percentage', value, 'e.g. 1 or \'50%\''));
    }
    return value;
  }

  private constructor(/** @internal */ public readonly _model: DisruptionBudgetModel | undefined) {}
}
