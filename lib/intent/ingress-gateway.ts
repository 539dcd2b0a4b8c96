import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IMeshNamespace } from './mesh-namespace';
import { backendAt, failIfNoIngress, refuse } from '../backends/registry';
import { ProblemLike, fail, failAt, problem, problemValidation } from '../core/errors';
import { importAt, markExternal } from '../core/external-references';
import { constructArgs } from '../core/input';
import { checkDnsLabel, checkDnsSubdomain, checkHostName } from '../core/names';
import { GatewayServiceType, MeshSettings, TrafficApi } from '../core/settings';
import { namespaceOf } from '../hosting/cdk8s/emit';
import { AllowedRoutesModel, GatewayModel, GatewayServer, ServerModel } from '../render/model';

/** Protocols of a gateway listener. */
export enum GatewayProtocol {
  /** Plain HTTP. */
  HTTP = 'HTTP',
  /** HTTPS terminated at the gateway. */
  HTTPS = 'HTTPS',
  /** HTTP/2. */
  HTTP2 = 'HTTP2',
  /** gRPC. */
  GRPC = 'GRPC',
  /** Opaque TCP. */
  TCP = 'TCP',
  /** TLS (routed by SNI). */
  TLS = 'TLS',
}

/**
 * TLS of a gateway listener.
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
 */
export class GatewayTls {
  /** Terminate TLS with the certificate in the Secret `credentialName` (in the gateway's namespace). */
  public static simple(credentialName: string): GatewayTls {
    return new GatewayTls('SIMPLE', credentialName);
  }

  /** Terminate TLS and require client certificates, verified with the CA in `credentialName`. */
  public static mutual(credentialName: string): GatewayTls {
    return new GatewayTls('MUTUAL', credentialName);
  }

  /** Pass TLS through to the workload, routed by SNI. */
  public static passthrough(): GatewayTls {
    return new GatewayTls('PASSTHROUGH');
  }

  private constructor(/** @internal */ public readonly _mode: string, /** @internal */ public readonly _credentialName?: string) {
    if (_credentialName !== undefined) {
      const err = checkDnsSubdomain('tls.credentialName', _credentialName);
      if (err) fail(err);
    }
  }
}

/** Kinds of Gateway API routes a listener may admit. */
export enum GatewayRouteKind {
  /** HTTPRoute (HTTP and HTTPS listeners). */
  HTTP_ROUTE = 'HTTPRoute',
  /** GRPCRoute (HTTP and HTTPS listeners). */
  GRPC_ROUTE = 'GRPCRoute',
  /** TLSRoute (TLS listeners). */
  TLS_ROUTE = 'TLSRoute',
  /** TCPRoute (TCP listeners). */
  TCP_ROUTE = 'TCPRoute',
}

/** Options of {@link GatewayAllowedRoutes}. */
export interface GatewayAllowedRoutesOptions {
  /**
   * The route kinds admitted.
   * @default - those of the listener's protocol (the Gateway API's default)
   */
  readonly kinds?: GatewayRouteKind[];
}

/**
 * Which routes a Gateway API gateway's listeners admit (`allowedRoutes`), for routes declared in charts or apps the
 * gateway cannot see. Without it, the listeners admit exactly the namespaces whose {@link IngressGatewayRoute}s attach.
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#allowedroutes
 */
export class GatewayAllowedRoutes {
  /** Routes of every namespace (`from: All`). */
  public static all(options: GatewayAllowedRoutesOptions = {}): GatewayAllowedRoutes {
    return new GatewayAllowedRoutes({ from: 'All', kinds: kindsOf(options) });
  }

  /** Routes of the gateway's own namespace only (`from: Same`). */
  public static sameNamespace(options: GatewayAllowedRoutesOptions = {}): GatewayAllowedRoutes {
    return new GatewayAllowedRoutes({ from: 'Same', kinds: kindsOf(options) });
  }

