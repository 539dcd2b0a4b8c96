import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Problem, fail, problem } from '../core/errors';
import { PortModel } from '../render/model';

/** The kinds a service's pods may come from when the library did not create them. */
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet'];

type Obj = { [key: string]: unknown };
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Obj : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): { [key: string]: string } =>
  Object.fromEntries(Object.entries(obj(v) ?? {}).filter(([, x]) => typeof x === 'string')) as { [key: string]: string };

/**
 * The Deployment or StatefulSet behind a construct: a cdk8s `ApiObject` (the L1 `KubeDeployment`, an object of an
 * `Include`), a cdk8s-plus workload of any version (its `apiObject`), or a construct holding exactly one such object
 * (an `Include` of a Helm-rendered workload).
 * @internal
 */
export function workloadObjectOf(workload: IConstruct, field: string): ApiObject {
  if (ApiObject.isApiObject(workload)) return checkKind(workload, field);
  const inner = (workload as { apiObject?: unknown }).apiObject;
  if (inner !== undefined && ApiObject.isApiObject(inner)) return checkKind(inner, field);
  const found = workload.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && WORKLOAD_KINDS.includes(c.kind));
  if (found.length !== 1) {
    fail(problem(field, `must be a Deployment or StatefulSet, or a construct holding exactly one (an Include): '${workload.node.path}' holds ${found.length}`,
      found.map(o => `${o.kind}/${o.name}`), found.length > 1 ? 'pass the one to use: include.apiObjects.find(o => o.name === ...)' : undefined));
  }
  return found[0];
}

function checkKind(o: ApiObject, field: string): ApiObject {
  if (!WORKLOAD_KINDS.includes(o.kind) || o.apiVersion !== 'apps/v1') {
    fail(problem(field, 'must be an apps/v1 Deployment or StatefulSet', `${o.apiVersion} ${o.kind}/${o.name}`));
  }
  return o;
}

/** What a brought workload says of its pods, read once (before mesh-kit adds to it). */
export interface WorkloadFacts {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly podLabels: { readonly [key: string]: string };
  readonly podAnnotations?: { readonly [key: string]: string };
  readonly matchLabels: { readonly [key: string]: string };
  readonly matchExpressions: ReadonlyArray<{ key: string; operator: string; values?: string[] }>;
  /** undefined: the pods run as the namespace's `default` account, unless mesh-kit sets one. */
  readonly serviceAccountName?: string;
  readonly containerPorts: ReadonlyArray<{ name?: string; containerPort: number }>;
}

/** Reads a workload object as `kubectl apply` would receive it. @internal */
export function workloadFactsOf(o: ApiObject): WorkloadFacts {
  const json = obj(o.toJson()) ?? {};
  const meta = obj(json.metadata) ?? {};
  const spec = obj(json.spec) ?? {};
  const selector = obj(spec.selector) ?? {};
  const template = obj(spec.template) ?? {};
  const podMeta = obj(template.metadata) ?? {};
  const podSpec = obj(template.spec) ?? {};
  return {
    kind: o.kind,
    name: o.name,
    namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
    podLabels: strings(podMeta.labels),
    podAnnotations: podMeta.annotations === undefined ? undefined : strings(podMeta.annotations),
    matchLabels: strings(selector.matchLabels),
    matchExpressions: arr(selector.matchExpressions).map(e => obj(e) ?? {}).map(e => ({
      key: String(e.key), operator: String(e.operator), values: arr(e.values).map(String),
    })),
    serviceAccountName: typeof podSpec.serviceAccountName === 'string' && podSpec.serviceAccountName !== '' ? podSpec.serviceAccountName : undefined,
    containerPorts: arr(podSpec.containers).flatMap(c => arr(obj(c)?.ports)).map(p => obj(p) ?? {})
      .filter(p => typeof p.containerPort === 'number')
      .map(p => ({ name: typeof p.name === 'string' ? p.name : undefined, containerPort: p.containerPort as number })),
  };
}

/** Whether a label selector selects pods carrying `labels`. @internal */
export function selects(f: Pick<WorkloadFacts, 'matchLabels' | 'matchExpressions'>, labels: { readonly [key: string]: string }): boolean {
  if (Object.keys(f.matchLabels).length === 0 && f.matchExpressions.length === 0) return false;
  return Object.entries(f.matchLabels).every(([k, v]) => labels[k] === v) && f.matchExpressions.every(e => {
    switch (e.operator) {
      case 'In': return labels[e.key] !== undefined && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return labels[e.key] === undefined || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return labels[e.key] !== undefined;
      case 'DoesNotExist': return labels[e.key] === undefined;
      default: return false;
    }
  });
}

/** What the mesh needs of a brought workload's pods. @internal */
export interface MeshNeeds {
  readonly app: string;
  /** undefined: the workload backs the whole service (no version label). */
  readonly version?: string;
  readonly namespace?: string;
  readonly ports: PortModel[];
  /** The ServiceAccount written on pods that name none. */
  readonly serviceAccountName: string;
  /** The injection label or annotation, when the service sets one. */
  readonly injection?: { readonly where: 'labels' | 'annotations'; readonly key: string; readonly value: string };
}

