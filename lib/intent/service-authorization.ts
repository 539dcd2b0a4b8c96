import { Construct } from 'constructs';
import { AuthorizedRequests } from './authorized-requests';
import { MeshClient } from './mesh-client';
import { DefaultInboundPolicy } from './mesh-namespace';
import { MeshService } from './mesh-service';
import { HTTP_PROTOCOLS, MeshServicePort, Protocol } from './ports';
import { MeshBackend } from '../backends/backend';
import { backendAt, failIfNoMesh, refuse } from '../backends/registry';
import { fail, failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkCidr, checkDnsLabel, checkDnsSubdomain, cidrContains, parseCidr } from '../core/names';
import { ambientAt, emit } from '../hosting/cdk8s/emit';
import { AuthorizationModel, AuthorizedClientModel, RateLimitModel } from '../render/model';

/** A caller a {@link ServiceAuthorization} lets in, identified by the mesh's mutual TLS. */
export class AuthorizedClient {
  /**
   * The pods of a service declared here: its ServiceAccount and those of versions running under their own (namespace
   * `default` when the service's chart has none), as they are at synth.
   */
  public static service(service: MeshService): AuthorizedClient {
    return new AuthorizedClient(() => ({
      serviceAccounts: service.serviceAccountNames.map(name => ({ name, namespace: service.namespace ?? 'default' })),
    }), service.node.path, service);
  }

  /**
   * The pods of a {@link MeshClient} declared here (a client, a load generator, a curl pod): its ServiceAccount (namespace
   * `default` when its chart has none).
   */
  public static workload(client: MeshClient): AuthorizedClient {
    if (!(client instanceof MeshClient)) {
      fail(problem('client', 'must be a MeshClient', client, 'for a service use AuthorizedClient.service(...); for pods this app does not declare, AuthorizedClient.serviceAccount(name, namespace)'));
    }
    return new AuthorizedClient(() => ({ serviceAccounts: [{ name: client.serviceAccountName, namespace: client.namespace ?? 'default' }] }), client.node.path);
  }

  /**
   * Pods running as a ServiceAccount this app does not declare (a client deployed from another repository, a namespace's
   * `default` account). Written as named: the synth-time analysis cannot check that it exists.
   */
  public static serviceAccount(name: string, namespace: string): AuthorizedClient {
    const err = checkDnsSubdomain('serviceAccount.name', name) ?? checkDnsLabel('serviceAccount.namespace', namespace);
    if (err) fail(err);
    return new AuthorizedClient(() => ({ serviceAccounts: [{ name, namespace }] }), `${namespace}/${name}`);
  }

  /** Every meshed pod of a namespace. */
  public static namespace(name: string): AuthorizedClient {
    const err = checkDnsLabel('namespace', name);
    if (err) fail(err);
    return new AuthorizedClient(() => ({ namespace: name }), `namespace ${name}`);
  }

  /**
   * Callers from a network (a CIDR block, with exceptions), meshed or not: Linkerd's `NetworkAuthentication`, Istio's
   * `ipBlocks` (the peer's address). For health checkers and callers outside the mesh.
   */
  public static network(cidr: string, options: NetworkClientOptions = {}): AuthorizedClient {
    const block = parseCidr(cidr);
    if (!block) fail(checkCidr('network.cidr', cidr)!);
    for (const [i, e] of (options.except ?? []).entries()) {
      const inner = parseCidr(e);
      if (!inner) fail(checkCidr(`network.except[${i}]`, e)!);
      if (!cidrContains(block, inner)) fail(problem(`network.except[${i}]`, `must be within the network '${cidr}'`, e, 'name an address block inside it, or leave it out'));
    }
    const except = options.except?.length ? [...options.except] : undefined;
    return new AuthorizedClient(() => ({ networks: [{ cidr, except }] }), `network ${cidr}`);
  }

  /** Any caller with a mesh identity: only callers outside the mesh (plain text) are refused. */
  public static anyMeshed(): AuthorizedClient {
    return new AuthorizedClient(() => ({ anyMeshed: true }), 'any meshed caller');
  }

  private constructor(private readonly resolve: () => AuthorizedClientModel, /** @internal */ public readonly _label: string,
    /** @internal */ public readonly _service?: MeshService) {}

