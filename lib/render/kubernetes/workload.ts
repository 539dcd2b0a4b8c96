import type { k8s } from 'cdk8s-plus-27';
import { compact } from '../compact';
import { metadataOf } from '../metadata';
import { LifecycleHandlerModel, Manifest, ProbeModel, PodModel, PortModel, ServiceModel, VersionModel, VolumeModel, WireValue, WorkloadModel } from '../model';
import { intOrString, quantity } from '../wire-values';

function securityContexts(w: WorkloadModel): { pod?: k8s.PodSecurityContext; container?: k8s.SecurityContext } {
  const s = w.security;
  if (!s) {
    return {};
  }
  return {
    pod: {
      runAsNonRoot: s.runAsNonRoot || undefined,
      runAsUser: s.runAsUser,
      runAsGroup: s.runAsGroup,
      fsGroup: s.fsGroup,
      seccompProfile: s.seccompRuntimeDefault ? { type: 'RuntimeDefault' } : undefined,
    },
    container: {
      allowPrivilegeEscalation: s.allowPrivilegeEscalation,
      capabilities: s.dropAllCapabilities ? { drop: ['ALL'] } : undefined,
      readOnlyRootFilesystem: s.readOnlyRootFilesystem || undefined,
    },
  };
}

function quantities(q: { cpu?: string; memory?: string } | undefined): { [key: string]: k8s.Quantity } | undefined {
  if (!q) {
    return undefined;
  }
  const out: { [key: string]: k8s.Quantity } = {};
  if (q.cpu !== undefined) out.cpu = quantity(q.cpu);
  if (q.memory !== undefined) out.memory = quantity(q.memory);
  return out;
}

function nonEmpty<T>(xs: T[]): T[] | undefined {
  return xs.length > 0 ? xs : undefined;
}

function volumeOf(v: VolumeModel): k8s.Volume {
  return {
    ...v,
    emptyDir: v.emptyDir ? {
      medium: v.emptyDir.medium,
      sizeLimit: v.emptyDir.sizeLimit !== undefined ? quantity(v.emptyDir.sizeLimit) : undefined,
    } : undefined,
  };
}

/** The container ports of a service's pods: one per service port, on its target port. */
export function containerPortsOf(ports: PortModel[]): k8s.ContainerPort[] {
  return ports.map(p => ({ name: p.containerPortName, containerPort: p.targetPort ?? p.port }));
}

/** A probe as the container writes it: its service port resolved to the container port behind it. */
function probeOf(probe: ProbeModel | undefined, ports: PortModel[]): k8s.Probe | undefined {
  if (!probe) return undefined;
  const port = ports.find(p => p.port === (probe.port ?? ports[0]?.port));
  const target = port ? port.targetPort ?? port.port : probe.port ?? 0;
  const timing = {
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    failureThreshold: probe.failureThreshold,
    successThreshold: probe.successThreshold,
  };
  switch (probe.kind) {
    case 'httpGet':
      return { httpGet: { path: probe.path, port: intOrString(target), httpHeaders: probe.headers?.map(h => ({ ...h })) }, ...timing };
    case 'tcpSocket':
      return { tcpSocket: { port: intOrString(target) }, ...timing };
    case 'grpc':
      return { grpc: { port: target, service: probe.service }, ...timing };
    default:
      return { exec: { command: [...(probe.command ?? [])] }, ...timing };
  }
}

/** The labels selecting a version's pods: `app` and `version`, or `app` alone for a single workload. */
export function versionSelector(service: ServiceModel, version: VersionModel): { [key: string]: string } {
  return version.unversioned ? { app: service.app } : { app: service.app, version: version.label };
}

/** The labels of a version's objects (Deployment, autoscaler, budget): its selector and the service's common labels. */
export function versionLabels(service: ServiceModel, version: VersionModel): { [key: string]: string } {
  return { ...versionSelector(service, version), ...versionCommonLabels(service, version) };
}

function versionCommonLabels(service: ServiceModel, version: VersionModel): { [key: string]: string } {
  if (!service.commonLabels) return {};
  const image = version.deployment?.image ?? '';
  const tag = /:([^:/@]+)(@|$)/.exec(image.slice(image.lastIndexOf('/') + 1))?.[1];
  const v = version.unversioned ? tag : version.label;
  return { ...service.commonLabels, ...(v !== undefined ? { 'app.kubernetes.io/version': v } : {}) };
}

function handlerOf(h: LifecycleHandlerModel, ports: PortModel[]): k8s.LifecycleHandler & { sleep?: { seconds: number } } {
  switch (h.kind) {
    case 'sleep':
      return { sleep: { seconds: h.seconds! } };
    case 'httpGet': {
      const port = ports.find(p => p.port === (h.port ?? ports[0]?.port));
      return { httpGet: { path: h.path, port: intOrString(port ? port.targetPort ?? port.port : h.port ?? 0) } };
    }
    default:
      return { exec: { command: [...(h.command ?? [])] } };
  }
}

/**
 * Init and native sidecar containers as given (already on the wire: converted when checked), each with
 * the pods' container hardening when it sets none; sidecars get `restartPolicy: Always`.
 */
