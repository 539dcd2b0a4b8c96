import type { k8s } from 'cdk8s-plus-27';
import { compact } from '../compact';
import { versionServiceName } from '../hosts';
import { servicePortsOf } from '../kubernetes/service';
import { metadataOf } from '../metadata';
import { Manifest, ServiceModel, VersionModel } from '../model';

/**
 * Renders the Service of one version (`reviews-v1`), selecting `app` and `version`: what Gateway API
 * routes name as backends where Istio names a DestinationRule subset.
 */
export function renderVersionService(service: ServiceModel, version: VersionModel): Manifest {
  const spec: k8s.ServiceSpec = {
    ports: servicePortsOf(service.ports),
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
