import * as fs from 'fs';
import * as path from 'path';
import { CelEngine, JsonSchema, celProblems, withDefaults } from './cel';
import { fail, problem } from '../core/errors';
import { Manifest } from '../render/model';

/** What validating one object found. */
export interface SchemaResult {
  /** Every problem, `<path>: <message>` (unknown fields, wrong types, broken CEL rules). */
  readonly problems: string[];
  /** Kubernetes CEL library functions the evaluator lacks (rules using them were not evaluated). */
  readonly unsupportedCel: string[];
  /** Whether a schema for the object's kind was known. */
  readonly known: boolean;
}

type AjvError = { instancePath: string; message?: string; params: { additionalProperty?: string } };
type Validate = ((o: unknown) => boolean) & { errors?: AjvError[] | null };
type CrdVersionDocument = { name: string; schema?: { openAPIV3Schema: JsonSchema } };
type CrdDocument = { kind?: string; spec?: { group: string; names: { kind: string }; versions: CrdVersionDocument[] } };

/** Loads an optional peer dependency, naming it when it is missing. */
function load<T>(pkg: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(pkg) as T;
  } catch {
    return fail(problem('schemaValidation', `needs the package '${pkg}'`, 'missing',
      'npm install --save-dev ajv yaml kubernetes-models @bufbuild/cel (and @kubernetes-models/istio@2 @kubernetes-models/gateway-api@0.5 for SchemaValidation.fromPackages())'));
  }
}

