/**
 * The workloads of a `MeshService`: the settings its versions start from, each deployed version's Deployment, and the
 * checks over them (probes, brought workloads' selectors).
 *
 * @module
 */
import { Construct } from 'constructs';
import { meshPodLabels, selects } from './existing-workload';
import { localityLabelOf } from './locality';
import { MeshServiceProps, ServiceVersionOptions } from './mesh-service-props';
import { checkImage, podModelOf, workloadOptionsOf } from './pod-options';
import { TransportProtocol } from './ports';
import { ServiceVersion } from './service-version';
import { trafficPolicyModelOf } from './traffic-policy';
import { DEFAULT_RESOURCES, ImagePullPolicy, SidecarInjection, WorkloadSecurity, resourcesModelOf } from './workload';
import { Problem, failAt, problem, within } from '../core/errors';
import { checkDnsSubdomain } from '../core/names';
import { MeshSettings } from '../core/settings';
import { VersionModel, WorkloadModel } from '../render/model';
import { duplicates } from '../validation/rules';

/** What the functions of this module read of the service. */
export interface ServiceWorkloadContext {
  /** The service construct (errors name it). */
  readonly scope: Construct;
  readonly name: string;
  readonly app: string;
  readonly serviceAccountName: string;
  readonly props: MeshServiceProps;
  readonly replicas: number;
  readonly ambient: boolean;
  /** The workload settings every version starts from (undefined while they are computed). */
  readonly workload?: WorkloadModel;
}

/** The workload settings every version of the service starts from (its props), as model data. */
export function workloadModelOf(ctx: ServiceWorkloadContext, inboundPolicy: () => { [key: string]: string }): WorkloadModel {
  const p = ctx.props;
  const volumes = [...(p.volumes ?? [])];
  for (const m of p.volumeMounts ?? []) {
    if (!volumes.includes(m.volume)) volumes.push(m.volume);
  }
  const dupVolume = duplicates(volumes.map(v => v.name));
  if (dupVolume.length > 0) failAt(ctx.scope, problem('volumes', 'must have unique names', dupVolume[0]));
  const injection = p.sidecarInjection ?? SidecarInjection.INHERIT;
  return {
    containerName: p.containerName ?? ctx.name,
    imagePullPolicy: p.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT,
    env: Object.entries(p.env ?? {}).map(([k, v]) => v._toModel(k)),
    volumes: volumes.map(v => v._model),
    mounts: (p.volumeMounts ?? []).map(m => m._toModel()),
    podAnnotations: { ...(p.podAnnotations ?? {}), ...inboundPolicy() },
    podLabels: {},
    sidecarInjection: injection === SidecarInjection.INHERIT ? undefined : injection === SidecarInjection.ENABLED,
    mesh: MeshSettings.of(ctx.scope).mesh,
    ambient: ctx.ambient || undefined,
    dnsPolicy: p.dnsPolicy,
    security: (p.security ?? WorkloadSecurity.restricted())._model,
    resources: p.resources ? resourcesModelOf(p.resources) : DEFAULT_RESOURCES,
    args: p.args,
    command: p.command,
    probes: { readiness: p.readinessProbe?._model, liveness: p.livenessProbe?._model, startup: p.startupProbe?._model },
    containerOnlyPorts: p.containerPorts?.length
      ? p.containerPorts.map(c => ({ name: c.name, containerPort: c.port, protocol: c.protocol === TransportProtocol.TCP ? undefined : c.protocol }))
      : undefined,
  };
}

/**
 * The Deployment (with its autoscaler, budget and own ServiceAccount) of a version or of the single workload, as model
 * data; local facts fail at once, naming the service.
 */
