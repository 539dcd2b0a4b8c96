import { IConstruct } from 'constructs';

/**
 * The one error type of this library: bad input, found either at once (a local fact such as
 * a weight of 120) or at synth (a cross-object fact such as a route host its gateway does not serve).
 *
 * Messages have one shape: `'<field>' <rule>: got <value>[; <fix>]`, prefixed with the
 * construct path when the error concerns a construct.
 */
export class MeshValidationError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'MeshValidationError';
  }
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

/**
 * Formats one problem: the field, the rule it breaks, the bad value and (optionally) the fix.
 *
 * @example problem('weight', 'must be between 0 and 100', 120) // "'weight' must be between 0 and 100: got 120"
 */
export function problem(field: string, rule: string, got: unknown, fix?: string): string {
  return `'${field}' ${rule}: got ${showValue(got)}${fix ? `; ${fix}` : ''}`;
}

/** Throws at once for a local fact, naming the construct path. */
export function failAt(scope: IConstruct, message: string): never {
  throw new MeshValidationError(`[${scope.node.path || '(app)'}] ${message}`);
}

/** Throws at once for a value that has no construct yet (value classes, factories). */
export function fail(message: string): never {
  throw new MeshValidationError(message);
}
