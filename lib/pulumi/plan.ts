import { meshError, problem } from '../core/errors';
import { holdsToken } from '../core/late-values';
import { RenderedChart } from '../hosting/cdk8s/render-app';
import { HelmChartRelease } from '../render/install/model';
import { Manifest } from '../render/model';

/** The typed `@pulumi/kubernetes` classes the component uses; anything else is a `CustomResource`. */
export const TYPED_KINDS = [
  'v1/Namespace', 'v1/Service', 'v1/ServiceAccount', 'v1/ConfigMap', 'v1/Secret',
  'apps/v1/Deployment', 'apps/v1/DaemonSet', 'apps/v1/StatefulSet',
  'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
  'apiextensions.k8s.io/v1/CustomResourceDefinition',
] as const;

/** One Pulumi resource to register for one Kubernetes object. */
export interface ResourcePlan {
  /** The Pulumi resource name: derived from the component's name and the object's identity, stable across runs. */
  readonly name: string;
  /** The file name of the object's chart. */
  readonly chart: string;
  /** The construct path of the object (what errors about it name). */
  readonly path: string;
  /** `apiVersion/kind`, one of {@link TYPED_KINDS} or any other (a CustomResource). */
  readonly gvk: string;
  /** The object, exactly as `cdk8s synth` writes it: the resource's inputs. */
  readonly manifest: Manifest;
  /** Namespaces and CRDs, which everything else waits for. */
  readonly foundation: boolean;
  /** Names of the resources this one depends on. */
  readonly dependsOn: string[];
}

const FOUNDATION = new Set(['v1/Namespace', 'apiextensions.k8s.io/v1/CustomResourceDefinition']);

/** A Pulumi-name-safe, lower-case slug. */
function slug(x: string): string {
  return x.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The Pulumi name of an object's resource: `<component>-<chart file>-<kind>[-<namespace>]-<name>`, slugged. */
export function resourceName(componentName: string, chartFile: string, manifest: Manifest): string {
  // a value known only at deployment (a MeshInput's token) never makes a name: names must not move with its value, nor
  // with the order the program made its inputs in
  const ns = manifest.metadata.namespace !== undefined && !holdsToken(manifest.metadata.namespace) ? manifest.metadata.namespace : undefined;
  const name = manifest.metadata.name.replace(/mesh-kit-input-\d+z/g, 'input');
  return [componentName, chartFile, manifest.kind, ...(ns !== undefined ? [ns] : []), name].map(slug).join('-');
}

/**
 * Plans one resource per object of the rendered charts: names `<component>-<chart file>-<kind>[-<namespace>]-<name>`,
 * Namespaces and CRDs first, everything else depending on them. Fails when two charts hold the same
 * object (same group, kind, namespace and name), which the cluster would see as one object.
 */
export function planResources(componentName: string, charts: readonly RenderedChart[]): ResourcePlan[] {
  const seen = new Map<string, { fileName: string; path: string }>();
  const planned = charts.flatMap(({ chart, fileName, objects, constructs }) => objects.map((manifest, i) => {
    const gvk = `${manifest.apiVersion}/${manifest.kind}`;
    const group = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/')[0] : '';
    const identity = [group, manifest.kind, manifest.metadata.namespace ?? '', manifest.metadata.name].join('/');
    const first = seen.get(identity);
    const path = constructs[i]?.node.path ?? chart.node.path;
    if (first !== undefined) {
      throw meshError([problem('charts', 'must not hold the same object twice in one Pulumi component',
        `${manifest.kind} '${manifest.metadata.name}' in '${first.fileName}' and '${fileName}'`,
        `'${first.path}' makes it already: deploy alternative scenarios with separate components (or stacks), one chart each`)], { path });
    }
    seen.set(identity, { fileName, path });
    return { name: resourceName(componentName, fileName, manifest), chart: fileName, path, gvk, manifest, foundation: FOUNDATION.has(gvk) };
  }));
  const names = new Map<string, ResourcePlan | Omit<ResourcePlan, 'dependsOn'>>();
  for (const p of planned) {
    const other = names.get(p.name);
    if (other) {
      throw meshError([problem('charts', 'must not hold two objects whose resource names differ only by a value known at deployment', p.name,
        `'${other.path}' and '${p.path}': give them names that differ without it`)], { path: p.path });
    }
    names.set(p.name, p);
  }
  const foundation = planned.filter(p => p.foundation).map(p => p.name);
  return [
    ...planned.filter(p => p.foundation).map(p => ({ ...p, dependsOn: [] })),
    ...planned.filter(p => !p.foundation).map(p => ({ ...p, dependsOn: foundation })),
  ];
}

/** One Helm release of an installation, registered as a `helm.v3.Release`. */
export interface ReleasePlan {
  /** The Pulumi resource name: `<component>-<chart file>-release-<release>`. */
  readonly name: string;
  /** The release. */
  readonly release: HelmChartRelease;
  /** The release installed before it (the previous one of its installation), if any. */
  readonly after?: string;
}

/**
 * The Helm releases of the charts' installations, in install order: each after the previous one of its installation.
 * Only Helm output is installed by Pulumi (GitOps output is objects like any other); istioctl's IstioOperator and
 * files passed with `--set-file` are refused with the fix.
 */
export function planReleases(componentName: string, charts: readonly RenderedChart[]): ReleasePlan[] {
  return charts.flatMap(({ fileName, installation }) => {
    if (!installation || !['helm', 'istio-operator'].includes(installation.model.output.kind)) return [];
    if (installation.model.output.kind === 'istio-operator') {
      throw meshError([problem('output', 'must be Helm or GitOps under Pulumi: istioctl cannot run in a Pulumi program', 'istioOperator()',
        `use InstallOutput.helm() for '${installation.facts.path}' (the component installs the charts as helm.v3.Releases)`)],
      { path: installation.facts.path });
    }
    const withFile = installation.model.releases.find(r => Object.keys(r.setFiles ?? {}).length > 0);
    if (withFile) {
      throw meshError([problem('identity', 'must come from Secrets under Pulumi: there is no file to pass with --set-file', 'trustAnchorsFromFile()',
        `use LinkerdIdentity.fromSecrets() for '${installation.facts.path}'`)], { path: installation.facts.path });
    }
    return installation.model.releases.map((release, i, all) => ({
      name: [componentName, fileName, 'release', release.name].map(slug).join('-'),
      release,
      after: i > 0 ? [componentName, fileName, 'release', all[i - 1].name].map(slug).join('-') : undefined,
    }));
  });
}
