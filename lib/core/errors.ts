import { IConstruct, IValidation } from 'constructs';

/** Marks the library's errors, so that one made by another copy of the package is recognised (aws-cdk-lib's `Errors.isValidationError`). */
const ERROR_BRAND = Symbol.for('@mesh-kit/core.MeshValidationError');
/** Marks a {@link Problem}, made by this copy of the package or another one. */
const PROBLEM_BRAND = Symbol.for('@mesh-kit/core.Problem');

/**
 * One problem of bad input, as data: where it is, what breaks which rule, the bad value and the fix.
 * A {@link MeshValidationError} holds one (a weight of 120) or several (every validation of an app at synth).
 */
export interface MeshProblemFields {
  /**
   * The path of the construct the problem concerns ('' for the app itself).
   * @default - no construct: a value class, a factory or a file
   */
  readonly path?: string;
  /**
   * The public call the problem was found in: `HttpMatch.prefix`, `MeshService` (its constructor), `Mesh.request`.
   * @default - the construct or the value named by `field`
   */
  readonly call?: string;
  /**
   * The field that breaks a rule, as the message names it: `weight`, `props.ports[0].port`.
   * @default - the message says what is wrong in its own words
   */
  readonly field?: string;
  /**
   * The rule the field breaks: `must be between 0 and 100`.
   * @default - the message says what is wrong in its own words
   */
  readonly rule?: string;
  /**
   * The bad value, as it was given (the message shows it with strings quoted and lists bracketed).
   * @default - no value (a field that is missing has the value `undefined`)
   */
  readonly value?: unknown;
  /**
   * How to fix it.
   * @default - no fix beyond the rule
   */
  readonly fix?: string;
  /**
   * The analysis code, for a problem that is one of the analyzer's findings or reported under its code: `IST0101`, `IST0112`.
   * @default - not an analysis finding
   */
  readonly code?: string;
}

/** One problem: its fields, and its text. */
export interface MeshProblem extends MeshProblemFields {
  /** The problem's text: `'weight' must be between 0 and 100: got 120`, without the construct path and the call. */
  readonly message: string;
}

/**
 * The one error type of this library: bad input, found either at once (a local fact such as
 * a weight of 120) or at synth (a cross-object fact such as a route host its gateway does not serve).
 *
 * Messages have one shape: `'<field>' <rule>: got <value>[; <fix>]`, prefixed with the
 * construct path when the error concerns a construct. The same facts are fields: `path`, `call`,
 * `field`, `rule`, `value`, `fix` (and `code` for analysis findings) for an error with one problem;
 * `problems` lists each problem with its fields, one entry or several (synth reports every problem at once).
 *
 * Recognise the error with {@link MeshValidationError.isMeshValidationError}, which also knows an error made by
 * another copy of the package (two versions in one `node_modules`), where `instanceof` does not.
 */
export class MeshValidationError extends Error {
  /** Whether `x` is a MeshValidationError, made by this copy of the package or by any other. */
  public static isMeshValidationError(x: unknown): x is MeshValidationError {
    return x !== null && typeof x === 'object' && ERROR_BRAND in x;
  }

  /**
   * The path of the construct the error concerns ('' for the app itself).
   * @default - no construct (a value class, a factory, a file), or several: see `problems`
   */
  public declare readonly path?: string;
  /**
   * The public call the error was found in: `HttpMatch.prefix`, `MeshService` (its constructor).
   * @default - the construct or the value named by `field`
   */
  public declare readonly call?: string;
  /**
   * The field that breaks a rule: `weight`, `props.ports[0].port`.
   * @default - none, or several problems: see `problems`
   */
  public declare readonly field?: string;
  /**
   * The rule the field breaks: `must be between 0 and 100`.
   * @default - none, or several problems: see `problems`
   */
  public declare readonly rule?: string;
  /**
   * The bad value, as it was given.
   * @default - none, or several problems: see `problems`
   */
  public declare readonly value?: unknown;
  /**
   * How to fix it.
   * @default - no fix beyond the rule, or several problems: see `problems`
   */
  public declare readonly fix?: string;
  /**
   * The analysis code (`IST0106`), when the error is one analysis finding.
   * @default - not an analysis finding, or several problems: see `problems`
   */
  public declare readonly code?: string;
  /** Every problem the error reports, each with its fields: one entry, or one per problem when it reports several. */
  public readonly problems: readonly MeshProblem[];

