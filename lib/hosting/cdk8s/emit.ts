import { ApiObject, ApiObjectProps, App, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { failAt, problem } from '../../core/errors';
import { DataPlane, HostNames, MeshProvider, MeshSettings } from '../../core/settings';
import { Manifest, RenderContext } from '../../render/model';


/** Per chart: the objects emitted so far, `group/kind/namespace/name -> construct` (its path, a new string on every read, only for an error). */
const emitted = new WeakMap<Chart, Map<string, IConstruct>>();

/** What an object is, known when it is declared (its body is rendered at synth). */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** Labels of the object itself (cdk8s takes them when the object is created). */
  readonly labels?: { readonly [key: string]: string };
  /** Annotations of the object itself, when known as it is declared. */
  readonly annotations?: { readonly [key: string]: string };
  /**
   * Annotations are rendered at synth with the body (e.g. Linkerd's retry annotations of a route
   * whose routes are added later). They are merged under the escape hatch's `metadata.addAnnotation()`
   * ones, after any JSON patch.
   * @default false
   */
  readonly renderedAnnotations?: boolean;
  /** The top-level fields besides apiVersion, kind and metadata that the object may have (e.g. `spec`). */
  readonly body: readonly string[];
}

/**
 * Two objects of one kind, name and namespace in one chart (one file) would silently overwrite
 * each other on `kubectl apply`: refuse the second at once, naming the first.
 */
function claimIdentity(scope: Construct, head: ObjectIdentity): void {
  const chart = Chart.of(scope);
  const seen = emitted.get(chart) ?? new Map<string, IConstruct>();
  emitted.set(chart, seen);
  const key = identityKey(chart, head);
  const first = seen.get(key);
  if (first !== undefined) {
    failAt(scope, problem('name', `must be unique among the ${head.kind}s of a chart`, head.name,
      `'${first.node.path}' already emits ${head.kind} '${head.name}': give one of them another name, or move it to another chart`));
  }
  seen.set(key, scope);
}

/** Forgets an identity claimed by {@link emit} whose object was removed before synth. @internal */
export function releaseIdentity(scope: Construct, head: ObjectIdentity): void {
  const chart = Chart.of(scope);
  emitted.get(chart)?.delete(identityKey(chart, head));
}

/** `group/kind/namespace/name` of an object of a chart. */
function identityKey(chart: Chart, head: ObjectIdentity): string {
  const group = head.apiVersion.includes('/') ? head.apiVersion.split('/')[0] : '';
  return [group, head.kind, head.namespace ?? chart.namespace ?? '', head.name].join('/');
}

/**
 * Carries a rendered object into a cdk8s chart as an `ApiObject`.
 *
 * The object's identity (and labels) is declared by the construct; its body is rendered lazily at
 * synth, once per synth (all fields of one object resolve in one go), so
 * `addXxx()` calls made later still reach the output. The render must agree with the declared
 * identity (a bug otherwise). The returned `ApiObject` is the escape hatch:
 * `ApiObject.of(x).addJsonPatch(...)`.
 */
export function emit(scope: Construct, id: string, identity: ObjectIdentity, render: () => Manifest): ApiObject {
  claimIdentity(scope, identity);
  let memo: Manifest | undefined;
  const rendered = (): Manifest => {
    if (memo === undefined) {
      memo = render();
      queueMicrotask(() => { memo = undefined; });
      const m = memo;
      if (m.apiVersion !== identity.apiVersion || m.kind !== identity.kind || m.metadata.name !== identity.name
        || m.metadata.namespace !== identity.namespace || !sameLabels(m.metadata.labels, identity.labels)
        || (!identity.renderedAnnotations && !sameLabels(m.metadata.annotations, identity.annotations))) {
        throw new Error(`internal: ${scope.node.path}/${id} declared ${identity.kind} '${identity.name}' ${JSON.stringify(identity.labels ?? {})} `
          + `but rendered ${m.kind} '${m.metadata.name}' ${JSON.stringify(m.metadata.labels ?? {})}`);
      }
    }
    return memo;
  };
  const body: { [key: string]: unknown } = {};
  for (const key of identity.body) {
    body[key] = Lazy.any({ produce: () => rendered()[key] });
  }
  return new RenderedApiObject(scope, id, {
    ...body,
    apiVersion: identity.apiVersion,
    kind: identity.kind,
    metadata: {
      name: identity.name,
      namespace: identity.namespace,
      labels: identity.labels ? { ...identity.labels } : undefined,
      annotations: identity.annotations ? { ...identity.annotations } : undefined,
    },
  }, identity.body, rendered, identity.renderedAnnotations ?? false);
}

/** The resolvers every cdk8s app has; an app with more has resolvers of its own (`AppProps.resolvers`). */
const BUILT_IN_RESOLVERS = 3;

