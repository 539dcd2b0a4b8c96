import { ApiObject } from 'cdk8s';
import type { ContainerResources } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { ChartValues, chartValueProblems, mergeValues, secretMaterialProblems, versionProblem } from './chart-values';
import { ISTIO_CHARTS, ISTIO_HELM_PLATFORMS, ISTIO_HELM_PROFILES, ISTIO_OPERATOR_PROFILES } from './generated/install-data';
import { emitGitOpsObjects } from './gitops';
import { InstallOutput } from './install-output';
import { MeshConfigOptions } from './mesh-config';
import { meshConfigOf } from './mesh-config-values';
import { ProgressiveDeliveryController, controllerReleases } from './progressive-delivery';
import { suggestion } from '../core/closest';
import { Problem, ProblemLike, failAt, problem, problemValidation } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel } from '../core/names';
import { InstallationFacts, markInstallation } from '../hosting/cdk8s/installations';
import { ObservabilityAddons } from '../intent/observability/observability-addons';
import { Autoscaling, DisruptionBudget } from '../intent/scaling';
import { resourcesModelOf } from '../intent/workload';
import { HelmChartRelease, HelmReleaseModel, InstallationModel, istioOperatorSpec } from '../render/install';
import { Manifest } from '../render/model';

/** istioctl's installation profiles; Helm users get the same through the charts' `profile` value where the charts have it. */
export enum IstioProfile {
  /** istiod and (with istioctl) an ingress gateway: Istio's production starting point. */
  DEFAULT = 'default',
  /** Everything on for trying Istio: access logs to stdout, tracing at 100%, small requests, both gateways. */
  DEMO = 'demo',
  /** istiod only. */
  MINIMAL = 'minimal',
  /** Ambient mode: istiod, istio-cni and ztunnel. */
  AMBIENT = 'ambient',
  /** Nothing: every component is chosen by hand. */
  EMPTY = 'empty',
  /** Features not yet stable. */
  PREVIEW = 'preview',
  /** A remote cluster of a multi-cluster mesh. */
  REMOTE = 'remote',
  /** Only stable features. */
  STABLE = 'stable',
}

/** Platforms whose Kubernetes needs Istio's charts configured for it (the charts' `platform` value). */
export enum IstioPlatform {
  /** Google Kubernetes Engine. */
  GKE = 'gke',
  /** k3s. */
  K3S = 'k3s',
  /** minikube. */
  MINIKUBE = 'minikube',
  /** OpenShift. */
  OPENSHIFT = 'openshift',
}

/** istiod's scaling and resources. */
export interface IstiodOptions {
  /**
   * A fixed number of istiod pods (then no autoscaler).
   * @default - autoscaled, see `autoscaling`
   */
  readonly replicas?: number;
  /**
   * istiod's HorizontalPodAutoscaler (CPU and memory utilisation only: what the istiod chart offers).
   * @default Autoscaling.of({ minReplicas: 2, maxReplicas: 5 }) - two pods at least, so a node drain never waits on istiod
   */
  readonly autoscaling?: Autoscaling;
  /**
   * istiod's PodDisruptionBudget.
   * @default - the chart's (minAvailable 1)
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * istiod's container resources.
   * @default - the chart's (requests 500m CPU, 2048Mi memory) or the profile's
   */
  readonly resources?: ContainerResources;
}

/** The charts an installation installs besides istiod. */
export interface IstioComponentsOptions {
  /**
   * Istio's base chart (CRDs, cluster roles, the validating webhook): once per cluster, so `false` on every
   * installation but one (e.g. a canary revision).
   * @default true
   */
  readonly base?: boolean;
  /**
   * The istio-cni node agent.
   * @default - true for the ambient profile, else false
   */
  readonly cni?: boolean;
  /**
   * ztunnel, the ambient data plane.
   * @default - true for the ambient profile, else false
   */
  readonly ztunnel?: boolean;
}

/**
 * Values for the charts, merged over what the installation writes (the one escape hatch for what it does not model).
 * Each key is checked against the chart's own defaults: a key the chart does not have is an error naming the nearest.
 */
