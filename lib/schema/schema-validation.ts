import * as fs from 'fs';
import * as path from 'path';
import { apiRuleProblems } from './api-rules';
import { CelEngine, JsonSchema, celProblems, toCel, withDefaults } from './cel';
import { CEL, CompiledRule, celError } from './cel-runtime';
import { GENERATED_VALIDATORS, coreProblems, knowsCoreKind } from './core-shapes';
import { FORMATS, FormatDefinition, formatCheck, formatDescription, withApiFormats } from './formats';
import { fail, problem, showValue } from '../core/errors';
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

type AjvError = {
  instancePath: string;
  keyword?: string;
  message?: string;
  params: { additionalProperty?: string; format?: string; allowedValues?: unknown[] };
};
type Validate = ((o: unknown) => boolean) & { errors?: AjvError[] | null };
type CrdVersionDocument = { name: string; schema?: { openAPIV3Schema: JsonSchema } };
type CrdDocument = { kind?: string; spec?: { group: string; names: { kind: string }; versions: CrdVersionDocument[] } };

/** The value at a JSON pointer of ajv's (`/spec/addresses/0/value`), undefined when there is none. */
function valueAt(o: unknown, pointer: string): unknown {
  let v = o;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = (v as { [k: string]: unknown })[key];
  }
  return v;
}

/**
 * One problem ajv found, as `<path>: <message>` (an enumeration lists the values it allows and the value). A format the value breaks names what the value must be, the value and
 * the API server's check (kube-openapi strfmt, or IsValueValidAgainstRange for int32/int64/float).
 */
function schemaProblem(e: AjvError, o: unknown): string {
  const at = e.instancePath || '/';
  if (e.keyword === 'format' && e.params.format !== undefined) {
    const f = e.params.format;
    return `${at}: must be ${formatDescription(f)} (format '${f}'): got ${showValue(valueAt(o, e.instancePath))} (API server: ${formatCheck(f)})`;
  }
  // an enumeration: the values it allows, and the one written
  if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
    return `${at}: must be one of ${e.params.allowedValues.map(showValue).join(', ')}: got ${showValue(valueAt(o, e.instancePath))}`;
  }
  return `${at}: ${e.message}${e.params.additionalProperty ? `: '${e.params.additionalProperty}'` : ''}`;
}

/** Loads a dependency (an optional one for `fromPackages()`), naming it when it is missing. */
function load<T>(pkg: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(pkg) as T;
  } catch {
    return fail(problem('schemaValidation', `needs the package '${pkg}'`, 'missing',
      'npm install --save-dev @kubernetes-models/istio@2 @kubernetes-models/gateway-api@0.5 for SchemaValidation.fromPackages(), or use SchemaValidation.pinned()'));
  }
}

const JUNCTORS = new Set(['oneOf', 'anyOf', 'allOf', 'not']);

/** Rejects unknown fields wherever a schema lists properties and does not preserve unknown fields (`kubectl apply`'s strict field validation). */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(schema)) {
    // the branches of oneOf / anyOf / allOf / not validate values only: which fields are known is the structural
    // schema's (apiextensions' structural schema rules), so a branch listing some properties refuses no other field
    out[k] = JUNCTORS.has(k) ? v : k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, strict(pv)])) : strict(v);
  }
  if (out.properties && !out['x-kubernetes-preserve-unknown-fields'] && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

interface CrdVersion { readonly validate: Validate; readonly schema: JsonSchema }

/** `@bufbuild/cel`, for CEL rules not compiled at build time: each rule parsed and planned once. */
function celFallback(): (rule: string, schema: JsonSchema, value: unknown) => { value: unknown } | { error: string } {
  type Bindings = { [name: string]: unknown };
  const cel = load<{
    celEnv(o: { funcs: unknown[] }): unknown;
    parse(expr: string): unknown;
    plan(env: unknown, expr: unknown): (b: Bindings) => unknown;
    isCelError(v: unknown): boolean;
  }>('@bufbuild/cel');
  const ext = load<{ strings?: unknown[] }>('@bufbuild/cel/ext');
  const env = cel.celEnv({ funcs: [...(ext.strings ?? [])] });
  const programs = new Map<string, ((b: Bindings) => unknown) | { error: string }>();
  const message = (e: unknown): string => String((e as { message?: string })?.message ?? e);
  return (rule, schema, value) => {
    let p = programs.get(rule);
    if (!p) {
      try {
        p = cel.plan(env, cel.parse(rule));
      } catch (e) {
        p = { error: message(e) };
      }
      programs.set(rule, p);
    }
    if (typeof p !== 'function') return p;
    try {
      const result = p({ self: toCel(schema, value) });
      return cel.isCelError(result) ? { error: message(result) } : { value: result };
    } catch (e) {
      return { error: message(e) };
    }
  };
}

/** A model class of the `kubernetes-models` packages. */
type ModelClass = new (o: unknown) => { validate(): void };

/**
 * What a generated validator module (`generated/validators/<kind>-<hash>.js`) exports: a function of the formats'
 * checks that returns the validator, and the walk of defaults, CEL rules and list types.
 */
type GeneratedModule = ((formats: { readonly [name: string]: FormatDefinition }) => Validate) & { walk: JsonSchema };

/** The index of the generated validators: `group/version/Kind` → module file. */
interface GeneratedIndex { readonly crds: { readonly [key: string]: string } }

let generatedIndex: GeneratedIndex | undefined;
const generatedModules = new Map<string, CrdVersion>();

/** The generated validator of a CRD kind and version, loaded the first time an object of it is met. */
function pinnedCrd(key: string): CrdVersion | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  generatedIndex ??= require(path.join(GENERATED_VALIDATORS, 'index.json')) as GeneratedIndex;
  const file = generatedIndex.crds[key];
  if (file === undefined) return undefined;
  let found = generatedModules.get(file);
  if (!found) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(GENERATED_VALIDATORS, file)) as GeneratedModule;
    found = { validate: mod(FORMATS), schema: mod.walk };
    generatedModules.set(file, found);
  }
  return found;
}

