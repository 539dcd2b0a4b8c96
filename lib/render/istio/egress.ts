import {
  DestinationRuleSpec, DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode, GatewaySpec, GatewaySpecServersTlsMode, ServiceEntrySpec,
  ServiceEntrySpecLocation, ServiceEntrySpecResolution, VirtualServiceSpec,
} from '../../imports/networking.istio.io';
import { metadataOf } from '../metadata';
import { Manifest } from '../model';
import { enumValue } from '../wire-values';

/** An external service the mesh may call, with optional TLS origination and an egress gateway. */
export interface EgressModel {
  /** `networking.istio.io/<version>`. */
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace?: string;
  readonly hosts: readonly string[];
  readonly addresses?: readonly string[];
  readonly ports: ReadonlyArray<{ readonly number: number; readonly name: string; readonly protocol: string; readonly targetPort?: number }>;
  /** undefined: not written (Istio's MESH_EXTERNAL). */
  readonly location?: string;
  readonly resolution: string;
  /** undefined: not written (Istio's default, every namespace). */
  readonly exportTo?: readonly string[];
  /** TLS opened by the sidecar (or the egress gateway) on this port, toward the first host. */
  readonly tlsOrigination?: {
    readonly port: number;
    readonly caCertificates?: string;
    readonly credentialName?: string;
    /**
     * The egress gateway's namespace and pod labels, when the gateway reads `credentialName`: the rule lives there and
     * selects the gateway's pods (Istio reads a DestinationRule's credentialName for the workloads it selects only, IST0129).
     */
    readonly gateway?: { readonly namespace: string; readonly selector: { readonly [key: string]: string } };
  };
  /** Traffic to the first host through an egress gateway. */
  readonly egressGateway?: {
    readonly selector: { readonly [key: string]: string };
    /** `<name>.<namespace>` of the gateway's Service. */
    readonly service: string;
    /** How the gateway carries the traffic: HTTP by host, TLS passed through by SNI, opaque TCP. */
    readonly protocol: 'HTTP' | 'TLS' | 'TCP';
    /** The gateway's port. */
    readonly port: number;
    /** The port the sidecars' calls leave by. */
    readonly meshPort: number;
    /** The port the gateway calls the host on. */
    readonly outPort: number;
    /** The VirtualService's namespaces: the entry's and the gateway's, unless the entry's exportTo is given (empty: none written, the mesh's default). */
    readonly exportTo: readonly string[];
  };
}

/** The ServiceEntry. */
export function renderServiceEntry(m: EgressModel): Manifest {
  const spec: ServiceEntrySpec = {
    hosts: [...m.hosts],
    addresses: m.addresses ? [...m.addresses] : undefined,
    ports: m.ports.map(p => ({ ...p })),
    location: m.location as ServiceEntrySpecLocation | undefined,
    resolution: m.resolution as ServiceEntrySpecResolution,
    exportTo: m.exportTo ? [...m.exportTo] : undefined,
  };
  return { apiVersion: m.apiVersion, kind: 'ServiceEntry', metadata: metadataOf(m.name, m.namespace), spec };
}

/** The DestinationRule `<name>-tls` opening TLS (SIMPLE, SNI the host) on the origination port. */
export function renderTlsOrigination(m: EgressModel): Manifest {
  const tls = m.tlsOrigination!;
  const host = m.hosts[0];
  const spec: DestinationRuleSpec = {
    host,
    workloadSelector: tls.gateway ? { matchLabels: { ...tls.gateway.selector } } : undefined,
    trafficPolicy: {
      portLevelSettings: [{
        port: { number: tls.port },
        tls: {
          mode: enumValue<DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode>('SIMPLE'),
          sni: host,
          caCertificates: tls.caCertificates,
          credentialName: tls.credentialName,
        },
      }],
    },
  };
  return { apiVersion: m.apiVersion, kind: 'DestinationRule', metadata: metadataOf(`${m.name}-tls`, tls.gateway?.namespace ?? m.namespace), spec };
}

/** The egress Gateway `<name>-egress`: the host on the gateway's port (TLS passed through, as Istio's egress gateway task does). */
export function renderEgressGateway(m: EgressModel): Manifest {
  const eg = m.egressGateway!;
  const spec: GatewaySpec = {
    selector: { ...eg.selector },
    servers: [{
      port: { number: eg.port, name: `${eg.protocol.toLowerCase()}-${eg.port}`, protocol: eg.protocol },
      hosts: [m.hosts[0]],
      tls: eg.protocol === 'TLS' ? { mode: enumValue<GatewaySpecServersTlsMode>('PASSTHROUGH') } : undefined,
    }],
  };
  return { apiVersion: m.apiVersion, kind: 'Gateway', metadata: metadataOf(`${m.name}-egress`, m.namespace), spec };
}

/** The VirtualService `<name>-through-egress`: sidecars to the egress gateway, the gateway out to the host. */
export function renderEgressRoute(m: EgressModel): Manifest {
  const eg = m.egressGateway!;
  const host = m.hosts[0];
  const gw = `${m.name}-egress`;
  const toGateway = { destination: { host: `${eg.service}.svc.cluster.local`, port: { number: eg.port } } };
  const out = { destination: { host, port: { number: eg.outPort } } };
  const spec: VirtualServiceSpec = {
    hosts: [host],
    gateways: ['mesh', gw],
    // visible where the entry is: its namespace's callers and the egress gateway's
    exportTo: eg.exportTo.length > 0 ? [...eg.exportTo] : undefined,
    http: eg.protocol === 'HTTP' ? [
      { name: 'to-egress-gateway', match: [{ gateways: ['mesh'], port: eg.meshPort }], route: [toGateway] },
      { name: 'out', match: [{ gateways: [gw], port: eg.port }], route: [out] },
    ] : undefined,
    // TLS is routed by SNI, TCP by port (neither route has a name in Istio's API)
    tls: eg.protocol === 'TLS' ? [
      { match: [{ gateways: ['mesh'], port: eg.meshPort, sniHosts: [host] }], route: [toGateway] },
      { match: [{ gateways: [gw], port: eg.port, sniHosts: [host] }], route: [out] },
    ] : undefined,
    tcp: eg.protocol === 'TCP' ? [
      { match: [{ gateways: ['mesh'], port: eg.meshPort }], route: [toGateway] },
      { match: [{ gateways: [gw], port: eg.port }], route: [out] },
    ] : undefined,
  };
  return { apiVersion: m.apiVersion, kind: 'VirtualService', metadata: metadataOf(`${m.name}-through-egress`, m.namespace), spec };
}