export interface IstioChartValuesOptions {
  /**
   * Values of the base chart.
   * @default - none
   */
  readonly base?: { [key: string]: unknown };
  /**
   * Values of the istiod chart.
   * @default - none
   */
  readonly istiod?: { [key: string]: unknown };
  /**
   * Values of the cni chart.
   * @default - none
   */
  readonly cni?: { [key: string]: unknown };
  /**
   * Values of the ztunnel chart.
   * @default - none
   */
  readonly ztunnel?: { [key: string]: unknown };
}

/** Props of an {@link IstioInstallation}. */
export interface IstioInstallationProps {
  /** The Istio release whose charts are installed: an exact version (`1.28.0`), so the installation is pinned. */
  readonly version: string;
  /**
   * The profile.
   * @default IstioProfile.DEFAULT
   */
  readonly profile?: IstioProfile;
  /**
   * The revision istiod serves (`istio.io/rev: <revision>` on namespaces and gateways), for canary upgrades of Istio.
   * @default - none: the default revision (`istio-injection=enabled`)
   */
  readonly revision?: string;
  /**
   * Revision tags this istiod serves besides its revision (`istio.io/rev: <tag>`, e.g. `stable` and `rapid`): a tag
   * moves namespaces to another revision without relabelling them.
   * @default - none
   */
  readonly revisionTags?: string[];
  /**
   * The control-plane namespace.
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /**
   * How the installation is written.
   * @default InstallOutput.helm()
   */
  readonly output?: InstallOutput;
  /**
   * istiod's scaling, disruption budget and resources.
   * @default - two to five pods, autoscaled on CPU, with the chart's disruption budget
   */
  readonly istiod?: IstiodOptions;
  /**
   * The mesh config.
   * @default - the chart's and the profile's
   */
  readonly meshConfig?: MeshConfigOptions;
  /**
   * Add-ons whose providers (the tracing collector) the mesh config registers; more with `addObservability()`.
   * @default - none
   */
  readonly observability?: ObservabilityAddons;

  /**
   * The controllers of self-driving canaries (Argo Rollouts, Flagger, or both), installed after the mesh, each as one more
   * release of this installation's output.
   * @default - none
   */
  readonly progressiveDelivery?: ProgressiveDeliveryController[];
  /**
   * The charts installed besides istiod.
   * @default - base, plus istio-cni and ztunnel for the ambient profile
   */
  readonly components?: IstioComponentsOptions;
  /**
   * The Kubernetes platform.
   * @default - none (a conformant cluster)
   */
  readonly platform?: IstioPlatform;
  /**
   * Chart values over the installation's own (checked against the charts' defaults).
   * @default - none
   */
  readonly values?: IstioChartValuesOptions;
  /**
   * The Helm repository of Istio's charts.
   * @default 'https://istio-release.storage.googleapis.com/charts'
   */
  readonly chartRepository?: string;
}

const CHART_OF = { base: 'base', istiod: 'istiod', cni: 'istio-cni', ztunnel: 'ztunnel' } as const;
type Component = keyof typeof CHART_OF;
/** The section of a Helm profile each chart promotes to its top level (the charts' zzz_profile.yaml). */
const PROFILE_SECTION: { [c in Component]?: string } = { istiod: 'pilot', cni: 'cni', ztunnel: 'ztunnel' };

/**
 * What an installation reads of a gateway it installs with the gateway chart (an `IstioGateway`, which imports this
 * module: the installation names the gateway by this shape, not by its class, so that the two modules form no cycle).
 * @internal
 */
export interface GatewayRelease extends IConstruct {
  readonly name: string;
  readonly namespace?: string;
  /** The gateway chart's values. */
  values(): { [key: string]: unknown };
  /** Its objects in the chart's manifests. */
  _chartObjects(): Manifest[];
}

/**
 * Istio's control plane, installed the way Istio documents: the Helm charts in order (base → istiod → istio-cni →
 * ztunnel), an IstioOperator for istioctl, or Argo CD / Flux objects pinned to the chart version. Its mesh config is
 * what the synth-time analysis checks the app against (a Telemetry naming a provider it lacks, a revision it does
 * not serve, ambient namespaces without ztunnel).
 *
 * Gateways are {@link IstioGateway}s: Deployments with gateway injection that the app's Gateways select by object.
 */
