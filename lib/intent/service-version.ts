import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { MeshNeeds, WorkloadFacts, addMeshNeeds, adoptionProblems, workloadFactsOf } from './existing-workload';
import type { MeshService } from './mesh-service';
import { IRouteTarget } from './route';
import { backendAt } from '../backends/registry';
import { Problem, problemValidation } from '../core/errors';
import { emit } from '../hosting/cdk8s/emit';
import { renderAutoscaler, renderDeployment, renderDisruptionBudget, renderServiceAccount, versionLabels } from '../render/kubernetes';
import { VersionModel } from '../render/model';

/**
 * One version of a {@link MeshService}: a DestinationRule subset, and a Deployment when its pods
 * are deployed by this app. A route target: `RouteAction.forward(reviews.version('v2'))`.
 */
export class ServiceVersion extends Construct implements IRouteTarget {
  /** The subset name. */
  public readonly subset: string;
  /** The value of the `version` label. */
  public readonly label: string;
  /** The Deployment (escape hatch), or undefined for an external version. */
  public readonly deployment?: ApiObject;
  /**
   * The version's own Service `<service>-<version>` (escape hatch): emitted for deployed versions
   * under TrafficApi.GATEWAY_API, where routes name it as a backend.
   */
  public readonly versionService?: ApiObject;
  /** The HorizontalPodAutoscaler (escape hatch), when the version autoscales. */
  public readonly autoscaler?: ApiObject;
  /** The PodDisruptionBudget (escape hatch), when the version has one. */
  public readonly disruptionBudget?: ApiObject;

  /** The version's own ServiceAccount (escape hatch), when it runs under its own identity and is the first to. */
  public readonly serviceAccount?: ApiObject;
  /** The Deployment or StatefulSet made elsewhere that this version's pods come from (`adoptVersion()`). */
  public readonly workload?: ApiObject;
  private facts?: WorkloadFacts;
  private patched = false;

  /** @internal */
  public constructor(public readonly service: MeshService, /** @internal */ public readonly _model: VersionModel,
    options: { ownAccount?: boolean; workload?: ApiObject } = {}) {
    super(service, _model.unversioned ? 'Workload' : _model.name);
    this.subset = _model.name;
    this.label = _model.label;
    if (_model.deployment) {
      const ns = service.namespace;
      const d = _model.deployment;
      const labels = versionLabels(service.model(), _model);
      this.deployment = emit(this, 'Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', name: d.name, namespace: ns, labels: { ...d.labels, ...labels }, body: ['spec'] },
        () => renderDeployment(service.model(), _model));
      if (d.autoscaling) {
        this.autoscaler = emit(this, 'HorizontalPodAutoscaler',
          { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: d.name, namespace: ns, labels, body: ['spec'] },
          () => renderAutoscaler(service.model(), _model));
      }
      if (d.disruptionBudget) {
        this.disruptionBudget = emit(this, 'PodDisruptionBudget',
          { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', name: d.name, namespace: ns, labels, body: ['spec'] },
          () => renderDisruptionBudget(service.model(), _model));
      }
      if (options.ownAccount && d.serviceAccountName) {
        const name = d.serviceAccountName;
        this.serviceAccount = emit(this, 'ServiceAccount',
          { apiVersion: 'v1', kind: 'ServiceAccount', name, namespace: ns, labels: { account: service.app }, body: ['automountServiceAccountToken'] },
          () => renderServiceAccount(service.model(), name));
      }
    }
    this.workload = options.workload;
    // under back-ends whose routes name Services, the version's own Service
    this.versionService = backendAt(this).versionObjects({
      scope: this,
      serviceName: service.name,
      namespace: service.namespace,
      version: _model,
      hasWorkload: this.workload !== undefined,
      annotations: () => service._versionServiceAnnotations(),
      model: () => service.model(),
    }).versionService;
    if (this.workload) this.node.addValidation(problemValidation(this, () => this.adopt()));
  }

  /**
   * What a brought workload says of its pods, read once before mesh-kit adds to it.
   * @internal
   */
  public get _facts(): WorkloadFacts | undefined {
    if (this.workload) this.facts ??= workloadFactsOf(this.workload);
    return this.facts;
  }

  /** @internal */
  public _needs(): MeshNeeds {
    return this.service._meshNeeds(this._model);
  }

  /** Checks a brought workload and, when nothing keeps it, adds what the mesh needs (once). */
  private adopt(): Problem[] {
    const facts = this._facts!;
    const needs = this._needs();
    const field = this._model.unversioned ? 'workload' : `versions.${this.subset}.workload`;
    const problems = adoptionProblems(facts, needs, field);
    if (problems.length === 0 && !this.patched) {
      addMeshNeeds(this.workload!, facts, needs);
      this.patched = true;
    }
    return problems;
  }
}