/** The pod labels the workload will have once mesh-kit added what the mesh needs. @internal */
export function meshPodLabels(f: WorkloadFacts, needs: MeshNeeds): { [key: string]: string } {
  const labels: { [key: string]: string } = { ...f.podLabels, app: needs.app };
  if (needs.version !== undefined) labels.version = needs.version;
  if (needs.injection?.where === 'labels') labels[needs.injection.key] = needs.injection.value;
  return labels;
}

/**
 * What keeps mesh-kit from adding what the mesh needs to a brought workload (each naming the field and the fix): a
 * label it would have to change rather than add (and, for a selector, could not: selectors are immutable), a selector
 * that does not select its own pods, a service port no container declares, another namespace.
 * @internal
 */
export function adoptionProblems(f: WorkloadFacts, needs: MeshNeeds, field: string): Problem[] {
  const out: Problem[] = [];
  const what = `${f.kind} '${f.name}'`;
  if ((f.namespace ?? undefined) !== (needs.namespace ?? undefined)) {
    out.push(problem(`${field}.metadata.namespace`, `must be the service's namespace (${needs.namespace ?? 'none'}): the Service selects pods of its own namespace only`,
      f.namespace ?? 'none', `create ${what} in the service's namespace`));
  }
  for (const [key, want, fix] of [
    ['app', needs.app, `set app: '${f.podLabels.app}' on the MeshService`],
    ['version', needs.version, `pass label: '${f.podLabels.version}' to the version`],
  ] as const) {
    const have = f.podLabels[key];
    if (want !== undefined && have !== undefined && have !== want) {
      out.push(problem(`${field}.spec.template.metadata.labels.${key}`, `must be '${want}', which the mesh selects ${what}'s pods by (mesh-kit adds labels, never changes them)`, have, fix));
    }
  }
  if (needs.injection) {
    const { where, key, value } = needs.injection;
    const have = (where === 'labels' ? f.podLabels : f.podAnnotations ?? {})[key];
    if (have !== undefined && have !== value) {
      out.push(problem(`${field}.spec.template.metadata.${where}.${key}`, `must be '${value}' as the service's sidecarInjection asks`, have, `change it in ${what}, or the service's sidecarInjection`));
    }
  }
  if (!selects(f, f.podLabels)) {
    out.push(problem(`${field}.spec.selector`, `must select ${what}'s own pods (Kubernetes refuses a workload whose selector does not match its pod template's labels)`,
      { matchLabels: f.matchLabels, ...(f.matchExpressions.length > 0 ? { matchExpressions: f.matchExpressions } : {}) },
      `its pods are labelled ${JSON.stringify(f.podLabels)}`));
  }
  for (const p of needs.ports) {
    const target = p.targetPort ?? p.port;
    const named = p.containerPortName !== undefined ? f.containerPorts.find(c => c.name === p.containerPortName) : undefined;
    if (p.containerPortName !== undefined && !named) {
      out.push(problem(`${field}.containers.ports`, `must hold a port named '${p.containerPortName}' for service port ${p.port} (${p.name})`,
        f.containerPorts.map(c => c.name ?? c.containerPort), `declare it in ${what}'s container`));
    } else if (named && named.containerPort !== target) {
      out.push(problem(`${field}.containers.ports.${p.containerPortName}`, `must be ${target}, where service port ${p.port} (${p.name}) sends traffic`, named.containerPort,
        `set the service port's targetPort: ${named.containerPort}`));
    } else if (!named && !f.containerPorts.some(c => c.containerPort === target)) {
      out.push(problem(`${field}.containers.ports`, `must hold port ${target}, where service port ${p.port} (${p.name}) sends traffic`,
        f.containerPorts.map(c => c.containerPort), f.containerPorts.length > 0
          ? `set the service port's targetPort to one of them, or declare ${target} in ${what}'s container` : `declare containerPort ${target} in ${what}'s container`));
    }
  }
  return out;
}

const pointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Adds what the mesh needs to a brought workload's pod template, as JSON patches applied when cdk8s writes it: the
 * `app` (and `version`) labels, the injection setting, the ServiceAccount when the pods name none. Selectors are left
 * alone (immutable in a live cluster).
 * @internal
 */
export function addMeshNeeds(o: ApiObject, f: WorkloadFacts, needs: MeshNeeds): void {
  const labels = meshPodLabels(f, needs);
  for (const [k, v] of Object.entries(labels)) {
    if (f.podLabels[k] !== v) o.addJsonPatch(JsonPatch.add(`/spec/template/metadata/labels/${pointer(k)}`, v));
  }
  if (needs.injection?.where === 'annotations' && f.podAnnotations?.[needs.injection.key] === undefined) {
    o.addJsonPatch(f.podAnnotations === undefined
      ? JsonPatch.add('/spec/template/metadata/annotations', { [needs.injection.key]: needs.injection.value })
      : JsonPatch.add(`/spec/template/metadata/annotations/${pointer(needs.injection.key)}`, needs.injection.value));
  }
  if (f.serviceAccountName === undefined) o.addJsonPatch(JsonPatch.add('/spec/template/spec/serviceAccountName', needs.serviceAccountName));
}