export function deployedVersionModelOf(ctx: ServiceWorkloadContext, v: { name: string; label: string; unversioned?: boolean },
  options: ServiceVersionOptions): VersionModel {
  const { name, label } = v;
  const deploymentName = options.deploymentName ?? `${ctx.app}-${name}`;
  const at = v.unversioned ? '' : `versions.${name}.`;
  for (const err of [
    checkDnsSubdomain(`${at}deploymentName`, deploymentName),
    checkImage(`${at}image`, options.image, MeshSettings.of(ctx.scope).allowUnpinnedImages),
    options.replicas !== undefined ? checkReplicas(`${at}replicas`, options.replicas) : undefined,
    options.serviceAccountName !== undefined ? checkDnsSubdomain(`${at}serviceAccountName`, options.serviceAccountName) : undefined,
  ]) {
    if (err) failAt(ctx.scope, err);
  }
  const w = ctx.workload!;
  const env = { ...Object.fromEntries(w.env.map(e => [e.name, e])) };
  for (const [k, val] of Object.entries(options.env ?? {})) env[k] = val._toModel(k);
  const volumes = new Map(w.volumes.map(x => [x.name, x]));
  for (const x of options.volumes ?? []) volumes.set(x.name, x._model);
  for (const m of options.volumeMounts ?? []) {
    if (!volumes.has(m.volume.name)) volumes.set(m.volume.name, m.volume._model);
  }
  const mounts = [...w.mounts, ...(options.volumeMounts ?? []).map(m => m._toModel())];
  const dupMount = duplicates(mounts.map(m => m.mountPath));
  if (dupMount.length > 0) failAt(ctx.scope, problem(`${at}volumeMounts.mountPath`, 'must be unique within a container', dupMount[0]));
  const scaling = scalingOf(ctx, at, options);
  const pods = scaling.autoscaling ? scaling.autoscaling.minReplicas : scaling.replicas ?? 0;
  const own = podModelOf(workloadOptionsOf(options), pods, w.containerName, MeshSettings.of(ctx.scope).allowUnpinnedImages);
  if (own.problems.length > 0) failAt(ctx.scope, within(at, own.problems[0]));
  const pod = podModelOf(workloadOptionsOf(ctx.props, options), pods, w.containerName, MeshSettings.of(ctx.scope).allowUnpinnedImages);
  if (pod.problems.length > 0) failAt(ctx.scope, within(at, pod.problems[0]));
  const ownAccount = options.serviceAccountName !== undefined && options.serviceAccountName !== ctx.serviceAccountName
    ? options.serviceAccountName : undefined;
  const localityLabel = options.locality ? localityLabelOf(`${at}locality`, options.locality, options.podLabels ?? {}) : undefined;
  if (localityLabel?.refused) failAt(ctx.scope, localityLabel.refused);
  const model: VersionModel = {
    name,
    label,
    unversioned: v.unversioned,
    trafficPolicy: options.trafficPolicy ? trafficPolicyModelOf(options.trafficPolicy) : undefined,
    locality: options.locality?.value,
    deployment: {
      name: deploymentName,
      serviceAccountName: ownAccount,
      image: options.image,
      ...scaling,
      labels: { ...(ctx.props.deploymentLabels ?? {}) },
      workload: {
        ...w,
        env: Object.values(env),
        volumes: [...volumes.values()],
        mounts,
        podLabels: { ...w.podLabels, ...(options.podLabels ?? {}), ...localityLabel?.value },
        podAnnotations: { ...w.podAnnotations, ...(options.podAnnotations ?? {}) },
        resources: options.resources ? resourcesModelOf(options.resources) : w.resources,
        args: options.args ?? w.args,
        command: options.command ?? w.command,
        probes: {
          readiness: options.readinessProbe?._model ?? w.probes?.readiness,
          liveness: options.livenessProbe?._model ?? w.probes?.liveness,
          startup: options.startupProbe?._model ?? w.probes?.startup,
        },
        pod: pod.model,
      },
    },
  };
  return model;
}

/**
 * A version's replicas, autoscaler and disruption budget: `replicas` is not written under an autoscaler (it would
 * fight it); a budget no eviction could satisfy is refused; two or more pods get `maxUnavailable: 1` by default.
 */
