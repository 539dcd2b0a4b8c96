import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { failAt, problem } from '../../core/errors';
import { constructArgs } from '../../core/input';
import { checkExportTo, checkHostName } from '../../core/names';
import { MeshSettings } from '../../core/settings';
import { emit, failIfNotIstio } from '../../hosting/cdk8s/emit';
import { EgressModel, renderEgressGateway, renderEgressRoute, renderServiceEntry, renderTlsOrigination } from '../../render/istio';
import { Protocol } from '../ports';
import { policyIdentity } from '../security/policy-object';

/** How the sidecar finds the addresses of an external service. */
export enum ServiceEntryResolution {
  /** Resolve the hosts with DNS at connection time. */
  DNS = 'DNS',
  /** Use the given endpoint addresses. */
  STATIC = 'STATIC',
  /** Pass the connection to the address the client asked for. */
  NONE = 'NONE',
}

/** Where the service runs. */
export enum ServiceEntryLocation {
  /** Outside the mesh (an API on the internet): no mutual TLS to it. */
  MESH_EXTERNAL = 'MESH_EXTERNAL',
  /** Part of the mesh (VMs with sidecars). */
  MESH_INTERNAL = 'MESH_INTERNAL',
}

/** A port of a ServiceEntry. */
export interface ServiceEntryPort {
  /** The port clients call. */
  readonly number: number;
  /**
   * The protocol.
   * @default Protocol.HTTPS
   */
  readonly protocol?: Protocol;
  /**
   * The port name.
   * @default - the protocol and the number, e.g. `https-443`
   */
  readonly name?: string;
}

/** TLS origination: the application calls plain HTTP, the sidecar (or egress gateway) opens TLS to the service. */
export interface TlsOriginationOptions {
  /**
   * The plain-HTTP port the application calls.
   * @default 80
   */
  readonly port?: number;
  /**
   * The TLS port of the service.
   * @default 443
   */
  readonly targetPort?: number;
  /**
   * CA certificates (a file in the sidecar) to verify the service with.
   * @default - the proxy's system roots (Istio verifies against them); IST0129 reminds you to pin a CA
   */
  readonly caCertificates?: string;
  /**
   * A Secret holding the CA (and a client certificate for mutual TLS), instead of files.
   * @default - none
   */
  readonly credentialName?: string;
}

/** Routing of the service's HTTP traffic through an egress gateway. */
export interface EgressGatewayOptions {
  /**
   * The labels of the egress gateway's pods.
   * @default { istio: 'egressgateway' }
   */
  readonly selector?: { [key: string]: string };
  /**
   * The egress gateway's Service, as `<name>.<namespace>`.
   * @default 'istio-egressgateway.istio-system'
   */
  readonly service?: string;
  /**
   * The egress gateway's listener port.
   * @default 80
   */
  readonly port?: number;
}

/** Props of a {@link ServiceEntry}. */
export interface ServiceEntryProps {
  /** The external hosts, e.g. `api.example.com`. */
  readonly hosts: string[];
  /**
   * The ports.
   * @default - 443 (HTTPS)
   */
  readonly ports?: ServiceEntryPort[];
  /**
   * How addresses are found.
   * @default ServiceEntryResolution.DNS
   */
  readonly resolution?: ServiceEntryResolution;
  /**
   * Where the service runs.
   * @default ServiceEntryLocation.MESH_EXTERNAL
   */
  readonly location?: ServiceEntryLocation;
  /**
   * Virtual IPs (for TCP services, which cannot be routed by host).
   * @default - none
   */
  readonly addresses?: string[];
  /**
   * Namespaces the entry is visible in (`.` for its own).
   * @default - its own namespace only ('.'), and the egress gateway's with `egressGateway`: an egress
   * permission is not exported mesh-wide unless asked
   */
  readonly exportTo?: string[];
  /**
   * Originate TLS for the application's plain-HTTP calls.
   * @default - none
   */
  readonly tlsOrigination?: TlsOriginationOptions;
  /**
   * Send the HTTP traffic through an egress gateway (one exit point to audit and firewall).
   * @default - straight from the sidecar
   */
  readonly egressGateway?: EgressGatewayOptions;
  /**
   * The namespace.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The name of the ServiceEntry (and of the other objects, with suffixes).
   * @default - the construct id
   */
  readonly name?: string;
}

const portName = (p: ServiceEntryPort) => p.name ?? `${p.protocol ?? Protocol.HTTPS}-${p.number}`;

/**
 * Istio's `ServiceEntry`: an external service the mesh may call (with `outboundTrafficPolicy:
 * REGISTRY_ONLY`, the only ones). Optionally with TLS origination (a DestinationRule opening TLS
 * for plain-HTTP calls, verifying the server) and routing through an egress gateway (a Gateway and
 * a VirtualService taking the traffic from the sidecars to the gateway, then out).
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/
 */
export class ServiceEntry extends Construct {
  /** The rendered ServiceEntry (escape hatch). */
  public readonly resource: ApiObject;
  /** The DestinationRule of TLS origination (escape hatch), when asked. */
  public readonly destinationRule?: ApiObject;
  /** The egress Gateway (escape hatch), when asked. */
  public readonly gateway?: ApiObject;
  /** The VirtualService through the egress gateway (escape hatch), when asked. */
  public readonly virtualService?: ApiObject;

