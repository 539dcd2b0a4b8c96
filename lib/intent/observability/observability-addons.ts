import { ApiObject, Duration } from 'cdk8s';
import type { ContainerResources } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  ADDON_IMAGES, AddonExposureOptions, ExposedAddon, GrafanaOptions, KialiAuth, KialiOptions, PrometheusOptions, TracingBackend,
  checkPinnedImage, grafanaAdminOf,
} from './addon-options';
import { backendAt } from '../../backends/registry';
import { checkPercent, millisecondsOf } from '../../core/duration';
import { failAt, problem } from '../../core/errors';
import { constructArgs } from '../../core/input';
import { checkDnsLabel, checkHostName } from '../../core/names';
import { MeshSettings } from '../../core/settings';
import { Suppressions } from '../../core/suppressions';
import { emitManifest, releaseIdentity } from '../../hosting/cdk8s/emit';
import {
  ADDON_NAMES, ADDON_PORTS, AddonsModel, LINKERD_VIZ_VALUES, MESH_CONFIG_VALUES, ExtensionProvider, LinkerdVizValues, extensionProvider,
  linkerdVizValues, meshConfigFragment, serviceHost,
  renderGrafana, renderKiali, renderLinkerdVizValues, renderMeshConfigValues, renderPlainTextDestinationRule, renderPrometheus,
  renderTelemetry, renderTracing,
} from '../../render/addons';
import { Manifest, ResourcesModel } from '../../render/model';
import { IngressGatewayRoute } from '../ingress-gateway-route';
import { HttpMatch } from '../matches';
import { MeshService } from '../mesh-service';
import { Protocol } from '../ports';
import { RouteAction } from '../route';
import { resourcesModelOf } from '../workload';

/** Props of {@link ObservabilityAddons}. */
export interface ObservabilityAddonsProps {
  /**
   * The namespace of every add-on (it must exist: create it with `MeshNamespace` or with Istio).
   * @default - 'istio-system' under Istio (where `istioctl dashboard` looks), 'linkerd-viz' under Linkerd
   */
  readonly namespace?: string;

  /**
   * Prometheus, with the scrape config for the mesh: under Istio, istiod's monitoring port and every
   * Envoy's `/stats/prometheus`; under Linkerd, the control plane and every proxy's admin port; and
   * in both, pods annotated `prometheus.io/scrape`.
   * @default - installed, with the defaults of {@link PrometheusOptions}
   */
  readonly prometheus?: PrometheusOptions;

  /**
   * Grafana, its Prometheus (and tracing) data source provisioned.
   * @default - installed, with the defaults of {@link GrafanaOptions}
   */
  readonly grafana?: GrafanaOptions;

  /**
   * Kiali, pointed at this Prometheus, Grafana and tracing back-end (Istio only: it reads Istio's configuration).
   * @default - installed under Istio, with the defaults of {@link KialiOptions}; not installed under Linkerd
   */
  readonly kiali?: KialiOptions;

  /**
   * The tracing back-end.
   * @default TracingBackend.jaeger()
   */
  readonly tracing?: TracingBackend;

  /**
   * The share of requests Istio traces, in percent (a mesh-wide Telemetry resource in Istio's root
   * namespace). Istio only: Linkerd traces what its ingress decided to trace.
   * @default 1
   */
  readonly samplingPercentage?: number;

  /**
   * Istio's root namespace, where the mesh-wide Telemetry goes.
   * @default 'istio-system'
   */
  readonly istioRootNamespace?: string;

  /**
   * Expose add-ons through an Istio ingress gateway. Without it nothing is reachable from outside
   * the cluster (use `istioctl dashboard` or `kubectl port-forward`).
   * @default - nothing exposed
   */
  readonly expose?: AddonExposureOptions;
}

/** A construct id from an object's name and kind: `grafana` + `Deployment` → `GrafanaDeployment`. */
function idOf(o: Manifest): string {
  return o.metadata.name.split('-').map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('') + o.kind;
}

