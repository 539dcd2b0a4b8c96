import { IstioApiVersion } from '../../core/settings';
import {
  AuthorizationPolicySpec, AuthorizationPolicySpecAction, AuthorizationPolicySpecRulesFromSource, PeerAuthenticationSpec,
  PeerAuthenticationSpecMtlsMode, PeerAuthenticationSpecPortLevelMtlsMode, RequestAuthenticationSpec,
} from '../../imports/security.istio.io';
import { metadataOf } from '../metadata';
import { Manifest } from '../model';

/** The `security.istio.io` version for the chart's Istio API version (there is no `v1alpha3` security API: `v1beta1`). */
export function securityApiVersion(v: IstioApiVersion): string {
  return `security.istio.io/${v === IstioApiVersion.V1 ? 'v1' : 'v1beta1'}`;
}

/**
 * What an Istio policy applies to: the pods of a `selector` (enforced where the pods' proxy is — a sidecar, or ztunnel
 * for L4 rules under ambient), or `targetRefs` (a Service, a waypoint Gateway, a GatewayClass: enforced by the proxy
 * serving them — under ambient, the waypoint). Neither: every workload of the namespace.
 */
export interface PolicyTargetModel {
  readonly selector?: { readonly [key: string]: string };
  readonly targetRefs?: ReadonlyArray<{ readonly group: string; readonly kind: string; readonly name: string; readonly namespace?: string }>;
}

/** An Istio policy object's identity: name, namespace and `security.istio.io` version. */
export interface PolicyIdentityModel {
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace?: string;
}

/** A PeerAuthentication: the mutual TLS mode, and per-port exceptions. */
export interface PeerAuthenticationModel extends PolicyIdentityModel {
  readonly selector?: { readonly [key: string]: string };
  readonly mode: string;
  readonly portLevelMtls?: { readonly [port: string]: string };
}

/** One rule of an AuthorizationPolicy. */
export interface AuthorizationRuleModel {
  /** Each a `from.source`: field (`principals`, `namespaces`, `requestPrincipals`, `ipBlocks`…) → values. */
  readonly from?: ReadonlyArray<{ readonly [field: string]: readonly string[] }>;
  readonly to?: ReadonlyArray<{
    readonly hosts?: readonly string[];
    readonly ports?: readonly string[];
    readonly methods?: readonly string[];
    readonly paths?: readonly string[];
  }>;
  /** Conditions: the key's value is one of `values` (when any) and none of `notValues` (when any). */
  readonly when?: ReadonlyArray<{ readonly key: string; readonly values: readonly string[]; readonly notValues?: readonly string[] }>;
}

/** An AuthorizationPolicy; `action` undefined: not written (ALLOW). */
export interface AuthorizationPolicyModel extends PolicyIdentityModel, PolicyTargetModel {
  readonly action?: string;
  readonly provider?: string;
  readonly rules: readonly AuthorizationRuleModel[];
}

/** One JWT issuer of a RequestAuthentication. */
export interface JwtRuleModel {
  readonly issuer: string;
  readonly jwksUri?: string;
  readonly audiences?: readonly string[];
  readonly fromHeaders?: ReadonlyArray<{ readonly name: string; readonly prefix?: string }>;
  readonly fromParams?: readonly string[];
  readonly forwardOriginalToken?: boolean;
}

/** A RequestAuthentication. */
export interface RequestAuthenticationModel extends PolicyIdentityModel, PolicyTargetModel {
  readonly jwtRules: readonly JwtRuleModel[];
}

function targetOf(t: PolicyTargetModel): Pick<AuthorizationPolicySpec, 'selector' | 'targetRefs'> {
  return {
    selector: t.selector ? { matchLabels: { ...t.selector } } : undefined,
    targetRefs: t.targetRefs?.map(r => ({ ...r })),
  };
}

const nonEmpty = <T>(xs: readonly T[] | undefined): T[] | undefined => (xs && xs.length > 0 ? [...xs] : undefined);

/** Renders a PeerAuthentication (`security.istio.io`). */
export function renderPeerAuthentication(m: PeerAuthenticationModel): Manifest {
  const ports = Object.entries(m.portLevelMtls ?? {});
  const spec: PeerAuthenticationSpec = {
    selector: m.selector ? { matchLabels: { ...m.selector } } : undefined,
    mtls: { mode: m.mode as PeerAuthenticationSpecMtlsMode },
    portLevelMtls: ports.length > 0
      ? Object.fromEntries(ports.map(([p, mode]) => [p, { mode: mode as PeerAuthenticationSpecPortLevelMtlsMode }]))
      : undefined,
  };
  return { apiVersion: m.apiVersion, kind: 'PeerAuthentication', metadata: metadataOf(m.name, m.namespace), spec };
}

/** Renders an AuthorizationPolicy (`security.istio.io`): target, action, provider and rules. */
export function renderAuthorizationPolicy(m: AuthorizationPolicyModel): Manifest {
  const spec: AuthorizationPolicySpec = {
    ...targetOf(m),
    action: m.action as AuthorizationPolicySpecAction | undefined,
    provider: m.provider ? { name: m.provider } : undefined,
    rules: nonEmpty(m.rules.map(r => ({
      from: r.from?.map(s => ({
        source: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, [...v]])) as AuthorizationPolicySpecRulesFromSource,
      })),
      to: r.to?.map(o => ({
        operation: {
          hosts: o.hosts ? [...o.hosts] : undefined,
          ports: o.ports ? [...o.ports] : undefined,
          methods: o.methods ? [...o.methods] : undefined,
          paths: o.paths ? [...o.paths] : undefined,
        },
      })),
      when: r.when?.map(c => ({ key: c.key, values: nonEmpty(c.values), notValues: nonEmpty(c.notValues) })),
    }))),
  };
  return { apiVersion: m.apiVersion, kind: 'AuthorizationPolicy', metadata: metadataOf(m.name, m.namespace), spec };
}

/** Renders a RequestAuthentication (`security.istio.io`): target and JWT issuers. */
export function renderRequestAuthentication(m: RequestAuthenticationModel): Manifest {
  const spec: RequestAuthenticationSpec = {
    ...targetOf(m),
    jwtRules: m.jwtRules.map(r => ({
      issuer: r.issuer,
      jwksUri: r.jwksUri,
      audiences: r.audiences ? [...r.audiences] : undefined,
      fromHeaders: r.fromHeaders?.map(h => ({ name: h.name, prefix: h.prefix })),
      fromParams: r.fromParams ? [...r.fromParams] : undefined,
      forwardOriginalToken: r.forwardOriginalToken || undefined,
    })),
  };
  return { apiVersion: m.apiVersion, kind: 'RequestAuthentication', metadata: metadataOf(m.name, m.namespace), spec };
}
