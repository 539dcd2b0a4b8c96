import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { ReleasePlan, ResourcePlan, planReleases, planResources } from './plan';
import { AnalysisReport, FindingLevel, findingLine } from '../analysis';
import { checkArguments } from '../core/input';
import { AnalysisOptions, analyzeCharts } from '../hosting/cdk8s/analysis';
import { renderApp } from '../hosting/cdk8s/render-app';

/** Args of a {@link MeshComponent}. */
export interface MeshComponentArgs {
  /** A cdk8s app holding charts built from mesh-kit constructs (and any other cdk8s constructs). */
  readonly app: App;

  /**
   * The Kubernetes provider every resource uses.
   * @default - the stack's default provider
   */
  readonly provider?: k8s.Provider;

  /**
   * The synth-time analysis (Istio's analyzer checks) run before anything is registered.
   * @default - errors stop the program, warnings are logged on the component
   */
  readonly analysis?: AnalysisOptions;
}

type Ctor = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The typed class for each kind (cast once: the manifest is the very object `cdk8s synth` writes). */
const CLASSES: { [gvk: string]: Ctor } = {
  'v1/Namespace': k8s.core.v1.Namespace as unknown as Ctor,
  'v1/Service': k8s.core.v1.Service as unknown as Ctor,
  'v1/ServiceAccount': k8s.core.v1.ServiceAccount as unknown as Ctor,
  'v1/ConfigMap': k8s.core.v1.ConfigMap as unknown as Ctor,
  'v1/Secret': k8s.core.v1.Secret as unknown as Ctor,
  'apps/v1/Deployment': k8s.apps.v1.Deployment as unknown as Ctor,
  'apps/v1/DaemonSet': k8s.apps.v1.DaemonSet as unknown as Ctor,
  'apps/v1/StatefulSet': k8s.apps.v1.StatefulSet as unknown as Ctor,
  'autoscaling/v2/HorizontalPodAutoscaler': k8s.autoscaling.v2.HorizontalPodAutoscaler as unknown as Ctor,
  'policy/v1/PodDisruptionBudget': k8s.policy.v1.PodDisruptionBudget as unknown as Ctor,
  'rbac.authorization.k8s.io/v1/ClusterRole': k8s.rbac.v1.ClusterRole as unknown as Ctor,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': k8s.rbac.v1.ClusterRoleBinding as unknown as Ctor,
  'rbac.authorization.k8s.io/v1/Role': k8s.rbac.v1.Role as unknown as Ctor,
  'rbac.authorization.k8s.io/v1/RoleBinding': k8s.rbac.v1.RoleBinding as unknown as Ctor,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': k8s.apiextensions.v1.CustomResourceDefinition as unknown as Ctor,
};

/**
 * Carries a cdk8s app built from mesh-kit constructs into Pulumi: one typed `@pulumi/kubernetes`
 * resource per Kubernetes object (`CustomResource` for Istio and Gateway API kinds), each a child of
 * this component, named after the component and the object (stable across runs), Namespaces and CRDs
 * first and everything else depending on them. The objects are exactly those `cdk8s synth` writes.
 *
 * @example
 * const app = new App();
 * buildBookinfo(app);
 * const mesh = new MeshComponent('bookinfo', { app });
 */
export class MeshComponent extends pulumi.ComponentResource {
  /** Every resource registered, by Pulumi name. */
  public readonly resources: { readonly [name: string]: pulumi.CustomResource };
  /** How many Kubernetes objects the component carries. */
  public readonly objectCount: number;
  /** The plan the resources were registered from (names, kinds, dependencies). */
  public readonly plan: readonly ResourcePlan[];
  /** The Helm releases of the app's installations (InstallOutput.helm()), installed before every object, in order. */
  public readonly releases: { readonly [name: string]: k8s.helm.v3.Release };
  /** The plan the releases were registered from. */
  public readonly releasePlan: readonly ReleasePlan[];
  /** What the synth-time analysis found (warnings, information, suppressed findings). */
  public readonly report: AnalysisReport;

  public constructor(name: string, args: MeshComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate and render first: bad input registers nothing, not even the component.
    checkArguments('MeshComponent.constructor', [name, args, opts], typeof name === 'string' ? name : undefined);
    const charts = renderApp(args.app);
    const report = analyzeCharts(charts, args.analysis);
    const plan = planResources(name, charts);
    const releasePlan = planReleases(name, charts);
    super('mesh-kit:index:MeshComponent', name, {}, opts);
    this.plan = plan;
    this.releasePlan = releasePlan;
    this.report = report;
    if (args.analysis?.printWarnings ?? true) {
      for (const f of report.at(FindingLevel.WARNING)) void pulumi.log.warn(findingLine(f), this);
    }
    // the installation first: every object waits for every release (istiod injects the gateways and workloads)
    const releases: { [name: string]: k8s.helm.v3.Release } = {};
    for (const r of releasePlan) {
      releases[r.name] = new k8s.helm.v3.Release(r.name, {
        name: r.release.name,
        chart: r.release.chart,
        version: r.release.version,
        namespace: r.release.namespace,
        createNamespace: true,
        repositoryOpts: { repo: r.release.repoUrl },
        values: r.release.values as pulumi.Inputs,
        atomic: true,
      }, { parent: this, provider: args.provider, dependsOn: r.after ? [releases[r.after]] : [] });
    }
    this.releases = releases;
    const installed = Object.values(releases);
    const resources: { [name: string]: pulumi.CustomResource } = {};
    for (const p of this.plan) {
      const options: pulumi.CustomResourceOptions = {
        parent: this,
        provider: args.provider,
        dependsOn: [...installed, ...p.dependsOn.map(d => resources[d])],
      };
      const Class = CLASSES[p.gvk];
      resources[p.name] = Class
        ? new Class(p.name, p.manifest as never, options)
        : new k8s.apiextensions.CustomResource(p.name, p.manifest as unknown as k8s.apiextensions.CustomResourceArgs, options);
    }
    this.resources = resources;
    this.objectCount = this.plan.length;
    this.registerOutputs({
      objectCount: this.objectCount, resourceNames: this.plan.map(p => p.name), releaseNames: this.releasePlan.map(r => r.name),
    });
  }
}