/** Thrown inside {@link plainCopy} on a value only cdk8s's resolvers can turn into data. */
class NotPlain extends Error {}

/**
 * A copy of rendered wire data as `ApiObject.toJson()` would produce it: keys sorted, `undefined`
 * and `null` dropped. Throws {@link NotPlain} on anything but plain objects, arrays and scalars.
 */
function plainCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value ?? undefined;
  if (Array.isArray(value)) return value.map(plainCopy);
  if (Object.getPrototypeOf(value) !== Object.prototype) throw new NotPlain();
  const out: { [key: string]: unknown } = {};
  for (const key of Object.keys(value).sort()) {
    const v = plainCopy((value as { [key: string]: unknown })[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * The `ApiObject` that carries a rendered object. Its `toJson()` gives exactly what
 * `ApiObject.toJson()` gives, without cdk8s's generic resolve-and-sanitize of a body that is plain
 * data already (that pass was most of the synth time of large meshes). Anything the generic path is
 * for falls back to it: JSON patches (`addJsonPatch`), resolvers of the app's own,
 * `CDK8S_DISABLE_SORT`, or a value that is not plain data. Metadata always goes through cdk8s, so
 * `metadata.addLabel()` / `addAnnotation()` and chart labels apply as usual.
 */
class RenderedApiObject extends ApiObject {
  private patched = false;

  public constructor(scope: Construct, id: string, props: ApiObjectProps,
    private readonly bodyKeys: readonly string[], private readonly rendered: () => Manifest, private readonly renderedAnnotations: boolean) {
    super(scope, id, props);
  }

  public override addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public override toJson(): { [key: string]: unknown } {
    return this.renderedAnnotations ? this.withRenderedAnnotations(this.json()) : this.json();
  }

  private json(): { [key: string]: unknown } {
    if (this.patched || process.env.CDK8S_DISABLE_SORT || App.of(this).resolvers.length !== BUILT_IN_RESOLVERS) {
      return super.toJson();
    }
    const m = this.rendered() as unknown as { [key: string]: unknown };
    const out: { [key: string]: unknown } = { apiVersion: this.apiVersion, kind: this.kind, metadata: this.metadata.toJson() };
    try {
      for (const key of [...this.bodyKeys].sort()) {
        const v = plainCopy(m[key]);
        if (v !== undefined) out[key] = v;
      }
    } catch (e) {
      if (e instanceof NotPlain) return super.toJson();
      throw e;
    }
    return out;
  }

  /** `json` with the rendered annotations under the ones set through the escape hatch, keys sorted. */
  private withRenderedAnnotations(json: { [key: string]: unknown }): { [key: string]: unknown } {
    const rendered = this.rendered().metadata.annotations;
    if (!rendered || Object.keys(rendered).length === 0) return json;
    const meta = json.metadata as { [key: string]: unknown };
    const annotations = { ...rendered, ...(meta.annotations as { [key: string]: string } | undefined) };
    return { ...json, metadata: plainCopy({ ...meta, annotations }) };
  }
}

function sameLabels(a: { readonly [k: string]: string } | undefined, b: { readonly [k: string]: string } | undefined): boolean {
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a![k] === b![k]);
}

/** The apiVersion of Istio networking objects under `scope`. */
export function istioNetworking(scope: IConstruct): string {
  return `networking.istio.io/${MeshSettings.of(scope).istioApiVersion}`;
}

/** The render context in force at `scope` (its chart's and app's settings). */
export function renderContextOf(scope: IConstruct): RenderContext {
  const settings = MeshSettings.of(scope);
  return { istioApiVersion: settings.istioApiVersion, clusterDomain: 'cluster.local', qualifiedHosts: settings.hostNames === HostNames.FULLY_QUALIFIED };
}

/** Whether workloads under `scope` run on Istio's ambient data plane (ztunnel and waypoints) rather than sidecars. */
export function ambientAt(scope: IConstruct): boolean {
  const s = MeshSettings.of(scope);
  return s.mesh === MeshProvider.ISTIO && s.dataPlane === DataPlane.AMBIENT;
}

/** The namespace objects under `scope` land in: the one asked for, else the chart's. */
export function namespaceOf(scope: IConstruct, asked: string | undefined): string | undefined {
  return asked ?? Chart.of(scope).namespace;
}

/** Carries an object already rendered (its identity is its metadata) into a cdk8s chart, as {@link emit} does. */
export function emitManifest(scope: Construct, id: string, o: Manifest): ApiObject {
  const { apiVersion, kind, metadata, ...body } = o;
  return emit(scope, id, {
    apiVersion,
    kind,
    name: metadata.name,
    namespace: metadata.namespace,
    labels: metadata.labels,
    annotations: metadata.annotations,
    body: Object.keys(body),
  }, () => o);
}
