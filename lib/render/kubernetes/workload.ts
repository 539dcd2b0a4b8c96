import { k8s } from 'cdk8s-plus-27';
import { compact } from '../compact';
import { metadataOf } from '../metadata';
import { Manifest, ProbeModel, PortModel, ServiceModel, VersionModel, VolumeModel, WorkloadModel } from '../model';

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
  if (q.cpu !== undefined) out.cpu = k8s.Quantity.fromString(q.cpu);
  if (q.memory !== undefined) out.memory = k8s.Quantity.fromString(q.memory);
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
      sizeLimit: v.emptyDir.sizeLimit !== undefined ? k8s.Quantity.fromString(v.emptyDir.sizeLimit) : undefined,
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
      return { httpGet: { path: probe.path, port: k8s.IntOrString.fromNumber(target), httpHeaders: probe.headers?.map(h => ({ ...h })) }, ...timing };
    case 'tcpSocket':
      return { tcpSocket: { port: k8s.IntOrString.fromNumber(target) }, ...timing };
    case 'grpc':
      return { grpc: { port: target, service: probe.service }, ...timing };
    default:
      return { exec: { command: [...(probe.command ?? [])] }, ...timing };
  }
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
  const selector = { app: service.app, version: version.label };
  const podLabels: { [k: string]: string } = { ...selector, ...w.podLabels };
  const podAnnotations: { [k: string]: string } = { ...w.podAnnotations };
  if (w.sidecarInjection !== undefined && w.mesh === 'linkerd') {
    podAnnotations['linkerd.io/inject'] = w.sidecarInjection ? 'enabled' : 'disabled';
  } else if (w.sidecarInjection !== undefined && w.mesh === 'istio') {
    podLabels['sidecar.istio.io/inject'] = String(w.sidecarInjection);
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
        serviceAccountName: service.serviceAccountName,
        securityContext: sec.pod,
        containers: [{
          name: w.containerName,
          image: d.image,
          imagePullPolicy: w.imagePullPolicy,
          command: w.command,
          args: w.args,
          env: nonEmpty(w.env.map(e => ({ ...e }))),
          ports: nonEmpty(containerPortsOf(service.ports)),
          volumeMounts: nonEmpty(w.mounts.map(m => ({ ...m }))),
          securityContext: sec.container,
          resources,
          readinessProbe: probeOf(w.probes?.readiness, service.ports),
          livenessProbe: probeOf(w.probes?.liveness, service.ports),
          startupProbe: probeOf(w.probes?.startup, service.ports),
        }],
        volumes: nonEmpty(w.volumes.map(volumeOf)),
      },
    },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadataOf(d.name, service.namespace, { ...d.labels, ...selector }),
    spec: compact(spec),
  };
}
