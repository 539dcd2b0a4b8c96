import { Duration } from 'cdk8s';
import type { ContainerResources, k8s } from 'cdk8s-plus-27';
import { wholeSeconds } from '../core/duration';
import { MeshProblem, Problem, fail, problem } from '../core/errors';
import { deferIfLate } from '../core/late-values';
import { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue, checkLabels, checkPort } from '../core/names';
import { UnpinnedImages } from '../core/settings';
import { LifecycleHandlerModel, PodModel, TopologySpreadModel, WireValue } from '../render/model';
import { coreTypeProblems } from '../schema/core-shapes';

/** A topology domain: cdk8s-plus's `Topology` of any version (`Topology.ZONE`), or any node label key. */
export interface ITopology {
  /** The node label whose values are the domains (`topology.kubernetes.io/zone`). */
  readonly key: string;
}

/** Options of {@link TopologySpread.across}. */
export interface TopologySpreadOptions {
  /**
   * How many more pods one domain may hold than the emptiest.
   * @default 1
   */
  readonly maxSkew?: number;
  /**
   * Refuse to schedule a pod that would break the spread (`DoNotSchedule`) instead of preferring not to (`ScheduleAnyway`).
   * @default false - a preference: a cluster with fewer domains than pods still runs them all
   */
  readonly required?: boolean;
  /**
   * The fewest domains to count (only with `required`): fewer eligible domains count as holding none.
   * @default - the domains that exist
   */
  readonly minDomains?: number;
}

/**
 * cdk8s-plus's `Topology.HOSTNAME` (one pod per node), by its node label key: what a default spread needs without loading
 * all of cdk8s-plus at import.
 * @internal
 */
export const HOSTNAME_TOPOLOGY: ITopology = { key: 'kubernetes.io/hostname' };

/**
 * cdk8s-plus-27's Kubernetes types' converters (`k8s.toJson_Container`…): loaded on first use, by an app that gives
 * containers, tolerations or affinity, so that every other app does not load cdk8s-plus at import.
 */
function plusK8s(): typeof k8s {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('cdk8s-plus-27') as { k8s: typeof k8s }).k8s;
}

/**
 * Spreads a version's pods across a topology (cdk8s-plus's `Topology`, of any cdk8s-plus version: `Topology.HOSTNAME`,
 * `Topology.ZONE`, `Topology.custom(key)`), each constraint selecting the version's own pods.
 */
export class TopologySpread {
  /** Spread across the nodes (or zones, regions) of `topology`. */
  public static across(topology: ITopology, options: TopologySpreadOptions = {}): TopologySpread {
    // any cdk8s-plus version's Topology (27 to 34 each have their own class): its node label key is what counts
    if (typeof (topology as ITopology | null)?.key !== 'string') {
      fail(problem('topology', 'must be a cdk8s-plus Topology', topology, 'use Topology.HOSTNAME, Topology.ZONE or Topology.custom(key)'));
    }
    const err = checkLabelKey('topology', topology.key);
    if (err) fail(err);
    const maxSkew = options.maxSkew ?? 1;
    if (!Number.isInteger(maxSkew) || maxSkew < 1) fail(problem('maxSkew', 'must be a whole number of at least 1', maxSkew));
    if (options.minDomains !== undefined) {
      if (!options.required) fail(problem('minDomains', 'needs required: true (Kubernetes allows it only with DoNotSchedule)', options.minDomains));
      if (!Number.isInteger(options.minDomains) || options.minDomains < 1) fail(problem('minDomains', 'must be a whole number of at least 1', options.minDomains));
    }
    return new TopologySpread({
      topologyKey: topology.key,
      maxSkew,
      whenUnsatisfiable: options.required ? 'DoNotSchedule' : 'ScheduleAnyway',
      minDomains: options.minDomains,
    });
  }

  private constructor(/** @internal */ public readonly _model: TopologySpreadModel) {}
}

/** Options of {@link PreStop.http}. */
export interface PreStopHttpOptions {
  /**
   * The service port called (the container port behind it).
   * @default - the service's first port
   */
  readonly port?: number;
}

/**
 * What the kubelet runs in the main container before stopping it (the container's `lifecycle.preStop`): typically a
 * pause so that endpoints and the mesh stop sending new requests before the process gets SIGTERM. It counts against
 * the termination grace period.
 */
export class PreStop {
  /** Run a command in the container. */
  public static exec(command: string[]): PreStop {
    if (command.length === 0) fail(problem('command', 'must hold at least the program', []));
    return new PreStop({ kind: 'exec', command: [...command] });
  }

