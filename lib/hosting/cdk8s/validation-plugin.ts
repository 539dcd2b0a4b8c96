import { ANALYZERS } from '../../analysis/codes';
import { analyzeManifests } from '../../analysis/files';
import { AnalysisExternals, FindingLevel } from '../../analysis/model';
import { findingText, levelNamed } from '../../analysis/report';
import { fail, problem } from '../../core/errors';

/**
 * Properties of {@link MeshKitValidation}, as `cdk8s.yaml` gives them (`validations[].properties`).
 */
export interface MeshKitValidationProperties {
  /**
   * `partial`: the app's manifests are part of a mesh (what they reference may exist elsewhere when `externals` says
   * so); `closed`: they are the whole world, as `istioctl analyze --use-kube=false` reads files.
   * @default 'partial'
   */
  readonly world?: string;
  /**
   * What exists outside the app (partial world): `namespaces`, `services` / `gateways` / `secrets` as `namespace/name`, `hosts`.
   * @default - nothing
   */
  readonly externals?: AnalysisExternals;
  /**
   * The lowest level that fails validation: `error`, `warning` or `info`.
   * @default 'error'
   */
  readonly failOn?: string;
  /**
   * Suppression rules, `CODE=Kind [namespace/]name` (`*` matches anything).
   * @default - none
   */
  readonly suppress?: string[];
  /**
   * CRD files (paths relative to where `cdk8s synth` runs) to validate the objects against, instead of the pinned schemas:
   * IST0106 on any problem.
   * @default - the pinned Istio, Gateway API and Linkerd schemas mesh-kit carries
   */
  readonly crds?: string[];
  /**
   * Validate the objects against the pinned schemas (when no `crds` are given).
   * @default true
   */
  readonly schemas?: boolean;
  /**
   * The Istio mesh config (`rootNamespace`, `defaultProviders`...).
   * @default - Istio's defaults
   */
  readonly meshConfig?: { readonly [key: string]: unknown };
}

/** The part of cdk8s-cli's `ValidationContext` the plugin uses (cdk8s-cli is not a runtime dependency). */
export interface MeshKitValidationContext {
  /** Paths of the synthesized manifests. */
  readonly manifests: readonly string[];
  /** The report the plugin fills. */
  readonly report: MeshKitValidationReport;
  /** What else cdk8s-cli passes (its package name, version, construct metadata, logger): read by no one here. */
  readonly [key: string]: unknown;
}

/** The part of cdk8s-cli's validation report a {@link MeshKitValidation} fills. */
export interface MeshKitValidationReport {
  /** Adds one violation: a rule, the fix, the resources that break it. */
  addViolation(violation: {
    readonly ruleName: string;
    readonly recommendation: string;
    readonly fix: string;
    readonly violatingResources: ReadonlyArray<{
      readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string;
    }>;
  }): void;
  /** Ends the report: success or failure, with metadata. */
  submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  /** What else cdk8s-cli's report holds (its violations so far, package, version…): read by no one here. */
  readonly [key: string]: unknown;
}

/**
 * The mesh-kit analysis (Istio's analyzer checks, Kiali's consistency checks, optional schema validation) as a
 * cdk8s validation plugin: any cdk8s app, a plain `App` as well as a `MeshApp`, gets it through
 * `cdk8s synth --validate`. In `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: '@mesh-kit/core'
 *     version: 0.1.0
 *     class: MeshKitValidation
 *     properties: { failOn: warning, externals: { secrets: [istio-system/shop-cert] } }
 * ```
 *
 * Each finding is a violation: the rule is its code and name, the recommendation the check, the fix its message;
 * cdk8s adds the construct path of the resource from its construct metadata.
 */
export class MeshKitValidation {
  private readonly props: MeshKitValidationProperties;

  public constructor(props: MeshKitValidationProperties = {}) {
    const p = (props ?? {}) as { [k: string]: unknown };
    const known = ['world', 'externals', 'failOn', 'suppress', 'crds', 'schemas', 'meshConfig'];
    for (const k of Object.keys(p)) {
      if (!known.includes(k)) fail(problem(`properties.${k}`, 'is not a property of MeshKitValidation', k, `the properties are ${known.join(', ')}`));
    }
    if (p.world !== undefined && p.world !== 'partial' && p.world !== 'closed') fail(problem('properties.world', 'must be \'partial\' or \'closed\'', p.world as string));
    if (p.failOn !== undefined && levelNamed(p.failOn) === undefined) fail(problem('properties.failOn', 'must be \'error\', \'warning\' or \'info\'', p.failOn as string));
    if (p.schemas !== undefined && typeof p.schemas !== 'boolean') fail(problem('properties.schemas', 'must be true or false', p.schemas as string));
    for (const k of ['suppress', 'crds']) {
      if (p[k] !== undefined && (!Array.isArray(p[k]) || !(p[k] as unknown[]).every(x => typeof x === 'string'))) fail(problem(`properties.${k}`, 'must be a list of strings', String(p[k])));
    }
    if (p.externals !== undefined) {
      const e = p.externals as { [k: string]: unknown };
      for (const [k, v] of Object.entries(e ?? {})) {
        if (!['namespaces', 'services', 'hosts', 'gateways', 'secrets', 'workloads'].includes(k)) {
          fail(problem(`properties.externals.${k}`, 'is not a kind of external', k, 'use namespaces, services, hosts, gateways, secrets or workloads'));
        }
        if (!Array.isArray(v) || !v.every(x => typeof x === 'string')) fail(problem(`properties.externals.${k}`, 'must be a list of strings', String(v)));
      }
    }
    this.props = props ?? {};
  }

  /** Analyzes the synthesized manifests and fills the report (cdk8s-cli's `Validation.validate`). */
  public async validate(context: MeshKitValidationContext): Promise<void> {
    const { report, objects } = analyzeManifests(context.manifests, {
      world: this.props.world === 'closed' ? 'closed' : 'partial',
      externals: this.props.externals,
      crds: this.props.crds,
      schemas: this.props.schemas,
      suppress: this.props.suppress,
      meshConfig: this.props.meshConfig,
    });
    const descriptions = new Map(ANALYZERS.map(a => [`${a.analyzer}|${a.code}`, a.description]));
    for (const f of report.findings) {
      const o = objects.find(x => `${x.manifest.kind} ${x.manifest.metadata.namespace ? `${x.manifest.metadata.namespace}/` : ''}${x.manifest.metadata.name}` === f.object && x.file === f.file);
      context.report.addViolation({
        ruleName: `${f.code} ${f.name} (${f.level})`,
        recommendation: descriptions.get(`${f.analyzer}|${f.code}`) ?? f.name,
        fix: findingText(f),
        violatingResources: [{ resourceName: o?.manifest.metadata.name ?? f.object, manifestPath: f.file, locations: [f.line !== undefined ? `line ${f.line}` : f.object] }],
      });
    }
    const failing = report.reaching(levelNamed(this.props.failOn) ?? FindingLevel.ERROR);
    context.report.submit(failing.length > 0 ? 'failure' : 'success', {
      objects: String(objects.length),
      errors: String(report.at(FindingLevel.ERROR).length),
      warnings: String(report.at(FindingLevel.WARNING).length),
      info: String(report.at(FindingLevel.INFO).length),
      suppressed: String(report.suppressed.length),
    });
  }
}