  /** @internal */
  public get _model(): AuthorizedClientModel {
    return this.resolve();
  }
}

/** Options of {@link AuthorizedClient.network}. */
export interface NetworkClientOptions {
  /**
   * Blocks inside the network that are not let in.
   * @default - none
   */
  readonly except?: string[];
}

/** A higher (or lower) limit for some callers of a {@link RateLimitOptions}. */
export interface RateLimitOverride {
  /**
   * The callers, by identity: `AuthorizedClient.service(...)`, `AuthorizedClient.workload(...)`, or
   * `AuthorizedClient.serviceAccount(name, namespace)` for a caller this app does not declare (Linkerd's rate-limiting
   * task overrides `emojivoto/default`, the identity of a client pod deployed apart). Such a ServiceAccount is written as
   * named: the analysis cannot check that it exists or that any pod runs as it, so a misspelt name simply never matches.
   */
  readonly clients: AuthorizedClient[];
  /** Their requests per second. */
  readonly requestsPerSecond: number;
}

/** A local rate limit of the guarded ports (Linkerd's `HTTPLocalRateLimitPolicy`): requests per second, enforced by each pod. */
export interface RateLimitOptions {
  /**
   * Requests per second for all callers together.
   * @default - no overall limit
   */
  readonly requestsPerSecond?: number;
  /**
   * Requests per second for each caller identity (at most the overall limit).
   * @default - no per-caller limit
   */
  readonly perClient?: number;
  /**
   * Other limits for some callers (each at most the overall limit).
   * @default - none
   */
  readonly overrides?: RateLimitOverride[];
}

/** Whether a {@link ServiceAuthorization} refuses the callers it does not name, or only reports them. */
export enum AuthorizationMode {
  /** Refuse every caller not named. */
  ENFORCE = 'enforce',
  /**
   * Let every caller in, and report those the policy would refuse — observe before enforcing: Linkerd's `accessPolicy:
   * audit` on the Servers, Istio's dry-run AuthorizationPolicy (`istio.io/dry-run: "true"`).
   */
  AUDIT = 'audit',
}

/** Names of the Linkerd objects a {@link ServiceAuthorization} writes for its `allowFrom`. */
export interface LinkerdAuthorizationNames {
  /**
   * The Server; only when one port is guarded (each port has a Server of its own).
   * @default - `<authorization name>-<container port>`
   */
  readonly server?: string;
  /**
   * The AuthorizationPolicy on the Server admitting `allowFrom` (`<policy>-networks` for callers by network besides
   * identities); only when one port is guarded.
   * @default - the Server's name
   */
  readonly policy?: string;
  /**
   * The MeshTLSAuthentication of `allowFrom` (and the NetworkAuthentication of its networks).
   * @default - the authorization's name
   */
  readonly authentication?: string;
}

/** Props of a {@link ServiceAuthorization}. */
export interface ServiceAuthorizationProps {
  /** The service whose pods are guarded. */
  readonly service: MeshService;

  /**
   * The callers let make any request; everyone else is refused (but for the requests of `allowRequests`).
   * @default - none: only the callers of `allowRequests`, for their requests
   */
  readonly allowFrom?: AuthorizedClient[];

  /**
   * Requests some callers may make ("books may read authors but not modify them"): by method and path, on HTTP ports.
   * Linkerd: an `HTTPRoute` per rule on the Servers, an `AuthorizationPolicy` targeting it, a `MeshTLSAuthentication`
   * (and a `NetworkAuthentication` for networks) of its own; a request no rule matches is refused (404), but for the
   * callers of `allowFrom` (a catch-all route), and the pods' HTTP probes keep a route open to every network (Linkerd
   * leaves out its own probe route once a Server has routes). Istio: a rule of the ALLOW `AuthorizationPolicy` per
   * rule, with `to.operation.methods` and `paths`.
   * @default - none: `allowFrom` may make every request
   * @see https://linkerd.io/2-edge/tasks/configuring-per-route-policy/
   */
  readonly allowRequests?: AuthorizedRequests[];

  /**
   * The service ports guarded.
   * @default - every port of the service
   */
  readonly ports?: number[];

  /**
   * The name of the policy objects.
   * @default - the service's name
   */
  readonly name?: string;

