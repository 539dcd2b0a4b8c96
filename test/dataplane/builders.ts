/** Kubernetes objects as plain data, for the data-plane tests (namespaces, workloads, Services, policies). */
import { throughIngressWaypoints } from '../../lib/dataplane/ambient';
import { Caller } from '../../lib/dataplane/caller';
import { spreadOverVersions } from '../../lib/dataplane/destinations';
import { defaultServicePort } from '../../lib/dataplane/kubernetes';
import { gatewayWorkloads } from '../../lib/dataplane/mesh';
import { authorize } from '../../lib/dataplane/policy';
import { normalizeRequest } from '../../lib/dataplane/request';
import { outcomeOf } from '../../lib/dataplane/result';
import { TrafficRequest, TrafficResult } from '../../lib/dataplane/types';
import { World } from '../../lib/dataplane/world';
import { Manifest } from '../../lib/render/model';

type Labels = Record<string, string>;

export const namespace = (name: string, labels: Labels = {}, annotations: Labels = {}): Manifest => ({
  apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations },
} as Manifest);

export interface DeploymentOptions {
  readonly sa?: string;
  readonly replicas?: number;
  readonly annotations?: Labels;
  readonly ports?: ReadonlyArray<{ containerPort: number; name?: string }>;
}

export const deployment = (ns: string, name: string, labels: Labels, o: DeploymentOptions = {}): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    replicas: o.replicas ?? 1,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels, annotations: o.annotations ?? {} },
      spec: { serviceAccountName: o.sa ?? name, containers: [{ name: 'app', image: 'x:1', ports: o.ports ?? [] }] },
    },
  },
} as unknown as Manifest);

type PortSpec = { port: number; name?: string; targetPort?: number | string; appProtocol?: string };

export const service = (ns: string, name: string, selector: Labels, ports: readonly PortSpec[],
  meta: { labels?: Labels; annotations?: Labels; clusterIP?: string } = {}): Manifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, labels: meta.labels ?? {}, annotations: meta.annotations ?? {} },
  spec: { selector, ports, ...(meta.clusterIP ? { clusterIP: meta.clusterIP } : {}) },
} as unknown as Manifest);

type Meta = { labels?: Labels; annotations?: Labels };

export const object = (apiVersion: string, kind: string, ns: string, name: string, spec: unknown, meta: Meta = {}): Manifest => ({
  apiVersion, kind, metadata: { name, ...(ns ? { namespace: ns } : {}), ...meta }, spec,
} as unknown as Manifest);

export const authorizationPolicy = (ns: string, name: string, spec: unknown, annotations?: Labels) =>
  object('security.istio.io/v1', 'AuthorizationPolicy', ns, name, spec, annotations ? { annotations } : {});
export const peerAuthentication = (ns: string, name: string, spec: unknown) => object('security.istio.io/v1', 'PeerAuthentication', ns, name, spec);
export const destinationRule = (ns: string, name: string, spec: unknown) => object('networking.istio.io/v1', 'DestinationRule', ns, name, spec);
export const linkerd = (kind: string, ns: string, name: string, spec: unknown, version = 'v1alpha1') => object(`policy.linkerd.io/${version}`, kind, ns, name, spec);
export const gatewayApi = (kind: string, ns: string, name: string, spec: unknown, meta: { labels?: Labels; annotations?: Labels } = {}) =>
  object('gateway.networking.k8s.io/v1', kind, ns, name, spec, meta);

/**
 * Authorizes a call that reaches a Service's pods (as kube-proxy or a sidecar without routes would send it) from a
 * workload: the policy engine alone, whatever the routing engines answer.
 */
export function authorizeCall(objects: readonly Manifest[], request: TrafficRequest): TrafficResult {
  const world = new World(objects);
  const req = normalizeRequest(world, request);
  if (req.source.kind !== 'workload') throw new Error('a workload request');
  const caller: Caller = { kind: 'workload', workload: req.source.workload };
  const svc = world.serviceForHost(req.host!, req.source.workload.namespace)!;
  const port = defaultServicePort(svc, req.port);
  const destinations = spreadOverVersions(world, { service: svc, port, weight: 100 });
  const http = req.protocol !== 'tcp' && req.protocol !== 'tls';
  const result: TrafficResult = {
    ...outcomeOf(destinations, http),
    reason: 'routed by the test',
    dataPlane: 'istio-sidecar',
    route: null,
    destinations,
    redirect: null,
    requestHeaders: http ? { ...req.headers, host: req.host! } : null,
    ...(http ? { upstreamRequest: { path: req.pathAndQuery, host: req.host!, method: req.method } } : {}),
    filters: {},
    hops: [],
    notes: [],
  };
  return authorize(world, caller, result, req);
}

/** The single authorization of a call's destinations (all shares must agree). */
export function verdictOf(result: TrafficResult) {
  const all = result.destinations.map(d => d.authorization);
  const first = JSON.stringify(all[0]);
  if (all.some(a => JSON.stringify(a) !== first)) throw new Error(`the shares disagree: ${JSON.stringify(all)}`);
  return all[0];
}

/**
 * Authorizes a request that a gateway sends to a Service's pods (the gateway engines' answer stood in for): the
 * gateway's own policies, then the pods'.
 */
export function authorizeFromGateway(
  objects: readonly Manifest[], request: TrafficRequest, to: { service: string; port: number; listenerPort?: number },
): TrafficResult {
  const world = new World(objects);
  const req = normalizeRequest(world, request);
  if (req.source.kind !== 'gateway') throw new Error('a gateway request');
  const gateway = req.source.gateway;
  const caller: Caller = { kind: 'gateway', gateway, workloads: gatewayWorkloads(world, gateway) };
  const [ns, name] = to.service.split('/');
  const destinations = spreadOverVersions(world, { service: world.service(ns, name)!, port: to.port, weight: 100 });
  const http = req.protocol !== 'tcp' && req.protocol !== 'tls';
  const host = req.host ?? 'gateway';
  const result: TrafficResult = {
    ...outcomeOf(destinations, http),
    reason: 'routed by the test',
    dataPlane: gateway.group === 'networking.istio.io' ? 'istio-gateway' : 'gateway-api',
    listener: { kind: 'Gateway', namespace: gateway.namespace, name: gateway.name, port: to.listenerPort ?? 80, protocol: 'HTTP', hostnames: ['*'] },
    route: null,
    destinations,
    redirect: null,
    requestHeaders: http ? { ...req.headers, host } : null,
    ...(http ? { upstreamRequest: { path: req.pathAndQuery, host, method: req.method } } : {}),
    filters: {},
    hops: [],
    notes: [],
  };
  return authorize(world, caller, throughIngressWaypoints(world, caller, result, req), req);
}
