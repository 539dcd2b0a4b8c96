import { Duration } from 'cdk8s';
import type { ContainerResources } from 'cdk8s-plus-27';
import { GrafanaDashboard } from './grafana-dashboard';
import { Problem, fail, problem } from '../../core/errors';
import { checkDnsSubdomain } from '../../core/names';
import { KialiAuthModel } from '../../render/addons';
import { IIngressGateway } from '../ingress-gateway';

/** The pinned images (the versions of Istio's `samples/addons`); every one can be overridden. */
export const ADDON_IMAGES = {
  prometheus: 'docker.io/prom/prometheus:v3.10.0',
  prometheusConfigReloader: 'ghcr.io/prometheus-operator/prometheus-config-reloader:v0.89.0',
  grafana: 'docker.io/grafana/grafana:12.0.1',
  dashboardDownloader: 'docker.io/curlimages/curl:8.11.1',
  kiali: 'quay.io/kiali/kiali:v2.27.0',
  jaeger: 'docker.io/jaegertracing/jaeger:2.17.0',
  zipkin: 'docker.io/openzipkin/zipkin-slim:3.4.0',
} as const;

/**
 * Checks that an image reference pins a version: a tag other than `latest`, or a digest.
 * @returns the problem, or undefined when pinned
 * @internal
 */
export function checkPinnedImage(field: string, image: string): Problem | undefined {
  const digest = /@sha256:[a-f0-9]{64}$/.test(image);
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
  if (/\s/.test(image) || image === '') return problem(field, 'must be an image reference', image);
  if (!digest && (tag === undefined || tag === 'latest')) {
    return problem(field, 'must pin a version (a tag other than \'latest\', or a digest)', image, 'e.g. \'docker.io/grafana/grafana:12.0.1\'');
  }
  return undefined;
}

/** A key of a Secret the user creates (the library never writes credentials into manifests). */
export interface SecretKeyReference {
  /** The Secret's name (in the add-ons' namespace). */
  readonly secretName: string;
  /** The key within the Secret. */
  readonly key: string;
}

function checkSecretRef(field: string, ref: SecretKeyReference): void {
  const err = checkDnsSubdomain(`${field}.secretName`, ref.secretName);
  if (err) fail(err);
  if (!/^[-._a-zA-Z0-9]+$/.test(ref.key)) fail(problem(`${field}.key`, 'must be a Secret key (letters, digits, \'-\', \'_\', \'.\')', ref.key));
}

/** Options of {@link KialiAuth.token} and {@link KialiAuth.openId}. */
export interface KialiLoginOptions {
  /**
   * The Secret key holding the key Kiali signs its session cookies with (16, 24 or 32 characters),
   * mounted where Kiali reads it (`/kiali-override-secrets/login-token-signing-key`). Create it with
   * `kubectl create secret generic kiali-signing-key -n istio-system --from-literal=key=$(openssl rand -hex 16)`;
   * Kiali does not start without it.
   * @default { secretName: 'kiali-signing-key', key: 'key' }
   */
  readonly signingKey?: SecretKeyReference;
}

/** Options of {@link KialiAuth.openId}. */
export interface KialiOpenIdOptions extends KialiLoginOptions {
  /** The OpenID issuer, e.g. `https://accounts.example.com`. */
  readonly issuerUri: string;
  /** Kiali's client id at the issuer. */
  readonly clientId: string;
  /**
   * The claim that names the user.
   * @default 'sub'
   */
  readonly usernameClaim?: string;
}

/**
 * How users log in to Kiali.
 * @see https://kiali.io/docs/configuration/authentication/
 */
export class KialiAuth {
  /**
   * Users log in with a Kubernetes token (e.g. `kubectl create token`), and see what that token may
   * see. The default.
   */
  public static token(options: KialiLoginOptions = {}): KialiAuth {
    return new KialiAuth({ strategy: 'token', signingKey: signingKeyOf(options) });
  }

  /** Users log in at an OpenID Connect provider. */
  public static openId(options: KialiOpenIdOptions): KialiAuth {
    let issuer: URL | undefined;
    try {
      issuer = new URL(options.issuerUri);
    } catch {
      issuer = undefined;
    }
    if (!issuer || issuer.protocol !== 'https:') fail(problem('openId.issuerUri', 'must be an https:// URL', options.issuerUri));
    if (options.clientId.trim() === '') fail(problem('openId.clientId', 'must not be empty', options.clientId));
    return new KialiAuth({
      strategy: 'openid',
      signingKey: signingKeyOf(options),
      openId: { issuerUri: options.issuerUri, clientId: options.clientId, usernameClaim: options.usernameClaim },
    });
  }

