import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressNetwork, EgressProtocol } from './egress-network';
import { backendAt, failIfNoMesh } from '../../backends/registry';
import { ProblemLike, fail, failAt, problem } from '../../core/errors';
import { constructArgs } from '../../core/input';
import { checkDnsLabel, checkExportTo, checkHostName, checkPort } from '../../core/names';
import { MeshSettings } from '../../core/settings';
import { emit } from '../../hosting/cdk8s/emit';
import { EgressModel, renderEgressGateway, renderEgressRoute, renderServiceEntry, renderTlsOrigination } from '../../render/istio';
import { MeshServicePort, Protocol, TLS_PROTOCOLS } from '../ports';
import { IMeshService, IRouteTarget } from '../route';
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
   * A Secret holding the CA (and a client certificate for mutual TLS), instead of files. With `egressGateway`, the
   * gateway reads it: the DestinationRule then lives in the gateway's namespace, selecting its pods, as Istio requires
   * (and the Secret must be there).
   * @default - none
   */
  readonly credentialName?: string;
}

/**
 * Routing of the service's traffic through an egress gateway: its HTTP ports (the gateway calls the host, originating TLS
 * when asked), else its TLS and HTTPS ports (passed through, routed by SNI), else its TCP ports.
 */
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
   * @default - 80 for HTTP, 443 for TLS, the service's port for TCP
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
   * @default - not written: Istio's default, MESH_EXTERNAL
   */
  readonly location?: ServiceEntryLocation;
  /**
   * Virtual IPs (for TCP services, which cannot be routed by host).
   * @default - none
   */
  readonly addresses?: string[];
  /**
   * Namespaces the entry is visible in (`.` for its own, e.g. `['.']` to keep an egress permission to the namespace,
   * plus the egress gateway's namespace with `egressGateway`).
   * An empty list writes no `exportTo`: the entry is then visible as the mesh decides, in the namespaces of the mesh
   * config's `defaultServiceExportTo` (every namespace, `*`, unless the mesh config sets it; istio/api
   * `networking/v1alpha3/service_entry.proto`, `exportTo`: "If no namespaces are specified then the service entry is
   * exported to all namespaces by default" and `mesh/v1alpha1/config.proto`, `defaultServiceExportTo`), as Istio's
   * egress tasks write their entries.
   * @default ['.'] - its own namespace only (plus the egress gateway's with `egressGateway`): an entry is an egress
   * permission under `REGISTRY_ONLY`, granted where asked (secure by default); `['*']` is Istio's default, every namespace
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

  /**
   * Under Linkerd, the EgressNetwork that lets the entry's hosts out: each HTTP port becomes an HTTPRoute by Host, each
   * HTTPS or TLS port a TLSRoute by SNI, attached to it (the same intent as Istio's ServiceEntry). Required there.
   * @default - none (Istio needs none)
   */
  readonly egressNetwork?: EgressNetwork;
}

const portName = (p: ServiceEntryPort) => p.name ?? `${p.protocol ?? Protocol.HTTPS}-${p.number}`;

/** How the egress gateway carries each protocol: HTTP routed by host, TLS passed through by SNI, the rest as TCP. */
const EGRESS_KINDS: Array<{ kind: 'HTTP' | 'TLS' | 'TCP'; protocols: Protocol[]; port?: number }> = [
  { kind: 'HTTP', protocols: [Protocol.HTTP], port: 80 },
  { kind: 'TLS', protocols: [Protocol.HTTPS, Protocol.TLS], port: 443 },
  { kind: 'TCP', protocols: [Protocol.TCP, Protocol.MONGO, Protocol.MYSQL, Protocol.REDIS] },
];

/** One host of a {@link ServiceEntry} as a route target. */
class ExternalHost implements IMeshService, IRouteTarget {
  public readonly external = true;
  public readonly subset?: string = undefined;
  public readonly service: IMeshService = this;
  public readonly versionNames: string[] = [];

