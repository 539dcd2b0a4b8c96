import { fail, problem } from '../core/errors';
import { checkDnsSubdomain, checkHostName, checkPort } from '../core/names';

/** Istio's policy for traffic to hosts the mesh does not know. */
export enum OutboundTrafficPolicyMode {
  /** Let the sidecars pass traffic to unknown hosts through (Istio's default). */
  ALLOW_ANY = 'ALLOW_ANY',
  /** Only hosts of the registry (Services, ServiceEntries) are reachable. */
  REGISTRY_ONLY = 'REGISTRY_ONLY',
}

/** The encoding of Envoy's access log. */
export enum AccessLogEncoding {
  /** Text lines. */
  TEXT = 'TEXT',
  /** JSON objects. */
  JSON = 'JSON',
}

/**
 * An entry of Istio's `meshConfig.extensionProviders`: a tracer, an access logger, a metrics backend or an external
 * authorizer that Telemetry and CUSTOM AuthorizationPolicies name.
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-ExtensionProvider
 */
export class MeshExtensionProvider {
  /** Traces sent with OpenTelemetry (OTLP over gRPC) to `service:port`. */
  public static openTelemetryTracing(name: string, service: string, port: number): MeshExtensionProvider {
    return MeshExtensionProvider.of(name, 'opentelemetry', service, port);
  }

  /** Traces sent to a Zipkin-compatible collector at `service:port`. */
  public static zipkin(name: string, service: string, port: number): MeshExtensionProvider {
    return MeshExtensionProvider.of(name, 'zipkin', service, port);
  }

  /** Access logs sent with OpenTelemetry (`envoyOtelAls`) to `service:port`. */
  public static openTelemetryAccessLog(name: string, service: string, port: number): MeshExtensionProvider {
    return MeshExtensionProvider.of(name, 'envoyOtelAls', service, port);
  }

  /** Access logs written by Envoy to a file (`/dev/stdout` for the container's log). */
  public static fileAccessLog(name: string, path = '/dev/stdout'): MeshExtensionProvider {
    MeshExtensionProvider.checkName(name);
    if (!path.startsWith('/')) fail(problem('path', 'must be an absolute path', path, 'e.g. \'/dev/stdout\''));
    return new MeshExtensionProvider(name, { envoyFileAccessLog: { path } });
  }

  /** An external authorizer over HTTP at `service:port` (CUSTOM AuthorizationPolicies name it). */
  public static externalAuthorizationHttp(name: string, service: string, port: number): MeshExtensionProvider {
    return MeshExtensionProvider.of(name, 'envoyExtAuthzHttp', service, port);
  }

  /** An external authorizer over gRPC at `service:port` (CUSTOM AuthorizationPolicies name it). */
  public static externalAuthorizationGrpc(name: string, service: string, port: number): MeshExtensionProvider {
    return MeshExtensionProvider.of(name, 'envoyExtAuthzGrpc', service, port);
  }

  /** Prometheus metrics (Istio's built-in `prometheus` provider under another name). */
  public static prometheus(name: string): MeshExtensionProvider {
    MeshExtensionProvider.checkName(name);
    return new MeshExtensionProvider(name, { prometheus: {} });
  }

  private static of(name: string, kind: string, service: string, port: number): MeshExtensionProvider {
    MeshExtensionProvider.checkName(name);
    const err = checkHostName('service', service) ?? checkPort('port', port);
    if (err) fail(err);
    return new MeshExtensionProvider(name, { [kind]: { service, port } });
  }

  private static checkName(name: string): void {
    const err = checkDnsSubdomain('name', name);
    if (err) fail(err);
  }

  private constructor(/** @internal */ public readonly _name: string, /** @internal */ public readonly _body: { readonly [kind: string]: unknown }) {}

  /** The entry as Istio's mesh config holds it. @internal */
  public _toJson(): { [key: string]: unknown } {
    return { name: this._name, ...this._body };
  }
}

/** Providers used when a Telemetry names none. */
export interface DefaultProvidersOptions {
  /**
   * Tracing providers.
   * @default - none
   */
  readonly tracing?: string[];
  /**
   * Metrics providers.
   * @default - Istio's (`prometheus`)
   */
  readonly metrics?: string[];
  /**
   * Access-logging providers.
   * @default - none
   */
  readonly accessLogging?: string[];
}

/**
 * The mesh config of an installation: what istiod and every proxy read.
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/
 */
export interface MeshConfigOptions {
  /**
   * Envoy's access log file for every proxy (`/dev/stdout` for the container's log).
   * @default - no access log (Istio's default), or the profile's (demo: `/dev/stdout`)
   */
  readonly accessLogFile?: string;
  /**
   * The access log's encoding.
   * @default AccessLogEncoding.TEXT
   */
  readonly accessLogEncoding?: AccessLogEncoding;
  /**
   * What sidecars do with traffic to hosts the mesh does not know.
   * @default OutboundTrafficPolicyMode.ALLOW_ANY (Istio's default)
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicyMode;
  /**
   * The trust domain of workload identities (`spiffe://<trustDomain>/ns/…`).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Extension providers (tracers, access loggers, external authorizers). ObservabilityAddons given to the installation
   * add theirs.
   * @default - none besides the add-ons' (a profile's own, e.g. demo's, are replaced when any is given)
   */
  readonly extensionProviders?: MeshExtensionProvider[];
  /**
   * Providers used when a Telemetry names none.
   * @default - Istio's
   */
  readonly defaultProviders?: DefaultProvidersOptions;
}