  /** Pause (`lifecycle.preStop.sleep`, Kubernetes 1.30 and later; no shell or `sleep` binary needed in the image). */
  public static sleep(duration: Duration): PreStop {
    return new PreStop({ kind: 'sleep', seconds: wholeSeconds('duration', duration, 1) });
  }

  /** An HTTP GET on `path` of one of the service's ports. */
  public static http(path: string, options: PreStopHttpOptions = {}): PreStop {
    if (!path.startsWith('/')) fail(problem('path', 'must start with \'/\'', path, `use '/${path}'`));
    const err = options.port !== undefined ? checkPort('port', options.port) : undefined;
    if (err) fail(err);
    return new PreStop({ kind: 'httpGet', path, port: options.port });
  }

  private constructor(/** @internal */ public readonly _model: LifecycleHandlerModel) {}
}

/**
 * Pod settings of a service's workloads; each may be given on the service (for every version) and on a version
 * (replacing the service's). Kubernetes-shaped parts take cdk8s-plus-27's generated types (`k8s.Toleration`,
 * `k8s.Affinity`, `k8s.Container`): the Kubernetes API's own shapes, checked when given and against the pinned schemas
 * at synth.
 */
export interface WorkloadOptions {
  /**
   * Container resources; `{}` writes none. Limits are written as given.
   * @default - requests of 100m CPU and 128Mi memory, no limits (on a version: the service's)
   */
  readonly resources?: ContainerResources;

  /**
   * Container arguments.
   * @default - the image's (on a version: the service's)
   */
  readonly args?: string[];

  /**
   * Container entrypoint.
   * @default - the image's (on a version: the service's)
   */
  readonly command?: string[];

  /**
   * Labels the pods' node must carry.
   * @default - any node (on a version: the service's)
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Taints the pods tolerate. A toleration without a key must use operator `Exists` (it matches every taint).
   * @default - none (on a version: the service's)
   */
  readonly tolerations?: k8s.Toleration[];

  /**
   * Node affinity, pod affinity and anti-affinity, as the Kubernetes API writes them.
   * @default - none (on a version: the service's)
   */
  readonly affinity?: k8s.Affinity;

  /**
   * How each version's pods spread; `[]` writes none.
   * @default - with two or more pods, `[TopologySpread.across(Topology.HOSTNAME)]` (a preference for one pod per node,
   * so that a node failure takes down one replica); none with a single pod (on a version: the service's)
   */
  readonly topologySpread?: TopologySpread[];

  /**
   * The pods' PriorityClass.
   * @default - the cluster's default priority (on a version: the service's)
   */
  readonly priorityClassName?: string;

  /**
   * Containers run to completion, in order, before the others start (migrations, configuration). They get the pods'
   * hardening when they set no `securityContext`; they may not have probes or lifecycle hooks.
   * @default - none (on a version: the service's)
   */
  readonly initContainers?: k8s.Container[];

  /**
   * Native sidecar containers (init containers with `restartPolicy: Always`, Kubernetes 1.29 and later): started after
   * the init containers, before the main container, and stopped after it. They get the pods' hardening when they set no
   * `securityContext`.
   * @default - none (on a version: the service's)
   */
  readonly sidecarContainers?: k8s.Container[];

  /**
   * What runs in the main container before it is stopped.
   * @default - nothing (on a version: the service's)
   */
  readonly preStop?: PreStop;

  /**
   * How long a stopping pod has before it is killed (preStop included). With Istio sidecars, the sidecar drains for as
   * long (`terminationDrainDuration`, when longer than Istio's default 5 seconds), so that the application's last
   * outbound calls still go out.
   * @default - Kubernetes' 30 seconds (on a version: the service's)
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * Secrets holding credentials of private registries.
   * @default - none (on a version: the service's)
   */
  readonly imagePullSecrets?: string[];
}

/** Istio's `terminationDrainDuration` when none is set (ProxyConfig). */
const ISTIO_DEFAULT_DRAIN_SECONDS = 5;

/**
 * Kubernetes' validation of a toleration (`ValidateTolerations`, pkg/apis/core/validation) beyond its shape (the operator
 * and effect enumerations are checked with the shape, before this).
 */