  public constructor(public readonly name: string, public readonly namespace: string | undefined, private readonly _ports: MeshServicePort[],
    /** The declaring ServiceEntry's object name. */ public readonly entryName?: string) {}

  public get ports(): MeshServicePort[] {
    return this._ports.map(p => ({ ...p }));
  }

  public version(name: string): IRouteTarget {
    return externalSubset(this, name, fail);
  }
}

/**
 * A subset of an external host: the host's endpoints with a traffic policy of their own, declared by a DestinationPolicy
 * of the host (`subsets: [{ name }]`, no labels), as Istio's TLS origination task routes port 80 to subset
 * `tls-origination`. A subset no DestinationRule declares is IST0101 of the synth-time analysis (istio/istio
 * pkg/config/analysis/analyzers/virtualservice/destinationrules.go).
 */
function externalSubset(host: IMeshService, name: string, reject: (message: ProblemLike) => never): IRouteTarget {
  const err = checkDnsLabel('version', name);
  if (err) reject(err);
  return { service: host, subset: name };
}

/**
 * Istio's `ServiceEntry`: an external service the mesh may call (with `outboundTrafficPolicy:
 * REGISTRY_ONLY`, the only ones). Optionally with TLS origination (a DestinationRule opening TLS
 * for plain-HTTP calls, verifying the server) and routing through an egress gateway (a Gateway and
 * a VirtualService taking the traffic from the sidecars to the gateway, then out).
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/
 */
export class ServiceEntry extends Construct implements IMeshService, IRouteTarget {
  /** The first host: as a route target the entry is that host (`host()` for the others). */
  public readonly name: string;
  /** The ServiceEntry's namespace (an external host is written as is from every namespace). */
  public readonly namespace?: string;
  /** Always true: the host is external, written as is. */
  public readonly external = true;
  /** Always undefined: the entry as a route target is its first host as a whole (`version()` for a subset). */
  public readonly subset?: string = undefined;
  /** The first host, as a route target. */
  public readonly service: IMeshService = this;
  /** Always empty: an external host has no versions. */
  public readonly versionNames: string[] = [];
  /** The ServiceEntry object's name (routes of the Gateway API attach to it by name). */
  public readonly entryName: string;
  /** The rendered ServiceEntry (escape hatch). */
  public readonly resource: ApiObject;
  /** The DestinationRule of TLS origination (escape hatch), when asked. */
  public readonly destinationRule?: ApiObject;
  /** The egress Gateway (escape hatch), when asked. */
  public readonly gateway?: ApiObject;
  /** The VirtualService through the egress gateway (escape hatch), when asked. */
  public readonly virtualService?: ApiObject;
  private readonly _ports: MeshServicePort[];
  private readonly _hosts: string[];

