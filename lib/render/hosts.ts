import { ServiceRef } from './model';

/**
 * The host name by which an object in `fromNamespace` addresses `service`: the short name when
 * both live in the same namespace (as Istio's own samples write it) unless `qualified` (`HostNames.FULLY_QUALIFIED`,
 * a delegate's hosts), the cluster FQDN otherwise. An external host, and a Service of no known namespace, as given.
 */
export function hostOf(service: ServiceRef, fromNamespace: string | undefined, clusterDomain: string, qualified = false): string {
  if (service.external || service.namespace === undefined || (!qualified && service.namespace === fromNamespace)) {
    return service.name;
  }
  return `${service.name}.${service.namespace}.svc.${clusterDomain}`;
}

/** How a VirtualService in `fromNamespace` names a gateway: `name`, or `namespace/name` across namespaces. */
export function gatewayRefOf(gateway: ServiceRef, fromNamespace: string | undefined): string {
  if (gateway.namespace === undefined || gateway.namespace === fromNamespace) {
    return gateway.name;
  }
  return `${gateway.namespace}/${gateway.name}`;
}

/** The name of the Service that selects one version's pods (Gateway API back-end): `<service>-<version>`. */
export function versionServiceName(service: string, version: string): string {
  return `${service}-${version}`;
}