/** Each add-on's resources when none are given, as Kubernetes quantities. */
const DEFAULT_RESOURCES: { [addon: string]: ResourcesModel } = {
  prometheus: { requests: { cpu: '50m', memory: '512Mi' }, limits: { memory: '2Gi' } },
  grafana: { requests: { cpu: '10m', memory: '64Mi' } },
  kiali: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '1Gi' } },
  jaeger: { requests: { cpu: '10m', memory: '128Mi' } },
  zipkin: { requests: { cpu: '10m', memory: '256Mi' } },
};

/**
 * The observability stack every mesh tutorial installs (Istio's `samples/addons`), typed and wired
 * together: Prometheus with the mesh's scrape config, Grafana with its data sources and dashboards,
 * Kiali reading both and the tracing back-end, Jaeger or Zipkin with the Services Istio expects
 * (`tracing`, `zipkin`, `jaeger-collector`), and, under Istio, the Telemetry resource for sampling
 * and the `meshConfig.extensionProviders` entry for the collector.
 *
 * Secure by default: nothing exposed outside the cluster unless `expose` asks; no default passwords
 * (Grafana's admin and Kiali's signing key come from Secrets you create); Grafana without anonymous
 * access; Kiali behind a token login; every pod non-root, without privilege escalation or
 * capabilities, with resource requests; images pinned.
 *
 * The extension provider is emitted as the ConfigMap `istio-tracing-mesh-config` in the add-ons'
 * namespace, holding the fragment as istiod Helm values (`values.yaml`) and as an IstioOperator
 * overlay (`istio-operator.yaml`): apply it to your Istio installation (`helm upgrade istiod -f`,
 * a Flux `valuesFrom`, or `istioctl install -f`). Under Linkerd, the ConfigMap `linkerd-viz-values`
 * holds the linkerd-viz Helm values that point its dashboard at this Prometheus, Grafana and Jaeger.
 */
export class ObservabilityAddons extends Construct {
  /** The namespace of the add-ons. */
  public readonly namespace: string;
  /**
   * The extension provider Istio needs to send spans to the tracing back-end (the same one the
   * Telemetry names), or undefined without tracing or under Linkerd.
   */
  public readonly extensionProvider?: ExtensionProvider;
  /** The hosts the add-ons are exposed on, by add-on (empty unless `expose` is set). */
  public readonly exposedHosts: { readonly [addon: string]: string };
  private readonly model: AddonsModel;
  private readonly resources = new Map<string, ApiObject>();