  /** Routes of these namespaces, by name (the gateway's own only if named). */
  public static fromNamespaces(names: string[], options: GatewayAllowedRoutesOptions = {}): GatewayAllowedRoutes {
    if (!Array.isArray(names) || names.length === 0) {
      fail(problem('allowedRoutes.namespaces', 'must name at least one namespace', Array.isArray(names) ? '[]' : String(names), 'e.g. [\'default\']'));
    }
    for (const n of names) {
      const err = checkDnsLabel('allowedRoutes.namespaces', n);
      if (err) fail(err);
    }
    return new GatewayAllowedRoutes({ from: 'Selector', names: [...new Set(names)].sort(), kinds: kindsOf(options) });
  }

  /** Routes of the namespaces whose labels match all of these. */
  public static fromLabels(labels: { [key: string]: string }, options: GatewayAllowedRoutesOptions = {}): GatewayAllowedRoutes {
    if (typeof labels !== 'object' || labels === null || Object.keys(labels).length === 0) {
      fail(problem('allowedRoutes.labels', 'must hold at least one label', labels === null || typeof labels !== 'object' ? String(labels) : '{}',
        'e.g. { \'gateway-access\': \'true\' }'));
    }
    for (const [k, v] of Object.entries(labels)) {
      if (typeof v !== 'string') fail(problem(`allowedRoutes.labels['${k}']`, 'must be a string', String(v)));
    }
    return new GatewayAllowedRoutes({ from: 'Selector', labels: { ...labels }, kinds: kindsOf(options) });
  }

  private constructor(/** @internal */ public readonly _model: AllowedRoutesModel) {}
}

/** The route kinds of allowedRoutes' options, checked. */
function kindsOf(options: GatewayAllowedRoutesOptions): string[] | undefined {
  const kinds = (options ?? {}).kinds;
  if (kinds === undefined) return undefined;
  const known = Object.values(GatewayRouteKind) as string[];
  if (!Array.isArray(kinds) || kinds.length === 0) {
    fail(problem('allowedRoutes.kinds', 'must hold at least one route kind', Array.isArray(kinds) ? '[]' : String(kinds), 'omit it to admit the kinds of the listener\'s protocol'));
  }
  for (const k of kinds) {
    if (!known.includes(k)) fail(problem('allowedRoutes.kinds', `must be one of ${known.join(', ')}`, String(k), 'use GatewayRouteKind'));
  }
  return [...new Set(kinds)];
}

/** One listener of an {@link IngressGateway}. */
export interface GatewayServerOptions {
  /** The port the gateway workload listens on (e.g. 8080 for Istio's default ingress gateway pods). */
  readonly port: number;

  /**
   * The protocol of the listener.
   * @default GatewayProtocol.HTTP
   */
  readonly protocol?: GatewayProtocol;

  /**
   * The listener's port name.
   * @default - the protocol in lower case, e.g. `http`
   */
  readonly name?: string;

  /**
   * The hosts the listener serves: DNS names, `*.domain` wildcards, or `*` for any host (only when you mean it).
   * May be written `namespace/host` to admit only VirtualServices of that namespace.
   */
  readonly hosts: string[];

  /**
   * TLS of the listener: required for HTTPS and TLS listeners, not allowed on plain ones.
   * @default - none (plain text)
   */
  readonly tls?: GatewayTls;

  /**
   * On a plain HTTP listener, answer every request with a 301 to HTTPS.
   * @default false
   */
  readonly httpsRedirect?: boolean;
}

/** Props of an {@link IngressGateway}. */
export interface IngressGatewayProps {
  /**
   * The Gateway name.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The namespace of the Gateway.
   * @default - the chart's namespace
   */
  readonly namespace?: IMeshNamespace;

  /**
   * Labels of the gateway workload (pods) this configures.
   * @default - the labels of `gateway`, else { istio: 'ingressgateway' } (Istio's default ingress gateway)
   */
  readonly selector?: { [key: string]: string };

