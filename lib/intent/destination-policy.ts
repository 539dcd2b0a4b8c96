import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IMeshNamespace } from './mesh-namespace';
import { IMeshService } from './route';
import { TrafficPolicy, trafficPolicyModelOf } from './traffic-policy';
import { backendAt, failIfNotIstio } from '../backends/registry';
import { Problem, failAt, problem, problemValidation } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel, checkDnsSubdomain, checkExportTo, checkLabels } from '../core/names';
import { emit, istioNetworking, namespaceOf, renderContextOf } from '../hosting/cdk8s/emit';
import { BackendTlsModel, renderBackendTlsPolicy } from '../render/gateway-api';
import { hostOf } from '../render/hosts';
import { renderDestinationRuleOf } from '../render/istio';
import { DestinationRuleModel, TrafficPolicyModel } from '../render/model';
import { destinationRuleLocalityProblems } from '../validation/locality';

/** One subset of a {@link DestinationPolicy}: pods of the service carrying some labels. */
export interface DestinationSubset {
  /** The subset name: a version of the service, as routes name it. */
  readonly name: string;
  /**
   * The labels of the subset's pods; `{}` writes none: the subset is every endpoint of the host, there to carry a
   * traffic policy that routes name (Istio's egress-gateway task: `subsets: [{ name: cnn }]`; a subset's labels are
   * optional, istio/istio pkg/config/validation/validation.go validateSubset).
   * @default - `version: <name>`; none for a ServiceEntry's host (its endpoints carry no version label)
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
   * The subsets: versions of the service; for a ServiceEntry's host (no versions), any name, routed to with
   * `entry.version(name)`.
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
 * Under TrafficApi.GATEWAY_API it expresses TLS to the backend only: `ClientTls.simple({ sni })` (for the service or per
 * port) becomes a BackendTLSPolicy verifying the name with the system's CAs; the other DestinationRule settings have no
 * Gateway API equivalent and are refused.
 *
 * @example
 * const reviews = MeshService.fromAttributes({ name: 'reviews', namespace: 'bookinfo', ports: [{ port: 9080 }], versions: ['v1', 'v2'] });
 * new DestinationPolicy(chart, 'reviews', { service: reviews, trafficPolicy: { ports: [{ port: 9080, loadBalancer: LoadBalancer.roundRobin() }] } });
 */
export class DestinationPolicy extends Construct {
  /** The DestinationRule (escape hatch); none under TrafficApi.GATEWAY_API. */
  public readonly destinationRule?: ApiObject;
  /** The BackendTLSPolicy under TrafficApi.GATEWAY_API (escape hatch). */
  public readonly backendTlsPolicy?: ApiObject;

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
      // an external host has no versions: its subsets are what this rule declares (Istio's TLS origination by subset)
      if (!svc.external && !versions.includes(s.name)) {
        failAt(this, problem(`subsets[${i}].name`, `must be a version of service '${svc.name}', so that routes can name it`, s.name,
          versions.length > 0 ? `its versions are ${versions.map(v => `'${v}'`).join(', ')}` : 'import the service with its versions (MeshService.fromAttributes({ versions }))'));
      }
    });
    const nameErr = checkDnsSubdomain(props.name === undefined ? 'name (the service\'s name)' : 'name', name)
      ?? (props.exportTo ? checkExportTo('exportTo', props.exportTo) : undefined);
    if (nameErr) failAt(this, nameErr);
    const policy = props.trafficPolicy ? trafficPolicyModelOf(props.trafficPolicy) : undefined;
    if (backendAt(this).destinationPolicyKind === 'BackendTLSPolicy') {
      this.backendTlsPolicy = this.backendTls(props, name, namespace, policy);
      return;
    }
    const servicePorts = svc.ports.map(p => p.port);
    for (const p of props.trafficPolicy?.ports ?? []) {
      if (!servicePorts.includes(p.port)) {
        failAt(this, problem('trafficPolicy.ports.port', `must be a port of service '${svc.name}'`, p.port, `its ports are ${servicePorts.join(', ')}`));
      }
    }
    const model: DestinationRuleModel = {
      name,
      namespace,
      // fully qualified from another namespace, or everywhere with HostNames.FULLY_QUALIFIED
      host: hostOf(svc, namespace, renderContextOf(this).clusterDomain, renderContextOf(this).qualifiedHosts),
      subsets: subsets.map(s => ({
        name: s.name,
        // an external host's endpoints carry no version label: its subsets select every endpoint unless told
        labels: { ...(s.labels ?? (svc.external ? {} : { version: s.name })) },
        trafficPolicy: s.trafficPolicy ? trafficPolicyModelOf(s.trafficPolicy) : undefined,
      })),
      trafficPolicy: policy,
      // Istio's mutual TLS is for the mesh's own workloads: an external host gets the TLS it is given (ClientTls.simple…)
      istioMutualByDefault: props.trafficPolicy?.tls === undefined && !svc.external,
      exportTo: props.exportTo,
    };
    // a locality failover without outlier detection never fails over
    this.node.addValidation(problemValidation(this, () => destinationRuleLocalityProblems(model)));
    this.destinationRule = emit(this, 'DestinationRule', { apiVersion: istioNetworking(this), kind: 'DestinationRule', name, namespace, body: ['spec'] },
      () => renderDestinationRuleOf(model, renderContextOf(this)));
  }

  /** The Gateway API's share of the policy: SIMPLE TLS to the service or its ports, as a BackendTLSPolicy. */
  private backendTls(props: DestinationPolicyProps, name: string, namespace: string | undefined, policy: TrafficPolicyModel | undefined): ApiObject {
    const svc = props.service;
    const cannot = 'cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API)';
    const fix = 'remove it, or render this chart with TrafficApi.ISTIO';
    const settings = (p: Omit<TrafficPolicyModel, 'portLevelSettings'>) => (['loadBalancer', 'connectionPool', 'outlierDetection'] as const).filter(k => p[k] !== undefined);
    const problems: Problem[] = [];
    if (svc.external) problems.push(problem('service', `${cannot}: an external host is an Istio ServiceEntry`, svc.name, fix));
    if (props.subsets) problems.push(problem('subsets', `${cannot}: versions are Services of their own under the Gateway API`, props.subsets.map(s => s.name), fix));
    if (props.exportTo) problems.push(problem('exportTo', `${cannot}: it is a DestinationRule setting`, props.exportTo, fix));
    const tlsOf = (field: string, whole: Omit<TrafficPolicyModel, 'portLevelSettings'>) => {
      // locality load balancing is refused by its own name (it lives in the load balancer's model)
      const { localityLbSetting, zoneAwareLbSetting, ...lb } = whole.loadBalancer ?? {};
      if (localityLbSetting || zoneAwareLbSetting) {
        problems.push(problem(`${field}.locality`, `${cannot}: locality load balancing is a DestinationRule setting, which a BackendTLSPolicy is not`, 'LocalityLoadBalancing', fix));
      }
      const p = { ...whole, loadBalancer: Object.values(lb).some(v => v !== undefined) ? lb : undefined };
      problems.push(...settings(p).map(k => problem(`${field}.${k}`, `${cannot}: it is a DestinationRule setting`, k, fix)));
      if (!p.tls) return undefined;
      if (p.tls.mode !== 'SIMPLE') {
        problems.push(problem(`${field}.tls`, `${cannot}: a BackendTLSPolicy originates SIMPLE TLS (the mesh's own mutual TLS needs no policy)`, p.tls.mode,
          'use ClientTls.simple({ sni }), or leave TLS to the mesh'));
      }
      for (const k of ['caCertificates', 'credentialName'] as const) {
        if (p.tls[k] !== undefined) {
          problems.push(problem(`${field}.tls.${k}`, `${cannot}: a BackendTLSPolicy verifies with CA ConfigMaps or the system's CAs, not Istio's files or Secrets`, p.tls[k],
            'leave it out to verify with the system\'s CAs, or render this chart with TrafficApi.ISTIO'));
        }
      }
      return p.tls;
    };
    const whole = policy ? tlsOf('trafficPolicy', policy) : undefined;
    const ports = (policy?.portLevelSettings ?? []).map(p => ({ port: p.port.number, tls: tlsOf(`trafficPolicy.ports[${p.port.number}]`, p) })).filter(p => p.tls);
    if (!whole && ports.length === 0) {
      problems.push(problem('trafficPolicy.tls', 'must be ClientTls.simple(...) under the Gateway API back-end: TLS to the backend is all a BackendTLSPolicy says', 'none',
        'give the service or a port ClientTls.simple({ sni }), or render this chart with TrafficApi.ISTIO'));
    }
    const snis = [...new Set([whole, ...ports.map(p => p.tls)].map(t => t?.sni).filter(s => s !== undefined))];
    if (snis.length > 1) problems.push(problem('trafficPolicy.tls.sni', `${cannot} per port: a BackendTLSPolicy verifies one name`, snis, 'use one SNI'));
    if (problems.length > 0) failAt(this, problems.join('\n'));
    const portName = (n: number) => {
      const p = svc.ports.find(x => x.port === n)!;
      return p.name ?? p.protocol ?? 'http';
    };
    // the policy targets the Service: it lives in the Service's namespace
    const ns = svc.namespace ?? namespace;
    const model: BackendTlsModel = {
      name,
      namespace: ns,
      service: svc.name,
      ports: whole ? [] : ports.map(p => portName(p.port)),
      hostname: snis[0] ?? `${svc.name}.${ns ?? 'default'}.svc.${renderContextOf(this).clusterDomain}`,
    };
    return emit(this, 'BackendTLSPolicy', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', name, namespace: ns, body: ['spec'] },
      () => renderBackendTlsPolicy(model));
  }
}
