import * as net from 'net';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { securityApiVersion } from './api';
import { emitPolicy, policyIdentity } from './policy-object';
import { WorkloadSelector } from './workload-selector';
import { failIfNotIstio } from '../../backends/registry';
import { fail, failAt, problem, problemValidation } from '../../core/errors';
import { constructArgs } from '../../core/input';
import { checkDnsLabel, checkDnsSubdomain } from '../../core/names';
import { MeshSettings } from '../../core/settings';
import { ambientAt } from '../../hosting/cdk8s/emit';
import { AuthorizationPolicyModel, renderAuthorizationPolicy } from '../../render/istio';
import { isCidr } from '../../schema/rules/istio-common';
import { MeshService } from '../mesh-service';

/** What an AuthorizationPolicy does with the requests its rules match. */
export enum AuthorizationAction {
  /** Let matching requests in; once any ALLOW policy selects a workload, everything else is refused. */
  ALLOW = 'ALLOW',
  /** Refuse matching requests (evaluated before ALLOW). */
  DENY = 'DENY',
  /** Ask an external authorizer (an `extensionProviders` entry) about matching requests. */
  CUSTOM = 'CUSTOM',
  /** Log matching requests (no decision). */
  AUDIT = 'AUDIT',
}

/** Who sends a request: one `from.source` of a rule. */
export class RequestSource {
  /** The pods of a service declared here, by their mutual-TLS identities (its ServiceAccount and its versions' own, at synth). */
  public static service(service: MeshService): RequestSource {
    return new RequestSource(() => ({ principals: service.serviceAccountNames.map(sa => `cluster.local/ns/${service.namespace ?? 'default'}/sa/${sa}`) }), false, service);
  }

  /** Pods running as ServiceAccounts this app does not declare. */
  public static serviceAccount(name: string, namespace: string): RequestSource {
    const err = checkDnsSubdomain('serviceAccount.name', name) ?? checkDnsLabel('serviceAccount.namespace', namespace);
    if (err) fail(err);
    return new RequestSource(() => ({ principals: [`cluster.local/ns/${namespace}/sa/${name}`] }));
  }

  /** Any workload of these namespaces. */
  public static namespaces(...namespaces: string[]): RequestSource {
    if (namespaces.length === 0) fail(problem('namespaces', 'must name at least one namespace', []));
    for (const n of namespaces) {
      const err = checkDnsLabel('namespaces', n);
      if (err) fail(err);
    }
    return new RequestSource(() => ({ namespaces: [...namespaces] }));
  }

  /**
   * Requests carrying a JWT (validated by a RequestAuthentication) from this issuer and subject:
   * `requestPrincipals: ['<issuer>/<subject>']`.
   */
  public static jwt(issuer: string, subject = '*'): RequestSource {
    if (issuer.trim() === '') fail(problem('jwt.issuer', 'must not be empty', issuer));
    return new RequestSource(() => ({ requestPrincipals: [`${issuer}/${subject}`] }), true);
  }

  /** Any authenticated peer (mutual TLS): unauthenticated plain text is not matched. */
  public static anyAuthenticated(): RequestSource {
    return new RequestSource(() => ({ principals: ['*'] }));
  }

  /** Clients from these CIDR blocks (the peer's address). */
  public static ipBlocks(...cidrs: string[]): RequestSource {
    checkIps('ipBlocks', cidrs);
    return new RequestSource(() => ({ ipBlocks: [...cidrs] }));
  }

  /**
   * Requests from these original client addresses or CIDR blocks (`remoteIpBlocks`): the address Istio reads from
   * `X-Forwarded-For` as the gateway's `numTrustedProxies` allows (at an ingress gateway behind a load balancer, the
   * client's), where `ipBlocks` is the peer's. Checked as Istio's webhook does (`security.ValidateIPs`,
   * pkg/config/security/security.go).
   * @see https://istio.io/latest/docs/tasks/security/authorization/authz-ingress/
   */
  public static remoteIpBlocks(...cidrs: string[]): RequestSource {
    checkIps('remoteIpBlocks', cidrs);
    return new RequestSource(() => ({ remoteIpBlocks: [...cidrs] }));
  }

  /** Requests from any original client address but these (`notRemoteIpBlocks`; see {@link RequestSource.remoteIpBlocks}). */
  public static notRemoteIpBlocks(...cidrs: string[]): RequestSource {
    checkIps('notRemoteIpBlocks', cidrs);
    return new RequestSource(() => ({ notRemoteIpBlocks: [...cidrs] }));
  }