  /**
   * The gateway deployment this configures (an {@link IstioGateway} of the app): selected by its pods' labels, so the
   * selector always matches a gateway that is deployed. Not with `selector`; Istio's Gateway only.
   * @default - none: `selector`
   */
  readonly gateway?: IGatewayDeployment;

  /**
   * Listeners. More with `addServer()`.
   * @default - none; at least one is required by synth
   */
  readonly servers?: GatewayServerOptions[];

  /**
   * The GatewayClass (TrafficApi.GATEWAY_API only): `istio` makes Istio deploy the gateway.
   * @default 'istio'
   */
  readonly gatewayClassName?: string;

  /**
   * Which routes the listeners admit (TrafficApi.GATEWAY_API only): for routes this app's constructs do not attach
   * (declared in another chart or app).
   * @default - exactly the namespaces whose IngressGatewayRoutes attach: `Same` when only the gateway's own, else those by name
   */
  readonly allowedRoutes?: GatewayAllowedRoutes;

  /**
   * The Service type of the gateway Istio deploys for it (TrafficApi.GATEWAY_API only; the annotation
   * `networking.istio.io/service-type`): `CLUSTER_IP` for an egress gateway.
   * @default - Istio's default (LoadBalancer), no annotation
   */
  readonly serviceType?: GatewayServiceType;
}

/** A deployed gateway workload (an {@link IstioGateway}) that an {@link IngressGateway} selects. */
export interface IGatewayDeployment {
  /** The Deployment's name. */
  readonly name: string;
  /** Its namespace, when known. */
  readonly namespace?: string;
  /** The labels of its pods (a copy). */
  readonly labels: { [key: string]: string };
}

/** What routes need to know of a gateway this app does not create. */
export interface IngressGatewayAttributes {
  /** The Gateway name. */
  readonly name: string;
  /**
   * Its namespace (required: a route that names a gateway without a namespace means the one in its own
   * namespace, which is rarely where an imported gateway runs).
   */
  readonly namespace: string;
  /** Its listeners (the hosts they serve are what routes are checked against). */
  readonly servers: GatewayServerOptions[];
}

/** A gateway that {@link IngressGatewayRoute}s bind to. */
export interface IIngressGateway {
  /** The Gateway name. */
  readonly name: string;
  /** The namespace, when known. */
  readonly namespace?: string;
  /** The listeners (copies). */
  readonly servers: GatewayServer[];
  /**
   * The API the gateway is rendered to, when this app renders it.
   * @default - unknown (a gateway this app does not create)
   */
  readonly trafficApi?: TrafficApi;
}

/**
 * An Istio Gateway: the listeners (port, protocol, hosts) of an ingress gateway workload.
 * Nothing is exposed unless a server names it: there is no default host.
 */
export class IngressGateway extends Construct implements IIngressGateway {
  /**
   * A gateway this app does not create (a shared gateway run by the platform team), so that routes
   * can bind to it with the same host and port checks as for gateways declared here. The import is a construct
   * of the app: the app's synth-time analysis counts the gateway as existing, and no other app's does.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: IngressGatewayAttributes): IIngressGateway;
  /**
   * A gateway this app does not create, imported without a scope.
   * @deprecated use `fromAttributes(scope, id, attrs)`: an import without a scope belongs to no app; the synth-time
   * analysis counts it only in the apps whose constructs hold it (a gateway route's gateway). Removed in the next minor version.
   */
  public static fromAttributes(attrs: IngressGatewayAttributes): IIngressGateway;
  public static fromAttributes(scopeOrAttrs: Construct | IngressGatewayAttributes, id?: string, attrs?: IngressGatewayAttributes): IIngressGateway {
    if (Construct.isConstruct(scopeOrAttrs)) return new IngressGatewayImport(scopeOrAttrs, id!, () => IngressGateway.importOf(attrs!));
    const imported = IngressGateway.importOf(scopeOrAttrs);
    return markExternal(imported, 'gateway', imported.namespace, imported.name);
  }

