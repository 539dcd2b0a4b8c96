import { k8s } from 'cdk8s-plus-27';
import { compact } from '../compact';
import { metadataOf } from '../metadata';
import { Manifest, NamespaceModel, PortModel, ServiceModel } from '../model';

/** The Service ports of a service. */
export function servicePortsOf(ports: PortModel[]): k8s.ServicePort[] {
  return ports.map(p => ({
    port: p.port,
    name: p.name,
    protocol: p.transport,
    appProtocol: p.appProtocol,
    targetPort: p.targetPort !== undefined ? k8s.IntOrString.fromNumber(p.targetPort) : undefined,
  }));
}

/** Renders the Service of a mesh service: it selects every version's pods by `app`. */
export function renderService(service: ServiceModel): Manifest {
  const spec: k8s.ServiceSpec = {
    ports: servicePortsOf(service.ports),
    selector: { app: service.app },
  };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadataOf(service.name, service.namespace, { app: service.app, service: service.app }),
    // the wire name is clusterIP (cdk8s-plus's clusterIp is renamed only by its own converters)
    spec: { ...compact(spec), ...(service.headless ? { clusterIP: 'None' } : {}) },
  };
}

/** Renders the ServiceAccount that every version of a service runs as (its mesh identity). */
export function renderServiceAccount(service: ServiceModel): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: metadataOf(service.serviceAccountName, service.namespace, { account: service.app }),
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