/** Rejects unknown fields wherever a schema lists properties and does not preserve unknown fields (`kubectl apply`'s strict field validation). */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, strict(pv)])) : strict(v);
  }
  if (out.properties && !out['x-kubernetes-preserve-unknown-fields'] && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

interface CrdVersion { readonly validate: Validate; readonly schema: JsonSchema }

/** A model class of the `kubernetes-models` packages. */
type ModelClass = new (o: unknown) => { validate(): void };

/**
 * Validation of every emitted object at synth, as the API server would with strict field
 * validation: against the OpenAPI v3 schemas of your own CRD files (Istio, Gateway API, Linkerd) —
 * unknown fields are errors, and the CRDs' CEL rules (`x-kubernetes-validations`) are evaluated with
 * `@bufbuild/cel` — and core Kubernetes kinds against the schemas of the `kubernetes-models`
 * package. Problems are reported as Istio's IST0106 (SchemaValidationError) and stop synth.
 *
 * CEL functions of Kubernetes' own library that `@bufbuild/cel` does not have (`isIP`, `url`,
 * `format.dns1123Label`, `quantity`, `isURL`…) are not evaluated: the report lists the ones met.
 * Transition rules (`oldSelf`) do not apply to a create and are skipped.
 *
 * Needs the optional packages `ajv`, `yaml`, `kubernetes-models` and `@bufbuild/cel`.
 */
export class SchemaValidation {
  /**
   * The schemas of your own CRD files (YAML, one or many documents each): the releases of Istio,
   * Gateway API and Linkerd your clusters run.
   */
  public static fromCrdFiles(...files: string[]): SchemaValidation {
    if (files.length === 0) fail(problem('files', 'must name at least one CRD file', []));
    return new SchemaValidation('crds', files);
  }

  /**
   * Without CRD files: the schemas the `@kubernetes-models/istio` (2.x: Istio 1.18's; `v1` objects
   * checked against `v1beta1`'s schema, `telemetry.istio.io/v1` against `v1alpha1`'s) and
   * `@kubernetes-models/gateway-api` (0.5) packages carry. Those models accept unknown fields and
   * carry no CEL rules, and there is none for Linkerd: prefer `fromCrdFiles`. (`@kubernetes-models/istio`
   * 3.x needs Node 22 and ESM.)
   */
  public static fromPackages(): SchemaValidation {
    return new SchemaValidation('packages', []);
  }

  private crds?: Map<string, CrdVersion>;
  private cel?: CelEngine;

  private constructor(private readonly source: 'crds' | 'packages', private readonly files: string[]) {}

  /** What the objects are validated against, for the report. */
  public get description(): string {
    return this.source === 'crds'
      ? `CRD files ${this.files.join(', ')} (strict fields, CEL rules); core kinds: kubernetes-models`
      : 'packages @kubernetes-models/istio, @kubernetes-models/gateway-api, kubernetes-models (no CEL rules, unknown fields accepted)';
  }

  /** Validates one object. */
  public validate(o: Manifest): SchemaResult {
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    const crd = this.source === 'crds' ? this.crdIndex().get(`${group}/${version}/${o.kind}`) : undefined;
    if (crd) {
      // as the API server: defaults first, then the schema and the CEL rules
      const defaulted = withDefaults(crd.schema, o);
      const problems = crd.validate(defaulted) ? [] : (crd.validate.errors ?? []).map(e =>
        `${e.instancePath || '/'}: ${e.message}${e.params.additionalProperty ? `: '${e.params.additionalProperty}'` : ''}`);
      const cel = celProblems(this.celEngine(), crd.schema, defaulted);
      return { problems: [...problems, ...cel.problems], unsupportedCel: cel.unsupported, known: true };
    }
    const found = this.model(group, version, o.kind);
    if (!found) return { problems: [], unsupportedCel: [], known: false };
    try {
      new found.model({ ...o, apiVersion: found.apiVersion }).validate();
      return { problems: [], unsupportedCel: [], known: true };
    } catch (e) {
      return { problems: [(e as Error).message], unsupportedCel: [], known: true };
    }
  }

  private crdIndex(): Map<string, CrdVersion> {
    if (this.crds) return this.crds;
    const Ajv = load<{ default: new (o: object) => { compile(s: unknown): Validate } }>('ajv').default;
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const yaml = load<{ parseAllDocuments(text: string): Array<{ toJS(): unknown }> }>('yaml');
    const index = new Map<string, CrdVersion>();
    for (const file of this.files) {
      let docs: unknown[];
      try {
        docs = yaml.parseAllDocuments(fs.readFileSync(path.resolve(file), 'utf8')).map(d => d.toJS());
      } catch (e) {
        return fail(problem('schemaValidation', 'must name readable CRD files', file, (e as Error).message));
      }
      for (const doc of docs as CrdDocument[]) {
        if (doc?.kind !== 'CustomResourceDefinition' || !doc.spec) continue;
        for (const v of doc.spec.versions) {
          const root = v.schema?.openAPIV3Schema;
          if (!root) continue;
          // apiVersion, kind and metadata are the API server's own: strict below the root only
          const schema = { ...root, properties: Object.fromEntries(Object.entries(root.properties ?? {}).map(([k, p]) => [k, strict(p)])) };
          index.set(`${doc.spec.group}/${v.name}/${doc.spec.names.kind}`, { validate: ajv.compile(schema), schema: root });
        }
      }
    }
    this.crds = index;
    return index;
  }

  private celEngine(): CelEngine {
    if (!this.cel) {
      type Bindings = { [name: string]: unknown };
      const cel = load<{
        celEnv(o: { funcs: unknown[] }): unknown;
        parse(expr: string): unknown;
        plan(env: unknown, expr: unknown): (b: Bindings) => unknown;
        celError(e: unknown): unknown;
        isCelError(v: unknown): boolean;
      }>('@bufbuild/cel');
      const ext = load<{ strings?: unknown[] }>('@bufbuild/cel/ext');
      const env = cel.celEnv({ funcs: [...(ext.strings ?? [])] });
      const programs = new Map<string, (b: Bindings) => unknown>();
      this.cel = {
        isCelError: cel.isCelError,
        program: expr => {
          let p = programs.get(expr);
          if (!p) {
            try {
              const planned = cel.plan(env, cel.parse(expr));
              p = b => {
                try {
                  return planned(b);
                } catch (e) {
                  return cel.celError(e);
                }
              };
            } catch (e) {
              const err = cel.celError(e);
              p = () => err;
            }
            programs.set(expr, p);
          }
          return p;
        },
      };
    }
    return this.cel;
  }

  /** The kubernetes-models class of a kind, if any package carries it. */
  private model(group: string, version: string, kind: string): { model: ModelClass; apiVersion: string } | undefined {
    const candidates: Array<[string, string]> = [];
    if (group === '' || !group.includes('.') || (group.endsWith('.k8s.io') && !group.startsWith('gateway.'))) {
      candidates.push([`kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`, group ? `${group}/${version}` : version]);
    }
    if (this.source === 'packages') {
      if (group.endsWith('.istio.io')) {
        // the package's Istio (1.18) predates v1 of networking and telemetry: the same schemas under older versions
        const v = group === 'networking.istio.io' && version === 'v1' ? 'v1beta1' : group === 'telemetry.istio.io' && version === 'v1' ? 'v1alpha1' : version;
        candidates.push([`@kubernetes-models/istio/${group}/${v}/${kind}`, `${group}/${v}`]);
      }
      if (group.startsWith('gateway.networking')) candidates.push([`@kubernetes-models/gateway-api/${group}/${version}/${kind}`, `${group}/${version}`]);
    }
    for (const [c, apiVersion] of candidates) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(c) as { [k: string]: ModelClass };
        if (mod[kind]) return { model: mod[kind], apiVersion };
      } catch {
        // no such model in the package
      }
    }
    return undefined;
  }
}
