import type { k8s } from 'cdk8s-plus-27';
import { compact } from '../compact';
import { metadataOf } from '../metadata';
import { Manifest, NamespaceModel, PortModel, ServiceModel } from '../model';
import { intOrString } from '../wire-values';

/** The Service ports of a service. */
export function servicePortsOf(ports: PortModel[]): k8s.ServicePort[] {
  return ports.map(p => ({
    port: p.port,
    name: p.name,
    protocol: p.transport,
    appProtocol: p.appProtocol,
    targetPort: p.targetPort !== undefined ? intOrString(p.targetPort) : undefined,
  }));
}

/**
 * Renders the Service of a mesh service: it selects every version's pods by `app` (or one version's, by `version` too,
 * when asked); its type and affinity as asked.
 */
export function renderService(service: ServiceModel): Manifest {
  const exposure = service.exposure;
  const ports = servicePortsOf(service.ports).map(p => {
    const nodePort = exposure?.nodePorts?.[p.port];
    return nodePort !== undefined ? { ...p, nodePort } : p;
  });
  const affinity = service.sessionAffinity;
  const spec: k8s.ServiceSpec = {
    type: exposure?.type,
    ports,
    selector: { app: service.app, ...(service.selectsVersion !== undefined ? { version: service.selectsVersion } : {}) },
    externalTrafficPolicy: exposure?.externalTrafficPolicy,
    loadBalancerSourceRanges: exposure?.sourceRanges ? [...exposure.sourceRanges] : undefined,
    loadBalancerClass: exposure?.loadBalancerClass,
    sessionAffinity: affinity?.type,
    sessionAffinityConfig: affinity?.timeoutSeconds !== undefined ? { clientIp: { timeoutSeconds: affinity.timeoutSeconds } } : undefined,
  };
  const wire = compact(spec) as { [key: string]: unknown };
  // the wire name is clientIP (cdk8s-plus's clientIp is renamed only by its own converters)
  if (affinity?.timeoutSeconds !== undefined) wire.sessionAffinityConfig = { clientIP: { timeoutSeconds: affinity.timeoutSeconds } };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadataOf(service.name, service.namespace,
      { app: service.app, service: service.app, ...service.commonLabels, ...service.serviceLabels },
      service.serviceAnnotations ? { ...service.serviceAnnotations } : undefined),
    // the wire name is clusterIP (cdk8s-plus's clusterIp is renamed only by its own converters)
    spec: { ...wire, ...(service.headless ? { clusterIP: 'None' } : {}) },
  };
}

/**
 * Renders a ServiceAccount a service's pods run as (their mesh identity): the service's, which every version uses
 * unless it has its own (`name`).
 */
export function renderServiceAccount(service: ServiceModel, name = service.serviceAccountName): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: metadataOf(name, service.namespace, { account: service.app }),
    ...(service.automountServiceAccountToken !== undefined
      ? { automountServiceAccountToken: service.automountServiceAccountToken }
      : {}),
  };
}

/** Renders a Namespace with its injection labels. */
export function renderNamespace(ns: NamespaceModel): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: metadataOf(ns.name, undefined, { ...ns.labels }, ns.annotations ? { ...ns.annotations } : undefined),
  };
}