  public constructor(scope: Construct, id: string, props: ServiceEntryProps) {
    super(...constructArgs('ServiceEntry', [scope, id, props]));
    failIfNotIstio(this, 'ServiceEntry', 'Linkerd proxies let egress through unless an EgressNetwork of policy.linkerd.io restricts it');
    const { name, namespace } = policyIdentity(this, props, id);
    if (props.hosts.length === 0) failAt(this, problem('hosts', 'must hold at least one host', []));
    const exportErr = props.exportTo ? checkExportTo('exportTo', props.exportTo) : undefined;
    if (exportErr) failAt(this, exportErr);
    for (const h of props.hosts) {
      const hostErr = checkHostName('hosts', h);
      if (hostErr) failAt(this, hostErr);
      if (h === '*') failAt(this, problem('hosts', 'must not be \'*\': that would open egress to everything', h, 'list the hosts'));
    }
    const resolution = props.resolution ?? ServiceEntryResolution.DNS;
    if (resolution === ServiceEntryResolution.DNS && props.hosts.some(h => h.startsWith('*.'))) {
      failAt(this, problem('hosts', 'must not hold wildcards with DNS resolution (there is no one address to resolve)', props.hosts.find(h => h.startsWith('*.')),
        'use ServiceEntryResolution.NONE'));
    }
    const tls = props.tlsOrigination;
    const tlsPort = tls ? (tls.port ?? 80) : undefined;
    const tlsTarget = tls ? (tls.targetPort ?? 443) : undefined;
    const ports: ServiceEntryPort[] = [...(props.ports ?? [{ number: 443, protocol: Protocol.HTTPS }])];
    if (tls) {
      if (ports.some(p => p.number === tlsPort)) failAt(this, problem('tlsOrigination.port', 'must not be one of the ports given', tlsPort, 'it is added as the plain-HTTP port'));
      ports.unshift({ number: tlsPort!, protocol: Protocol.HTTP, name: `http-${tlsPort}` });
    }
    for (const p of ports) {
      if (!Number.isInteger(p.number) || p.number < 1 || p.number > 65535) failAt(this, problem('ports.number', 'must be between 1 and 65535', p.number));
    }
    const names = ports.map(portName);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) failAt(this, problem('ports.name', 'must be unique', dup));
    if (props.hosts.length > 1 && (tls || props.egressGateway)) {
      failAt(this, problem('hosts', 'must hold one host with tlsOrigination or egressGateway (each host needs its own routes)', props.hosts, 'one ServiceEntry per host'));
    }
    const eg = props.egressGateway;
    const http = ports.filter(p => (p.protocol ?? Protocol.HTTPS) === Protocol.HTTP);
    if (eg && http.length === 0) failAt(this, problem('egressGateway', 'routes HTTP ports only: the service has none', ports.map(portName), 'add an HTTP port, or tlsOrigination'));
    const egressService = eg?.service ?? 'istio-egressgateway.istio-system';
    if (eg && !/^[a-z0-9-]+\.[a-z0-9-]+$/.test(egressService)) failAt(this, problem('egressGateway.service', 'must be <name>.<namespace>', egressService));
    const model: EgressModel = {
      apiVersion: `networking.istio.io/${MeshSettings.of(this).istioApiVersion}`,
      name,
      namespace,
      hosts: [...props.hosts],
      addresses: props.addresses ? [...props.addresses] : undefined,
      ports: ports.map(p => ({
        number: p.number,
        name: portName(p),
        protocol: (p.protocol ?? Protocol.HTTPS).toUpperCase(),
        ...(tls && p.number === tlsPort && !eg ? { targetPort: tlsTarget } : {}),
      })),
      location: props.location ?? ServiceEntryLocation.MESH_EXTERNAL,
      resolution,
      // the egress gateway must see the entry to send the traffic out
      exportTo: [...(props.exportTo ?? (eg ? ['.', egressService.split('.')[1]] : ['.']))],
      // The sidecar (or the egress gateway) opens TLS on the port the plain call leaves by.
      tlsOrigination: tls ? { port: eg ? tlsTarget! : tlsPort!, caCertificates: tls.caCertificates, credentialName: tls.credentialName } : undefined,
      egressGateway: eg ? {
        selector: { ...(eg.selector ?? { istio: 'egressgateway' }) },
        service: egressService,
        port: eg.port ?? 80,
        meshPort: http[0].number,
        outPort: http[0].number === tlsPort ? tlsTarget! : http[0].number,
      } : undefined,
    };
    const net = model.apiVersion;
    this.resource = emit(this, 'Resource', { apiVersion: net, kind: 'ServiceEntry', name, namespace, body: ['spec'] }, () => renderServiceEntry(model));
    if (tls) {
      this.destinationRule = emit(this, 'TlsOrigination', { apiVersion: net, kind: 'DestinationRule', name: `${name}-tls`, namespace, body: ['spec'] },
        () => renderTlsOrigination(model));
    }
    if (eg) {
      this.gateway = emit(this, 'EgressGateway', { apiVersion: net, kind: 'Gateway', name: `${name}-egress`, namespace, body: ['spec'] }, () => renderEgressGateway(model));
      this.virtualService = emit(this, 'EgressRoute', { apiVersion: net, kind: 'VirtualService', name: `${name}-through-egress`, namespace, body: ['spec'] },
        () => renderEgressRoute(model));
    }
  }
}