  /**
   * @param message the whole message
   * @param details the facts the message states, as fields
   */
  public constructor(message: string, details: MeshValidationErrorDetails = {}) {
    super(message);
    this.name = 'MeshValidationError';
    Object.defineProperty(this, ERROR_BRAND, { value: true });
    const { problems, ...given } = details;
    const fields = definedFields(given);
    Object.assign(this, fields);
    const own = fields.field !== undefined && fields.rule !== undefined ? problemText(fields) : message;
    this.problems = problems ? [...problems] : [{ ...fields, message: own }];
  }
}

/** The facts a {@link MeshValidationError} states, as fields. */
export interface MeshValidationErrorDetails extends MeshProblemFields {
  /**
   * Every problem, each with its fields.
   * @default - one problem: the error's own fields and message
   */
  readonly problems?: readonly MeshProblem[];
}

/** Renders a value the way error messages show it: strings quoted, lists bracketed. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (Array.isArray(value)) {
    return `[${value.map(showValue).join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `a ${value.constructor?.name ?? 'value'}`;
    let text: string;
    try {
      text = JSON.stringify(value);
    } catch {
      text = '{…}';
    }
    return text.length > 80 ? `${text.slice(0, 77)}…` : text;
  }
  return String(value);
}

/** The one shape of a problem's text: `[CODE] 'field' rule: got value; fix`. */
function problemText(p: Omit<MeshProblem, 'message'>): string {
  return `${p.code ? `[${p.code}] ` : ''}'${p.field}' ${p.rule}: got ${showValue(p.value)}${p.fix ? `; ${p.fix}` : ''}`;
}

/** Where a problem is, before its text: `[path] call: text`. */
function located(path: string | undefined, call: string | undefined, text: string): string {
  return `${path !== undefined ? `[${path || '(app)'}] ` : ''}${call !== undefined ? `${call}: ` : ''}${text}`;
}

const FIELDS = ['path', 'call', 'field', 'rule', 'value', 'fix', 'code'] as const;

/** The fields of a problem that are set (`value` whenever it is there, `undefined` being the value of a missing field). */
function definedFields(p: Omit<MeshProblem, 'message'>): Omit<MeshProblem, 'message'> {
  const out: { [k: string]: unknown } = {};
  for (const k of FIELDS) if (k in p && (k === 'value' || p[k] !== undefined)) out[k] = p[k];
  return out;
}

/**
 * One problem as data: the field, the rule it breaks, the bad value and the fix (and the analysis code it is
 * reported under). Its text (`message`, `toString()`) is the library's one message shape; the fields flow into
 * the {@link MeshValidationError} that reports it.
 */
export class Problem implements MeshProblem {
  /** Whether `x` is a Problem, made by this copy of the package or by any other. */
  public static isProblem(x: unknown): x is Problem {
    return x !== null && typeof x === 'object' && PROBLEM_BRAND in x;
  }

  public readonly field: string;
  public readonly rule: string;
  public readonly value: unknown;
  public declare readonly fix?: string;
  public declare readonly code?: string;
  /** The text, made when the problem is found (a value shown later might have changed since). */
  public readonly message: string;

  public constructor(field: string, rule: string, value: unknown, fix?: string, code?: string) {
    this.field = field;
    this.rule = rule;
    this.value = value;
    if (fix) this.fix = fix;
    if (code) this.code = code;
    this.message = problemText(this);
    Object.defineProperty(this, PROBLEM_BRAND, { value: true });
  }

  /** The same problem reported under an analysis code: its text starts with `[CODE] `. */
  public withCode(code: string): Problem {
    return new Problem(this.field, this.rule, this.value, this.fix, code);
  }


  /** The text: `'weight' must be between 0 and 100: got 120`. */
  public toString(): string {
    return this.message;
  }

  /** The text, for JSON (a report or a log line shows the message). */
  public toJSON(): string {
    return this.message;
  }
}

/**
 * Formats one problem: the field, the rule it breaks, the bad value and (optionally) the fix.
 * A validator returns it; `fail`, `failAt` and the synth-time validation turn its fields into the error's.
 *
 * @example problem('weight', 'must be between 0 and 100', 120) // "'weight' must be between 0 and 100: got 120"
 */
export function problem(field: string, rule: string, got: unknown, fix?: string): Problem {
  return new Problem(field, rule, got, fix);
}

/** A problem's fields (a {@link Problem}, a problem of another error) or a message in its own words. */
export type ProblemLike = string | MeshProblem;

/** The fields of a problem, with its text. */
function fieldsOf(p: ProblemLike): MeshProblem {
  return typeof p === 'string' ? { message: p } : { ...definedFields(p), message: p.message };
}

/**
 * The problem with its field inside another (`ports[0].` + `outlierDetection`), its text made again with the longer
 * field. A problem in its own words (no field) is as it was.
 * @internal
 */
