import { SidecarSpec, SidecarSpecOutboundTrafficPolicyMode } from '../../imports/networking.istio.io';
import { metadataOf } from '../metadata';
import { Manifest } from '../model';
import { enumValue } from '../wire-values';

/** A workload's Sidecar scoped to what it calls. */
export interface ScopedSidecarModel {
  /** `networking.istio.io/<version>`. */
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace?: string;
  /** The workload's pods. */
  readonly selector: { readonly [key: string]: string };
  /** `namespace/host` entries the workload's proxy keeps configuration for. */
  readonly egressHosts: readonly string[];
  /** Refuse calls to hosts outside the registry (`REGISTRY_ONLY`). */
  readonly registryOnly?: boolean;
}

/** Renders a Sidecar that limits a workload's outbound configuration to the hosts it calls. */
export function renderScopedSidecar(m: ScopedSidecarModel): Manifest {
  const spec: SidecarSpec = {
    workloadSelector: { labels: { ...m.selector } },
    egress: [{ hosts: [...m.egressHosts] }],
    outboundTrafficPolicy: m.registryOnly ? { mode: enumValue<SidecarSpecOutboundTrafficPolicyMode>('REGISTRY_ONLY') } : undefined,
  };
  return { apiVersion: m.apiVersion, kind: 'Sidecar', metadata: metadataOf(m.name, m.namespace), spec };
}
