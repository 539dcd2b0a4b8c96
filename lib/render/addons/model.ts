/**
 * What the observability add-ons are, as plain data: the model the renderers of this folder turn
 * into Kubernetes and Istio objects. Built by `ObservabilityAddons`; knows nothing of cdk8s.
 *
 * @module
 */
import { ResourcesModel } from '../model';

/** A dashboard Grafana provisions from a file. */
export interface DashboardModel {
  /** The provider (a folder of files under `/var/lib/grafana/dashboards/<provider>`). */
  readonly provider: string;
  /** The Grafana folder the provider's dashboards show in. */
  readonly folder: string;
  /** The file name, `<name>.json`. */
  readonly file: string;
  /** The dashboard JSON, when supplied by the user (kept in a ConfigMap). */
  readonly json?: string;
  /** The grafana.com dashboard and revision, when downloaded at pod start. */
  readonly gnet?: { readonly id: number; readonly revision: number };
}

/** Prometheus. */
export interface PrometheusModel {
  readonly image: string;
  readonly reloaderImage: string;
  /** `--storage.tsdb.retention.time`, e.g. `15d`. */
  readonly retention: string;
  /** The global scrape interval, e.g. `15s`. */
  readonly scrapeInterval: string;
  readonly resources?: ResourcesModel;
}

/** Grafana. */
export interface GrafanaModel {
  readonly image: string;
  /** The image of the init container that downloads grafana.com dashboards. */
  readonly downloaderImage: string;
  readonly dashboards: DashboardModel[];
  /** The Secret holding the admin user and password. */
  readonly admin: { readonly secretName: string; readonly userKey: string; readonly passwordKey: string };
  /** The role of anonymous visitors, when anonymous access is on. */
  readonly anonymousRole?: string;
  /** The public URL Grafana is served at, when exposed. */
  readonly rootUrl?: string;
  readonly resources?: ResourcesModel;
}

/** Kiali's authentication. */
export interface KialiAuthModel {
  readonly strategy: 'anonymous' | 'token' | 'openid';
  /** The Secret holding the login-token signing key (every strategy but anonymous). */
  readonly signingKey?: { readonly secretName: string; readonly key: string };
  readonly openId?: { readonly issuerUri: string; readonly clientId: string; readonly usernameClaim?: string };
}

/** Kiali. */
export interface KialiModel {
  readonly image: string;
  readonly auth: KialiAuthModel;
  readonly viewOnly: boolean;
  /** The public URL Kiali is served at, when exposed. */
  readonly externalUrl?: string;
  readonly resources?: ResourcesModel;
}

/** The tracing back-end. */
export interface TracingModel {
  readonly kind: 'jaeger' | 'zipkin';
  readonly image: string;
  /** The public URL of the tracing UI, when exposed. */
  readonly externalUrl?: string;
  readonly resources?: ResourcesModel;
}

/** Everything the add-ons render from. */
export interface AddonsModel {
  /** The namespace of every add-on object. */
  readonly namespace: string;
  /** The mesh the add-ons observe. */
  readonly mesh: 'istio' | 'linkerd';
  /** The Istio API version of DestinationRules (`networking.istio.io/<v>`). */
  readonly istioApiVersion: string;
  /** The cluster's DNS domain, for in-cluster URLs. */
  readonly clusterDomain: string;
  /** Istio's root namespace (where the mesh-wide Telemetry goes). */
  readonly istioRootNamespace: string;
  /** Linkerd's control-plane namespace and linkerd-viz's (scraped by Prometheus under Linkerd). */
  readonly linkerdNamespaces: { readonly controlPlane: string; readonly viz: string };
  readonly prometheus?: PrometheusModel;
  readonly grafana?: GrafanaModel;
  readonly kiali?: KialiModel;
  readonly tracing?: TracingModel;
  /** The share of requests traced, in percent (Istio's Telemetry `randomSamplingPercentage`). */
  readonly samplingPercentage: number;
}

/** The fixed names the add-ons are known by (Istio's docs, Kiali and istioctl dashboard expect them). */
export const ADDON_NAMES = {
  prometheus: 'prometheus',
  grafana: 'grafana',
  kiali: 'kiali',
  jaeger: 'jaeger',
  zipkin: 'zipkin',
  tracing: 'tracing',
  jaegerCollector: 'jaeger-collector',
} as const;

/** The Service ports the add-ons are reached on. */
export const ADDON_PORTS = {
  prometheus: 9090,
  grafana: 3000,
  kiali: 20001,
  kialiMetrics: 9090,
  tracingQuery: 80,
  jaegerQuery: 16686,
  jaegerGrpcQuery: 16685,
  zipkin: 9411,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  jaegerThriftHttp: 14268,
  jaegerGrpc: 14250,
} as const;

/** `http://<service>.<namespace>.svc.<clusterDomain>:<port>`. */
export function serviceUrl(m: AddonsModel, service: string, port: number, path = ''): string {
  return `http://${serviceHost(m, service)}:${port}${path}`;
}

/** `<service>.<namespace>.svc.<clusterDomain>`. */
export function serviceHost(m: AddonsModel, service: string): string {
  return `${service}.${m.namespace}.svc.${m.clusterDomain}`;
}
