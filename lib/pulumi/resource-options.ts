import * as pulumi from '@pulumi/pulumi';
import { ResourcePlan } from './plan';
import { suggestion } from '../core/closest';
import { fail, problem } from '../core/errors';
import { Manifest } from '../render/model';

/** Which objects of a {@link MeshComponent} options apply to: every field given must match. */
export interface ObjectSelector {
  /**
   * The kind (`Deployment`, `VirtualService`…).
   * @default - any
   */
  readonly kind?: string;
  /**
   * The object's name.
   * @default - any
   */
  readonly name?: string;
  /**
   * The object's namespace.
   * @default - any
   */
  readonly namespace?: string;
  /**
   * The chart's file name (`MeshChart.fileName`, e.g. `gateway-api/route-all-v1`).
   * @default - any
   */
  readonly chart?: string;
}

/** Pulumi resource options for some or all objects of a {@link MeshComponent}. */
export interface ObjectResourceOptions {
  /**
   * The objects these options apply to.
   * @default - every object
   */
  readonly select?: ObjectSelector;
  /**
   * Refuse to delete the resources.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Input paths whose changes Pulumi ignores (e.g. `spec.replicas` under an autoscaler).
   * @default - none
   */
  readonly ignoreChanges?: string[];
  /**
   * Leave the Kubernetes object in place when the resource is deleted.
   * @default false
   */
  readonly retainOnDelete?: boolean;
  /**
   * Delete before creating the replacement (for objects whose name must be unique).
   * @default false
   */
  readonly deleteBeforeReplace?: boolean;
  /**
   * How long create, update and delete may take.
   * @default - the Kubernetes provider's
   */
  readonly customTimeouts?: pulumi.CustomTimeouts;
  /**
   * Do not wait for the object to be ready (the provider's `pulumi.com/skipAwait` annotation).
   * @default false
   */
  readonly skipAwait?: boolean;
  /**
   * The server-side apply field manager (the provider's `pulumi.com/patchFieldManager` annotation).
   * @default - the provider's
   */
  readonly fieldManager?: string;
  /**
   * Take fields another field manager owns (the provider's `pulumi.com/patchForce` annotation).
   * @default false
   */
  readonly forceConflicts?: boolean;
}

/** What a {@link MeshComponent} transform sees of an object before it is registered. */
export interface ObjectTransformArgs {
  /** The Pulumi resource name. */
  readonly name: string;
  /** The chart's file name. */
  readonly chart: string;
  /** The object, as `cdk8s synth` writes it (tokens of Pulumi Inputs not yet resolved). */
  readonly manifest: Manifest;
  /** The resource options the component computed. */
  readonly options: pulumi.CustomResourceOptions;
}

/** What a transform returns: the object and options to register instead, or undefined to leave them. */
export interface ObjectTransformResult {
  /** The object to register. */
  readonly manifest?: Manifest;
  /** The options to register it with. */
  readonly options?: pulumi.CustomResourceOptions;
}

/** A function every object passes through before it is registered, in order. */
export type ObjectTransform = (args: ObjectTransformArgs) => ObjectTransformResult | undefined;

/** Earlier names of the component and its charts, so that renaming them moves the resources rather than replacing them. */
export interface MeshComponentAliases {
  /**
   * The component's earlier names (the component and every resource gets an alias).
   * @default - none
   */
  readonly component?: string[];
  /**
   * Charts' earlier file names, by their current one (`{ 'bookinfo-v2': 'bookinfo' }`).
   * @default - none
   */
  readonly charts?: { readonly [current: string]: string };
}

const matches = (s: ObjectSelector | undefined, p: ResourcePlan, chart: string) => !s
  || ((s.kind === undefined || s.kind === p.manifest.kind) && (s.name === undefined || s.name === p.manifest.metadata.name)
    && (s.namespace === undefined || s.namespace === p.manifest.metadata.namespace) && (s.chart === undefined || s.chart === chart));

/** Each selector field must name something the component has: an error lists the valid values. @internal */
export function checkSelectors(options: readonly ObjectResourceOptions[], plan: readonly ResourcePlan[], chartOf: (p: ResourcePlan) => string): void {
  const have: { [k in keyof ObjectSelector]-?: string[] } = {
    kind: [...new Set(plan.map(p => p.manifest.kind))].sort(),
    name: [...new Set(plan.map(p => p.manifest.metadata.name))].sort(),
    namespace: [...new Set(plan.flatMap(p => (p.manifest.metadata.namespace !== undefined ? [p.manifest.metadata.namespace] : [])))].sort(),
    chart: [...new Set(plan.map(chartOf))].sort(),
  };
  options.forEach((o, i) => {
    for (const k of ['kind', 'name', 'namespace', 'chart'] as const) {
      const v = o.select?.[k];
      if (v !== undefined && !have[k].includes(v)) {
        fail(problem(`resourceOptions[${i}].select.${k}`, `must name a ${k} of the component's objects`, v, suggestion(v, have[k])));
      }
    }
    if (o.select && plan.every(p => !matches(o.select, p, chartOf(p)))) {
      fail(problem(`resourceOptions[${i}].select`, 'must match at least one of the component\'s objects', o.select, 'its fields must all match one object'));
    }
  });
}

/** The options of the entries that select an object, merged in order (later entries win field by field). @internal */
export function optionsFor(options: readonly ObjectResourceOptions[], p: ResourcePlan, chart: string): {
  resource: pulumi.CustomResourceOptions; annotations: { [key: string]: string };
} {
  const resource: { -readonly [K in keyof pulumi.CustomResourceOptions]: pulumi.CustomResourceOptions[K] } = {};
  const annotations: { [key: string]: string } = {};
  for (const o of options) {
    if (!matches(o.select, p, chart)) continue;
    if (o.protect !== undefined) resource.protect = o.protect;
    if (o.ignoreChanges !== undefined) resource.ignoreChanges = [...o.ignoreChanges];
    if (o.retainOnDelete !== undefined) resource.retainOnDelete = o.retainOnDelete;
    if (o.deleteBeforeReplace !== undefined) resource.deleteBeforeReplace = o.deleteBeforeReplace;
    if (o.customTimeouts !== undefined) resource.customTimeouts = { ...o.customTimeouts };
    if (o.skipAwait !== undefined) annotations['pulumi.com/skipAwait'] = String(o.skipAwait);
    if (o.fieldManager !== undefined) annotations['pulumi.com/patchFieldManager'] = o.fieldManager;
    if (o.forceConflicts !== undefined) annotations['pulumi.com/patchForce'] = String(o.forceConflicts);
  }
  return { resource, annotations };
}
