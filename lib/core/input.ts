import { Chart, Duration, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { closest, suggestion } from './closest';
import { MeshValidationError, Problem, errorIn, meshError, problem, showValue } from './errors';
import { API_SHAPES } from './generated/api-shapes';
import { InputParam, InputSpec } from './input-shapes';

/**
 * Run-time checks of every public call's arguments against the library's own declarations
 * (`API_SHAPES`, generated from them): the library is called from JavaScript, from TypeScript with casts
 * and with JSON-loaded config, where the compiler checks nothing. A wrong type, a missing required value,
 * `NaN` or `Infinity` where a number goes, an unknown or misspelled property (naming the closest one)
 * is a {@link MeshValidationError} naming the construct path, the field, the value and the fix, before
 * anything else runs — never a `TypeError` from deep inside.
 *
 * @module
 */

/** The classes values are checked against, by name (the library's, registered by {@link guardApi}, and cdk8s's Duration and Size). */
const classes = new Map<string, Function>([['Duration', Duration], ['Size', Size]]);

/** The static factories of a class, for the fix of an error (`Duration.seconds()`, `RouteAction.forward()`…). */
function factoriesOf(name: string): string[] {
  if (name === 'Duration') return ['Duration.seconds(5)', 'Duration.millis(250)'];
  if (name === 'Size') return ['Size.mebibytes(64)', 'Size.gibibytes(1)'];
  return Object.keys(API_SHAPES.signatures).filter(s => s.startsWith(`${name}.`) && !s.includes('.prototype.') && !s.endsWith('.constructor')).map(s => `${s}()`);
}

/** A class or type name with its article: 'an IngressGateway', 'a MeshService'. */
const withArticle = (name: string): string => `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;

function describeSpec(spec: InputSpec): string {
  if (typeof spec === 'string') {
    return { string: 'a string', number: 'a finite number', boolean: 'true or false', any: 'a value', function: 'a function', construct: 'a construct', null: 'null' }[spec];
  }
  if ('enum' in spec) return `one of ${spec.enum.map(v => showValue(v)).join(', ')}`;
  if ('list' in spec) return `a list of ${describeSpec(spec.list).replace(/^an? /, '')}s`;
  if ('map' in spec) return `a map of ${describeSpec(spec.map).replace(/^an? /, '')}s`;
  if ('class' in spec) return withArticle(spec.class);
  if ('type' in spec) return API_SHAPES.types[spec.type]?.interface ? withArticle(spec.type.replace(/^I(?=[A-Z])/, '')) : 'an object';
  return spec.union.map(describeSpec).join(' or ');
}

function fixOf(spec: InputSpec): string | undefined {
  if (typeof spec === 'object' && 'class' in spec) {
    const f = factoriesOf(spec.class);
    return f.length > 0 ? `build it with ${f.slice(0, 4).join(', ')}${f.length > 4 ? '…' : ''}` : undefined;
  }
  const type = typeof spec === 'object' && 'type' in spec ? API_SHAPES.types[spec.type] : undefined;
  if (type?.interface) {
    const by = type.implementedBy ?? [];
    const importers = by.flatMap(c => Object.keys(API_SHAPES.signatures).filter(s => s === `${c}.fromAttributes` || s === `${c}.fromName`)).map(s => `${s}()`);
    return `pass ${by.length > 0 ? by.map(withArticle).join(' or ') : 'the object itself'}${importers.length > 0 ? ` (or one imported with ${importers.join(' or ')})` : ''}, `
      + 'not its name';
  }
  return undefined;
}

/** Strings a JavaScript caller or a config file writes for a boolean. */
const BOOLEAN_WORDS: { readonly [word: string]: boolean } =
  { true: true, yes: true, on: true, 1: true, false: false, no: false, off: false, 0: false };

/** The fix of a value of the wrong primitive type that says what was meant: a number or a boolean written as a string. */
function typeFix(spec: InputSpec, value: unknown): string | undefined {
  if (spec === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return `write the number ${Number(value)}, without quotes`;
  }
  if (spec === 'number' && typeof value === 'number') return 'give a number that is neither NaN nor Infinity';
  if (spec === 'boolean' && typeof value === 'string' && value.trim().toLowerCase() in BOOLEAN_WORDS) {
    return `write ${BOOLEAN_WORDS[value.trim().toLowerCase()]}, without quotes`;
  }
  return undefined;
}

/**
 * The fix of a value that is none of an enum's: the value it most likely misspells (case aside, a few letters
 * edited, or the only one sharing its first three letters), else to pick one of those listed.
 */
function enumFix(value: unknown, values: readonly string[]): string {
  if (typeof value === 'string') {
    const near = closest(value, values);
    if (near !== undefined) return `did you mean '${near}'?`;
    const stem = value.slice(0, 3).toLowerCase();
    const sharing = stem.length === 3 ? values.filter(v => v.toLowerCase().startsWith(stem)) : [];
    if (sharing.length === 1) return `did you mean '${sharing[0]}'?`;
  }
  return 'write one of the values listed';
}

const isPlainObject = (v: unknown): v is { [k: string]: unknown } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** The problems of a value against a spec, `field` naming it (`props.ports[0].port`). */
export function inputProblems(spec: InputSpec, value: unknown, field: string): Problem[] {
  const wrong = (): Problem[] => [problem(field, `must be ${describeSpec(spec)}`, value, fixOf(spec) ?? typeFix(spec, value) ?? `give ${describeSpec(spec)}`)];
  if (typeof spec === 'string') {
    switch (spec) {
      case 'any': return [];
      case 'string': return typeof value === 'string' ? [] : wrong();
      case 'number': return typeof value === 'number' && Number.isFinite(value) ? [] : wrong();
      case 'boolean': return typeof value === 'boolean' ? [] : wrong();
      case 'function': return typeof value === 'function' ? [] : wrong();
      case 'construct': return Construct.isConstruct(value) ? [] : wrong();
      case 'null': return value === null ? [] : wrong();
    }
  }
  if ('enum' in spec) {
    if (spec.enum.includes(value as string)) return [];
    return [problem(field, `must be ${describeSpec(spec)}`, value, enumFix(value, spec.enum.map(String)))];
  }
  if ('list' in spec) {
    if (!Array.isArray(value)) return wrong();
    return value.flatMap((v, i) => inputProblems(spec.list, v, `${field}[${i}]`));
  }
  if ('map' in spec) {
    if (!isPlainObject(value)) return wrong();
    return Object.entries(value).flatMap(([k, v]) => inputProblems(spec.map, v, `${field}.${k}`));
  }
  if ('class' in spec) {
    const cls = classes.get(spec.class) ?? classLoader?.(spec.class);
    return cls === undefined || value instanceof cls ? [] : wrong();
  }
  if ('union' in spec) {
    const each = spec.union.map(s => inputProblems(s, value, field));
    if (each.some(p => p.length === 0)) return [];
    // the alternative whose type matches, if one does, says best what is wrong inside it
    const inner = each.find(p => !(p[0].field === field && p[0].rule.startsWith('must be ')));
    return inner ?? wrong();
  }
  const type = API_SHAPES.types[spec.type];
  if (!type) return [];
  if (type.interface) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return wrong();
    const missing = (type.members ?? []).filter(m => !(m in (value as object)));
    const notFunctions = (type.methods ?? []).filter(m => typeof (value as { [k: string]: unknown })[m] !== 'function');
    return missing.length === 0 && notFunctions.length === 0 ? [] : wrong();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isLibraryInstance(value)) return wrong();
  const fields = type.fields ?? {};
  const names = Object.keys(fields);
  const out: Problem[] = [];
  for (const [k, v] of Object.entries(value as object)) {
    const s = fields[k] ?? type.other;
    if (s === undefined) {
      out.push(problem(`${field}.${k}`, `is not a property of ${spec.type.includes(':') ? 'these options' : spec.type}`, v, suggestion(k, names)));
    } else if (v !== undefined) {
      out.push(...inputProblems(s, v, `${field}.${k}`));
    }
  }
  for (const r of type.required ?? []) {
    if ((value as { [k: string]: unknown })[r] === undefined) {
      const doc = type.docs?.[r];
      out.push(problem(`${field}.${r}`, 'is required', undefined, `give ${describeSpec(fields[r])}${doc ? ` (${doc.replace(/\.$/, '')})` : ''}`));
    }
  }
  return out;
}

/**
 * Whether a value meets a spec: exactly when {@link inputProblems} finds nothing, without building a problem or a field
 * name. Every public call's arguments pass it (the problems are worked out only when they do not).
 * @internal
 */
export function conforms(spec: InputSpec, value: unknown): boolean {
  if (typeof spec === 'string') {
    switch (spec) {
      case 'any': return true;
      case 'string': return typeof value === 'string';
      case 'number': return typeof value === 'number' && Number.isFinite(value);
      case 'boolean': return typeof value === 'boolean';
      case 'function': return typeof value === 'function';
      case 'construct': return !!Construct.isConstruct(value);
      case 'null': return value === null;
    }
  }
  if ('enum' in spec) return spec.enum.includes(value as string);
  if ('list' in spec) {
    if (!Array.isArray(value)) return false;
    for (const v of value) if (!conforms(spec.list, v)) return false;
    return true;
  }
  if ('map' in spec) {
    if (!isPlainObject(value)) return false;
    for (const k of Object.keys(value)) if (!conforms(spec.map, value[k])) return false;
    return true;
  }
  if ('class' in spec) {
    const cls = classes.get(spec.class) ?? classLoader?.(spec.class);
    return cls === undefined || value instanceof cls;
  }
  if ('union' in spec) return spec.union.some(s => conforms(s, value));
  const type = API_SHAPES.types[spec.type];
  if (!type) return true;
  if (type.interface) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
    for (const m of type.members ?? []) if (!(m in (value as object))) return false;
    for (const m of type.methods ?? []) if (typeof (value as { [k: string]: unknown })[m] !== 'function') return false;
    return true;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isLibraryInstance(value)) return false;
  const fields = type.fields ?? {};
  const record = value as { [k: string]: unknown };
  for (const k of Object.keys(record)) {
    const s = fields[k] ?? type.other;
    if (s === undefined) return false;
    const v = record[k];
    if (v !== undefined && !conforms(s, v)) return false;
  }
  for (const r of type.required ?? []) if (record[r] === undefined) return false;
  return true;
}

/** Whether a call's arguments meet its parameters: exactly when {@link checkArguments} would find no problem. */
function argumentsConform(params: readonly InputParam[], args: ArrayLike<unknown>): boolean {
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p.rest) {
      for (let j = i; j < args.length; j++) if (!conforms(p.spec, args[j])) return false;
      continue;
    }
    const v = args[i];
    if (v === undefined) {
      if (!p.optional) return false;
      continue;
    }
    if (v === null && p.optional) return false;
    if (!conforms(p.spec, v)) return false;
  }
  return true;
}

function isLibraryInstance(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return false;
  for (const cls of classes.values()) if (value instanceof cls) return true;
  return false;
}

/**
 * Checks the arguments of a public call (`Class.constructor`, `Class.factory`, `Class.prototype.method`),
 * throwing one {@link MeshValidationError} with every problem, prefixed with `where` (a construct path).
 */
export function checkArguments(signature: string, args: ArrayLike<unknown>, where?: string | (() => string | undefined)): void {
  const params = overloadOf(signature, args[0]);
  if (!params) return;
  let path: string | undefined;
  // a factory that creates constructs (`AuthorizationPolicy.denyAllThenAllow(scope, id, …)`): its scope and id as a constructor's
  if (!signature.endsWith('.constructor') && params[0]?.spec === 'construct' && params[1]?.name === 'id') {
    path = checkScopeAndId(signature.replace('.prototype.', '.'), args[0], args[1], true)[2];
  }
  if (argumentsConform(params, args)) return;
  const problems: Problem[] = [];
  params.forEach((p, i) => {
    if (p.rest) {
      for (let j = i; j < args.length; j++) problems.push(...inputProblems(p.spec, args[j], `${p.name}[${j - i}]`));
      return;
    }
    const v = args[i];
    if (v === undefined) {
      if (!p.optional) problems.push(problem(p.name, 'is required', undefined, `give ${describeSpec(p.spec)}`));
      return;
    }
    if (v === null && p.optional) {
      problems.push(problem(p.name, `must be ${describeSpec(p.spec)} or left out`, null));
      return;
    }
    problems.push(...inputProblems(p.spec, v, p.name));
  });
  if (problems.length > 0) {
    const label = signature.replace('.prototype.', '.').replace(/\.constructor$/, '');
    throw meshError(problems, { path: (typeof where === 'function' ? where() : where) ?? path, call: label });
  }
}

/**
 * The parameters a call is checked against: an overloaded method's declared signature that its first argument selects
 * (the one taking a scope when it is a construct, else the first that does not), or the method's one signature.
 */
function overloadOf(signature: string, first: unknown): readonly InputParam[] | undefined {
  const declared = API_SHAPES.overloads[signature];
  if (declared === undefined) return API_SHAPES.signatures[signature];
  // (constructs' isConstruct answers undefined, not false, for a plain object)
  const scoped = !!Construct.isConstruct(first);
  return declared.find(params => (params[0]?.spec === 'construct') === scoped) ?? declared[0];
}

/**
 * The checked `[scope, id]` of a construct's constructor (used in its `super(...)` call, before the construct
 * exists): the scope must be a construct that still takes children, the id a non-empty string unique among
 * its siblings; then the other arguments are checked against the constructor's declaration, naming the
 * construct path it would have.
 */
export function constructArgs(cls: string, args: ArrayLike<unknown>, options: { readonly needsChart?: boolean } = {}): [Construct, string] {
  const [parent, id, path] = checkScopeAndId(cls, args[0], args[1], options.needsChart ?? true);
  checkArguments(`${cls}.constructor`, args, path);
  return [parent as Construct, id];
}

/**
 * A `(scope, id)` pair as constructs wants it, checked first so that constructs' own errors ("Only root constructs
 * may have an empty ID", "There is already a Construct with name…", "Cannot add children during synthesis") become
 * ours, with the path and the fix: a construct scope (inside a chart when `needsChart`), a non-empty id unique
 * among its siblings. Returns the scope, the id and the path the new construct would have.
 */
function checkScopeAndId(what: string, scope: unknown, id: unknown, needsChart: boolean): [IConstruct, string, string] {
  if (!Construct.isConstruct(scope)) {
    throw meshError([problem('scope', 'must be a construct (a MeshApp, a MeshChart or a construct inside one)', scope,
      `e.g. ${what.includes('.') ? `${what}(chart, 'id', …)` : `new ${what}(chart, 'id', props)`}`)], { call: what });
  }
  const parent = scope as IConstruct;
  if (typeof id !== 'string' || id === '') {
    throw meshError([problem('id', 'must be a non-empty string', id, 'the construct id names the objects it creates')], { path: parent.node.path, call: what });
  }
  const path = parent.node.path ? `${parent.node.path}/${id}` : id;
  if (parent.node.tryFindChild(id) !== undefined) {
    throw meshError([problem('id', `must be unique among the children of '${parent.node.path || '(app)'}'`, id,
      'give each construct of one scope its own id (ids are the identity of the objects they create)')], { path, call: what });
  }
  if (needsChart && !parent.node.scopes.some(c => Chart.isChart(c))) {
    throw meshError([problem('scope', 'must be a chart or inside one: the objects of a construct go to its chart\'s file',
      parent.node.path || '(app)', 'create a chart first, e.g. new MeshChart(app, \'chart\'), and build inside it')], { path, call: what });
  }
  if (parent.node.locked) {
    throw meshError([problem('scope', 'must still take children: it is being synthesized', parent.node.path,
      'create constructs before synth')], { path, call: what });
  }
  return [parent, id, path];
}

const GUARDED = Symbol.for('@mesh-kit/core:guarded');

/** Loads a public class by name, for the lazy index (dist/index.js, scripts/lazy-index.js): set once it exists. */
let classLoader: ((name: string) => Function | undefined) | undefined;

/**
 * How the lazy index loads a class that a check names but that no one has loaded yet (its module guarded on load).
 * @internal
 */
export function setClassLoader(loader: (name: string) => unknown): void {
  classLoader = name => {
    const cls = loader(name);
    return typeof cls === 'function' ? cls : undefined;
  };
}

/**
 * Wraps the static and public methods of the library's exported classes so that their arguments are checked
 * ({@link checkArguments}) at every call, and registers the classes for `instanceof` checks. Applied by the
 * package's entry points to what they export: lib/index.ts all at once, the compiled lazy index (dist/index.js) to
 * each module as it loads. A class is wrapped once.
 */
export function guardApi(exports: { readonly [name: string]: unknown }): void {
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== 'function' || !API_SHAPES.classes.includes(name)) continue;
    classes.set(name, value);
    const cls = value as unknown as { [k: string]: unknown; prototype: { [k: string]: unknown } };
    if ((cls as { [GUARDED]?: boolean })[GUARDED]) continue;
    Object.defineProperty(cls, GUARDED, { value: true });
    for (const signature of Object.keys(API_SHAPES.signatures)) {
      if (!signature.startsWith(`${name}.`) || signature.endsWith('.constructor')) continue;
      const member = signature.slice(name.length + 1);
      const target = member.startsWith('prototype.') ? cls.prototype : cls;
      const key = member.replace(/^prototype\./, '');
      const original = target[key];
      if (typeof original !== 'function') continue;
      const label = `${name}.${key}`;
      const wrapped = function (this: unknown, ...args: unknown[]): unknown {
        // where: the construct called, or the construct a static method is given as its scope (its path worked out
        // only for an error: building it on every call cost a tenth of a large mesh's construct tree)
        const where = (): string | undefined => (Construct.isConstruct(this) ? (this as IConstruct).node.path
          : Construct.isConstruct(args[0]) ? (args[0] as IConstruct).node.path : undefined);
        checkArguments(signature, args, where);
        try {
          return (original as (...a: unknown[]) => unknown).apply(this, args);
        } catch (e) {
          // a factory's error before any construct exists: it names the factory, where a construct's names its path
          if (MeshValidationError.isMeshValidationError(e) && e.path === undefined && e.call !== label && where() === undefined) {
            throw errorIn(label, e);
          }
          throw e;
        }
      };
      Object.defineProperty(wrapped, 'name', { value: key });
      Object.defineProperty(target, key, { value: wrapped, writable: true, configurable: true, enumerable: false });
    }
  }
}