export class IstioInstallation extends Construct {
  /** The Istio release. */
  public readonly version: string;
  /** The profile. */
  public readonly profile: IstioProfile;
  /** The revision, or undefined for the default one. */
  public readonly revision?: string;
  /** The revision tags istiod serves besides its revision (a copy). */
  public readonly revisionTags: string[];
  /** The control-plane namespace. */
  public readonly namespace: string;
  /** Whether istio-cni and ztunnel are installed (ambient mode). */
  public readonly ambient: boolean;
  private readonly props: IstioInstallationProps;
  private readonly output: InstallOutput;
  private readonly components: { readonly [c in Component]: boolean };
  private readonly addons: ObservabilityAddons[] = [];
  private readonly gateways: GatewayRelease[] = [];
  private readonly gitOps = new Map<string, ApiObject>();

  public constructor(scope: Construct, id: string, props: IstioInstallationProps) {
    super(...constructArgs('IstioInstallation', [scope, id, props]));
    this.props = props;
    const reject = (p: ProblemLike | undefined) => {
      if (p) failAt(this, p);
    };
    reject(versionProblem('version', props.version));
    this.version = props.version.replace(/^v/, '');
    const profile = (props.profile ?? IstioProfile.DEFAULT) as string;
    if (!(profile in ISTIO_OPERATOR_PROFILES)) {
      failAt(this, problem('profile', 'must be one of Istio\'s profiles', profile, suggestion(profile, Object.keys(ISTIO_OPERATOR_PROFILES))));
    }
    this.profile = profile as IstioProfile;
    if (props.platform !== undefined && !ISTIO_HELM_PLATFORMS.includes(props.platform)) {
      failAt(this, problem('platform', 'must be one of the platforms Istio\'s charts know', props.platform, suggestion(props.platform, ISTIO_HELM_PLATFORMS)));
    }
    if (props.revision !== undefined) {
      reject(checkDnsLabel('revision', props.revision));
      if (props.revision === 'default') {
        failAt(this, problem('revision', 'must not be \'default\', the name of the default revision\'s tag', props.revision, 'leave revision unset for the default revision'));
      }
    }
    this.revision = props.revision;
    this.revisionTags = [...(props.revisionTags ?? [])];
    for (const t of this.revisionTags) reject(checkDnsLabel('revisionTags', t));
    if (this.revisionTags.includes(this.revision ?? 'default')) {
      failAt(this, problem('revisionTags', 'must not repeat the revision itself', this.revision ?? 'default', 'drop it from revisionTags'));
    }
    this.namespace = props.namespace ?? 'istio-system';
    reject(checkDnsLabel('namespace', this.namespace));
    this.output = props.output ?? InstallOutput.helm();
    const ambientProfile = this.profile === IstioProfile.AMBIENT;
    const c = props.components ?? {};
    this.components = { base: c.base ?? true, istiod: true, cni: c.cni ?? ambientProfile, ztunnel: c.ztunnel ?? ambientProfile };
    for (const k of ['cni', 'ztunnel'] as const) {
      if (ambientProfile && !this.components[k]) {
        failAt(this, problem(`components.${k}`, 'must be installed with the ambient profile: ambient mode needs istio-cni and ztunnel on every node', false,
          `remove components.${k}, or choose another profile`));
      }
    }
    if (this.components.ztunnel && !this.components.cni) {
      failAt(this, problem('components.cni', 'must be installed with ztunnel: istio-cni redirects the pods\' traffic to it', false, 'set components: { cni: true }'));
    }
    this.ambient = this.components.cni && this.components.ztunnel;
    if (props.chartRepository !== undefined && !/^https:\/\/\S+$/.test(props.chartRepository)) {
      failAt(this, problem('chartRepository', 'must be the https:// URL of a Helm repository (a mirror of Istio\'s)', props.chartRepository,
        'e.g. \'https://istio-release.storage.googleapis.com/charts\''));
    }
    this.checkValues();
    if (props.observability) this.addObservability(props.observability);
    // the mesh config's own rules (absolute paths, provider names), at once rather than at synth
    this.ownMeshConfig();
    markInstallation(this);
    this.emitGitOps();
    this.node.addValidation(problemValidation(this, () => [...this.drainProblems(), ...this.siblingProblems(), ...this.controllerProblems()]));
  }

