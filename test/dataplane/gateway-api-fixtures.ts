import * as YAML from 'yaml';
import { Mesh, TrafficRequest, TrafficResult } from '../../lib';

/** Objects for the Gateway API engine's tests, as plain data. */

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };
const GW = 'gateway.networking.k8s.io/v1';

export const namespace = (name: string, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

/** A Deployment and its Service (port 8080), the pods labelled `app: <name>` and `version` when given. */
export function backend(ns: string, name: string, options: { version?: string; replicas?: number; service?: string; ports?: number[] } = {}): Obj[] {
  const labels: Record<string, string> = { app: options.service ?? name, ...(options.version ? { version: options.version } : {}) };
  const out: Obj[] = [{
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { replicas: options.replicas ?? 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'echo:1' }] } } },
  }];
  if (options.service === undefined || options.service === name) {
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns },
      spec: { selector: { app: name }, ports: (options.ports ?? [8080]).map(port => ({ name: `http-${port}`, port })) },
    });
  }
  return out;
}

export const gateway = (ns: string, name: string, listeners: unknown[], spec: Record<string, unknown> = {}): Obj =>
  ({ apiVersion: GW, kind: 'Gateway', metadata: { name, namespace: ns }, spec: { gatewayClassName: 'example', listeners, ...spec } });

/** An HTTP listener on port 80 taking routes from every namespace. */
export const httpListener = (extra: Record<string, unknown> = {}) => ({ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } }, ...extra });

export const route = (kind: string, ns: string, name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Obj =>
  ({ apiVersion: kind === 'TCPRoute' || kind === 'TLSRoute' ? 'gateway.networking.k8s.io/v1alpha2' : GW, kind, metadata: { name, namespace: ns, ...metadata }, spec });

export const httpRoute = (ns: string, name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => route('HTTPRoute', ns, name, spec, metadata);

export const referenceGrant = (ns: string, name: string, from: unknown[], to: unknown[]): Obj =>
  ({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name, namespace: ns }, spec: { from, to } });

const PEM = (what: string) => Buffer.from(`-----BEGIN ${what}-----\nMIIB\n-----END ${what}-----\n`).toString('base64');
export const tlsSecret = (ns: string, name: string): Obj =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'kubernetes.io/tls', data: { 'tls.crt': PEM('CERTIFICATE'), 'tls.key': PEM('PRIVATE KEY') } });

/** A rule sending everything to one backend (port 8080). */
export const to = (name: string, extra: Record<string, unknown> = {}) => ({ backendRefs: [{ name, port: 8080 }], ...extra });

/** A Mesh of the objects (nested lists flattened), read as YAML (objects may carry fields `Mesh.fromObjects` refuses, as creationTimestamp). */
export const meshOf = (...objects: Array<Obj | Obj[]>): Mesh => Mesh.fromYaml(objects.flat().map(o => YAML.stringify(o)).join('---\n'));

/** The Deployments that answer (weight > 0, no failure), as `name weight`. */
export function answered(r: TrafficResult): string[] {
  return r.destinations.filter(d => d.unavailable === undefined && d.weight > 0).map(d => `${d.workloads.map(w => w.split('/')[1]).join('+')} ${d.weight}`);
}

/** A request through gateway `infra/gw`. */
export const through = (mesh: Mesh, request: Omit<TrafficRequest, 'gateway'> & { gateway?: string }): TrafficResult => mesh.request({ gateway: 'infra/gw', ...request });
