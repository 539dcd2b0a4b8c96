/**
 * The Service object of a `MeshService`: its annotations (the back-end's policies among them), its own labels, its
 * exposure.
 *
 * @module
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { MeshServiceProps } from './mesh-service-props';
import { MeshServicePort, Protocol } from './ports';
import { retriesModelOf } from './route-policies';
import { SessionAffinity, affinityTimeoutSeconds } from './service-exposure';
import { useWaypointLabels } from './waypoint';
import { MeshBackend } from '../backends/backend';
import { durationString } from '../core/duration';
import { MeshValidationError, Problem, failAt, problem, problemValidation } from '../core/errors';
import { PortModel } from '../render/model';

/** Linkerd's default inbound policy of the pods, when asked (refused for another mesh). */
export function inboundPolicyAnnotations(scope: Construct, backend: MeshBackend, props: MeshServiceProps): { [key: string]: string } {
  const policy = props.defaultInboundPolicy;
  if (policy === undefined) return {};
  const decided = backend.inboundPolicy(policy);
  if (decided.refused !== undefined) failAt(scope, decided.refused);
  return { ...decided.value };
}

/**
 * Linkerd's timeouts and retries of every request to the service (its Service's annotations), checked as a route's are;
 * refused without Linkerd, which sets them on routes.
 */
export function requestPolicyAnnotations(scope: Construct, backend: MeshBackend, props: MeshServiceProps,
  ports: readonly MeshServicePort[]): { [key: string]: string } {
  const r = props.requestPolicy;
  if (!r) return {};
  const grpc = ports.length > 0 && ports.every(p => p.protocol === Protocol.GRPC);
  const d = (field: string, x: Duration | undefined) => (x ? durationString(`requestPolicy.${field}`, x) : undefined);
  const decided = backend.requestPolicy({
    fields: Object.keys(r),
    grpc,
    retries: () => (r.retries ? retriesModelOf(r.retries) : undefined),
    timeouts: () => ({ request: d('timeout', r.timeout), response: d('responseTimeout', r.responseTimeout), idle: d('idleTimeout', r.idleTimeout) }),
  });
  if (decided.refused !== undefined) failAt(scope, decided.refused);
  return { ...decided.value };
}

/** The Service's type against its other settings (local facts, at once; node ports against the ports at synth). */
export function checkExposure(scope: Construct, p: MeshServiceProps, ports: () => readonly MeshServicePort[]): void {
  const exposure = p.exposure?._model;
  if (exposure?.type && exposure.type !== 'ClusterIP' && p.headless) {
    failAt(scope, problem('exposure', 'cannot be combined with headless: a headless Service has no cluster IP to expose', exposure.type,
      'remove headless, or expose the service through an IngressGateway'));
  }
  if (p.sessionAffinityTimeout !== undefined && p.sessionAffinity !== SessionAffinity.CLIENT_IP) {
    failAt(scope, problem('sessionAffinityTimeout', 'needs sessionAffinity: SessionAffinity.CLIENT_IP', p.sessionAffinity ?? 'None'));
  }
  if (p.sessionAffinityTimeout) {
    try {
      affinityTimeoutSeconds(p.sessionAffinityTimeout);
    } catch (e) {
      if (e instanceof MeshValidationError) failAt(scope, e.message);
      throw e;
    }
  }
  scope.node.addValidation(problemValidation(scope,
    () => Object.keys(exposure?.nodePorts ?? {}).map(Number).filter(port => !ports().some(x => x.port === port))
      .map(port => problem(`exposure.nodePorts.${port}`, 'must name a port of the service', port, `its ports are ${ports().map(x => x.port).join(', ') || 'none'}`))));
}

/** The Service's own labels: the waypoint it uses, ingress through it. */
export function serviceLabelsOf(props: MeshServiceProps, namespace: string | undefined): { [key: string]: string } | undefined {
  const labels = {
    ...useWaypointLabels(props.waypoint, namespace),
    ...(props.ingressUseWaypoint ? { 'istio.io/ingress-use-waypoint': 'true' } : {}),
  };
  return Object.keys(labels).length > 0 ? labels : undefined;
}

/**
 * A port as model data: `appProtocol`, when asked, is the protocol as the back-end reads it (`MeshBackend.appProtocol`).
 */
export function portModelOf(backend: MeshBackend, p: MeshServicePort): PortModel {
  const protocol = p.protocol ?? Protocol.HTTP;
  return {
    name: p.name ?? protocol,
    port: p.port,
    targetPort: p.targetPort,
    containerPortName: p.containerPortName,
    transport: p.transport,
    appProtocol: !p.appProtocol ? undefined : backend.appProtocol(protocol),
  };
}

/** The service's ports: at least one, named as the back-end reads names, and every port its traffic policy names. */
export function portProblems(backend: MeshBackend, ports: readonly MeshServicePort[], props: MeshServiceProps): Problem[] {
  const errors: Problem[] = [];
  if (ports.length === 0) {
    errors.push(problem('ports', 'must hold at least one port', '[]', 'pass ports or call addPort()'));
  }
  for (const p of ports) errors.push(...backend.portNameProblems(portModelOf(backend, p), p.protocol ?? Protocol.HTTP));
  for (const p of props.trafficPolicy?.ports ?? []) {
    if (!ports.some(x => x.port === p.port)) {
      errors.push(problem('trafficPolicy.ports.port', 'must be a port of the service', p.port, `its ports are ${ports.map(x => x.port).join(', ') || 'none'}`));
    }
  }
  return errors;
}
