import { ReferenceGrantSpec } from '../../imports/gateway.networking.k8s.io';
import { metadataOf } from '../metadata';
import { Manifest } from '../model';

/** A ReferenceGrant: routes of some kinds in one namespace may send to some Services of the grant's namespace. */
export interface ReferenceGrantModel {
  readonly name: string;
  /** The namespace of the Services (where the grant lives). */
  readonly namespace: string;
  /** The namespace of the routes. */
  readonly fromNamespace: string;
  /** The route kinds (`HTTPRoute`, `GRPCRoute`, `TCPRoute`, `TLSRoute`). */
  readonly fromKinds: readonly string[];
  /** The Services the routes name (only those: a grant without names would admit every Service of the namespace). */
  readonly services: readonly string[];
}

/**
 * Renders a ReferenceGrant (`gateway.networking.k8s.io/v1`): without one, a route's backendRef into another namespace
 * is refused by the implementation (`ResolvedRefs: False, RefNotPermitted`) and its traffic dropped.
 */
export function renderReferenceGrant(m: ReferenceGrantModel): Manifest {
  const spec: ReferenceGrantSpec = {
    from: [...m.fromKinds].sort().map(kind => ({ group: 'gateway.networking.k8s.io', kind, namespace: m.fromNamespace })),
    to: [...new Set(m.services)].sort().map(name => ({ group: '', kind: 'Service', name })),
  };
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'ReferenceGrant', metadata: metadataOf(m.name, m.namespace), spec };
}
