import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IMeshNamespace } from './mesh-namespace';
import { IMeshService } from './route';
import { TrafficPolicy, trafficPolicyModelOf } from './traffic-policy';
import { failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel, checkDnsSubdomain, checkExportTo, checkLabels } from '../core/names';
import { emit, failIfNotIstio, istioNetworking, namespaceOf, renderContextOf } from '../hosting/cdk8s/emit';
import { renderDestinationRuleOf } from '../render/istio';
import { DestinationRuleModel } from '../render/model';

/** One subset of a {@link DestinationPolicy}: pods of the service carrying some labels. */
export interface DestinationSubset {
  /** The subset name: a version of the service, as routes name it. */
  readonly name: string;
  /**
   * The labels of the subset's pods.
   * @default - `version: <name>`
   */
  readonly labels?: { [key: string]: string };
  /**
   * The subset's own traffic policy.
   * @default - the service's
   */
  readonly trafficPolicy?: TrafficPolicy;
}

/** Props of a {@link DestinationPolicy}. */
export interface DestinationPolicyProps {
  /**
   * The service, deployed elsewhere (another chart, Helm, another team): `MeshService.fromAttributes({ name, namespace,
   * ports, versions })`. Routes target it and its versions with the same checks as a service declared here.
   */
  readonly service: IMeshService;
  /**
   * The subsets.
   * @default - one per version of the service, each selecting `version: <name>`
   */
  readonly subsets?: DestinationSubset[];
  /**
   * The service's traffic policy; `ports` sets single ports' (Istio's `portLevelSettings`).
   * @default - `tls: ISTIO_MUTUAL` (secure by default; `tls: ClientTls.auto()` writes nothing)
   */
  readonly trafficPolicy?: TrafficPolicy;
  /**
   * The DestinationRule's name.
   * @default - the service's name
   */
  readonly name?: string;

  /**
   * The namespace of the DestinationRule: the service's applies to every client of the mesh; a client's namespace to
   * that namespace's clients only.
   * @default - the service's namespace, else the chart's
   */
  readonly namespace?: IMeshNamespace;

  /**
   * The namespaces whose callers the DestinationRule applies to: `['.']` for its own only, namespace names, `['*']` for all.
   * @default - not written: Istio's default, every namespace — a service's traffic policy must reach its callers wherever they run
   */
  readonly exportTo?: string[];
}

/**
 * A DestinationRule for a Service this app does not deploy: subsets by label and traffic policies (per port too),
 * without deploying anything. In the service's namespace unless told otherwise (the host is then its full name).
 *
 * @example
 * const reviews = MeshService.fromAttributes({ name: 'reviews', namespace: 'bookinfo', ports: [{ port: 9080 }], versions: ['v1', 'v2'] });
 * new DestinationPolicy(chart, 'reviews', { service: reviews, trafficPolicy: { ports: [{ port: 9080, loadBalancer: LoadBalancer.roundRobin() }] } });
 */
export class DestinationPolicy extends Construct {
  /** The DestinationRule (escape hatch). */
  public readonly destinationRule: ApiObject;

  public constructor(scope: Construct, id: string, props: DestinationPolicyProps) {
    super(...constructArgs('DestinationPolicy', [scope, id, props]));
    failIfNotIstio(this, 'DestinationPolicy', 'Linkerd has no DestinationRule: route to the Service with ServiceRouting');
    const svc = props.service;
    const name = props.name ?? svc.name;
    const namespace = props.namespace?.name ?? svc.namespace ?? namespaceOf(this, undefined);
    if (svc.namespace === undefined && props.namespace !== undefined) {
      failAt(this, problem('namespace', 'must be the namespace of the service when the service\'s namespace is not known', props.namespace.name,
        `give service '${svc.name}' a namespace (MeshService.fromAttributes({ namespace })) so that the rule can name it fully qualified, or leave out 'namespace'`));
    }
    const versions = svc.versionNames;
    const subsets: DestinationSubset[] = props.subsets ?? versions.map(v => ({ name: v }));
    const seen = new Set<string>();
    subsets.forEach((s, i) => {
      const err = checkDnsLabel(`subsets[${i}].name`, s.name)
        ?? (s.labels ? checkLabels(`subsets[${i}].labels`, s.labels) : undefined);
      if (err) failAt(this, err);
      if (seen.has(s.name)) failAt(this, problem(`subsets[${i}].name`, 'must be unique', s.name));
      seen.add(s.name);
      if (!versions.includes(s.name)) {
        failAt(this, problem(`subsets[${i}].name`, `must be a version of service '${svc.name}', so that routes can name it`, s.name,
          versions.length > 0 ? `its versions are ${versions.map(v => `'${v}'`).join(', ')}` : 'import the service with its versions (MeshService.fromAttributes({ versions }))'));
      }
      if (s.labels !== undefined && Object.keys(s.labels).length === 0) failAt(this, problem(`subsets[${i}].labels`, 'must hold at least one label', {}));
    });
    const nameErr = checkDnsSubdomain(props.name === undefined ? 'name (the service\'s name)' : 'name', name)
      ?? (props.exportTo ? checkExportTo('exportTo', props.exportTo) : undefined);
    if (nameErr) failAt(this, nameErr);
    const policy = props.trafficPolicy ? trafficPolicyModelOf(props.trafficPolicy) : undefined;
    const servicePorts = svc.ports.map(p => p.port);
    for (const p of props.trafficPolicy?.ports ?? []) {
      if (!servicePorts.includes(p.port)) {
        failAt(this, problem('trafficPolicy.ports.port', `must be a port of service '${svc.name}'`, p.port, `its ports are ${servicePorts.join(', ')}`));
      }
    }
    const model: DestinationRuleModel = {
      name,
      namespace,
      host: !svc.external && svc.namespace !== undefined && svc.namespace !== namespace ? `${svc.name}.${svc.namespace}.svc.cluster.local` : svc.name,
      subsets: subsets.map(s => ({
        name: s.name,
        labels: { ...(s.labels ?? { version: s.name }) },
        trafficPolicy: s.trafficPolicy ? trafficPolicyModelOf(s.trafficPolicy) : undefined,
      })),
      trafficPolicy: policy,
      // Istio's mutual TLS is for the mesh's own workloads: an external host gets the TLS it is given (ClientTls.simple…)
      istioMutualByDefault: props.trafficPolicy?.tls === undefined && !svc.external,
      exportTo: props.exportTo,
    };
    this.destinationRule = emit(this, 'DestinationRule', { apiVersion: istioNetworking(this), kind: 'DestinationRule', name, namespace, body: ['spec'] },
      () => renderDestinationRuleOf(model, renderContextOf(this)));
  }
}