  /**
   * Linkerd: other names for the Server, its AuthorizationPolicy and the callers' authentication, where a task or a
   * convention names them (the restricting-access task's Server `voting-grpc`). Other back-ends write none of these
   * objects and ignore it.
   * @default - the Servers `<name>-<container port>`, each one's AuthorizationPolicy after it, the authentication `<name>`
   */
  readonly linkerdNames?: LinkerdAuthorizationNames;

  /**
   * Enforce, or observe first (audit).
   * @default AuthorizationMode.ENFORCE
   */
  readonly mode?: AuthorizationMode;

  /**
   * Linkerd: what each Server does with a caller no authorization admits (its `accessPolicy`), one of Linkerd's
   * default policies: `ALL_AUTHENTICATED` lets any meshed caller in, `CLUSTER_UNAUTHENTICATED` any caller from the
   * cluster's networks, and so on. Istio has no such fallback: refused there but for `DENY` and `AUDIT` (a dry-run
   * policy); name the callers in `allowFrom` instead, e.g. `AuthorizedClient.anyMeshed()`.
   * @default DefaultInboundPolicy.DENY (DefaultInboundPolicy.AUDIT with `mode: AuthorizationMode.AUDIT`)
   * @see https://linkerd.io/2-edge/reference/authorization-policy/#accesspolicy
   */
  readonly accessPolicy?: DefaultInboundPolicy;

  /**
   * A local rate limit of the guarded ports, on the same Servers (Linkerd). Istio has no rate-limit API (its local rate
   * limit is an EnvoyFilter): refused there.
   * @default - none
   */
  readonly rateLimit?: RateLimitOptions;
}

/**
 * Lets only the named callers reach a service's pods, by their mutual-TLS identity. Rendered for the
 * chart's mesh:
 * - Linkerd: a `Server` per port (`accessPolicy: deny`), a `MeshTLSAuthentication` naming the callers'
 *   ServiceAccounts or namespaces, and an `AuthorizationPolicy` per Server requiring it
 *   (`policy.linkerd.io`);
 * - Istio: an ALLOW `AuthorizationPolicy` selecting the service's pods, callers as principals or namespaces; under
 *   ambient mode, when the service has a waypoint, the policy targets the Service (its waypoint enforces it, seeing the
 *   caller) and the pods admit only the waypoint.
 */