  public constructor(scope: Construct, id: string, props: ObservabilityAddonsProps = {}) {
    super(...constructArgs('ObservabilityAddons', [scope, id, props]));
    const observed = backendAt(this).addonsMesh();
    if (observed.refused !== undefined) failAt(this, observed.refused);
    const mesh = observed.value;
    this.namespace = props.namespace ?? (mesh === 'istio' ? 'istio-system' : 'linkerd-viz');
    const istioRootNamespace = props.istioRootNamespace ?? 'istio-system';
    for (const [field, ns] of [['namespace', this.namespace], ['istioRootNamespace', istioRootNamespace]] as const) {
      const err = checkDnsLabel(field, ns);
      if (err) failAt(this, err);
    }
    if (mesh === 'linkerd') this.refuseIstioOnly(props);

    const image = (field: string, value: string | undefined, fallback: string): string => {
      const err = value !== undefined ? checkPinnedImage(field, value) : undefined;
      if (err) failAt(this, err);
      return value ?? fallback;
    };
    const resources = (addon: string, r: ContainerResources | undefined): ResourcesModel | undefined =>
      (r ? resourcesModelOf(r) : DEFAULT_RESOURCES[addon]);
    const duration = (field: string, d: Duration | undefined, fallback: Duration): string => {
      const ms = millisecondsOf(d ?? fallback);
      if (ms % 1000 !== 0 || ms < 1000) failAt(this, problem(field, 'must be a whole number of seconds, at least 1', `${ms / 1000}s`));
      const s = ms / 1000;
      return s % 86400 === 0 ? `${s / 86400}d` : s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
    };

    const p = props.prometheus ?? {};
    const g = props.grafana ?? {};
    const k = props.kiali ?? {};
    const t = props.tracing ?? TracingBackend.jaeger();
    const kialiOn = (k.enabled ?? mesh === 'istio');
    const prometheusOn = p.enabled ?? true;
    if (kialiOn && !prometheusOn) {
      failAt(this, problem('kiali.enabled', 'needs Prometheus: Kiali draws the mesh from its metrics', true,
        'install Prometheus too (prometheus.enabled), or set kiali.enabled: false'));
    }
    const installed = { prometheus: prometheusOn, grafana: g.enabled ?? true, kiali: kialiOn, tracing: t._kind !== undefined };
    const exposedHosts = this.exposedHostsOf(props, installed);
    this.exposedHosts = exposedHosts;
    const externalUrl = (addon: string, path = '/'): string | undefined => (exposedHosts[addon] ? `${this.schemeOf(props, exposedHosts[addon])}://${exposedHosts[addon]}${path}` : undefined);

    const kialiAuth = k.auth ?? KialiAuth.token();
    const settings = MeshSettings.of(this);
    const samplingPercentage = props.samplingPercentage ?? 1;
    try {
      checkPercent('samplingPercentage', samplingPercentage);
    } catch (e) {
      failAt(this, (e as Error).message);
    }
    this.model = {
      namespace: this.namespace,
      mesh,
      istioApiVersion: settings.istioApiVersion,
      clusterDomain: 'cluster.local',
      istioRootNamespace,
      linkerdNamespaces: { controlPlane: 'linkerd', viz: 'linkerd-viz' },
      samplingPercentage,
      prometheus: prometheusOn ? {
        image: image('prometheus.image', p.image, ADDON_IMAGES.prometheus),
        reloaderImage: image('prometheus.configReloaderImage', p.configReloaderImage, ADDON_IMAGES.prometheusConfigReloader),
        retention: duration('prometheus.retention', p.retention, Duration.days(15)),
        scrapeInterval: duration('prometheus.scrapeInterval', p.scrapeInterval, Duration.seconds(15)),
        resources: resources('prometheus', p.resources),
      } : undefined,
      grafana: (g.enabled ?? true) ? {
        image: image('grafana.image', g.image, ADDON_IMAGES.grafana),
        downloaderImage: image('grafana.dashboardDownloaderImage', g.dashboardDownloaderImage, ADDON_IMAGES.dashboardDownloader),
        dashboards: this.dashboardsOf(g, mesh),
        admin: this.guard(() => grafanaAdminOf(g.adminSecret)),
        anonymousRole: g.anonymousRole,
        rootUrl: externalUrl(ExposedAddon.GRAFANA),
        resources: resources('grafana', g.resources),
      } : undefined,
      kiali: kialiOn ? {
        image: image('kiali.image', k.image, ADDON_IMAGES.kiali),
        auth: kialiAuth._model,
        viewOnly: k.viewOnly ?? kialiAuth._model.strategy === 'anonymous',
        externalUrl: externalUrl(ExposedAddon.KIALI, '/kiali'),
        resources: resources('kiali', k.resources),
      } : undefined,
      tracing: t._kind ? {
        kind: t._kind,
        image: image('tracing.image', t._options.image, t._kind === 'jaeger' ? ADDON_IMAGES.jaeger : ADDON_IMAGES.zipkin),
        externalUrl: externalUrl(ExposedAddon.TRACING, t._kind === 'jaeger' ? '/jaeger' : '/'),
        resources: resources(t._kind, t._options.resources),
      } : undefined,
    };
    this.extensionProvider = mesh === 'istio' ? extensionProvider(this.model) : undefined;

    const m = this.model;
    const objects: Manifest[] = [
      ...(m.prometheus ? renderPrometheus(m, m.prometheus) : []),
      ...(m.grafana ? renderGrafana(m, m.grafana) : []),
      ...(m.kiali ? renderKiali(m, m.kiali) : []),
      ...(m.tracing ? renderTracing(m, m.tracing) : []),
    ];
    if (mesh === 'istio') {
      const telemetry = renderTelemetry(m, 'mesh-default');
      const values = renderMeshConfigValues(m);
      if (telemetry) objects.push(telemetry);
      if (values) objects.push(values);
    } else {
      objects.push(renderLinkerdVizValues(m));
    }
    for (const o of objects) this.emitObject(o);
    if (m.tracing?.kind === 'zipkin') {
      Suppressions.add(this.resource('Deployment', ADDON_NAMES.zipkin), 'IST0137',
        'Istio expects Zipkin\'s UI as `tracing` on port 80 and its API as `zipkin` on 9411, both on container port 9411 (samples/addons/extras/zipkin.yaml)');
    }
    if (props.expose) this.exposeThrough(props.expose, exposedHosts);
  }