  /** An imported gateway, checked (a plain object). */
  private static importOf(attrs: IngressGatewayAttributes): IIngressGateway {
    if ((attrs.namespace as unknown) === undefined) {
      fail(problem('namespace', 'must be given for an imported gateway', undefined,
        `a route naming gateway '${String(attrs.name)}' without a namespace binds to a gateway in its own namespace: give the namespace the Gateway runs in (e.g. 'istio-system')`));
    }
    const err = checkDnsSubdomain('name', attrs.name) ?? checkDnsLabel('namespace', attrs.namespace);
    if (err) fail(err);
    const servers = attrs.servers.map(s => serverModelOf(s, fail));
    return {
      name: attrs.name,
      namespace: attrs.namespace,
      get servers() {
        return servers.map(s => ({ ...s, hosts: [...s.hosts] }));
      },
    };
  }

  public readonly name: string;
  public readonly namespace?: string;
  public readonly trafficApi: TrafficApi;
  /** The Gateway object (escape hatch): Istio's, or the Gateway API's under TrafficApi.GATEWAY_API. */
  public readonly resource: ApiObject;
  private readonly _servers: ServerModel[] = [];
  private readonly selector: { [key: string]: string };
  /** Namespaces of routes attached from elsewhere (the Gateway API listeners admit them by name). */
  private readonly routeNamespaces = new Set<string>();
  /** Routes attach from the gateway's own namespace. */
  private ownNamespaceRoutes = false;
  /** Paths of attached routes of unknown namespace (the gateway's is known). */
  private readonly unplacedRoutes: string[] = [];
  private readonly allowedRoutes?: AllowedRoutesModel;
  private readonly serviceType?: string;

  /** The labels of the gateway workload (pods) this Gateway configures (a copy). */
  public get workloadLabels(): { [key: string]: string } {
    return { ...this.selector };
  }
  private readonly gatewayClassName: string;

  public constructor(scope: Construct, id: string, props: IngressGatewayProps = {}) {
    super(...constructArgs('IngressGateway', [scope, id, props]));
    failIfNoIngress(this, 'IngressGateway');
    this.name = props.name ?? id;
    this.namespace = namespaceOf(this, props.namespace?.name);
    const err = checkDnsSubdomain(props.name === undefined ? 'name (the construct id)' : 'name', this.name);
    if (err) failAt(this, err);
    if (props.gateway !== undefined && props.selector !== undefined) {
      failAt(this, problem('selector', 'must not be given with gateway: the gateway\'s pod labels are the selector', props.selector, 'drop selector'));
    }
    this.selector = { ...(props.selector ?? props.gateway?.labels ?? { istio: 'ingressgateway' }) };
    if (Object.keys(this.selector).length === 0) {
      failAt(this, problem('selector', 'must select the gateway workload by at least one label', '{}', 'e.g. { istio: \'ingressgateway\' }'));
    }
    for (const s of props.servers ?? []) this.addServer(s);
    this.gatewayClassName = props.gatewayClassName ?? 'istio';
    this.trafficApi = MeshSettings.of(this).trafficApi;
    if (props.allowedRoutes !== undefined && !(props.allowedRoutes instanceof GatewayAllowedRoutes)) {
      failAt(this, problem('allowedRoutes', 'must be made by GatewayAllowedRoutes', String(props.allowedRoutes), 'e.g. GatewayAllowedRoutes.fromNamespaces([\'default\'])'));
    }
    const serviceTypes = Object.values(GatewayServiceType) as string[];
    if (props.serviceType !== undefined && !serviceTypes.includes(props.serviceType)) {
      failAt(this, problem('serviceType', `must be one of ${serviceTypes.join(', ')}`, String(props.serviceType), 'use GatewayServiceType'));
    }
    if (this.trafficApi !== TrafficApi.GATEWAY_API) {
      // Istio's Gateway configures a deployed gateway: it has neither; its hosts take `namespace/host` to admit routes by namespace
      if (props.allowedRoutes !== undefined) {
        failAt(this, problem('allowedRoutes', 'is a Gateway API listener setting (TrafficApi.GATEWAY_API only)', props.allowedRoutes._model.from,
          'drop it; with Istio\'s API write hosts as \'namespace/host\' to admit routes of that namespace only'));
      }
      if (props.serviceType !== undefined) {
        failAt(this, problem('serviceType', 'is for a gateway Istio deploys from a Gateway API Gateway (TrafficApi.GATEWAY_API only)', props.serviceType,
          'drop it; set the Service type where the gateway is deployed (IstioGateway, or Istio\'s installation)'));
      }
    }
    this.allowedRoutes = props.allowedRoutes?._model;
    this.serviceType = props.serviceType;
    const backend = backendAt(this);
    if (props.gateway !== undefined) refuse(this, backend.gatewayDeploymentProblem(props.gateway.name));
    this.resource = backend.gatewayObject({ scope: this, name: this.name, namespace: this.namespace, model: () => this.model() });
    this.node.addValidation(problemValidation(this, () => [
      ...(this._servers.length > 0 ? [] : [problem('servers', 'must hold at least one server', '[]', 'call addServer()')]),
      ...backend.gatewayProblems(this.model(), props.selector !== undefined),
    ]));
  }