/**
 * Validation of every emitted object at synth, as the API server would with strict field validation:
 * unknown fields are errors, and the CRDs' CEL rules (`x-kubernetes-validations`) are evaluated with
 * `@bufbuild/cel`. Problems are reported as Istio's IST0106 (SchemaValidationError) and stop synth.
 *
 * On by default with {@link SchemaValidation.pinned}: the schemas of the Istio, Gateway API and Linkerd
 * releases mesh-kit targets, generated into the package at build time. Core Kubernetes kinds are
 * checked against their shapes, generated from the `kubernetes-models` declarations: unknown
 * fields, types, enumerations and required fields.
 *
 * CEL functions of Kubernetes' own library that `@bufbuild/cel` does not have (`isIP`, `url`,
 * `format.dns1123Label`, `quantity`, `isURL`…) are not evaluated: the report lists the ones met.
 * Transition rules (`oldSelf`) do not apply to a create and are skipped.
 */
export class SchemaValidation {
  /**
   * The schemas of the releases mesh-kit targets, generated into the package from the pinned CRDs
   * (Istio, Gateway API v1.6.0 experimental channel, Linkerd edge-26.8.3): the default.
   */
  public static pinned(): SchemaValidation {
    return new SchemaValidation('pinned', []);
  }

  /**
   * The schemas of your own CRD files (YAML, one or many documents each): the releases of Istio,
   * Gateway API and Linkerd your clusters run. They replace the pinned schemas (a kind your files
   * do not define is not validated).
   */
  public static fromCrdFiles(...files: string[]): SchemaValidation {
    if (files.length === 0) fail(problem('files', 'must name at least one CRD file', []));
    for (const f of files) {
      if (typeof f !== 'string' || f === '') fail(problem('files', 'must be paths of CRD files', f as unknown));
    }
    return new SchemaValidation('crds', files);
  }

  /**
   * Without CRD files: the schemas the `@kubernetes-models/istio` (2.x: Istio 1.18's; `v1` objects
   * checked against `v1beta1`'s schema, `telemetry.istio.io/v1` against `v1alpha1`'s) and
   * `@kubernetes-models/gateway-api` (0.5) packages carry (optional packages you install). Those models
   * accept unknown fields and carry no CEL rules, and there is none for Linkerd: prefer `pinned()`.
   */
  public static fromPackages(): SchemaValidation {
    return new SchemaValidation('packages', []);
  }

  /** No schema validation at all (the Istio checks of the analysis still run). */
  public static off(): SchemaValidation {
    return new SchemaValidation('off', []);
  }

  private crds?: Map<string, CrdVersion>;
  private cel?: CelEngine;

  private constructor(private readonly source: 'pinned' | 'crds' | 'packages' | 'off', private readonly files: string[]) {}

  /** Whether objects are validated at all. */
  public get enabled(): boolean {
    return this.source !== 'off';
  }