  /**
   * Requests whose JWT principal (`<issuer>/<subject>`, validated by a RequestAuthentication) is none of these
   * (`notRequestPrincipals`); `'*'` (the default) matches the requests without a valid JWT, so a DENY rule of it is
   * Istio's "require a valid token" (tasks/security/authentication/authn-policy). L7: a sidecar or waypoint evaluates it.
   */
  public static notRequestPrincipals(...principals: string[]): RequestSource {
    const list = principals.length === 0 ? ['*'] : [...principals];
    // security.CheckEmptyValues (pkg/config/security/security.go)
    list.forEach((v, i) => {
      if (typeof v !== 'string' || v === '') fail(problem(`notRequestPrincipals[${i}]`, 'must not be empty', v, 'give \'<issuer>/<subject>\', with \'*\' as a prefix or suffix'));
    });
    return new RequestSource(() => ({ notRequestPrincipals: list }), true);
  }

  private constructor(private readonly resolve: () => { [field: string]: string[] }, /** @internal */ public readonly _l7 = false,
    /** @internal */ public readonly _service?: MeshService) {}

  /** @internal */
  public get _source(): { [field: string]: string[] } {
    return this.resolve();
  }
}

/** What a request asks for: one `to.operation` of a rule. */
export interface RequestOperation {
  /**
   * Paths (exact, or with a `*` prefix or suffix).
   * @default - any path
   */
  readonly paths?: string[];
  /**
   * HTTP methods, upper case.
   * @default - any method
   */
  readonly methods?: string[];
  /**
   * The workload's ports.
   * @default - any port
   */
  readonly ports?: number[];
  /**
   * Hosts (the request's Host header).
   * @default - any host
   */
  readonly hosts?: string[];
}

/** An extra condition of a rule (`when`). */
export class RequestCondition {
  /** A claim of the request's validated JWT has one of the values (`request.auth.claims[<claim>]`). */
  public static jwtClaim(claim: string, ...values: string[]): RequestCondition {
    if (!/^[A-Za-z0-9_.:\-\][]+$/.test(claim)) fail(problem('jwtClaim', 'must be a claim name (nested claims as a][b)', claim));
    return RequestCondition.of(`request.auth.claims[${claim}]`, values);
  }

  /** A request header has one of the values. */
  public static header(name: string, ...values: string[]): RequestCondition {
    return RequestCondition.of(`request.headers[${name.toLowerCase()}]`, values);
  }

  /**
   * A request header has none of the values (`notValues`): an absent header matches too (Istio's
   * tasks/security/authorization/authz-deny denies GETs whose `x-token` is not `admin`).
   */
  public static headerNot(name: string, ...values: string[]): RequestCondition {
    return RequestCondition.of(`request.headers[${name.toLowerCase()}]`, values, true);
  }

  /** A claim of the request's validated JWT has none of the values (`notValues`). */
  public static jwtClaimNot(claim: string, ...values: string[]): RequestCondition {
    if (!/^[A-Za-z0-9_.:\-\][]+$/.test(claim)) fail(problem('jwtClaimNot', 'must be a claim name (nested claims as a][b)', claim));
    return RequestCondition.of(`request.auth.claims[${claim}]`, values, true);
  }

  private static of(key: string, values: string[], not = false): RequestCondition {
    const field = not ? `${key}.notValues` : key;
    if (values.length === 0) fail(problem(field, 'must list at least one value', []));
    // security.ValidateAttribute → CheckEmptyValues (pkg/config/security/security.go)
    values.forEach((v, i) => {
      if (typeof v !== 'string' || v === '') fail(problem(`${field}[${i}]`, 'must not be empty', v));
    });
    return not ? new RequestCondition(key, [], [...values]) : new RequestCondition(key, [...values]);
  }

  private constructor(/** @internal */ public readonly _key: string, /** @internal */ public readonly _values: string[],
    /** @internal */ public readonly _notValues: string[] = []) {}
}

/** One rule: a request matches when it matches one source, one operation and every condition given. */
export interface AuthorizationRule {
  /**
   * Sources (any one matches).
   * @default - any source
   */
  readonly from?: RequestSource[];
  /**
   * Operations (any one matches).
   * @default - any operation
   */
  readonly to?: RequestOperation[];
  /**
   * Conditions (all must hold).
   * @default - none
   */
  readonly when?: RequestCondition[];
}

/** Props of an {@link AuthorizationPolicy}. */
export interface AuthorizationPolicyProps {
  /**
   * The workloads the policy applies to.
   * @default - every workload of the namespace
   */
  readonly workload?: WorkloadSelector;
  /**
   * The namespace, for a namespace-wide policy.
   * @default - the workload's namespace, else the chart's
   */
  readonly namespace?: string;
  /**
   * The action.
   * @default AuthorizationAction.ALLOW
   */
  readonly action?: AuthorizationAction;
  /**
   * The external authorizer (an `extensionProviders` name) of a CUSTOM policy.
   * @default - none; required by CUSTOM
   */
  readonly provider?: string;
  /**
   * The rules. More with `addRule()`. An ALLOW policy without rules allows nothing.
   * @default - none
   */
  readonly rules?: AuthorizationRule[];