export class ServiceAuthorization extends Construct {
  public constructor(scope: Construct, id: string, props: ServiceAuthorizationProps) {
    super(...constructArgs('ServiceAuthorization', [scope, id, props]));
    failIfNoMesh(this, 'ServiceAuthorization');
    const name = props.name ?? props.service.name;
    const err = checkDnsSubdomain(props.name === undefined ? 'name (the service\'s name)' : 'name', name);
    if (err) failAt(this, err);
    const allowFrom = props.allowFrom ?? [];
    const rules = props.allowRequests ?? [];
    // a Server whose accessPolicy admits callers needs no authorization of its own (the rate-limiting task's web-http)
    const admitting = props.accessPolicy !== undefined
      && props.accessPolicy !== DefaultInboundPolicy.DENY && props.accessPolicy !== DefaultInboundPolicy.AUDIT;
    if (allowFrom.length === 0 && rules.length === 0 && !admitting) {
      failAt(this, problem('allowFrom', 'must name at least one caller', [], 'name the callers to let in, the requests some callers may make in allowRequests, '
        + 'or (Linkerd) an accessPolicy that admits callers (no caller would refuse every request)'));
    }
    // a caller let in is a caller: its Sidecar (SidecarScoping) keeps the service's configuration
    for (const c of [...allowFrom, ...rules.flatMap(r => r.allowFrom ?? [])]) c?._service?._calls(props.service);
    const labels = allowFrom.map(c => c._label);
    const dup = labels.find((l, i) => labels.indexOf(l) !== i);
    if (dup) failAt(this, problem('allowFrom', 'must name each caller once', dup));
    const svcPorts = props.service.ports;
    for (const p of props.ports ?? []) {
      if (!svcPorts.some(s => s.port === p)) {
        failAt(this, problem('ports', `must be ports of service '${props.service.name}'`, p, `its ports are ${svcPorts.map(s => s.port).join(', ')}`));
      }
    }
    const guarded = svcPorts.filter(s => props.ports === undefined || props.ports.includes(s.port));
    const linkerdNames = this.checkLinkerdNames(props.linkerdNames, guarded.length);
    const backend = backendAt(this);
    const opaque = guarded.find(s => !HTTP_PROTOCOLS.includes(s.protocol ?? Protocol.HTTP));
    if (rules.length > 0) this.checkRules(name, rules, guarded, backend, props.service);
    if (props.rateLimit && opaque) {
      failAt(this, problem('rateLimit', `must guard HTTP or gRPC ports only: a local rate limit counts requests, and port ${opaque.port} is ${opaque.protocol}`, opaque.port,
        'limit the ports with ports: [...], or put the rate limit on a ServiceAuthorization of the HTTP ports'));
    }
    const access = props.accessPolicy;
    if (access !== undefined) {
      if (props.mode === AuthorizationMode.AUDIT && access !== DefaultInboundPolicy.AUDIT) {
        failAt(this, problem('accessPolicy', 'cannot be combined with mode: AuthorizationMode.AUDIT, which sets the Servers\' accessPolicy to audit', access,
          'leave out one of them'));
      }
      if (backend.name !== 'linkerd' && access !== DefaultInboundPolicy.DENY && access !== DefaultInboundPolicy.AUDIT) {
        failAt(this, problem('accessPolicy', `cannot be expressed with the ${backend.name} back-end: it is a Linkerd Server's (what it does with callers no authorization admits)`, access,
          'name the callers in allowFrom (AuthorizedClient.anyMeshed(), AuthorizedClient.network(...)), observe with mode: AuthorizationMode.AUDIT, or render this chart for MeshProvider.LINKERD'));
      }
    }
    const model: AuthorizationModel = {
      name,
      namespace: props.service.namespace,
      app: props.service.app,
      ports: guarded.map(s => ({
        containerPort: s.targetPort ?? s.port, containerPortName: s.containerPortName, protocol: s.protocol ?? Protocol.HTTP,
      })),
      clients: [],
      clusterDomain: 'cluster.local',
      probePaths: rules.length > 0 ? probePaths(props.service, guarded.map(p => p.port)) : undefined,
      linkerdNames,
      audit: props.mode === AuthorizationMode.AUDIT || access === DefaultInboundPolicy.AUDIT || undefined,
      accessPolicy: access,
      rateLimit: props.rateLimit ? this.rateLimitModel(props.rateLimit, backend) : undefined,
      // ambient with a waypoint: ztunnel at the pods sees the waypoint's identity, never the caller's, so a policy
      // selecting the pods would refuse every named caller (found by the data-plane model). The waypoint enforces it,
      // and the pods admit only the waypoint (MeshService._waypointOnly).
      atWaypoint: backend.authorizesAtWaypoint && ambientAt(this) && props.service.waypoint
        ? { service: props.service.name, ports: guarded.map(s => s.port) } : undefined,
    };
    if (model.atWaypoint) props.service._waypointOnly(this);
    if (rules.length > 0 && backend.authorizesAtWaypoint && ambientAt(this) && !model.atWaypoint) {
      failAt(this, problem('allowRequests', 'need a waypoint under ambient mode: ztunnel enforces only L4 rules, and an ALLOW policy whose methods or paths it cannot read refuses every request',
        rules.map(r => r.name), `give service '${props.service.name}' a waypoint (waypoint: …), or authorize callers for every request with allowFrom`));
    }
    // callers are resolved when rendered: a service's identities are known once all its versions are added
    const render = backend.authorizationRenderer(this);
    // which objects there are depends on the kinds of caller (identities, networks), known now; whom they name, at synth
    const requests = () => rules.map(r => ({
      name: `${name}-${r.name}`, linkerdNames: r.linkerdNames ? { ...r.linkerdNames } : undefined, clients: r.allowFrom.map(c => ({ ...c._model })), requests: r.requests.map(m => m._model),
    }));
    const objects = render({ ...model, clients: allowFrom.map(c => ({ ...c._model })), requests: requests() });
    const taken = objects.find((o, i) => objects.findIndex(x => x.kind === o.kind && x.metadata.name === o.metadata.name) !== i);
    if (taken) {
      failAt(this, problem('linkerdNames', `must give each object a name of its own: two ${taken.kind}s would be named '${taken.metadata.name}'`, taken.metadata.name,
        'choose other names in linkerdNames (the authorization\'s, or a rule\'s in allowRequests)'));
    }
    objects.forEach((o, i) => {
      const { kind, metadata, ...body } = o;
      // One Server and AuthorizationPolicy per port under Linkerd: `Server7778`, and `AuthorizationPolicy7778-networks`;
      // an object named in linkerdNames: `<Kind>-<its name>`.
      const suffix = metadata.name.startsWith(`${name}-`) ? metadata.name.slice(name.length + 1) : `-${metadata.name}`;
      const childId = objects.filter(x => x.kind === kind).length > 1 ? `${kind}${suffix}` : kind;
      const annotations = metadata.annotations ? { ...metadata.annotations } : undefined;
      const objectLabels = metadata.labels ? { ...metadata.labels } : undefined;
      emit(this, childId, { apiVersion: o.apiVersion, kind, name: metadata.name, namespace: metadata.namespace, labels: objectLabels, annotations, body: Object.keys(body).filter(k => k !== 'apiVersion') },
        () => render({
          ...model,
          clients: allowFrom.map(c => ({ ...c._model })),
          requests: requests(),
          probePaths: rules.length > 0 ? probePaths(props.service, guarded.map(p => p.port)) : undefined,
          rateLimit: props.rateLimit ? this.rateLimitModel(props.rateLimit, backend) : undefined,
        })[i]);
    });
  }

