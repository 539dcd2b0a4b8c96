import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { WorkloadSelector } from './workload-selector';
import { failAt } from '../../core/errors';
import { checkDnsLabel, checkDnsSubdomain } from '../../core/names';
import { emit, namespaceOf } from '../../hosting/cdk8s/emit';

/** The name and namespace of an Istio policy object: its own name (else `defaultName`), the workload's namespace, else the one asked for, else the chart's. */
export function policyIdentity(scope: Construct, props: { name?: string; namespace?: string; workload?: WorkloadSelector }, defaultName: string): {
  name: string; namespace?: string;
} {
  const name = props.name ?? defaultName;
  const namespace = props.workload?._namespace ?? namespaceOf(scope, props.namespace);
  const err = checkDnsSubdomain(props.name === undefined && defaultName === scope.node.id ? 'name (the construct id)' : 'name', name)
    ?? (namespace !== undefined ? checkDnsLabel('namespace', namespace) : undefined);
  if (err) failAt(scope, err);
  return { name, namespace };
}

/** Emits one Istio object (child `Resource`) whose spec is rendered at synth. */
export function emitIstioObject(
  scope: Construct, apiVersion: string, kind: string, name: string, namespace: string | undefined, spec: () => object,
): ApiObject {
  return emit(scope, 'Resource', { apiVersion, kind, name, namespace, body: ['spec'] }, () => ({
    apiVersion, kind, metadata: { name, ...(namespace !== undefined ? { namespace } : {}) }, spec: spec(),
  }));
}