  /**
   * Under ambient mode, when this policy's L7 rules are enforced by a service's waypoint: also keep callers from
   * bypassing the waypoint — a DENY `<service>-waypoint-bypass` at the workload (ztunnel) of requests whose principal is
   * not the waypoint's, and an ALLOW `<service>-from-waypoint` of the waypoint's (so that a namespace-wide
   * `allow-nothing` does not cut the waypoint off). Written once per service.
   * @default true
   */
  readonly waypointOnly?: boolean;
  /**
   * The policy's name.
   * @default - the construct id
   */
  readonly name?: string;
}

/** Options of {@link AuthorizationPolicy.denyAllThenAllow}. */
export interface DenyAllThenAllowOptions {
  /** What is allowed after everything is denied. */
  readonly allow: AuthorizationRule[];
  /**
   * The namespace locked down.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Allow only to these workloads (the deny-all still covers the namespace).
   * @default - the allow rules apply to every workload of the namespace
   */
  readonly workload?: WorkloadSelector;
}

/** The first field of a rule that only L7 (a sidecar, a waypoint) can evaluate, if any: methods, paths, hosts, JWT principals, request conditions. */
function l7FieldOf(rule: AuthorizationRule): string | undefined {
  if ((rule.from ?? []).some(s => s._l7)) return 'from a JWT principal';
  const op = (rule.to ?? []).find(o => o.methods || o.paths || o.hosts);
  if (op) return `to ${op.methods ? 'methods' : op.paths ? 'paths' : 'hosts'}`;
  if ((rule.when ?? []).length > 0) return `when ${rule.when![0]._key}`;
  return undefined;
}

/**
 * Istio's `security.ValidateIPs` (pkg/config/security/security.go): IP addresses or CIDR blocks as Go's `netip` parses
 * them; at least one.
 */
function checkIps(field: string, cidrs: string[]): void {
  for (const c of cidrs) {
    if (typeof c !== 'string' || (c.includes('/') ? !isCidr(c) : net.isIP(c) === 0)) fail(problem(field, 'must be IP addresses or CIDR blocks', c, 'e.g. \'10.0.0.0/8\''));
  }
  if (cidrs.length === 0) fail(problem(field, 'must name at least one block', []));
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];