function extraContainers(pod: PodModel | undefined, hardening: k8s.SecurityContext | undefined): Array<{ [key: string]: unknown }> | undefined {
  const wire = (c: WireValue, sidecar: boolean) => {
    const out: { [key: string]: unknown } = { ...c };
    if (out.securityContext === undefined && hardening) out.securityContext = compact(hardening);
    return sidecar ? { ...out, restartPolicy: 'Always' } : out;
  };
  const all = [...(pod?.initContainers ?? []).map(c => wire(c, false)), ...(pod?.sidecarContainers ?? []).map(c => wire(c, true))];
  return all.length > 0 ? all : undefined;
}

/** The topology spread constraints of a version, each over the version's own pods. */
function spreadOf(pod: PodModel | undefined, selector: { [key: string]: string }): k8s.TopologySpreadConstraint[] | undefined {
  return pod?.topologySpread?.map(t => ({
    topologyKey: t.topologyKey,
    maxSkew: t.maxSkew,
    whenUnsatisfiable: t.whenUnsatisfiable,
    minDomains: t.minDomains,
    labelSelector: { matchLabels: { ...selector } },
  }));
}

/**
 * Renders the Deployment of one version: labels `app` and `version` on the Deployment, its selector
 * and its pods; the service's pod template (container, env, volumes, hardening) with the version's image.
 */
export function renderDeployment(service: ServiceModel, version: VersionModel): Manifest {
  const d = version.deployment;
  if (!d) {
    throw new Error(`version '${version.name}' of '${service.name}' is not deployed here`);
  }
  const w = d.workload;
  const pod = w.pod;
  const selector = versionSelector(service, version);
  const podLabels: { [k: string]: string } = { ...selector, ...versionCommonLabels(service, version), ...w.podLabels };
  const podAnnotations: { [k: string]: string } = { ...w.podAnnotations };
  if (w.sidecarInjection !== undefined && w.mesh === 'linkerd') {
    podAnnotations['linkerd.io/inject'] = w.sidecarInjection ? 'enabled' : 'disabled';
  } else if (w.ambient) {
    // ambient: pods are enrolled by their namespace; one kept out is labelled so
    if (w.sidecarInjection === false) podLabels['istio.io/dataplane-mode'] = 'none';
  } else if (w.sidecarInjection !== undefined && w.mesh === 'istio') {
    podLabels['sidecar.istio.io/inject'] = String(w.sidecarInjection);
  }
  // graceful drain: the Istio sidecar keeps serving the application's last calls while it may still be stopping
  if (pod?.proxyDrainSeconds !== undefined && w.mesh === 'istio' && !w.ambient && w.sidecarInjection !== false && podAnnotations['proxy.istio.io/config'] === undefined) {
    podAnnotations['proxy.istio.io/config'] = `{"terminationDrainDuration":"${pod.proxyDrainSeconds}s"}`;
  }
  const sec = securityContexts(w);
  const resources = w.resources
    ? { requests: quantities(w.resources.requests), limits: quantities(w.resources.limits) }
    : undefined;
  const spec: k8s.DeploymentSpec = {
    replicas: d.replicas,
    selector: { matchLabels: selector },
    template: {
      metadata: {
        labels: podLabels,
        annotations: Object.keys(podAnnotations).length > 0 ? podAnnotations : undefined,
      },
      spec: {
        dnsPolicy: w.dnsPolicy,
        serviceAccountName: d.serviceAccountName ?? service.serviceAccountName,
        securityContext: sec.pod,
        priorityClassName: pod?.priorityClassName,
        nodeSelector: pod?.nodeSelector ? { ...pod.nodeSelector } : undefined,
        affinity: pod?.affinity as k8s.Affinity | undefined,
        tolerations: pod?.tolerations ? [...pod.tolerations] as k8s.Toleration[] : undefined,
        topologySpreadConstraints: spreadOf(pod, selector),
        terminationGracePeriodSeconds: pod?.terminationGracePeriodSeconds,
        imagePullSecrets: pod?.imagePullSecrets?.map(name => ({ name })),
        // a placeholder keeping Kubernetes' field order: filled below with the wire containers
        initContainers: pod?.initContainers || pod?.sidecarContainers ? [] : undefined,
        containers: [{
          name: w.containerName,
          image: d.image,
          imagePullPolicy: w.imagePullPolicy,
          command: w.command,
          args: w.args,
          env: nonEmpty(w.env.map(e => ({ ...e }))),
          ports: nonEmpty([...containerPortsOf(service.ports), ...(w.containerOnlyPorts ?? []).map(p => ({ ...p }))]),
          volumeMounts: nonEmpty(w.mounts.map(m => ({ ...m }))),
          securityContext: sec.container,
          resources,
          readinessProbe: probeOf(w.probes?.readiness, service.ports),
          livenessProbe: probeOf(w.probes?.liveness, service.ports),
          startupProbe: probeOf(w.probes?.startup, service.ports),
          lifecycle: pod?.preStop ? { preStop: handlerOf(pod.preStop, service.ports) } : undefined,
        }],
        volumes: nonEmpty(w.volumes.map(volumeOf)),
      },
    },
  };
  const wire = compact(spec);
  const podSpec = wire.template.spec as unknown as { [key: string]: unknown };
  if (podSpec.initContainers) podSpec.initContainers = extraContainers(pod, sec.container);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadataOf(d.name, service.namespace, { ...d.labels, ...versionLabels(service, version) }),
    spec: wire,
  };
}
