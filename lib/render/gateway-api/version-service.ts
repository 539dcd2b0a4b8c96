import type { k8s } from 'cdk8s-plus-27';
import { compact } from '../compact';
import { versionServiceName } from '../hosts';
import { servicePortsOf } from '../kubernetes/service';
import { metadataOf } from '../metadata';
import { Manifest, PortModel, ServiceModel, VersionModel } from '../model';

/**
 * Renders the Service of one version (`reviews-v1`), selecting `app` and `version`: what Gateway API
 * routes name as backends where Istio names a DestinationRule subset.
 *
 * With `containerPorts` (the Gateway API's), it exposes the containers' ports as they are, one Service port per
 * container port, named as the service port that targets it — as Istio's mirroring task writes `httpbin-v1`
 * (`port: 80, name: http` behind httpbin's `8000 → 80`; istio.io content/en/docs/tasks/traffic-management/mirroring):
 * the routes name that port ({@link backendOf}). Without it (Linkerd's), a copy of the service's ports.
 */
export function renderVersionService(service: ServiceModel, version: VersionModel, containerPorts = false): Manifest {
  const spec: k8s.ServiceSpec = {
    ports: containerPorts ? containerServicePorts(service.ports) : servicePortsOf(service.ports),
    selector: { app: service.app, version: version.label },
  };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadataOf(versionServiceName(service.name, version.name), service.namespace, undefined,
      service.versionServiceAnnotations ? { ...service.versionServiceAnnotations } : undefined),
    spec: compact(spec),
  };
}

/** The service's ports on their container ports (`targetPort`, else the port), the first of those sharing one kept. */
function containerServicePorts(ports: readonly PortModel[]): k8s.ServicePort[] {
  const seen = new Set<number>();
  return servicePortsOf(ports.filter(p => {
    const container = p.targetPort ?? p.port;
    if (seen.has(container)) return false;
    seen.add(container);
    return true;
  }).map(p => ({ ...p, port: p.targetPort ?? p.port, targetPort: undefined })));
}
