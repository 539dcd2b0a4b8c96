import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ChartValues, linkerdChartValueProblems, mergeValues, secretMaterialProblems, versionProblem } from './chart-values';
import { LINKERD_CHARTS } from './generated/linkerd-install-data';
import { emitGitOpsObjects } from './gitops';
import { InstallOutput } from './install-output';
import { LinkerdProxyOptions, enumProblem, linkerdProxyModelOf } from './linkerd-settings';
import { ProgressiveDeliveryController, controllerReleases } from './progressive-delivery';
import { suggestion } from '../core/closest';
import { MeshValidationError, Problem, ProblemLike, failAt, problem, problemValidation } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel, checkDnsSubdomain } from '../core/names';
import { InstallationFacts, markInstallation } from '../hosting/cdk8s/installations';
import { DefaultInboundPolicy } from '../intent/mesh-namespace';
import { ObservabilityAddons } from '../intent/observability/observability-addons';
import { HelmChartRelease, HelmReleaseModel, InstallationModel } from '../render/install';
import { LinkerdProxyValuesModel, linkerdControlPlaneValues, linkerdVizHaValues } from '../render/install/linkerd-values';

/**
 * Where Linkerd's identity gets its trust anchor and issuer: never generated, never written into the output.
 * @see https://linkerd.io/2/tasks/automatically-rotating-control-plane-tls-credentials/
 */
export class LinkerdIdentity {
  /**
   * The issuer certificate and key in the Secret `linkerd-identity-issuer` (type `kubernetes.io/tls`, with `ca.crt`) and
   * the trust anchors in the ConfigMap `linkerd-identity-trust-roots`, both in Linkerd's namespace and kept by
   * cert-manager and trust-manager: the chart reads them (`identity.externalCA`, issuer scheme `kubernetes.io/tls`).
   * Works for every output.
   */
  public static fromSecrets(): LinkerdIdentity {
    return new LinkerdIdentity(false);
  }

  /**
   * The issuer from the Secret `linkerd-identity-issuer`, the trust anchors from a PEM file you keep outside Git,
   * passed to Helm with `--set-file identityTrustAnchorsPEM=<file>` (the README's commands). Helm output only.
   */
  public static trustAnchorsFromFile(): LinkerdIdentity {
    return new LinkerdIdentity(true);
  }

  private constructor(/** @internal */ public readonly _setFile: boolean) {}
}

/** The control plane's high availability. */
export interface LinkerdHighAvailabilityOptions {
  /**
   * Replicas of each control-plane Deployment (destination, identity, proxy injector) and of linkerd-viz's tap.
   * @default 3 (values-ha's `controllerReplicas` and `tap.replicas`)
   */
  readonly replicas?: number;
}

/** Props of a {@link LinkerdInstallation}. */
export interface LinkerdInstallationProps {
  /**
   * The version of the `linkerd-crds` and `linkerd-control-plane` charts: exact, so the installation is pinned
   * (an edge release's charts are versioned like `2025.11.1`).
   */
  readonly version: string;
  /**
   * The version of the `linkerd-viz` chart, installed when given (with ObservabilityAddons, wired to them).
   * @default - the control-plane version when add-ons are given, else linkerd-viz is not installed
   */
  readonly vizVersion?: string;
  /**
   * The control-plane namespace.
   * @default 'linkerd'
   */
  readonly namespace?: string;
  /**
   * How the installation is written.
   * @default InstallOutput.helm()
   */
  readonly output?: InstallOutput;
  /**
   * Where identity's trust anchor and issuer come from.
   * @default LinkerdIdentity.fromSecrets()
   */
  readonly identity?: LinkerdIdentity;
  /**
   * High availability: Linkerd's values-ha.yaml of linkerd-control-plane in full (replicas, PodDisruptionBudgets, pod
   * anti-affinity, a webhook that fails closed, the resources of every control-plane container and of the proxies,
   * `highAvailability` for `linkerd check`), and linkerd-viz's values-ha.yaml when linkerd-viz is installed.
   * `false` for the charts' defaults: a single replica of everything.
   * @default - on, 3 replicas
   * @see https://linkerd.io/2-edge/tasks/install-helm/#enabling-high-availability
   */
  readonly highAvailability?: LinkerdHighAvailabilityOptions | boolean;
  /**
   * What a meshed pod's port accepts when no `Server` selects it (`proxy.defaultInboundPolicy`).
   * @default DefaultInboundPolicy.ALL_UNAUTHENTICATED (the chart's; not written)
   */
  readonly defaultInboundPolicy?: DefaultInboundPolicy;
  /**
   * How every injected proxy runs: resources, worker threads, logs, discovery cache, shutdown (`proxy.*`).
   * @default - the chart's defaults, and values-ha's proxy resources with high availability
   */
  readonly proxy?: LinkerdProxyOptions;
  /**
   * Whether the linkerd2-cni plugin (installed beforehand, by its own chart) sets up pods' networking instead of the
   * `linkerd-init` container (`cniEnabled`).
   * @default false
   * @see https://linkerd.io/2-edge/features/cni/
   */
  readonly cni?: boolean;
  /**
   * The cluster's pod and service networks, as CIDRs, for which the proxies do service discovery (`clusterNetworks`).
   * @default - the chart's: every private IPv4 network and IPv6 unique local addresses
   */
  readonly clusterNetworks?: string[];
  /**
   * The cluster's DNS domain (`clusterDomain`).
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * The trust domain of identities.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Add-ons linkerd-viz is wired to (its Prometheus, Grafana and Jaeger links); their values ConfigMap is then not written.
   * @default - none
   */
  readonly observability?: ObservabilityAddons;