  /** The listeners (copies). */
  public get servers(): GatewayServer[] {
    return this._servers.map(s => ({ ...s, hosts: [...s.hosts], ...(s.tls ? { tls: { ...s.tls } } : {}) }));
  }

  /** Adds a listener. */
  public addServer(server: GatewayServerOptions): void {
    const model = serverModelOf(server, message => failAt(this, message));
    // Istio keys a gateway's servers by port *name*, not number: several servers may share a port (one per host, each with
    // its own certificate: the secure-ingress task's multi-host gateway). istio/istio pkg/config/validation/validation.go
    // (ValidateGateway: "port names in servers must be unique").
    if (this._servers.some(s => s.portName === model.portName)) {
      failAt(this, problem('servers.name', 'must be unique within a gateway (Istio keys servers by port name)', model.portName,
        `give each server its own name, e.g. '${model.protocol.toLowerCase()}-${serverNameHint(model.hosts)}'`));
    }
    for (const other of this._servers.filter(s => s.port === model.port)) {
      // Istio merges the servers of one port into one listener: their protocols must agree (istio/istio pilot/pkg/model/gateway.go,
      // MergeGateways drops a server whose protocol conflicts with the port's), and a host is served once per port.
      if (other.protocol !== model.protocol) {
        failAt(this, problem('servers.protocol', `must be the protocol of the other servers on port ${model.port} ('${other.portName}': ${other.protocol})`,
          model.protocol, 'use another port, or the same protocol'));
      }
      const twice = model.hosts.filter(h => other.hosts.includes(h));
      if (twice.length > 0) {
        failAt(this, problem('servers.hosts', `must not be served twice on port ${model.port} (server '${other.portName}' serves it)`, twice[0],
          'serve each host of a port from one server'));
      }
    }
    this._servers.push(model);
  }

  /**
   * Admits routes of another namespace to the listeners (an IngressGatewayRoute there binds to this gateway). Under the
   * Gateway API the listeners then admit that namespace by name, and no other; Istio's Gateway needs nothing.
   * @internal
   */
  public _admitRoutesFrom(namespace: string | undefined, routePath?: string): void {
    // a route without a namespace lands in kubectl's current namespace: the gateway's own when it has none either
    if (namespace === this.namespace) this.ownNamespaceRoutes = true;
    else if (namespace === undefined) this.unplacedRoutes.push(routePath ?? '(a route without a namespace)');
    else this.routeNamespaces.add(namespace);
  }