function scalingOf(ctx: ServiceWorkloadContext, at: string, options: Pick<ServiceVersionOptions, 'autoscaling' | 'replicas' | 'disruptionBudget'>): Pick<NonNullable<VersionModel['deployment']>, 'replicas' | 'autoscaling' | 'disruptionBudget'> {
  const autoscaling = (options.autoscaling ?? ctx.props.autoscaling)?._model;
  const replicas = options.replicas ?? ctx.props.replicas;
  if (autoscaling && replicas !== undefined) {
    failAt(ctx.scope, problem(`${at}replicas`, 'must not be given with autoscaling: the Deployment\'s replicas would fight the autoscaler', replicas,
      'remove replicas (the autoscaler\'s minReplicas sets the floor)'));
  }
  const pods = autoscaling ? autoscaling.minReplicas : ctx.replicas;
  const explicit = options.disruptionBudget ?? ctx.props.disruptionBudget;
  const budget = explicit ? explicit._model : pods >= 2 ? { maxUnavailable: 1 } : undefined;
  if (typeof budget?.minAvailable === 'number' && budget.minAvailable >= pods) {
    failAt(ctx.scope, problem(`${at}disruptionBudget.minAvailable`, `must be less than the version's ${autoscaling ? 'minimum ' : ''}pods, or no pod could ever be evicted (a node drain would hang)`,
      budget.minAvailable, `it has ${pods}: use DisruptionBudget.maxUnavailable(1), or more replicas`));
  }
  return { replicas: autoscaling ? undefined : (options.replicas ?? ctx.replicas), autoscaling, disruptionBudget: budget };
}

/** Every probe of every deployed version: on a declared port; liveness and startup with a success threshold of 1. */
export function probeProblems(ports: readonly number[], deployed: readonly ServiceVersion[]): Problem[] {
  const out: Problem[] = [];
  for (const v of deployed) {
    const probes = v._model.deployment?.workload.probes ?? {};
    const preStop = v._model.deployment?.workload.pod?.preStop;
    const at = v._model.unversioned ? '' : `versions.${v.subset}.`;
    if (preStop?.kind === 'httpGet' && preStop.port !== undefined && !ports.includes(preStop.port)) {
      out.push(problem(`${at}preStop.port`, 'must be a port the service declares', preStop.port, `its ports are ${ports.join(', ') || 'none'}`));
    }
    for (const [kind, probe] of Object.entries(probes)) {
      if (!probe) continue;
      const field = `${at}${kind}Probe`;
      if (probe.kind !== 'exec' && probe.port !== undefined && !ports.includes(probe.port)) {
        out.push(problem(`${field}.port`, 'must be a port the service declares', probe.port, `its ports are ${ports.join(', ') || 'none'}`));
      }
      if (probe.kind !== 'exec' && probe.port === undefined && ports.length === 0) out.push(problem(`${field}.port`, 'needs a port: the service declares none', 'none'));
      if (kind !== 'readiness' && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
        out.push(problem(`${field}.successThreshold`, `must be 1 for a ${kind} probe (Kubernetes refuses another)`, probe.successThreshold));
      }
    }
  }
  return [...new Set(out)];
}

/**
 * A brought workload whose selector also takes another version's pods: both controllers would manage them. Its
 * selector cannot be narrowed in place (selectors are immutable), so this is an error with the way out.
 */
export function selectorOverlaps(all: readonly ServiceVersion[], app: string): Problem[] {
  const podLabels = (v: ServiceVersion): { [key: string]: string } | undefined => {
    if (v._facts) return meshPodLabels(v._facts, v._needs());
    if (!v._model.deployment) return undefined;
    return { ...v._model.deployment.workload.podLabels, app: app, ...(v._model.unversioned ? {} : { version: v.label }) };
  };
  const out: Problem[] = [];
  for (const a of all.filter(x => x._facts)) {
    for (const b of all.filter(x => x !== a)) {
      const labels = podLabels(b);
      if (labels && selects(a._facts!, labels)) {
        out.push(problem(`versions.${a.subset}.workload.spec.selector`, `must not select the pods of version '${b.subset}' too: two controllers would fight over them`,
          a._facts!.matchLabels, `a selector cannot be changed in place: give ${a._facts!.kind} '${a._facts!.name}' a selector with a label only its pods carry, and re-create it`));
      }
    }
  }
  return out;
}

export function checkReplicas(field: string, n: number): Problem | undefined {
  return Number.isInteger(n) && n >= 0 ? undefined : problem(field, 'must be a whole number of at least 0', n);
}