  /**
   * No login: anyone who reaches Kiali uses it with Kiali's own permissions. Only for a laptop
   * cluster; Kiali is then view-only unless `viewOnly: false` is set as well.
   */
  public static anonymous(): KialiAuth {
    return new KialiAuth({ strategy: 'anonymous' });
  }

  private constructor(/** @internal */ public readonly _model: KialiAuthModel) {}
}

function signingKeyOf(options: KialiLoginOptions): { secretName: string; key: string } {
  const ref = options.signingKey ?? { secretName: 'kiali-signing-key', key: 'key' };
  checkSecretRef('signingKey', ref);
  return { secretName: ref.secretName, key: ref.key };
}

/** Options of {@link TracingBackend.jaeger} and {@link TracingBackend.zipkin}. */
export interface TracingBackendOptions {
  /**
   * The image.
   * @default - Jaeger 'docker.io/jaegertracing/jaeger:2.17.0', Zipkin 'docker.io/openzipkin/zipkin-slim:3.4.0'
   */
  readonly image?: string;
  /**
   * Resource requests and limits.
   * @default - Jaeger 10m CPU / 128 MiB requested, Zipkin 10m CPU / 256 MiB requested
   */
  readonly resources?: ContainerResources;
}

/** Where Istio's proxies send their spans, and where they are looked at. */
export class TracingBackend {
  /**
   * Jaeger v2 all-in-one (Badger storage on the pod's scratch volume: traces do not survive a
   * restart), with the Services Istio expects: `tracing` (query UI on 80, gRPC query on 16685),
   * `zipkin` (9411) and `jaeger-collector` (OTLP 4317/4318, Jaeger 14250/14268, Zipkin 9411).
   * Istio sends spans over OTLP to `jaeger-collector`.
   */
  public static jaeger(options: TracingBackendOptions = {}): TracingBackend {
    return new TracingBackend('jaeger', options);
  }

  /** Zipkin (in-memory storage), with the Services `tracing` (UI on 80) and `zipkin` (9411). Kiali cannot query Zipkin. */
  public static zipkin(options: TracingBackendOptions = {}): TracingBackend {
    return new TracingBackend('zipkin', options);
  }

  /** No tracing back-end (and no Telemetry or extension provider). */
  public static none(): TracingBackend {
    return new TracingBackend(undefined, {});
  }

  private constructor(
    /** @internal */ public readonly _kind: 'jaeger' | 'zipkin' | undefined,
    /** @internal */ public readonly _options: TracingBackendOptions,
  ) {
    if (_options.image !== undefined) {
      const err = checkPinnedImage('image', _options.image);
      if (err) fail(err);
    }
  }
}

/** The roles Grafana gives a user. */
export enum GrafanaRole {
  /** Sees dashboards. */
  VIEWER = 'Viewer',
  /** Sees and edits dashboards. */
  EDITOR = 'Editor',
  /** Everything, users and data sources included. */
  ADMIN = 'Admin',
}

/** Options of the Prometheus add-on. */
export interface PrometheusOptions {
  /**
   * Install Prometheus.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The image.
   * @default 'docker.io/prom/prometheus:v3.10.0'
   */
  readonly image?: string;
  /**
   * The image of the sidecar that reloads Prometheus when its config changes.
   * @default 'ghcr.io/prometheus-operator/prometheus-config-reloader:v0.89.0'
   */
  readonly configReloaderImage?: string;
  /**
   * How long samples are kept (on the pod's scratch volume: lost when the pod goes).
   * @default Duration.days(15)
   */
  readonly retention?: Duration;
  /**
   * How often targets are scraped.
   * @default Duration.seconds(15)
   */
  readonly scrapeInterval?: Duration;
  /**
   * Resource requests and limits of the Prometheus container.
   * @default - 50m CPU and 512 MiB requested, 2 GiB memory limit
   */
  readonly resources?: ContainerResources;
}