  /** The mesh config fragment (`enableTracing`, `extensionProviders`) to merge into Istio's installation, or undefined. */
  public get meshConfig(): { enableTracing: boolean; extensionProviders: ExtensionProvider[] } | undefined {
    return this.model.mesh === 'istio' ? meshConfigFragment(this.model) : undefined;
  }

  /**
   * The in-cluster URL of the add-ons' Prometheus (`http://prometheus.<namespace>.svc.<cluster domain>:9090`), what a
   * canary's analysis or Flagger's `metricsServer` queries; undefined when Prometheus is not installed.
   */
  public get prometheusUrl(): string | undefined {
    return this.model.prometheus ? `http://${serviceHost(this.model, ADDON_NAMES.prometheus)}:${ADDON_PORTS.prometheus}` : undefined;
  }

  /** The linkerd-viz Helm values that point its dashboard at these add-ons (under Linkerd), or undefined. */
  public get linkerdVizValues(): LinkerdVizValues | undefined {
    return this.model.mesh === 'linkerd' ? linkerdVizValues(this.model) : undefined;
  }

  /**
   * An installation in the app takes the add-ons' mesh config (Istio's `extensionProviders`) or linkerd-viz values into
   * its own releases: the ConfigMap that carried them for a hand-made installation is no longer written.
   * @internal
   */
  public _handOverInstallValues(): void {
    const name = this.model.mesh === 'istio' ? MESH_CONFIG_VALUES : LINKERD_VIZ_VALUES;
    const api = this.resources.get(`ConfigMap/${name}`);
    if (!api) return;
    releaseIdentity(this, { apiVersion: 'v1', kind: 'ConfigMap', name, namespace: api.metadata.namespace, body: [] });
    this.node.tryRemoveChild(api.node.id);
    this.resources.delete(`ConfigMap/${name}`);
  }

  /**
   * One emitted object (escape hatch), e.g. `resource('Deployment', 'grafana')`.
   * Fails when the add-ons emit no such object.
   */
  public resource(kind: string, name: string): ApiObject {
    const o = this.resources.get(`${kind}/${name}`);
    if (!o) {
      failAt(this, problem('resource', 'must name an object these add-ons emit', `${kind}/${name}`,
        `they emit ${[...this.resources.keys()].map(x => `'${x}'`).join(', ')}`));
    }
    return o;
  }

