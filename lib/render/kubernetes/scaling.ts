import { k8s } from 'cdk8s-plus-27';
import { compact } from '../compact';
import { metadataOf } from '../metadata';
import { Manifest, ServiceModel, VersionModel } from '../model';
import { versionLabels, versionSelector } from './workload';

/** The HorizontalPodAutoscaler (`autoscaling/v2`) of a deployed version: named as its Deployment, scaling it. */
export function renderAutoscaler(service: ServiceModel, version: VersionModel): Manifest {
  const d = version.deployment!;
  const a = d.autoscaling!;
  const utilization = (name: string, averageUtilization: number | undefined): k8s.MetricSpecV2[] => averageUtilization === undefined ? []
    : [{ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } }];
  const spec: k8s.HorizontalPodAutoscalerSpecV2 = {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: d.name },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [...utilization('cpu', a.cpuUtilization), ...utilization('memory', a.memoryUtilization), ...(a.metrics as k8s.MetricSpecV2[])],
  };
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadataOf(d.name, service.namespace, versionLabels(service, version)),
    spec: compact(spec),
  };
}

/** The PodDisruptionBudget (`policy/v1`) of a deployed version: selecting its pods as its Deployment does. */
export function renderDisruptionBudget(service: ServiceModel, version: VersionModel): Manifest {
  const d = version.deployment!;
  const b = d.disruptionBudget!;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadataOf(d.name, service.namespace, versionLabels(service, version)),
    spec: {
      selector: { matchLabels: versionSelector(service, version) },
      ...(b.minAvailable !== undefined ? { minAvailable: b.minAvailable } : { maxUnavailable: b.maxUnavailable }),
    },
  };
}