  /**
   * Registers the providers of ObservabilityAddons (the tracing collector) in the mesh config; the add-ons then write no
   * mesh-config ConfigMap of their own.
   */
  public addObservability(addons: ObservabilityAddons): void {
    if (addons.meshConfig === undefined && addons.linkerdVizValues !== undefined) {
      failAt(this, problem('observability', 'must be add-ons of an Istio chart', addons.node.path, 'give Linkerd add-ons to a LinkerdInstallation'));
    }
    if (this.addons.includes(addons)) failAt(this, problem('observability', 'must be added once', addons.node.path, 'drop the second addObservability() call'));
    this.addons.push(addons);
    this.ownMeshConfig();
    addons._handOverInstallValues();
  }

  /** A gateway deployed with the gateway chart: a release after the control plane's. @internal */
  public _addGateway(gateway: GatewayRelease): void {
    if (this.output._model.kind === 'istio-operator') {
      failAt(gateway, problem('deployment', 'must be GatewayDeployment.MANIFESTS with an IstioOperator installation: istioctl does not install the gateway chart',
        'HELM_CHART', 'deploy the gateway as manifests, or use InstallOutput.helm()'));
    }
    const names = this.model().releases.map(r => `${r.namespace}/${r.name}`);
    if (names.includes(`${gateway.namespace}/${gateway.name}`)) {
      failAt(gateway, problem('name', 'must not be the name of another release of the installation in its namespace', gateway.name, 'give the gateway another name'));
    }
    this.gateways.push(gateway);
    this.emitGitOps();
  }

  /** The releases in install order, with their values (what every output is rendered from). */
  public get releases(): HelmChartRelease[] {
    return this.model().releases.map(r => ({ ...r }));
  }

  /** The effective mesh config: the chart's defaults, the profile's, the installation's settings and the values'. */
  public get meshConfig(): { [key: string]: unknown } {
    const chartDefault = (ISTIO_CHARTS.istiod.defaults.meshConfig ?? {}) as ChartValues;
    const profileMesh = (ISTIO_HELM_PROFILES[this.profile]?.meshConfig ?? {}) as ChartValues;
    return mergeValues(chartDefault, profileMesh, this.ownMeshConfig(), (this.props.values?.istiod?.meshConfig ?? {}) as ChartValues);
  }

  /** The installation as model data. @internal */
  public _installation(): { model: InstallationModel; facts: InstallationFacts } {
    return {
      model: this.model(),
      facts: {
        mesh: 'istio',
        path: this.node.path,
        namespace: this.namespace,
        revision: this.revision ?? 'default',
        revisionTags: [...this.revisionTags],
        ambient: this.ambient,
        installsBase: this.components.base,
        meshConfig: this.meshConfig,
        chartObjects: this.gateways.flatMap(g => g._chartObjects()),
      },
    };
  }

  /** The mesh config the installation writes (settings and add-ons), before the profile's and the values'. */
  private ownMeshConfig(): { [key: string]: unknown } {
    const own = meshConfigOf(this.props.meshConfig ?? {}, 'meshConfig', message => failAt(this, message));
    const fromAddons = this.addons.map(a => a.meshConfig).filter(x => x !== undefined);
    if (fromAddons.length === 0) return own;
    const providers = [...((own.extensionProviders ?? []) as Array<{ name: string }>)];
    for (const f of fromAddons) {
      for (const p of f.extensionProviders) {
        if (providers.some(x => x.name === p.name)) {
          failAt(this, problem('meshConfig.extensionProviders', 'must not name a provider the observability add-ons register', p.name, 'rename one of them'));
        }
        providers.push({ ...p });
      }
    }
    return { ...own, enableTracing: true, extensionProviders: providers };
  }

