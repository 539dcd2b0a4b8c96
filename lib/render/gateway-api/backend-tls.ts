import { BackendTlsPolicySpec, BackendTlsPolicySpecValidation } from '../../imports/gateway.networking.k8s.io';
import { metadataOf } from '../metadata';
import { Manifest } from '../model';

/** TLS from gateways and meshes to a Service's ports: the name to verify, and the CA to verify it with. */
export interface BackendTlsModel {
  readonly name: string;
  readonly namespace?: string;
  readonly service: string;
  /** The Service port names it applies to (none: every port). */
  readonly ports: readonly string[];
  /** The name the backend's certificate must carry (and the SNI sent). */
  readonly hostname: string;
  /** ConfigMaps of the namespace holding the CA certificates (`ca.crt`); none: the system's CAs. */
  readonly caConfigMaps?: readonly string[];
}

/** The generated type names the field `wellKnownCaCertificates`; the API's name is `wellKnownCACertificates`. */
type Validation = Omit<BackendTlsPolicySpecValidation, 'wellKnownCaCertificates'> & { readonly wellKnownCACertificates?: string };

/**
 * Renders a BackendTLSPolicy (`gateway.networking.k8s.io/v1`): connections to the Service (or its named ports) use TLS,
 * verifying `hostname` with the given CA ConfigMaps or, when none is given, the system's CAs.
 */
export function renderBackendTlsPolicy(m: BackendTlsModel): Manifest {
  const validation: Validation = m.caConfigMaps?.length
    ? { hostname: m.hostname, caCertificateRefs: m.caConfigMaps.map(name => ({ group: '', kind: 'ConfigMap', name })) }
    : { hostname: m.hostname, wellKnownCACertificates: 'System' };
  const targetRefs = m.ports.length > 0
    ? m.ports.map(sectionName => ({ group: '', kind: 'Service', name: m.service, sectionName }))
    : [{ group: '', kind: 'Service', name: m.service }];
  const spec: Omit<BackendTlsPolicySpec, 'validation'> & { readonly validation: Validation } = { targetRefs, validation };
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', metadata: metadataOf(m.name, m.namespace), spec };
}