  /**
   * The controllers of self-driving canaries (Argo Rollouts, Flagger, or both), installed after Linkerd (and linkerd-viz),
   * each as one more release of this installation's output.
   * @default - none
   */
  readonly progressiveDelivery?: ProgressiveDeliveryController[];
  /**
   * Values over the installation's own (the one escape hatch): `crds`, `controlPlane`, `viz`. No secret material.
   * @default - none
   */
  readonly values?: LinkerdChartValuesOptions;
  /**
   * The Helm repository of Linkerd's charts.
   * @default 'https://helm.linkerd.io/edge'
   */
  readonly chartRepository?: string;
}

/** Values of Linkerd's charts. */
export interface LinkerdChartValuesOptions {
  /**
   * Values of linkerd-crds.
   * @default - none
   */
  readonly crds?: { [key: string]: unknown };
  /**
   * Values of linkerd-control-plane.
   * @default - none
   */
  readonly controlPlane?: { [key: string]: unknown };
  /**
   * Values of linkerd-viz.
   * @default - none
   */
  readonly viz?: { [key: string]: unknown };
}

/**
 * Linkerd's control plane installed with its Helm charts in order (linkerd-crds → linkerd-control-plane →
 * linkerd-viz), highly available by default, its identity certificates taken from Secrets you name — or as Argo CD
 * Applications / Flux HelmReleases pinned to the chart versions.
 */
export class LinkerdInstallation extends Construct {
  /** The control-plane namespace. */
  public readonly namespace: string;
  private readonly props: LinkerdInstallationProps;
  private readonly output: InstallOutput;
  private addons?: ObservabilityAddons;
  private readonly gitOps = new Map<string, ApiObject>();
  private proxyModel?: LinkerdProxyValuesModel;

