import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { securityApiVersion } from './api';
import { emitPolicy, policyIdentity } from './policy-object';
import { WorkloadSelector } from './workload-selector';
import { failIfNotIstio } from '../../backends/registry';
import { failAt, problem } from '../../core/errors';
import { constructArgs } from '../../core/input';
import { MeshSettings } from '../../core/settings';
import { ambientAt } from '../../hosting/cdk8s/emit';
import { renderRequestAuthentication } from '../../render/istio';

/** Where a token is read from a request header. */
export interface JwtHeader {
  /** The header name, e.g. `authorization`. */
  readonly name: string;
  /**
   * The prefix before the token, e.g. `Bearer `.
   * @default - none
   */
  readonly prefix?: string;
}

/** One issuer whose JWTs are validated. */
export interface JwtRule {
  /** The issuer (`iss` claim), e.g. `https://accounts.example.com`. */
  readonly issuer: string;
  /**
   * Where the issuer's public keys are fetched (https).
   * @default - discovered from the issuer's OpenID configuration
   */
  readonly jwksUri?: string;
  /**
   * Accepted audiences (`aud` claim).
   * @default - any audience
   */
  readonly audiences?: string[];
  /**
   * Headers the token may come in.
   * @default - `Authorization: Bearer <token>`
   */
  readonly fromHeaders?: JwtHeader[];
  /**
   * Query parameters the token may come in.
   * @default - `access_token`
   */
  readonly fromParams?: string[];
  /**
   * Forward the token to the workload.
   * @default false
   */
  readonly forwardOriginalToken?: boolean;
}

/** Props of a {@link RequestAuthentication}. */
export interface RequestAuthenticationProps {
  /** The issuers accepted. */
  readonly jwtRules: JwtRule[];
  /**
   * The workloads (or gateway) that validate tokens. Routing on JWT claims at a gateway needs one
   * selecting the gateway (IST0149).
   * @default - every workload of the namespace
   */
  readonly workload?: WorkloadSelector;
  /**
   * The namespace of a namespace-wide policy.
   * @default - the workload's namespace, else the chart's
   */
  readonly namespace?: string;
  /**
   * The name.
   * @default - the construct id
   */
  readonly name?: string;
}

function httpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Istio's `RequestAuthentication`: which JWTs a workload accepts. A request with an invalid token
 * is refused; one without a token passes (refuse it with an AuthorizationPolicy on
 * `RequestSource.jwt()`). Its validated claims become available to routing and authorization.
 * @see https://istio.io/latest/docs/reference/config/security/request_authentication/
 */
export class RequestAuthentication extends Construct {
  /** The rendered RequestAuthentication (escape hatch). */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: RequestAuthenticationProps) {
    super(...constructArgs('RequestAuthentication', [scope, id, props]));
    failIfNotIstio(this, 'RequestAuthentication', 'validate tokens in your ingress or application');
    const { name, namespace } = policyIdentity(this, props, id);
    if (props.jwtRules.length === 0) failAt(this, problem('jwtRules', 'must hold at least one issuer', []));
    const issuers = props.jwtRules.map(r => r.issuer);
    for (const [i, r] of props.jwtRules.entries()) {
      if (r.issuer.trim() === '') failAt(this, problem(`jwtRules[${i}].issuer`, 'must not be empty', r.issuer));
      if (issuers.indexOf(r.issuer) !== i) failAt(this, problem(`jwtRules[${i}].issuer`, 'must be unique: Istio uses one rule per issuer', r.issuer));
      if (r.jwksUri !== undefined && !httpsUrl(r.jwksUri)) {
        failAt(this, problem(`jwtRules[${i}].jwksUri`, 'must be an https:// URL (keys fetched in plain text could be forged)', r.jwksUri));
      }
      for (const h of r.fromHeaders ?? []) {
        if (!/^[a-zA-Z0-9-]+$/.test(h.name)) failAt(this, problem(`jwtRules[${i}].fromHeaders.name`, 'must be a header name', h.name));
      }
    }
    const apiVersion = securityApiVersion(MeshSettings.of(this).istioApiVersion);
    // under ambient mode JWTs are validated by a waypoint (L7): the policy targets the service, whose waypoint applies it
    const ambient = ambientAt(this);
    const service = ambient ? props.workload?._service : undefined;
    if (ambient && !service) {
      failAt(this, problem('workload', 'must be a service\'s (WorkloadSelector.service()) under ambient mode: JWT validation is L7, which only a waypoint does',
        props.workload?._describe ?? 'the whole namespace', 'target a MeshService with WorkloadSelector.service(service)'));
    }
    service?._requireWaypoint('request authentication', this);
    this.resource = emitPolicy(this, { apiVersion, kind: 'RequestAuthentication', name, namespace }, () => renderRequestAuthentication({
      apiVersion,
      name,
      namespace,
      selector: props.workload && !service ? props.workload._labels : undefined,
      targetRefs: service ? [{ group: '', kind: 'Service', name: service.name }] : undefined,
      jwtRules: props.jwtRules.map(r => ({ ...r })),
    }));
  }
}