function tolerationProblems(t: k8s.Toleration, at: string): Problem[] {
  const out: Problem[] = [];
  const operator = t.operator ?? 'Equal';
  if (t.key === undefined || t.key === '') {
    if (operator !== 'Exists') {
      out.push(problem(`${at}.operator`, 'must be Exists when the key is empty (it then tolerates every taint)', operator,
        'give the taint\'s key, or operator: \'Exists\''));
    }
  } else {
    const err = checkLabelKey(`${at}.key`, t.key);
    if (err) out.push(err);
  }
  if (operator === 'Exists' && t.value) out.push(problem(`${at}.value`, 'must be empty with operator Exists', t.value));
  if (operator === 'Equal' && t.value) {
    const err = checkLabelValue(`${at}.value`, t.value);
    if (err) out.push(err);
  }
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
    out.push(problem(`${at}.tolerationSeconds`, 'applies only to effect NoExecute', t.tolerationSeconds, 'set effect: \'NoExecute\''));
  }
  return out;
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function requirementProblems(r: { key: string; operator: string; values?: string[] }, at: string, nodes: boolean): Problem[] {
  const out: Problem[] = [];
  const err = checkLabelKey(`${at}.key`, r.key);
  if (err) out.push(err);
  // a node selector's operators are an enumeration of its shape (checked before); a label selector's are a plain string
  if (!nodes && !SELECTOR_OPERATORS.includes(r.operator)) out.push(problem(`${at}.operator`, `must be one of ${SELECTOR_OPERATORS.join(', ')}`, r.operator));
  const n = (r.values ?? []).length;
  if ((r.operator === 'In' || r.operator === 'NotIn') && n === 0) out.push(problem(`${at}.values`, `must hold at least one value with ${r.operator}`, []));
  if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && n > 0) out.push(problem(`${at}.values`, `must be empty with ${r.operator}`, r.values));
  if ((r.operator === 'Gt' || r.operator === 'Lt') && (n !== 1 || !/^-?\d+$/.test(r.values![0]))) {
    out.push(problem(`${at}.values`, `must be one whole number with ${r.operator}`, r.values));
  }
  return out;
}

function weightProblem(w: number, at: string): Problem[] {
  return Number.isInteger(w) && w >= 1 && w <= 100 ? [] : [problem(`${at}.weight`, 'must be a whole number between 1 and 100', w)];
}

function podTermProblems(t: k8s.PodAffinityTerm, at: string): Problem[] {
  const out = [...(t.topologyKey ? [] : [problem(`${at}.topologyKey`, 'must name a node label (kubernetes.io/hostname, topology.kubernetes.io/zone)', t.topologyKey)])];
  (t.labelSelector?.matchExpressions ?? []).forEach((r, i) => out.push(...requirementProblems(r, `${at}.labelSelector.matchExpressions[${i}]`, false)));
  return out;
}