/**
 * Istio's `AuthorizationPolicy` with typed rules: sources (a MeshService's identity, namespaces,
 * JWT principals, IP blocks), operations (paths, methods, ports, hosts) and conditions (JWT
 * claims, headers), for ALLOW, DENY, CUSTOM or AUDIT.
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
export class AuthorizationPolicy extends Construct {
  /**
   * Zero trust in one call: an `allow-nothing` policy for the whole namespace (an ALLOW policy with
   * no rules), and an ALLOW policy (`allow`) with the rules that open it again.
   */
  public static denyAllThenAllow(scope: Construct, id: string, options: DenyAllThenAllowOptions): Construct {
    const group = new Construct(scope, id);
    new AuthorizationPolicy(group, 'DenyAll', { name: 'allow-nothing', namespace: options.namespace ?? options.workload?._namespace });
    new AuthorizationPolicy(group, 'Allow', { name: `${id}-allow`.toLowerCase(), namespace: options.namespace, workload: options.workload, rules: options.allow });
    return group;
  }

  /** The rendered AuthorizationPolicy (escape hatch). */
  public readonly resource: ApiObject;
  private readonly rules: AuthorizationRule[] = [];
  private readonly ambient: boolean;
  /** Under ambient mode, the service whose waypoint enforces this policy's L7 rules. */
  private l7Service?: MeshService;

  public constructor(scope: Construct, id: string, private readonly props: AuthorizationPolicyProps = {}) {
    super(...constructArgs('AuthorizationPolicy', [scope, id, props]));
    failIfNotIstio(this, 'AuthorizationPolicy', 'use ServiceAuthorization (Server, MeshTLSAuthentication, AuthorizationPolicy of policy.linkerd.io)');
    const { name, namespace } = policyIdentity(this, props, id);
    const action = props.action ?? AuthorizationAction.ALLOW;
    if (action === AuthorizationAction.CUSTOM && !props.provider) {
      failAt(this, problem('provider', 'must name the external authorizer of a CUSTOM policy', 'none', 'an extensionProviders name of the mesh config'));
    }
    if (action !== AuthorizationAction.CUSTOM && props.provider) {
      failAt(this, problem('provider', 'is only for CUSTOM policies', props.provider));
    }
    this.ambient = ambientAt(this);
    for (const r of props.rules ?? []) this.addRule(r);
    if (action === AuthorizationAction.CUSTOM || action === AuthorizationAction.AUDIT) this.needsL7(`a ${action} policy`);
    const apiVersion = securityApiVersion(MeshSettings.of(this).istioApiVersion);
    this.resource = emitPolicy(this, { apiVersion, kind: 'AuthorizationPolicy', name, namespace }, () => renderAuthorizationPolicy(this.model(apiVersion, name, namespace, action)));
    this.node.addValidation(problemValidation(this, () => (action !== AuthorizationAction.ALLOW && this.rules.length === 0
      ? [problem('rules', `must hold at least one rule: a ${action} policy without rules matches nothing`, 0, 'add a rule, or use ALLOW without rules to allow nothing')]
      : [])));
  }

  /** Adds a rule (any rule matching is enough). */
  public addRule(rule: AuthorizationRule): void {
    const at = `rules[${this.rules.length}]`;
    for (const op of rule.to ?? []) {
      for (const m of op.methods ?? []) {
        if (!METHODS.includes(m)) failAt(this, problem(`${at}.to.methods`, `must be HTTP methods in upper case (${METHODS.join(', ')})`, m));
      }
      for (const p of op.paths ?? []) {
        if (!(p.startsWith('/') || p.startsWith('*')) || p.slice(1, -1).includes('*')) {
          failAt(this, problem(`${at}.to.paths`, 'must start with \'/\' (or \'*\'), with \'*\' only first or last', p));
        }
      }
      for (const p of op.ports ?? []) {
        if (!Number.isInteger(p) || p < 1 || p > 65535) failAt(this, problem(`${at}.to.ports`, 'must be port numbers (1-65535)', p));
      }
      if (Object.values(op).every(v => v === undefined || v.length === 0)) {
        failAt(this, problem(`${at}.to`, 'must restrict at least one of paths, methods, ports, hosts', '{}', 'leave `to` out to match any operation'));
      }
    }
    this.rules.push({
      from: rule.from ? [...rule.from] : undefined,
      to: rule.to ? rule.to.map(o => ({ ...o })) : undefined,
      when: rule.when ? [...rule.when] : undefined,
    });
    // a service an ALLOW rule lets in calls the selected service: its Sidecar (SidecarScoping) keeps that configuration
    const callee = this.props.workload?._service;
    if (callee && (this.props.action ?? AuthorizationAction.ALLOW) === AuthorizationAction.ALLOW) {
      for (const s of rule.from ?? []) s._service?._calls(callee);
    }
    const l7 = l7FieldOf(rule);
    if (l7) this.needsL7(`${at}: ${l7}`);
  }

  /**
   * Under ambient mode, L7 rules are enforced by a waypoint, never by ztunnel (which turns a selector policy with L7
   * rules into deny-all): the policy then targets the service (`targetRefs`), whose waypoint applies it.
   */
  private needsL7(what: string): void {
    if (!this.ambient || this.l7Service) return;
    const service = this.props.workload?._service;
    if (!service) {
      failAt(this, problem('workload', `must be a service's (WorkloadSelector.service()) under ambient mode: ${what} needs L7, which only a waypoint enforces, `
        + 'and a policy selecting pods by label is enforced by ztunnel, which cannot evaluate L7 attributes and so denies every request the rule would match',
      this.props.workload?._describe ?? 'the whole namespace', 'target a MeshService with WorkloadSelector.service(service), or keep the rules L4 (principals, namespaces, IP blocks, ports)'));
    }
    this.l7Service = service;
    service._requireWaypoint('L7 authorization', this);
    if (this.props.waypointOnly !== false) service._waypointOnly(this);
  }

  private model(apiVersion: string, name: string, namespace: string | undefined, action: AuthorizationAction): AuthorizationPolicyModel {
    const p = this.props;
    return {
      apiVersion,
      name,
      namespace,
      // under ambient, L7 rules are the waypoint's: the policy targets the Service
      selector: p.workload && !this.l7Service ? p.workload._labels : undefined,
      targetRefs: this.l7Service ? [{ group: '', kind: 'Service', name: this.l7Service.name }] : undefined,
      action: action !== AuthorizationAction.ALLOW || p.action !== undefined ? action : undefined,
      provider: p.provider,
      rules: this.rules.map(r => ({
        from: r.from?.map(s => s._source),
        to: r.to?.map(o => ({ hosts: o.hosts, ports: o.ports?.map(String), methods: o.methods, paths: o.paths })),
        when: r.when?.map(c => ({ key: c._key, values: c._values, notValues: c._notValues })),
      })),
    };
  }
}