  /** The Gateway as model data. @internal */
  public model(): GatewayModel {
    return {
      name: this.name,
      namespace: this.namespace,
      selector: this.selector,
      gatewayClassName: this.gatewayClassName,
      servers: this.servers,
      routeNamespaces: this.routeNamespaces.size > 0 ? [...this.routeNamespaces].sort() : undefined,
      ownNamespaceRoutes: this.ownNamespaceRoutes || undefined,
      unplacedRoutes: this.unplacedRoutes.length > 0 ? [...this.unplacedRoutes] : undefined,
      allowedRoutes: this.allowedRoutes,
      serviceType: this.serviceType,
    };
  }
}

/** A name part from a server's first host (`httpbin.example.com` → `httpbin`). */
function serverNameHint(hosts: readonly string[]): string {
  const label = (hosts[0] ?? '').replace(/^.*\//, '').split('.').find(l => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l));
  return label ?? 'host';
}

/** Checks one listener (local facts only) and converts it to model data. */
function serverModelOf(server: GatewayServerOptions, reject: (message: ProblemLike) => never): ServerModel {
  const protocol = server.protocol ?? GatewayProtocol.HTTP;
  const portName = server.name ?? protocol.toLowerCase();
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
    reject(problem('servers.port', 'must be a whole number between 1 and 65535', server.port, 'give the port the gateway listens on, e.g. 80 for HTTP or 443 for HTTPS'));
  }
  const nameErr = checkDnsLabel('servers.name', portName);
  if (nameErr) reject(nameErr);
  if (server.hosts.length === 0) {
    reject(problem('servers.hosts', 'must hold at least one host', '[]', 'name the hosts to expose, or \'*\' to expose every host'));
  }
  for (const h of server.hosts) {
    const slash = h.indexOf('/');
    const ns = slash >= 0 ? h.slice(0, slash) : undefined;
    const hostErr = checkHostName('servers.hosts', slash >= 0 ? h.slice(slash + 1) : h)
      ?? (ns !== undefined && ns !== '.' && ns !== '*' ? checkDnsLabel('servers.hosts namespace', ns) : undefined);
    if (hostErr) reject(hostErr);
  }
  const tls = server.tls;
  if (tls && ![GatewayProtocol.HTTPS, GatewayProtocol.TLS].includes(protocol)) {
    reject(problem('servers.tls', `is only for HTTPS and TLS listeners, not ${protocol}`, tls._mode, 'use protocol HTTPS (terminate) or TLS (passthrough)'));
  }
  if (!tls && [GatewayProtocol.HTTPS, GatewayProtocol.TLS].includes(protocol)) {
    reject(problem('servers.tls', `must be given for a ${protocol} listener`, 'none', 'e.g. GatewayTls.simple(\'my-cert-secret\')'));
  }
  if (tls && protocol === GatewayProtocol.TLS && tls._mode !== 'PASSTHROUGH') {
    reject(problem('servers.tls', 'must be PASSTHROUGH on a TLS listener (terminating listeners are HTTPS)', tls._mode));
  }
  if (server.httpsRedirect && protocol !== GatewayProtocol.HTTP) {
    reject(problem('servers.httpsRedirect', 'is only for plain HTTP listeners', protocol));
  }
  return {
    port: server.port,
    portName,
    protocol,
    hosts: [...server.hosts],
    ...(tls || server.httpsRedirect
      ? { tls: { mode: tls?._mode, credentialName: tls?._credentialName, httpsRedirect: server.httpsRedirect || undefined } }
      : {}),
  };
}

/** A gateway declared elsewhere, imported into an app: a construct, so that the import is the app's; see {@link IngressGateway.fromAttributes}. */
class IngressGatewayImport extends Construct implements IIngressGateway {
  public readonly name: string;
  public readonly namespace?: string;

  private readonly imported: IIngressGateway;

  public constructor(scope: Construct, id: string, build: () => IIngressGateway) {
    super(scope, id);
    this.imported = importAt(this, 'IngressGateway.fromAttributes', build);
    this.name = this.imported.name;
    this.namespace = this.imported.namespace;
    markExternal(this, 'gateway', this.namespace, this.name);
  }

  public get servers(): GatewayServer[] {
    return this.imported.servers;
  }
}
