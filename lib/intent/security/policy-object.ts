import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { WorkloadSelector } from './workload-selector';
import { failAt } from '../../core/errors';
import { checkDnsLabel, checkDnsSubdomain } from '../../core/names';
import { emit, namespaceOf } from '../../hosting/cdk8s/emit';
import { Manifest } from '../../render/model';

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

/** Emits one Istio policy object (child `Resource`), rendered at synth by `render`. */
export function emitPolicy(scope: Construct, identity: { apiVersion: string; kind: string; name: string; namespace?: string },
  render: () => Manifest): ApiObject {
  return emit(scope, 'Resource', { ...identity, body: ['spec'] }, render);
}