/** Options of the Grafana add-on. */
export interface GrafanaOptions {
  /**
   * Install Grafana.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The image.
   * @default 'docker.io/grafana/grafana:12.0.1'
   */
  readonly image?: string;
  /**
   * The image of the init container that downloads grafana.com dashboards (it needs `sh`, `curl`, `sed`).
   * @default 'docker.io/curlimages/curl:8.11.1'
   */
  readonly dashboardDownloaderImage?: string;
  /**
   * Dashboards to provision. The Prometheus data source (and the tracing back-end's) is always provisioned.
   * @default - none
   */
  readonly dashboards?: GrafanaDashboard[];
  /**
   * The Secret keys holding the admin user and password, read into `GF_SECURITY_ADMIN_USER` and
   * `GF_SECURITY_ADMIN_PASSWORD`. There is no default password: create the Secret, e.g.
   * `kubectl create secret generic grafana-admin -n istio-system --from-literal=admin-user=admin --from-literal=admin-password=...`;
   * Grafana does not start without it.
   * @default - user from { secretName: 'grafana-admin', key: 'admin-user' }, password from key 'admin-password'
   */
  readonly adminSecret?: GrafanaAdminSecret;
  /**
   * Let visitors in without logging in, with this role. Istio's samples give anonymous visitors
   * `Admin`; here they get nothing unless asked.
   * @default - anonymous access off
   */
  readonly anonymousRole?: GrafanaRole;
  /**
   * Resource requests and limits.
   * @default - 10m CPU and 64 MiB requested
   */
  readonly resources?: ContainerResources;
}

/** The Secret holding Grafana's admin credentials. */
export interface GrafanaAdminSecret {
  /** The Secret's name (in the add-ons' namespace). */
  readonly secretName: string;
  /**
   * The key of the user name.
   * @default 'admin-user'
   */
  readonly userKey?: string;
  /**
   * The key of the password.
   * @default 'admin-password'
   */
  readonly passwordKey?: string;
}

/** @internal */
export function grafanaAdminOf(s: GrafanaAdminSecret | undefined): { secretName: string; userKey: string; passwordKey: string } {
  const secretName = s?.secretName ?? 'grafana-admin';
  const userKey = s?.userKey ?? 'admin-user';
  const passwordKey = s?.passwordKey ?? 'admin-password';
  checkSecretRef('adminSecret', { secretName, key: userKey });
  checkSecretRef('adminSecret', { secretName, key: passwordKey });
  return { secretName, userKey, passwordKey };
}

/** Options of the Kiali add-on. */
export interface KialiOptions {
  /**
   * Install Kiali (Istio only).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The image.
   * @default 'quay.io/kiali/kiali:v2.27.0'
   */
  readonly image?: string;
  /**
   * How users log in. Istio's samples use `anonymous`.
   * @default KialiAuth.token()
   */
  readonly auth?: KialiAuth;
  /**
   * Kiali only reads: no editing of Istio configuration, no patching of workloads, and a ClusterRole
   * to match.
   * @default - true with KialiAuth.anonymous(), false otherwise (users act with their own token's rights)
   */
  readonly viewOnly?: boolean;
  /**
   * Resource requests and limits.
   * @default - 10m CPU and 64 MiB requested, 1 GiB memory limit
   */
  readonly resources?: ContainerResources;
}

/** The add-ons that can be exposed through the ingress gateway. */
export enum ExposedAddon {
  /** Grafana, at `grafana.<domain>`. */
  GRAFANA = 'grafana',
  /** Kiali, at `kiali.<domain>/kiali`. */
  KIALI = 'kiali',
  /** The tracing UI (Jaeger at `tracing.<domain>/jaeger`, or Zipkin). */
  TRACING = 'tracing',
  /** Prometheus, at `prometheus.<domain>`. */
  PROMETHEUS = 'prometheus',
}

/** Exposure of add-ons through an Istio ingress gateway (opt-in). */
export interface AddonExposureOptions {
  /** The gateway; it must serve `<addon>.<domain>` for every exposed add-on (checked at synth). */
  readonly gateway: IIngressGateway;
  /** The domain under which each add-on gets its host, e.g. `mesh.example.com` → `grafana.mesh.example.com`. */
  readonly domain: string;
  /**
   * The add-ons to expose; each must be installed.
   * @default - Grafana, Kiali and the tracing UI, those of them that are installed (never Prometheus, which has no login)
   */
  readonly addons?: ExposedAddon[];
}
