import { ApiObject } from 'cdk8s';
import { emit } from '../../hosting/cdk8s/emit';
import { renderVersionService } from '../../render/gateway-api';
import { versionServiceName } from '../../render/hosts';
import { VersionHost } from '../backend';

/**
 * A version's own Service `<service>-<version>`, which Gateway API and Linkerd routes name as a backend: emitted for
 * versions whose pods are deployed here or brought, not for the single workload of an unversioned service. With
 * `containerPorts` (the Gateway API's), it exposes the containers' ports ({@link renderVersionService}).
 */
export function versionServiceOf(host: VersionHost, containerPorts = false): { readonly versionService?: ApiObject } {
  const v = host.version;
  if ((!v.deployment && !host.hasWorkload) || v.unversioned) return {};
  const annotations = host.annotations();
  return {
    versionService: emit(host.scope, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      name: versionServiceName(host.serviceName, v.name),
      namespace: host.namespace,
      annotations: annotations ? { ...annotations } : undefined,
      body: ['spec'],
    }, () => renderVersionService(host.model(), v, containerPorts)),
  };
}