  public constructor(scope: Construct, id: string, props: LinkerdInstallationProps) {
    super(...constructArgs('LinkerdInstallation', [scope, id, props]));
    this.props = props;
    const reject = (p: ProblemLike | undefined) => {
      if (p) failAt(this, p);
    };
    reject(versionProblem('version', props.version));
    if (props.vizVersion !== undefined) reject(versionProblem('vizVersion', props.vizVersion));
    this.namespace = props.namespace ?? 'linkerd';
    reject(checkDnsLabel('namespace', this.namespace));
    if (props.trustDomain !== undefined) reject(checkDnsSubdomain('trustDomain', props.trustDomain));
    if (props.chartRepository !== undefined && !/^https:\/\/\S+$/.test(props.chartRepository)) {
      reject(problem('chartRepository', 'must be the https:// URL of a Helm repository (a mirror of Linkerd\'s)', props.chartRepository,
        'e.g. \'https://helm.linkerd.io/edge\''));
    }
    this.output = props.output ?? InstallOutput.helm();
    const kind = this.output._model.kind;
    if (kind === 'istio-operator') reject(problem('output', 'must be Helm, Argo CD or Flux for Linkerd', 'istioOperator()', 'use InstallOutput.helm()'));
    if (props.identity?._setFile && kind !== 'helm') {
      reject(problem('identity', 'must come from Secrets for GitOps output: a file passed with --set-file never reaches Argo CD or Flux', 'trustAnchorsFromFile()',
        'use LinkerdIdentity.fromSecrets() with cert-manager and trust-manager'));
    }
    const ha = props.highAvailability;
    if (typeof ha === 'object' && ha.replicas !== undefined && (!Number.isInteger(ha.replicas) || ha.replicas < 2)) {
      reject(problem('highAvailability.replicas', 'must be a whole number of at least 2 (one replica cannot be highly available)', ha.replicas,
        'set highAvailability: false for a single replica'));
    }
    if (props.defaultInboundPolicy !== undefined) {
      reject(enumProblem('defaultInboundPolicy', props.defaultInboundPolicy, Object.values(DefaultInboundPolicy), 'one of Linkerd\'s default policies'));
    }
    if (props.proxy !== undefined) {
      try {
        this.proxyModel = linkerdProxyModelOf(props.proxy, 'proxy');
      } catch (e) {
        if (e instanceof MeshValidationError) failAt(this, e);
        throw e;
      }
    }
    if (props.cni !== undefined && typeof props.cni !== 'boolean') reject(problem('cni', 'must be true or false', props.cni));
    for (const [i, cidr] of (props.clusterNetworks ?? []).entries()) {
      if (!cidrOk(cidr)) reject(problem(`clusterNetworks[${i}]`, 'must be a CIDR (an IPv4 or IPv6 network and its prefix length)', cidr, 'e.g. \'10.0.0.0/8\''));
    }
    if (props.clusterNetworks !== undefined && props.clusterNetworks.length === 0) {
      reject(problem('clusterNetworks', 'must list at least one network', [], 'leave it out for the chart\'s default networks'));
    }
    if (props.clusterDomain !== undefined) reject(checkDnsSubdomain('clusterDomain', props.clusterDomain));
    const charts: { [k: string]: string } = { crds: 'linkerd-crds', controlPlane: 'linkerd-control-plane', viz: 'linkerd-viz' };
    for (const [k, v] of Object.entries(props.values ?? {})) {
      if (!(k in charts)) reject(problem('values', 'must hold values of crds, controlPlane or viz', k, suggestion(k, Object.keys(charts))));
      reject(secretMaterialProblems(`values.${k}`, v)[0]);
      if (v !== undefined) reject(linkerdChartValueProblems(charts[k], `values.${k}`, v as ChartValues)[0]);
    }
    if (props.observability) this.addObservability(props.observability);
    this.node.addValidation(problemValidation(this, () => this.controllers(this.vizVersion !== undefined).problems));
    markInstallation(this);
    emitGitOpsObjects(this, () => this.model(), this.gitOps);
  }

  /** Wires linkerd-viz to ObservabilityAddons (installing linkerd-viz); their values ConfigMap is then not written. */
  public addObservability(addons: ObservabilityAddons): void {
    if (addons.linkerdVizValues === undefined) {
      failAt(this, problem('observability', 'must be add-ons of a Linkerd chart', addons.node.path, 'give Istio add-ons to an IstioInstallation'));
    }
    if (this.addons) failAt(this, problem('observability', 'must be given once: linkerd-viz links to one set of add-ons', addons.node.path));
    this.addons = addons;
    addons._handOverInstallValues();
    // linkerd-viz is installed once add-ons are given: its Application or HelmRelease joins the others
    emitGitOpsObjects(this, () => this.model(), this.gitOps);
  }

  /** The releases in install order, with their values. */
  public get releases(): HelmChartRelease[] {
    return this.model().releases.map(r => ({ ...r }));
  }

  /** The installation as model data. @internal */
  public _installation(): { model: InstallationModel; facts: InstallationFacts } {
    return { model: this.model(), facts: { mesh: 'linkerd', path: this.node.path, namespace: this.namespace } };
  }

  /** linkerd-viz's chart version, when it is installed (given, or the control plane's once add-ons are given). */
  private get vizVersion(): string | undefined {
    return this.props.vizVersion ?? (this.addons ? this.props.version : undefined);
  }

  /**
   * The progressive-delivery controllers' releases (last, after linkerd-viz), and the problems keeping any out. Their
   * Prometheus is the add-ons', else linkerd-viz's own (the viz chart's `prometheus`, Flagger's Linkerd tutorial's metricsServer).
   */
  private controllers(viz: boolean): { readonly releases: HelmReleaseModel[]; readonly problems: Problem[] } {
    const prometheusUrl = this.addons?.prometheusUrl
      ?? (viz ? `http://prometheus.linkerd-viz.svc.${this.props.clusterDomain ?? 'cluster.local'}:9090` : undefined);
    // Flagger's chart lets it reach viz's own Prometheus (an AuthorizationPolicy on viz's Server `prometheus-admin`,
    // charts/flagger/templates/authorizationpolicy.yaml); the add-ons' Prometheus replaces that one, and its Server
    const ownViz = viz && this.addons === undefined;
    return controllerReleases(this.props.progressiveDelivery, { mesh: 'linkerd', namespace: this.namespace, prometheusUrl, linkerdVizNamespace: ownViz ? 'linkerd-viz' : undefined });
  }