  public constructor(scope: Construct, id: string, props: ServiceEntryProps) {
    super(...constructArgs('ServiceEntry', [scope, id, props]));
    const byEgressNetwork = backendAt(this).egressBy === 'EgressNetwork';
    failIfNoMesh(this, 'ServiceEntry');
    if (props.egressNetwork && !byEgressNetwork) {
      failAt(this, problem('egressNetwork', 'is Linkerd\'s: under Istio the ServiceEntry itself lets the hosts out', props.egressNetwork.node.path, 'leave it out'));
    }
    const { name, namespace } = policyIdentity(this, props, id);
    if (props.hosts.length === 0) failAt(this, problem('hosts', 'must hold at least one host', []));
    // an empty list is the mesh's default (written as no exportTo), not a list to check
    const exportErr = props.exportTo && props.exportTo.length > 0 ? checkExportTo('exportTo', props.exportTo) : undefined;
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
    this.name = props.hosts[0];
    this.entryName = name;
    this.namespace = namespace;
    this._hosts = [...props.hosts];
    this._ports = ports.map(p => ({ port: p.number, protocol: p.protocol ?? Protocol.HTTPS, name: portName(p) }));
    if (byEgressNetwork) {
      this.resource = this.linkerdRoutes(props, ports);
      return;
    }
    if (props.hosts.length > 1 && (tls || props.egressGateway)) {
      failAt(this, problem('hosts', 'must hold one host with tlsOrigination or egressGateway (each host needs its own routes)', props.hosts, 'one ServiceEntry per host'));
    }
    const eg = props.egressGateway;
    const through = EGRESS_KINDS.map(k => ({ ...k, ports: ports.filter(p => k.protocols.includes(p.protocol ?? Protocol.HTTPS)) }))
      .find(k => k.ports.length > 0);
    if (eg && !through) {
      failAt(this, problem('egressGateway', 'routes HTTP, TLS and TCP ports: the service has none', ports.map(portName), 'add a port of one of them'));
    }
    if (eg?.port !== undefined && checkPort('egressGateway.port', eg.port)) failAt(this, checkPort('egressGateway.port', eg.port)!);
    // Through the gateway the DestinationRule opens TLS on the outgoing port (443): without credentialName it has no
    // workloadSelector, so it applies to the namespace's sidecars too, and the application's own HTTPS or TLS calls on
    // that port would be encrypted twice, silently (the reason Istio's egress TLS origination task originates for a subset:
    // istio.io content/en/docs/tasks/traffic-management/egress/egress-tls-origination)
    const ownTls = tls && eg && !tls.credentialName
      ? ports.find(p => p.number === tlsTarget && TLS_PROTOCOLS.includes(p.protocol ?? Protocol.HTTPS))
      : undefined;
    if (ownTls) {
      failAt(this, problem('tlsOrigination', `with egressGateway and no credentialName, opens TLS on port ${tlsTarget} for the sidecars too: the application's own `
        + `${(ownTls.protocol ?? Protocol.HTTPS).toUpperCase()} calls on ${tlsTarget} would be encrypted twice`, portName(ownTls),
      'give tlsOrigination.credentialName (the DestinationRule then selects the egress gateway\'s pods alone), or drop that port, or originate TLS for a '
        + 'subset: a DestinationPolicy of the entry, subsets: [{ name, trafficPolicy: { ports: [{ port, tls: ClientTls.simple() }] } }], and a route to entry.version(name)'));
    }
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
      location: props.location,
      resolution,
      // the egress gateway must see the entry to send the traffic out
      // written only when asked: none of Istio's egress tasks writes it (istio.io tasks/traffic-management/egress/*)
      exportTo: props.exportTo?.length === 0 ? undefined : [...(props.exportTo ?? (eg ? ['.', egressService.split('.')[1]] : ['.']))],
      // The sidecar (or the egress gateway) opens TLS on the port the plain call leaves by.
      tlsOrigination: tls ? {
        port: eg ? tlsTarget! : tlsPort!,
        caCertificates: tls.caCertificates,
        credentialName: tls.credentialName,
        gateway: eg && tls.credentialName ? { namespace: egressService.split('.')[1], selector: { ...(eg.selector ?? { istio: 'egressgateway' }) } } : undefined,
      } : undefined,
      egressGateway: eg && through ? {
        selector: { ...(eg.selector ?? { istio: 'egressgateway' }) },
        service: egressService,
        protocol: through.kind,
        port: eg.port ?? through.port ?? through.ports[0].number,
        meshPort: through.ports[0].number,
        outPort: through.ports[0].number === tlsPort ? tlsTarget! : through.ports[0].number,
        // the route through the gateway stays where it is needed (its sidecars and the gateway): another route of the host
        // elsewhere is no conflict (IST0109)
        exportTo: [...(props.exportTo ?? ['.', egressService.split('.')[1]])],
      } : undefined,
    };
    const net = model.apiVersion;
    this.resource = emit(this, 'Resource', { apiVersion: net, kind: 'ServiceEntry', name, namespace, body: ['spec'] }, () => renderServiceEntry(model));
    if (tls) {
      const drNamespace = model.tlsOrigination?.gateway?.namespace ?? namespace;
      this.destinationRule = emit(this, 'TlsOrigination', { apiVersion: net, kind: 'DestinationRule', name: `${name}-tls`, namespace: drNamespace, body: ['spec'] },
        () => renderTlsOrigination(model));
    }
    if (eg) {
      this.gateway = emit(this, 'EgressGateway', { apiVersion: net, kind: 'Gateway', name: `${name}-egress`, namespace, body: ['spec'] }, () => renderEgressGateway(model));
      this.virtualService = emit(this, 'EgressRoute', { apiVersion: net, kind: 'VirtualService', name: `${name}-through-egress`, namespace, body: ['spec'] },
        () => renderEgressRoute(model));
    }
  }

  /**
   * Under Linkerd, the entry as routes of its EgressNetwork: HTTP ports by Host, HTTPS and TLS ports by SNI. What only
   * Istio's ServiceEntry has (TLS origination, an egress gateway, addresses, resolution, location, exportTo) is refused,
   * and so are TCP ports, whose route would let every host out on the port.
   */
  private linkerdRoutes(props: ServiceEntryProps, ports: ServiceEntryPort[]): ApiObject {
    const net = props.egressNetwork;
    if (!net) {
      failAt(this, problem('egressNetwork', 'must be given under the Linkerd back-end: Linkerd lets hosts out by routes of an EgressNetwork', 'none',
        'pass egressNetwork: new EgressNetwork(chart, \'egress\')'));
    }
    const istioOnly = (['tlsOrigination', 'egressGateway', 'addresses', 'resolution', 'location', 'exportTo'] as const).filter(k => props[k] !== undefined);
    if (istioOnly.length > 0) {
      failAt(this, problem(istioOnly[0], 'cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): it is an Istio ServiceEntry setting', istioOnly.join(', '),
        'remove it, or render this chart for MeshProvider.ISTIO'));
    }
    const routes = ports.map(p => {
      const protocol = p.protocol ?? Protocol.HTTPS;
      if (protocol === Protocol.HTTP) return net.allow({ hosts: props.hosts, port: p.number, protocol: EgressProtocol.HTTP, name: `${net.node.id}-${this.node.id}-${p.number}` });
      if (protocol === Protocol.HTTPS || protocol === Protocol.TLS) {
        return net.allow({ hosts: props.hosts, port: p.number, protocol: EgressProtocol.TLS, name: `${net.node.id}-${this.node.id}-${p.number}` });
      }
      return failAt(this, problem('ports.protocol', `cannot be expressed with the Linkerd back-end by host: a ${protocol} route would let every host out on port ${p.number}`,
        protocol, `use EgressNetwork.allow({ port: ${p.number}, protocol: EgressProtocol.TCP }) if that is meant`));
    });
    return routes[0];
  }

  /** The entry's ports, as a route target's (the plain-HTTP port of TLS origination first). */
  public get ports(): MeshServicePort[] {
    return this._ports.map(p => ({ ...p }));
  }

  /**
   * A subset of the first host (its endpoints with a traffic policy of their own): declare it with a
   * {@link DestinationPolicy} of the entry, `subsets: [{ name, trafficPolicy }]` (Istio's TLS origination by subset).
   */
  public version(name: string): IRouteTarget {
    return externalSubset(this, name, message => failAt(this, message));
  }

  /** The entry's hosts. */
  public get hosts(): string[] {
    return [...this._hosts];
  }

  /** One of the entry's hosts as a route target (the entry itself is its first). */
  public host(name: string): IMeshService & IRouteTarget {
    if (!this._hosts.includes(name)) {
      failAt(this, problem('host', 'must be a host of the ServiceEntry', name, `its hosts are ${this._hosts.map(h => `'${h}'`).join(', ')}`));
    }
    return name === this.name ? this : new ExternalHost(name, this.namespace, this._ports, this.entryName);
  }
}