  /** The values the installation writes for one chart (before the user's). */
  private ownValues(component: Component): { [key: string]: unknown } {
    const p = this.profile in ISTIO_HELM_PROFILES ? { profile: this.profile } : {};
    const common = {
      ...p,
      ...(this.props.platform !== undefined ? { platform: this.props.platform } : {}),
      ...(this.revision !== undefined && component !== 'base' ? { revision: this.revision } : {}),
      ...(this.namespace !== 'istio-system' && component !== 'base' ? { global: { istioNamespace: this.namespace } } : {}),
    };
    if (component !== 'istiod') return common;
    const o = this.props.istiod ?? {};
    const scaling: { [key: string]: unknown } = o.replicas !== undefined
      ? { autoscaleEnabled: false, replicaCount: o.replicas }
      : (() => {
        const a = (o.autoscaling ?? Autoscaling.of({ minReplicas: 2, maxReplicas: 5 }))._model;
        return {
          autoscaleEnabled: true,
          autoscaleMin: a.minReplicas,
          autoscaleMax: a.maxReplicas,
          ...(a.cpuUtilization !== undefined ? { cpu: { targetAverageUtilization: a.cpuUtilization } } : {}),
          ...(a.memoryUtilization !== undefined ? { memory: { targetAverageUtilization: a.memoryUtilization } } : {}),
        };
      })();
    const budget = o.disruptionBudget?._model;
    const pdb = o.disruptionBudget === undefined ? {}
      : budget === undefined ? { global: { defaultPodDisruptionBudget: { enabled: false } } }
        : { pdb: budget.maxUnavailable !== undefined ? { maxUnavailable: budget.maxUnavailable } : { minAvailable: budget.minAvailable } };
    const resources = o.resources ? resourcesModelOf(o.resources) : undefined;
    const meshConfig = this.ownMeshConfig();
    return mergeValues(common, scaling, pdb, {
      ...(this.revisionTags.length > 0 ? { revisionTags: [...this.revisionTags] } : {}),
      ...(resources ? { resources } : {}),
      ...(this.components.cni && !this.ambient ? { cni: { enabled: true } } : {}),
      ...(Object.keys(meshConfig).length > 0 ? { meshConfig } : {}),
    });
  }

  /** The progressive-delivery controllers' releases (after the mesh's and the gateways'), and the problems keeping any out. */
  private controllers(): { readonly releases: HelmReleaseModel[]; readonly problems: Problem[] } {
    return controllerReleases(this.props.progressiveDelivery, { mesh: 'istio', namespace: this.namespace, prometheusUrl: this.addons.find(a => a.prometheusUrl)?.prometheusUrl });
  }

  private controllerProblems(): Problem[] {
    if ((this.props.progressiveDelivery ?? []).length > 0 && this.output._model.kind === 'istio-operator') {
      return [problem('progressiveDelivery', 'needs a Helm or GitOps output: istioctl installs Istio alone, so the controller would be left out', 'InstallOutput.istioOperator()',
        'use InstallOutput.helm(), InstallOutput.argoCd() or InstallOutput.flux(), or install the controller yourself')];
    }
    return this.controllers().problems;
  }

  /** The installation's model: its releases in order, its output. */
  private model(): InstallationModel {
    const repoUrl = this.props.chartRepository ?? 'https://istio-release.storage.googleapis.com/charts';
    const releases = (['base', 'istiod', 'cni', 'ztunnel'] as const).filter(k => this.components[k]).map((k): HelmReleaseModel => ({
      name: k === 'base' ? 'istio-base' : k === 'istiod' ? (this.revision ? `istiod-${this.revision}` : 'istiod')
        : k === 'cni' ? (this.revision ? `istio-cni-${this.revision}` : 'istio-cni') : (this.revision ? `ztunnel-${this.revision}` : 'ztunnel'),
      chart: ISTIO_CHARTS[CHART_OF[k]].chart,
      repoUrl,
      repoName: 'istio',
      version: this.version,
      namespace: this.namespace,
      values: mergeValues(this.ownValues(k), (this.props.values?.[k as keyof IstioChartValuesOptions] ?? {}) as ChartValues),
    }));
    for (const g of this.gateways) {
      releases.push({ name: g.name, chart: ISTIO_CHARTS.gateway.chart, repoUrl, repoName: 'istio', version: this.version, namespace: g.namespace!, values: g.values() });
    }
    releases.push(...this.controllers().releases);
    const istiod = releases.find(r => r.chart === 'istiod')!.values;
    const operatorSpec = this.output._model.kind !== 'istio-operator' ? undefined : istioOperatorSpec({
      profile: this.profile,
      version: this.version,
      namespace: this.namespace,
      istiod,
      components: this.components,
      values: { base: this.props.values?.base, cni: this.props.values?.cni, ztunnel: this.props.values?.ztunnel },
    });
    return {
      mesh: 'istio',
      name: this.node.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'istio',
      profile: this.profile,
      releases,
      output: this.output._model,
      operatorSpec,
      operatorNamespace: this.namespace,
      notes: [
        ...(this.ambient ? ['Ambient mode: label namespaces `istio.io/dataplane-mode: ambient` (MeshNamespace with DataPlane.AMBIENT does).'] : []),
        ...(this.revision ? [`Revision '${this.revision}': namespaces and gateways join it with the label \`istio.io/rev: ${this.revision}\`.`] : []),
        ...(this.gateways.length > 0 ? [`Gateways installed with the gateway chart: ${this.gateways.map(g => g.name).join(', ')} (after istiod, which injects them).`] : []),
      ],
    };
  }