export function within(prefix: string, p: ProblemLike): ProblemLike {
  if (typeof p === 'string' || p.field === undefined) return p;
  if (Problem.isProblem(p)) return new Problem(`${prefix}${p.field}`, p.rule, p.value, p.fix, p.code);
  // a problem whose text is not the one shape (a schema's own words after the field): the field named again
  const head = `${p.code ? `[${p.code}] ` : ''}'${p.field}'`;
  return p.message.startsWith(head)
    ? { ...p, field: `${prefix}${p.field}`, message: `${p.code ? `[${p.code}] ` : ''}'${prefix}${p.field}'${p.message.slice(head.length)}` }
    : p;
}

/**
 * The error reporting problems, its message built from their fields. One problem: `[path] call: text`. Several:
 * `[path] header` (the call, `Validation failed with the following errors:`) and one line per problem, each with its own
 * path (`[c/r] 'hosts' must be served…`).
 * @internal
 */
export function meshError(problems: readonly ProblemLike[], where: { readonly path?: string; readonly call?: string; readonly header?: string } = {},
): MeshValidationError {
  const own = problems.map(fieldsOf);
  const shared = { ...(where.path !== undefined ? { path: where.path } : {}), ...(where.call !== undefined ? { call: where.call } : {}) };
  if (own.length === 1 && where.header === undefined) {
    const p = own[0];
    const path = where.path ?? p.path;
    const call = where.call ?? p.call;
    const { message, ...fields } = { ...p, ...(path !== undefined ? { path } : {}), ...(call !== undefined ? { call } : {}) };
    return new MeshValidationError(located(path, call, message), { ...fields, problems: [{ ...fields, message }] });
  }
  const lines = own.map(p => located(p.path, p.call, p.message));
  const header = where.header ?? `${where.call}:`;
  return new MeshValidationError(located(where.path, undefined, `${header}\n  ${lines.join('\n  ')}`), {
    ...shared,
    problems: own.map(p => ({ ...shared, ...p })),
  });
}

/**
 * The same error, found inside a construct: its path before the message (`[bookinfo/reviews] …`), its fields kept.
 * @internal
 */
export function errorAt(path: string, e: MeshValidationError): MeshValidationError {
  return new MeshValidationError(located(path, undefined, e.message), {
    ...definedFields(e),
    path,
    problems: e.problems.map(p => ({ ...p, path: p.path ?? path })),
  });
}

/**
 * The same error, found in a public call that names itself before the message (`HttpMatch.prefix: …`): the call the
 * user made, the fields of what it found kept.
 * @internal
 */
export function errorIn(call: string, e: MeshValidationError): MeshValidationError {
  return new MeshValidationError(located(undefined, call, e.message), {
    ...definedFields(e),
    call,
    problems: e.problems.map(p => ({ ...p, call })),
  });
}

/** Throws at once for a local fact, naming the construct path (a problem, or an error found inside the construct). */
export function failAt(scope: IConstruct, p: ProblemLike | MeshValidationError): never {
  if (MeshValidationError.isMeshValidationError(p)) throw errorAt(scope.node.path, p);
  throw meshError([p], { path: scope.node.path });
}

/** Throws at once for a value that has no construct yet (value classes, factories). */
export function fail(p: ProblemLike): never {
  throw meshError([p]);
}

/** The problems each construct's {@link problemValidation}s found when it was last validated, for {@link validationProblems}. */
const found = new WeakMap<IConstruct, MeshProblem[]>();

/**
 * A validation for `node.addValidation()` whose problems keep their fields. constructs' validations give text
 * (`IValidation.validate(): string[]`, what cdk8s's own synth prints); the problems behind the text are kept on the
 * side, for {@link validationProblems}, so that the error at synth holds each problem as data.
 * @internal
 */
export function problemValidation(scope: IConstruct, check: () => readonly ProblemLike[]): IValidation {
  return {
    validate: () => {
      const problems = check().map(fieldsOf);
      found.set(scope, [...(found.get(scope) ?? []), ...problems]);
      return problems.map(p => p.message);
    },
  };
}

/**
 * Validates a construct (`node.validate()`: every validation added to it, the library's and anyone's) and returns its
 * problems, each with its path and, when a {@link problemValidation} found it, its fields.
 * @internal
 */
export function validationProblems(c: IConstruct): MeshProblem[] {
  found.delete(c);
  const texts = c.node.validate();
  const kept = [...(found.get(c) ?? [])];
  found.delete(c);
  return texts.map(text => {
    const i = kept.findIndex(p => p.message === text);
    const p = i >= 0 ? kept.splice(i, 1)[0] : { message: text };
    return { path: c.node.path, ...p };
  });
}