  private model(): InstallationModel {
    const p = this.props;
    const repoUrl = p.chartRepository ?? 'https://helm.linkerd.io/edge';
    const ha = p.highAvailability === false ? undefined : { replicas: (typeof p.highAvailability === 'object' ? p.highAvailability.replicas : undefined) ?? 3 };
    const setFile = p.identity?._setFile ?? false;
    const valuesModel = {
      externalCA: !setFile,
      trustDomain: p.trustDomain,
      ha: ha ? { replicas: ha.replicas, controlPlane: LINKERD_CHARTS['linkerd-control-plane'].ha ?? {}, viz: LINKERD_CHARTS['linkerd-viz'].ha ?? {} } : undefined,
      defaultInboundPolicy: p.defaultInboundPolicy,
      proxy: this.proxyModel,
      cniEnabled: p.cni,
      clusterNetworks: p.clusterNetworks,
      clusterDomain: p.clusterDomain,
    };
    // Helm's order: values-ha.yaml over the chart's defaults (`-f values-ha.yaml`), then the typed settings, then the user's values
    const cp = linkerdControlPlaneValues(valuesModel);
    // (the settings first too, so that identity leads the values file as it always has)
    const controlPlane = mergeValues(cp.settings, cp.ha, cp.settings, (p.values?.controlPlane ?? {}) as ChartValues);
    const vizVersion = p.vizVersion ?? (this.addons ? p.version : undefined);
    const release = (name: string, namespace: string, values: { [key: string]: unknown }, version = p.version): HelmReleaseModel =>
      ({ name, chart: name, repoUrl, repoName: 'linkerd', version, namespace, values });
    const controllers = this.controllers(vizVersion !== undefined).releases;
    const releases: HelmReleaseModel[] = [
      release('linkerd-crds', this.namespace, mergeValues((p.values?.crds ?? {}) as ChartValues)),
      { ...release('linkerd-control-plane', this.namespace, controlPlane), ...(setFile ? { setFiles: { identityTrustAnchorsPEM: 'trust anchor certificate (PEM)' } } : {}) },
      ...(vizVersion !== undefined
        ? [release('linkerd-viz', 'linkerd-viz', mergeValues(linkerdVizHaValues(valuesModel), (this.addons?.linkerdVizValues ?? {}) as ChartValues,
          (p.values?.viz ?? {}) as ChartValues), vizVersion)]
        : []),
      ...controllers,
    ];
    return {
      mesh: 'linkerd',
      name: this.node.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'linkerd',
      releases,
      output: this.output._model,
      notes: [
        `Before installing: the issuer Secret \`linkerd-identity-issuer\` (type kubernetes.io/tls with ca.crt) in namespace '${this.namespace}'`
        + (setFile ? ', and the trust anchor certificate file for --set-file (never committed).'
          : ' and the trust anchors ConfigMap `linkerd-identity-trust-roots` (key ca-bundle.crt) must exist (cert-manager and trust-manager keep them).'),
        ...(ha ? [`High availability (Linkerd's values-ha.yaml${vizVersion !== undefined ? ', linkerd-viz\'s too' : ''}): ${ha.replicas} replicas of each control-plane Deployment, `
          + 'PodDisruptionBudgets, pod anti-affinity, CPU and memory requests and limits on every control-plane container and proxy; the proxy injector fails closed.'] : []),
        ...(p.cni ? ['linkerd2-cni must be installed before linkerd-control-plane (cniEnabled: true): helm install linkerd2-cni linkerd/linkerd2-cni.'] : []),
      ],
    };
  }
}

/** An IPv4 or IPv6 CIDR, as Linkerd's `clusterNetworks` holds them. */
function cidrOk(cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return false;
  const bits = Number(m[2]);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(m[1])) return bits <= 32 && m[1].split('.').every(o => Number(o) <= 255);
  return /^[0-9a-fA-F:]+$/.test(m[1]) && m[1].includes(':') && bits <= 128;
}