  /** The values given for each chart: keys the chart has, no secret material. */
  private checkValues(): void {
    const values = this.props.values ?? {};
    for (const k of Object.keys(values)) {
      if (!(k in CHART_OF)) {
        failAt(this, problem('values', 'must hold values of the base, istiod, cni or ztunnel chart', k, suggestion(k, Object.keys(CHART_OF))));
      }
    }
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) continue;
      const problems = [...chartValueProblems(CHART_OF[k as Component], `values.${k}`, v as ChartValues), ...secretMaterialProblems(`values.${k}`, v)];
      if (problems.length > 0) failAt(this, problems[0]);
    }
    for (const k of ['cni', 'ztunnel'] as const) {
      if (values[k] !== undefined && !this.components[k]) {
        failAt(this, problem(`values.${k}`, `are for the ${k} chart, which this installation does not install`, values[k], `set components: { ${k}: true }`));
      }
    }
  }

  /**
   * One istiod pod with a disruption budget that keeps one available blocks every node drain (the seed's deadlock):
   * checked on the effective values (chart defaults, profile, the installation's, the user's).
   */
  private drainProblems(): Problem[] {
    const profile = ISTIO_HELM_PROFILES[this.profile] ?? {};
    const section = (profile[PROFILE_SECTION.istiod!] ?? {}) as ChartValues;
    const istiod = this.model().releases.find(r => r.chart === 'istiod')!.values;
    const v = mergeValues(ISTIO_CHARTS.istiod.defaults as ChartValues, { global: profile.global } as ChartValues, section, istiod) as {
      autoscaleEnabled?: boolean;
      autoscaleMin?: number;
      replicaCount?: number;
      pdb?: { minAvailable?: unknown; maxUnavailable?: unknown };
      global?: { defaultPodDisruptionBudget?: { enabled?: boolean } };
    };
    const pods = v.autoscaleEnabled ? v.autoscaleMin : v.replicaCount;
    const enabled = v.global?.defaultPodDisruptionBudget?.enabled !== false;
    const min = v.pdb?.maxUnavailable === undefined ? v.pdb?.minAvailable : undefined;
    if (enabled && typeof pods === 'number' && typeof min === 'number' && min >= pods) {
      return [problem(v.autoscaleEnabled ? 'istiod.autoscaling.minReplicas' : 'istiod.replicas',
        `with istiod's PodDisruptionBudget of minAvailable ${min} blocks every node drain (no istiod pod may ever be evicted)`, pods,
        'run at least two istiod pods (the default), or use DisruptionBudget.maxUnavailable(1)')];
    }
    return [];
  }

  /** Two installations of one app: one revision each, Istio's base chart once per cluster. */
  private siblingProblems(): Problem[] {
    const others = this.node.root.node.findAll().filter((c): c is IstioInstallation => c instanceof IstioInstallation && c !== this);
    const out: Problem[] = [];
    const mine = [this.revision ?? 'default', ...this.revisionTags];
    for (const o of others) {
      const clash = [o.revision ?? 'default', ...o.revisionTags].find(r => mine.includes(r));
      if (clash !== undefined && this.node.path > o.node.path) {
        out.push(problem('revision', 'must be claimed by one installation: two istiods would serve the same namespaces', clash,
          `'${o.node.path}' serves it too: give one of them another revision (a canary upgrade)`));
      }
    }
    const base = others.find(o => o.components.base);
    if (this.components.base && base && others.indexOf(base) >= 0 && this.node.path > base.node.path) {
      out.push(problem('components.base', 'must be installed by one installation: the base chart holds the cluster\'s CRDs and webhook', true,
        `'${base.node.path}' installs it: set components: { base: false } here`));
    }
    return out;
  }

  /** The Argo CD Applications or Flux objects not yet emitted, in the chart's manifests. */
  private emitGitOps(): void {
    emitGitOpsObjects(this, () => this.model(), this.gitOps);
  }


}