/** Kubernetes' validation of an affinity (`validateAffinity`): operators, values, weights, topology keys. */
function affinityProblems(a: k8s.Affinity): Problem[] {
  const out: Problem[] = [];
  const node = a.nodeAffinity;
  const terms = node?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length === 0) out.push(problem('affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms', 'must hold at least one term', []));
  (terms ?? []).forEach((term, i) => (term.matchExpressions ?? []).forEach((r, j) =>
    out.push(...requirementProblems(r, `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}].matchExpressions[${j}]`, true))));
  (node?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p, i) => {
    out.push(...weightProblem(p.weight, `affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`));
    (p.preference.matchExpressions ?? []).forEach((r, j) => out.push(...requirementProblems(r, `affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].matchExpressions[${j}]`, true)));
  });
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = a[kind];
    (pa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => out.push(...podTermProblems(t, `affinity.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)));
    (pa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p, i) => {
      out.push(...weightProblem(p.weight, `affinity.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`));
      out.push(...podTermProblems(p.podAffinityTerm, `affinity.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm`));
    });
  }
  return out;
}

/**
 * An image must be pinned: a tag other than `latest`, or a digest (a supply-chain rule: the same manifests deploy the
 * same code), unless the scope's `allowUnpinnedImages` setting ({@link UnpinnedImages}) lets this image through.
 * @internal
 */
export function checkImage(field: string, image: string | undefined, unpinned: UnpinnedImages = UnpinnedImages.NONE): Problem | undefined {
  if (deferIfLate(field, image, (f, v) => checkImage(f, v, unpinned))) return undefined;
  if (image !== undefined && /@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastSegment = (image ?? '').slice((image ?? '').lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
  if (tag === undefined || tag === '' || tag === 'latest') {
    if (typeof image === 'string' && image !== '' && unpinned.allows(image)) return undefined;
    const repository = typeof image === 'string' && image !== '' ? image.slice(0, image.length - (tag === undefined ? 0 : tag.length + 1)) : undefined;
    const optOut = repository !== undefined
      ? `; or, for tutorials and development, opt out for this image (allowUnpinnedImages: UnpinnedImages.of('${repository}')) or for the app or chart (allowUnpinnedImages: UnpinnedImages.ALL), with MeshSettings.apply or MeshChart`
      : '';
    return problem(field, 'must be pinned to a tag other than \'latest\' or to a digest', image, `e.g. 'nginx:1.17.9'${optOut}`);
  }
  return undefined;
}

function containerProblems(c: k8s.Container, at: string, init: boolean, unpinned: UnpinnedImages): Problem[] {
  const out: Problem[] = [];
  const err = checkDnsLabel(`${at}.name`, c.name) ?? checkImage(`${at}.image`, c.image, unpinned);
  if (err) out.push(err);
  if (init) {
    for (const field of ['readinessProbe', 'livenessProbe', 'startupProbe', 'lifecycle'] as const) {
      if (c[field] !== undefined) {
        out.push(problem(`${at}.${field}`, 'is not allowed on an init container (it runs to completion)', 'set',
          'make it one of sidecarContainers if it keeps running'));
      }
    }
  }
  return out;
}

const isPlain = (v: unknown): v is { [key: string]: unknown } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v));

/** Fields of `input` that cdk8s-plus's conversion dropped (unknown to its type), as paths. */
function droppedFields(input: unknown, wire: unknown, at: string): Array<{ path: string; field: string; known: string[] }> {
  if (Array.isArray(input) && Array.isArray(wire)) return input.flatMap((x, i) => droppedFields(x, wire[i], `${at}[${i}]`));
  if (!isPlain(input) || !isPlain(wire)) return [];
  return Object.entries(input).filter(([, v]) => v !== undefined).flatMap(([k, v]) => {
    const w = Object.keys(wire).find(x => x.toLowerCase() === k.toLowerCase());
    return w === undefined ? [{ path: `${at}.${k}`, field: k, known: Object.keys(wire) }] : droppedFields(v, wire[w], `${at}.${k}`);
  });
}

/**
 * A value of one of cdk8s-plus-27's generated Kubernetes types, as the API writes it: converted by cdk8s-plus (its field
 * renames, `IntOrString` and `Quantity` unwrapped), and checked as the API server would (unknown fields, types, enums,
 * required fields: the pinned shapes).
 */
function kubeValue(type: string, toJson: (v: never) => unknown, value: unknown, field: string): { wire?: WireValue; problems: MeshProblem[] } {
  if (!isPlain(value)) return { problems: [problem(field, `must be an object (cdk8s-plus's k8s.${type})`, value)] };
  let wire: unknown;
  try {
    wire = toJson(value as never);
  } catch {
    return { problems: [problem(field, `must be a k8s.${type}: cdk8s-plus cannot convert it`, value)] };
  }
  const dropped = droppedFields(value, wire, field).map(d => problem(d.path, `is not a field of a Kubernetes ${type}`, d.field));
  const shape = coreTypeProblems(type, wire, '').map(p => {
    const i = p.indexOf(': ');
    const path = p.slice(0, i).replace(/^\/$/, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
    return { field: `${field}${path}`, message: `'${field}${path}' ${p.slice(i + 2)}` };
  });
  const problems = [...dropped, ...shape];
  return { wire: problems.length === 0 ? wire as WireValue : undefined, problems };
}

function kubeList(type: string, toJson: (v: never) => unknown, values: unknown, field: string): { wires: WireValue[]; problems: MeshProblem[] } {
  if (values === undefined) return { wires: [], problems: [] };
  if (!Array.isArray(values)) return { wires: [], problems: [problem(field, `must be a list of k8s.${type}`, values)] };
  const all = values.map((v, i) => kubeValue(type, toJson, v, `${field}[${i}]`));
  return { wires: all.flatMap(x => (x.wire ? [x.wire] : [])), problems: all.flatMap(x => x.problems) };
}

/**
 * The pod settings of a workload, checked (every problem of `options`, each naming its field), as model data.
 * @param pods the workload's pods (replicas, or the autoscaler's minimum): decides the default topology spread
 * @internal
 */
export function podModelOf(options: WorkloadOptions, pods: number, mainContainer: string,
  unpinned: UnpinnedImages = UnpinnedImages.NONE): { model: PodModel; problems: MeshProblem[] } {
  const out: MeshProblem[] = [];
  const selectorErr = options.nodeSelector ? checkLabels('nodeSelector', options.nodeSelector) : undefined;
  if (selectorErr) out.push(selectorErr);
  const tolerations = kubeList('Toleration', v => plusK8s().toJson_Toleration(v), options.tolerations, 'tolerations');
  out.push(...tolerations.problems);
  if (tolerations.problems.length === 0) tolerations.wires.forEach((t, i) => out.push(...tolerationProblems(t as k8s.Toleration, `tolerations[${i}]`)));
  const affinity = options.affinity === undefined ? undefined : kubeValue('Affinity', v => plusK8s().toJson_Affinity(v), options.affinity, 'affinity');
  out.push(...affinity?.problems ?? []);
  if (affinity?.wire) out.push(...affinityProblems(affinity.wire as k8s.Affinity));
  if (options.priorityClassName !== undefined) {
    const err = checkDnsSubdomain('priorityClassName', options.priorityClassName);
    if (err) out.push(err);
  }
  (options.imagePullSecrets ?? []).forEach((name, i) => {
    const err = checkDnsSubdomain(`imagePullSecrets[${i}]`, name);
    if (err) out.push(err);
  });
  const initList = kubeList('Container', v => plusK8s().toJson_Container(v), options.initContainers, 'initContainers');
  const sidecarList = kubeList('Container', v => plusK8s().toJson_Container(v), options.sidecarContainers, 'sidecarContainers');
  out.push(...initList.problems, ...sidecarList.problems);
  const init = initList.wires as unknown as k8s.Container[];
  const sidecars = sidecarList.wires as unknown as k8s.Container[];
  init.forEach((c, i) => out.push(...containerProblems(c, `initContainers[${i}]`, true, unpinned)));
  sidecars.forEach((c, i) => out.push(...containerProblems(c, `sidecarContainers[${i}]`, false, unpinned)));
  const names = [mainContainer, ...init.map(c => c.name), ...sidecars.map(c => c.name)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) out.push(problem('initContainers.name', 'must differ from every other container of the pod (the main one is the containerName)', dup));
  const grace = options.terminationGracePeriod === undefined ? undefined : wholeSeconds('terminationGracePeriod', options.terminationGracePeriod, 0);
  const preStop = options.preStop?._model;
  if (preStop?.kind === 'sleep' && preStop.seconds! >= (grace ?? 30)) {
    out.push(problem('preStop.sleep', `must be shorter than the termination grace period (${grace ?? 30}s${grace === undefined ? ', Kubernetes\' default' : ''}), or the process is killed before it gets SIGTERM`,
      `${preStop.seconds}s`, `raise terminationGracePeriod above ${preStop.seconds}s`));
  }
  const spread = options.topologySpread ?? (pods >= 2 ? [TopologySpread.across(HOSTNAME_TOPOLOGY)] : []);
  const keys = spread.map(s => s._model.topologyKey);
  const dupKey = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dupKey !== undefined) out.push(problem('topologySpread', 'must spread across each topology once', dupKey));
  return {
    problems: out,
    model: {
      nodeSelector: options.nodeSelector ? { ...options.nodeSelector } : undefined,
      tolerations: options.tolerations ? tolerations.wires : undefined,
      affinity: affinity?.wire,
      topologySpread: spread.length > 0 ? spread.map(s => s._model) : undefined,
      priorityClassName: options.priorityClassName,
      initContainers: initList.wires.length > 0 ? initList.wires : undefined,
      sidecarContainers: sidecarList.wires.length > 0 ? sidecarList.wires : undefined,
      preStop,
      terminationGracePeriodSeconds: grace,
      imagePullSecrets: options.imagePullSecrets ? [...options.imagePullSecrets] : undefined,
      // the sidecar drains as long as the application may still be stopping, where that is longer than Istio's default (5s)
      proxyDrainSeconds: (grace !== undefined || preStop) && (grace ?? 30) > ISTIO_DEFAULT_DRAIN_SECONDS ? grace ?? 30 : undefined,
    },
  };
}

const WORKLOAD_OPTIONS: ReadonlyArray<keyof WorkloadOptions> = ['resources', 'args', 'command', 'nodeSelector', 'tolerations', 'affinity',
  'topologySpread', 'priorityClassName', 'initContainers', 'sidecarContainers', 'preStop', 'terminationGracePeriod', 'imagePullSecrets'];

/**
 * The workload options among props or options; with `over`, each field `over` gives replaces the first's.
 * @internal
 */
export function workloadOptionsOf(base: WorkloadOptions, over: WorkloadOptions = {}): WorkloadOptions {
  const out: { [key: string]: unknown } = {};
  for (const k of WORKLOAD_OPTIONS) {
    const v = over[k] ?? base[k];
    if (v !== undefined) out[k] = v;
  }
  return out as WorkloadOptions;
}