  /** Linkerd's object names, checked: DNS subdomains; a Server's and its policy's only with one guarded port. */
  private checkLinkerdNames(names: LinkerdAuthorizationNames | undefined, ports: number): AuthorizationModel['linkerdNames'] {
    if (names === undefined) return undefined;
    for (const key of ['server', 'policy', 'authentication'] as const) {
      const value = names[key];
      if (value === undefined) continue;
      const err = checkDnsSubdomain(`linkerdNames.${key}`, value);
      if (err) failAt(this, err);
      if (key !== 'authentication' && ports !== 1) {
        failAt(this, problem(`linkerdNames.${key}`, `can only be given when one port is guarded: each port has a Server${key === 'policy' ? ' and a policy' : ''} of its own, and ${ports} are`, value,
          'guard one port per ServiceAuthorization (ports: [...]), or leave the name to mesh-kit'));
      }
    }
    return { server: names.server, policy: names.policy, authentication: names.authentication };
  }

  /** The request rules, checked: names (unique, DNS labels, not taken), callers and requests, HTTP ports only. */
  private checkRules(
    name: string, rules: readonly AuthorizedRequests[], ports: readonly MeshServicePort[], backend: MeshBackend, service: MeshService,
  ): void {
    const names: string[] = [];
    rules.forEach((r, i) => {
      const at = `allowRequests[${i}]`;
      const err = checkDnsLabel(`${at}.name`, r.name) ?? checkDnsSubdomain(`${at}.name (the objects' name ${name}-${String(r.name)})`, `${name}-${String(r.name)}`);
      if (err) failAt(this, err);
      if (r.name === 'default' || r.name === 'probes') {
        failAt(this, problem(`${at}.name`, 'must not be \'default\' or \'probes\': the catch-all and probe routes are named so', r.name, 'name the rule after what it allows, e.g. \'read\''));
      }
      if (names.includes(r.name)) failAt(this, problem(`${at}.name`, 'must be unique among the rules', r.name));
      for (const key of ['route', 'policy', 'authentication'] as const) {
        const given = r.linkerdNames?.[key];
        const nameErr = given === undefined ? undefined : checkDnsSubdomain(`${at}.linkerdNames.${key}`, given);
        if (nameErr) failAt(this, nameErr);
      }
      names.push(r.name);
      if (!Array.isArray(r.allowFrom) || r.allowFrom.length === 0) failAt(this, problem(`${at}.allowFrom`, 'must name at least one caller', r.allowFrom ?? [], 'name who may make these requests'));
      const labels = r.allowFrom.map(c => c._label);
      const dup = labels.find((l, j) => labels.indexOf(l) !== j);
      if (dup) failAt(this, problem(`${at}.allowFrom`, 'must name each caller once', dup));
      if (!Array.isArray(r.requests) || r.requests.length === 0) {
        failAt(this, problem(`${at}.requests`, 'must name at least one request', r.requests ?? [], 'e.g. RequestMatch.pathPrefix(\'/authors\', HttpMethod.GET)'));
      }
    });
    // Linkerd reads HTTPRoutes on HTTP/1 and HTTP/2 Servers (a gRPC Server takes GRPCRoutes); Istio needs HTTP to see methods and paths
    const linkerd = backend.name === 'linkerd';
    const readable = [Protocol.HTTP, Protocol.HTTP2, ...(linkerd ? [] : [Protocol.GRPC, Protocol.GRPC_WEB])];
    const notHttp = ports.find(p => !readable.includes(p.protocol ?? Protocol.HTTP));
    if (notHttp) {
      failAt(this, problem('allowRequests', `must guard HTTP ports only: methods and paths are read from HTTP requests${linkerd ? ' (Linkerd attaches HTTPRoutes to HTTP/1 and HTTP/2 Servers)' : ''}, and port ${notHttp.port} is ${notHttp.protocol}`,
        notHttp.port, `limit the ports with ports: [${ports.filter(p => p !== notHttp).map(p => p.port).join(', ')}], or authorize ${service.name}'s other ports in another ServiceAuthorization`));
    }
  }

