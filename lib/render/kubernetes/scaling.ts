import type { k8s } from 'cdk8s-plus-27';
import { compact } from '../compact';
import { metadataOf } from '../metadata';
import { AutoscalingModel, DisruptionBudgetModel, Manifest, ServiceModel, VersionModel } from '../model';
import { versionLabels, versionSelector } from './workload';

/** The HorizontalPodAutoscaler (`autoscaling/v2`) of a deployed version: named as its Deployment, scaling it. */
export function renderAutoscaler(service: ServiceModel, version: VersionModel): Manifest {
  const d = version.deployment!;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadataOf(d.name, service.namespace, versionLabels(service, version)),
    spec: autoscalerSpec(d.name, d.autoscaling!),
  };
}

/** The spec of a HorizontalPodAutoscaler (`autoscaling/v2`) scaling the Deployment `deployment`. */
export function autoscalerSpec(deployment: string, a: AutoscalingModel): k8s.HorizontalPodAutoscalerSpecV2 {
  const utilization = (name: string, averageUtilization: number | undefined): k8s.MetricSpecV2[] => averageUtilization === undefined ? []
    : [{ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } }];
  return compact({
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [...utilization('cpu', a.cpuUtilization), ...utilization('memory', a.memoryUtilization), ...(a.metrics as k8s.MetricSpecV2[])],
  });
}

/** The spec of a PodDisruptionBudget (`policy/v1`) over the pods `selector` selects. */
export function disruptionBudgetSpec(selector: { readonly [key: string]: string }, b: DisruptionBudgetModel): { [key: string]: unknown } {
  return {
    selector: { matchLabels: { ...selector } },
    ...(b.minAvailable !== undefined ? { minAvailable: b.minAvailable } : { maxUnavailable: b.maxUnavailable }),
  };
}

/** The PodDisruptionBudget (`policy/v1`) of a deployed version: selecting its pods as its Deployment does. */
export function renderDisruptionBudget(service: ServiceModel, version: VersionModel): Manifest {
  const d = version.deployment!;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadataOf(d.name, service.namespace, versionLabels(service, version)),
    spec: disruptionBudgetSpec(versionSelector(service, version), d.disruptionBudget!),
  };
}