  private emitObject(o: Manifest): void {
    this.resources.set(`${o.kind}/${o.metadata.name}`, emitManifest(this, idOf(o), o));
  }

  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      return failAt(this, (e as Error).message);
    }
  }

  private refuseIstioOnly(props: ObservabilityAddonsProps): void {
    const linkerd = (field: string, what: string, got: unknown, fix: string) =>
      failAt(this, problem(field, `${what} cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD)`, got, fix));
    if (props.kiali?.enabled) linkerd('kiali.enabled', 'Kiali reads Istio\'s configuration: it', true, 'use the linkerd-viz dashboard (its values are emitted), or put the add-ons in an Istio chart');
    if (props.samplingPercentage !== undefined) {
      linkerd('samplingPercentage', 'a sampling rate (Istio\'s Telemetry)', props.samplingPercentage, 'Linkerd\'s proxies follow the sampling decision of the trace\'s first hop');
    }
    if (props.istioRootNamespace !== undefined) linkerd('istioRootNamespace', 'Istio\'s root namespace', props.istioRootNamespace, 'leave it unset');
  }

  private dashboardsOf(g: GrafanaOptions, mesh: string) {
    const dashboards = (g.dashboards ?? []).map(d => d._model(mesh));
    const seen = new Map<string, string>();
    for (const d of dashboards) {
      const key = `${d.provider}/${d.file}`;
      if (seen.has(key)) {
        failAt(this, problem('grafana.dashboards', 'must name each dashboard once per provider', key, 'give one of them another name or provider'));
      }
      const folder = dashboards.find(x => x.provider === d.provider)!.folder;
      if (d.folder !== folder) {
        failAt(this, problem('grafana.dashboards', `must put every dashboard of provider '${d.provider}' in one folder`, d.folder, `its first dashboard is in '${folder}'`));
      }
      seen.set(key, d.folder);
    }
    return dashboards;
  }

  private exposedHostsOf(props: ObservabilityAddonsProps, installed: { [addon: string]: boolean }): { [addon: string]: string } {
    const e = props.expose;
    if (!e) return {};
    const err = checkHostName('expose.domain', e.domain);
    if (err || e.domain.startsWith('*')) failAt(this, err ?? problem('expose.domain', 'must be a domain, not a wildcard', e.domain));
    const addons = e.addons ?? [ExposedAddon.GRAFANA, ExposedAddon.KIALI, ExposedAddon.TRACING].filter(a => installed[a]);
    const out: { [addon: string]: string } = {};
    for (const a of addons) {
      if (!installed[a]) failAt(this, problem('expose.addons', 'must name installed add-ons', a, `install ${a}, or do not expose it`));
      if (out[a]) failAt(this, problem('expose.addons', 'must name each add-on once', a));
      out[a] = `${a}.${e.domain}`;
    }
    return out;
  }

  /** `https` when the gateway terminates TLS for the host, else `http`. */
  private schemeOf(props: ObservabilityAddonsProps, host: string): string {
    const servers = props.expose?.gateway.servers ?? [];
    const serves = (hosts: string[]) => hosts.some(h => {
      const bare = h.includes('/') ? h.slice(h.indexOf('/') + 1) : h;
      return bare === host || bare === '*' || (bare.startsWith('*.') && host.endsWith(bare.slice(1)));
    });
    return servers.some(s => (s.protocol === 'HTTPS' || s.tls?.credentialName) && serves(s.hosts)) ? 'https' : 'http';
  }

  /** One IngressGatewayRoute per exposed add-on, and a DestinationRule that reaches it in plain text. */
  private exposeThrough(e: AddonExposureOptions, hosts: { [addon: string]: string }): void {
    const m = this.model;
    const target: { [addon: string]: { service: string; port: number; home?: string } } = {
      grafana: { service: ADDON_NAMES.grafana, port: ADDON_PORTS.grafana },
      kiali: { service: ADDON_NAMES.kiali, port: ADDON_PORTS.kiali, home: '/kiali' },
      tracing: { service: ADDON_NAMES.tracing, port: ADDON_PORTS.tracingQuery, home: m.tracing?.kind === 'jaeger' ? '/jaeger' : undefined },
      prometheus: { service: ADDON_NAMES.prometheus, port: ADDON_PORTS.prometheus },
    };
    for (const addon of Object.keys(hosts)) {
      const t = target[addon];
      const service = MeshService.fromAttributes(this, `Import${addon.charAt(0).toUpperCase()}${addon.slice(1)}`, { name: t.service, namespace: this.namespace, ports: [{ port: t.port, protocol: Protocol.HTTP }] });
      const route = new IngressGatewayRoute(this, `Expose${addon.charAt(0).toUpperCase()}${addon.slice(1)}`, {
        gateway: e.gateway,
        hosts: [hosts[addon]],
        name: addon,
        namespace: { name: this.namespace },
      });
      if (t.home) route.addRoute({ name: 'home', match: [HttpMatch.exact('/')], action: RouteAction.redirect({ uri: t.home, redirectCode: 302 }) });
      route.addRoute({ name: addon, action: RouteAction.forward(service, { port: t.port }) });
      this.emitObject(renderPlainTextDestinationRule(m, t.service));
    }
  }
}