  /** The rate limit as model data, checked: whole positive rates, per-caller and override rates within the overall one, identities as clients. */
  private rateLimitModel(r: RateLimitOptions, backend: MeshBackend): RateLimitModel {
    refuse(this, backend.rateLimitProblem(r.requestsPerSecond ?? r.perClient ?? 'set'));
    const rate = (field: string, n: number | undefined) => {
      if (n !== undefined && (!Number.isInteger(n) || n < 1)) failAt(this, problem(field, 'must be a whole number of requests per second, at least 1', n));
      if (n !== undefined && r.requestsPerSecond !== undefined && field !== 'rateLimit.requestsPerSecond' && n > r.requestsPerSecond) {
        failAt(this, problem(field, `must be at most the overall limit (${r.requestsPerSecond}): Linkerd applies the overall limit first`, n, 'lower it, or raise requestsPerSecond'));
      }
      return n;
    };
    if (r.requestsPerSecond === undefined && r.perClient === undefined && !r.overrides?.length) {
      failAt(this, problem('rateLimit', 'must set requestsPerSecond, perClient or overrides', {}, 'leave out rateLimit for no limit'));
    }
    return {
      total: rate('rateLimit.requestsPerSecond', r.requestsPerSecond),
      perClient: rate('rateLimit.perClient', r.perClient),
      overrides: (r.overrides ?? []).map((o, i) => {
        rate(`rateLimit.overrides[${i}].requestsPerSecond`, o.requestsPerSecond);
        const sas = o.clients.flatMap((c, j) => {
          const m = c._model;
          if (!m.serviceAccounts) {
            failAt(this, problem(`rateLimit.overrides[${i}].clients[${j}]`, 'must be a caller identity: Linkerd overrides limits per ServiceAccount', c._label,
              'use AuthorizedClient.service(...) or AuthorizedClient.serviceAccount(name, namespace)'));
          }
          return m.serviceAccounts.map(sa => ({ ...sa }));
        });
        if (sas.length === 0) failAt(this, problem(`rateLimit.overrides[${i}].clients`, 'must name at least one caller', [], 'name the callers, or leave the override out'));
        return { requestsPerSecond: o.requestsPerSecond, serviceAccounts: sas };
      }),
    };
  }
}

/** The paths of the service's HTTP probes on some service ports (a probe without a port targets the first). */
function probePaths(service: MeshService, ports: readonly number[]): string[] {
  const first = service.ports[0]?.port;
  const probes = service.model().versions.flatMap(v => {
    const p = v.deployment?.workload.probes;
    return p ? [p.readiness, p.liveness, p.startup] : [];
  });
  return [...new Set(probes.filter(p => p?.kind === 'httpGet' && ports.includes(p.port ?? first)).map(p => p!.path ?? '/'))].sort();
}
