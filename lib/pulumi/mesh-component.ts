import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { resolvedInputs, resolvedValue } from './mesh-input';
import { ReleasePlan, ResourcePlan, planReleases, planResources, resourceName } from './plan';
import { MeshComponentAliases, ObjectResourceOptions, ObjectTransform, checkSelectors, optionsFor } from './resource-options';
import { AnalysisReport, FindingLevel, findingLine } from '../analysis';
import { fail, problem } from '../core/errors';
import { checkArguments } from '../core/input';
import { AnalysisOptions, analyzeCharts } from '../hosting/cdk8s/analysis';
import { renderApp } from '../hosting/cdk8s/render-app';
import { IngressGateway } from '../intent/ingress-gateway';
import { MeshService } from '../intent/mesh-service';
import { meshPictureMarkdown } from '../picture/mermaid';
import { Manifest } from '../render/model';
import { SchemaValidation } from '../schema';

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

  /**
   * Resource options for every object or those an entry selects (`{ select: { kind: 'Deployment' }, protect: true }`);
   * entries apply in order, later ones winning field by field. A selector naming a kind, object, namespace or chart the
   * component does not have is an error listing the valid names.
   * @default - none
   */
  readonly resourceOptions?: ObjectResourceOptions[];

  /**
   * Functions every object passes through, in order, before it is registered: they may change its manifest or options.
   * (Pulumi's own `transforms` given in the component's options apply to the registered resources too.)
   * @default - none
   */
  readonly transforms?: ObjectTransform[];

  /**
   * Earlier names of the component or its charts: resource names derive from both
   * (`<component>-<chart file>-<kind>[-<namespace>]-<name>`), so a rename without an alias replaces every resource.
   * @default - none
   */
  readonly aliases?: MeshComponentAliases;
}

/** A MeshService of the app, as stack outputs read it. */
export interface MeshServiceOutput {
  /** Its name. */
  readonly name: pulumi.Output<string>;
  /** Its namespace. */
  readonly namespace: pulumi.Output<string>;
  /** Its in-cluster host name (`<name>.<namespace>.svc.cluster.local`). */
  readonly host: pulumi.Output<string>;
  /** Its Service ports. */
  readonly ports: number[];
}