  /** What the objects are validated against, for the report. */
  public get description(): string {
    switch (this.source) {
      case 'pinned': return 'the pinned schemas generated into mesh-kit (Istio, Gateway API v1.6.0, Linkerd; strict fields, CEL rules, list and format rules); core kinds: their kubernetes-models shapes, strict fields; Kubernetes\', Istio\'s webhook and Linkerd\'s admission rules';
      case 'crds': return `CRD files ${this.files.join(', ')} (strict fields, CEL rules, list and format rules); core kinds: their kubernetes-models shapes, strict fields; Kubernetes', Istio's webhook and Linkerd's admission rules`;
      case 'packages': return 'packages @kubernetes-models/istio, @kubernetes-models/gateway-api, kubernetes-models (no CEL rules, unknown fields accepted)';
      default: return 'off';
    }
  }

  /**
   * Validates one object; `variant` names another release of its API the object's chart targets (`gateway-api-v1.2.1`:
   * what Linkerd 2.20 reads), used where the pinned schemas hold it.
   */
  public validate(o: Manifest, variant?: string): SchemaResult {
    if (this.source === 'off') return { problems: [], unsupportedCel: [], known: false };
    const result = this.validateSchema(o, variant);
    // what the API server and Istio's webhook refuse beyond the schemas
    const rules = this.source === 'packages' ? [] : apiRuleProblems(o);
    return rules.length === 0 ? result : { ...result, problems: [...result.problems, ...rules] };
  }

  private validateSchema(o: Manifest, variant?: string): SchemaResult {
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    const key = `${group}/${version}/${o.kind}`;
    const crd = this.source === 'crds' ? this.crdIndex().get(key)
      : this.source === 'pinned' ? (variant !== undefined ? pinnedCrd(`${key}@${variant}`) : undefined) ?? pinnedCrd(key) : undefined;
    if (crd) {
      // as the API server: defaults first, then the schema and the CEL rules
      const defaulted = withDefaults(crd.schema, o);
      const problems = crd.validate(defaulted) ? [] : (crd.validate.errors ?? []).map(e => schemaProblem(e, defaulted));
      const cel = celProblems(this.celEngine(), crd.schema, defaulted);
      return { problems: [...problems, ...cel.problems], unsupportedCel: cel.unsupported, known: true };
    }
    if (this.source !== 'packages' && knowsCoreKind(o.apiVersion, o.kind)) {
      return { problems: coreProblems(o.apiVersion, o.kind, o), unsupportedCel: [], known: true };
    }
    const found = this.model(group, version, o.kind);
    if (!found) return { problems: [], unsupportedCel: [], known: false };
    const problems: string[] = [];
    try {
      new found.model({ ...o, apiVersion: found.apiVersion }).validate();
    } catch (e) {
      problems.push((e as Error).message);
    }
    return { problems, unsupportedCel: [], known: true };
  }

  private crdIndex(): Map<string, CrdVersion> {
    if (this.crds) return this.crds;
    const Ajv = load<{ default: new (o: object) => { compile(s: unknown): Validate } }>('ajv').default;
    // the formats the API server enforces, checked as it checks them; the others removed from the schemas (withApiFormats)
    const ajv = new Ajv({ strict: false, allErrors: true, formats: { ...FORMATS } });
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
          const properties = Object.fromEntries(Object.entries(root.properties ?? {}).map(([k, p]) => [k, strict(p)]));
          const schema = withApiFormats({ ...root, properties });
          index.set(`${doc.spec.group}/${v.name}/${doc.spec.names.kind}`, { validate: ajv.compile(schema), schema: root });
        }
      }
    }
    this.crds = index;
    return index;
  }

  private celEngine(): CelEngine {
    if (!this.cel) {
      // the rules of the pinned CRDs are compiled to JavaScript at build time; any other rule (your own CRD files) is
      // parsed and planned once by @bufbuild/cel, loaded only then
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const compiled = require(path.join(GENERATED_VALIDATORS, 'cel-rules.js')) as { [rule: string]: CompiledRule };
      let fallback: ((rule: string, schema: JsonSchema, value: unknown) => { value: unknown } | { error: string }) | undefined;
      this.cel = {
        evaluate: (rule, schema, value) => {
          const f = Object.prototype.hasOwnProperty.call(compiled, rule) ? compiled[rule] : undefined;
          if (f) {
            const result = f(CEL, value);
            const error = celError(result);
            return error === undefined ? { value: result } : { error };
          }
          fallback ??= celFallback();
          return fallback(rule, schema, value);
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