/** An IngressGateway of the app, as stack outputs read it. */
export interface MeshGatewayOutput {
  /** The Gateway's name. */
  readonly name: pulumi.Output<string>;
  /** Its namespace. */
  readonly namespace: pulumi.Output<string>;
  /** Its listeners: port, protocol and the hosts each serves. */
  readonly servers: pulumi.Output<Array<{ port: number; protocol: string; hosts: string[] }>>;
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

/** The manifest with annotations added (the provider reads some options from annotations). */
function annotated(m: Manifest, annotations: { [key: string]: string }): Manifest {
  if (Object.keys(annotations).length === 0) return m;
  return { ...m, metadata: { ...m.metadata, annotations: { ...(m.metadata.annotations ?? {}), ...annotations } } };
}

/**
 * Carries a cdk8s app built from mesh-kit constructs into Pulumi: one typed `@pulumi/kubernetes`
 * resource per Kubernetes object (`CustomResource` for Istio and Gateway API kinds), each a child of
 * this component, named after the component and the object (stable across runs), Namespaces and CRDs
 * first and everything else depending on them. The objects are exactly those `cdk8s synth` writes;
 * values passed as {@link MeshInput}s (Pulumi Outputs) are resolved in the inputs of the resources that hold them.
 *
 * @example
 * const app = new App();
 * buildBookinfo(app);
 * const mesh = new MeshComponent('bookinfo', { app });
 * export const productpage = mesh.services['bookinfo/productpage'].host;
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
  private readonly app: App;
  private servicesMemo?: { readonly [path: string]: MeshServiceOutput };
  private gatewaysMemo?: { readonly [path: string]: MeshGatewayOutput };

  public constructor(name: string, args: MeshComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate and render first: bad input registers nothing, not even the component.
    checkArguments('MeshComponent.constructor', [name, args, opts], typeof name === 'string' ? name : undefined);
    const charts = renderApp(args.app);
    const report = analyzeCharts(charts, args.analysis);
    const plan = planResources(name, charts);
    const releasePlan = planReleases(name, charts);
    const options = args.resourceOptions ?? [];
    checkSelectors(options, plan, p => p.chart);
    const previous = args.aliases?.component ?? [];
    const chartAliases = args.aliases?.charts ?? {};
    for (const [current, old] of Object.entries(chartAliases)) {
      if (!plan.some(p => p.chart === current)) {
        fail(problem(`aliases.charts.${current}`, 'must name a chart file of the component', old, `chart files: ${[...new Set(plan.map(p => p.chart))].sort().join(', ')}`));
      }
    }
    super('mesh-kit:index:MeshComponent', name, {}, previous.length > 0 ? { ...opts, aliases: [...(opts?.aliases ?? []), ...previous.map(n => ({ name: n }))] } : opts);
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
        values: resolvedValue(r.release.values) as pulumi.Input<pulumi.Inputs>,
        atomic: true,
      }, { parent: this, provider: args.provider, dependsOn: r.after ? [releases[r.after]] : [] });
    }
    this.releases = releases;
    const installed = Object.values(releases);
    const schemas = args.analysis?.schemaValidation ?? SchemaValidation.pinned();
    const resources: { [name: string]: pulumi.CustomResource } = {};
    for (const p of this.plan) {
      const chosen = options.length > 0 ? optionsFor(options, p, p.chart) : { resource: {}, annotations: {} };
      // every earlier name the object may have had: an earlier component name, an earlier chart file, or both
      const files = [p.chart, ...(chartAliases[p.chart] !== undefined ? [chartAliases[p.chart]] : [])];
      const oldNames = previous.length === 0 && files.length === 1 ? []
        : [name, ...previous].flatMap(n => files.map(f => resourceName(n, f, p.manifest)))
          .filter((n, i, all) => n !== p.name && all.indexOf(n) === i);
      let manifest = annotated(p.manifest, chosen.annotations);
      let resourceOptions: pulumi.CustomResourceOptions = {
        ...chosen.resource,
        parent: this,
        provider: args.provider,
        dependsOn: [...installed, ...p.dependsOn.map(d => resources[d])],
        ...(oldNames.length > 0 ? { aliases: oldNames.map(n => ({ name: n })) } : {}),
      };
      for (const t of args.transforms ?? []) {
        const r = t({ name: p.name, chart: p.chart, manifest, options: resourceOptions });
        manifest = r?.manifest ?? manifest;
        resourceOptions = r?.options ?? resourceOptions;
      }
      const inputs = resolvedInputs(manifest, p.path, schemas);
      const Class = CLASSES[p.gvk];
      resources[p.name] = Class
        ? new Class(p.name, inputs as never, resourceOptions)
        : new k8s.apiextensions.CustomResource(p.name, inputs as unknown as k8s.apiextensions.CustomResourceArgs, resourceOptions);
    }
    this.resources = resources;
    this.objectCount = this.plan.length;
    this.app = args.app;
    this.registerOutputs({
      objectCount: this.objectCount, resourceNames: this.plan.map(p => p.name), releaseNames: this.releasePlan.map(r => r.name),
    });
  }

  /**
   * The app's MeshServices by construct path (e.g. `bookinfo/productpage`): name, namespace, in-cluster host, ports
   * (Outputs, made on first use: a program reads a few of thousands).
   */
  public get services(): { readonly [path: string]: MeshServiceOutput } {
    this.servicesMemo ??= Object.fromEntries(this.app.node.findAll().filter((c): c is MeshService => c instanceof MeshService).map(s => {
      const namespace = s.namespace ?? 'default';
      return [s.node.path, {
        name: resolvedValue(s.name),
        namespace: resolvedValue(namespace),
        host: resolvedValue(`${s.name}.${namespace}.svc.cluster.local`),
        ports: s.ports.map(x => x.port),
      }];
    }));
    return this.servicesMemo;
  }

  /** The app's IngressGateways by construct path: name, namespace, listeners with their hosts (Outputs, made on first use). */
  public get gateways(): { readonly [path: string]: MeshGatewayOutput } {
    const gateways = this.app.node.findAll().filter((c): c is IngressGateway => c instanceof IngressGateway);
    this.gatewaysMemo ??= Object.fromEntries(gateways.map(g => [g.node.path, {
      name: resolvedValue(g.name),
      namespace: resolvedValue(g.namespace ?? 'default'),
      servers: resolvedValue(g.servers.map(x => ({ port: x.port, protocol: x.protocol, hosts: [...x.hosts] }))),
    }]));
    return this.gatewaysMemo;
  }

  /**
   * The picture of the app (what `MeshApp` writes to `mesh-kit-graph.md`): a Mermaid flowchart per chart file of gateways,
   * routes, services and versions with their weights, mirrors, faults, who may call whom and mutual TLS.
   */
  public get graph(): string {
    const byChart = new Map<string, Manifest[]>();
    for (const p of this.plan) byChart.set(p.chart, [...(byChart.get(p.chart) ?? []), p.manifest]);
    return meshPictureMarkdown([...byChart].map(([chart, objects]) => ({ file: `${chart}.k8s.yaml`, objects })));
  }

  /** The analysis findings as stack outputs read them (`[code] message` lines, warnings first). */
  public get findings(): pulumi.Output<string[]> {
    return resolvedValue([...this.report.at(FindingLevel.WARNING), ...this.report.at(FindingLevel.INFO)].map(f => f.message));
  }
}
