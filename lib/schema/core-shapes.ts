import * as path from 'path';
import { suggestion } from '../core/closest';
import { showValue } from '../core/errors';

/**
 * The shapes of core kinds, generated from kubernetes-models' declarations (scripts/generate-validators.js):
 * `roots`: `apiVersion/kind` → type; `types`: type → field → spec (`!`: the required fields).
 */
interface CoreShapes {
  readonly roots: { readonly [kind: string]: string };
  readonly types: { readonly [type: string]: { readonly [field: string]: string | readonly string[] } };
}

/** Where the validators generated at build time live (`generated/validators`, beside `lib/` and `dist/`). */
export const GENERATED_VALIDATORS = path.join(__dirname, '..', '..', 'generated', 'validators');

let shapes: CoreShapes | undefined;

function coreShapes(): CoreShapes {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  shapes ??= require(path.join(GENERATED_VALIDATORS, 'core-shapes.json')) as CoreShapes;
  return shapes;
}

/** Whether the shape of a core kind is known (`apps/v1`, `Deployment`). */
export function knowsCoreKind(apiVersion: string, kind: string): boolean {
  return coreShapes().roots[`${apiVersion}/${kind}`] !== undefined;
}

const TYPE_NAMES: { readonly [spec: string]: string } = { s: 'a string', i: 'an integer', b: 'a boolean', is: 'an integer or a string' };

/**
 * What the API server would refuse in a core Kubernetes object, as `<path>: <problem>`: unknown fields
 * (as `kubectl apply` with strict field validation, naming the closest field), wrong types (numbers of the
 * Kubernetes API are integers), values outside an enumeration, missing required fields. Kinds whose shape
 * is not known give none.
 */
export function coreProblems(apiVersion: string, kind: string, value: unknown): string[] {
  const root = coreShapes().roots[`${apiVersion}/${kind}`];
  return root === undefined ? [] : shapeProblems(root, value, '');
}

/**
 * What the API server would refuse in one part of a core object (`Toleration`, `Affinity`, `Container`), as
 * `<at><path>: <problem>`; parts whose type is not known give none.
 */
export function coreTypeProblems(type: string, value: unknown, at: string): string[] {
  return coreShapes().types[type] === undefined ? [] : shapeProblems(`T${type}`, value, at);
}

function shapeProblems(root: string, value: unknown, start: string): string[] {
  const { types } = coreShapes();
  const problems: string[] = [];
  const check = (spec: string, v: unknown, at: string): void => {
    if (v === undefined || v === null) return;
    const where = at || '/';
    const wrong = (expected: string): void => {
      problems.push(`${where}: must be ${expected}: got ${showValue(Array.isArray(v) ? '[list]' : typeof v === 'object' ? '{object}' : v)}`);
    };
    switch (spec[0]) {
      case '*': return;
      case 'A':
        if (!Array.isArray(v)) return wrong('a list');
        v.forEach((x, i) => check(spec.slice(1), x, `${at}/${i}`));
        return;
      case 'M':
        if (typeof v !== 'object' || Array.isArray(v)) return wrong('a map');
        for (const [k, x] of Object.entries(v)) check(spec.slice(1), x, `${at}/${k}`);
        return;
      case '=': {
        const allowed = spec.slice(1).split('|');
        if (typeof v !== 'string' || !allowed.includes(v)) problems.push(`${where}: must be one of ${allowed.filter(a => a !== '').map(a => `'${a}'`).join(', ')}: got ${showValue(v)}`);
        return;
      }
    }
    if (spec === 's') {
      if (typeof v !== 'string') wrong(TYPE_NAMES.s);
    } else if (spec === 'i') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) wrong(TYPE_NAMES.i);
    } else if (spec === 'b') {
      if (typeof v !== 'boolean') wrong(TYPE_NAMES.b);
    } else if (spec === 'is') {
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isSafeInteger(v))) wrong(TYPE_NAMES.is);
    } else if (spec[0] === 'T') {
      const fields = types[spec.slice(1)];
      if (typeof v !== 'object' || Array.isArray(v)) return wrong('an object');
      for (const [k, x] of Object.entries(v)) {
        const s = k === '!' ? undefined : fields[k];
        if (typeof s !== 'string') {
          // an unknown field (`!` is the list of required ones, not a field)
          problems.push(`${at}/${k}: unknown field '${k}'; ${suggestion(k, Object.keys(fields).filter(f => f !== '!'))}`);
        } else {
          check(s, x, `${at}/${k}`);
        }
      }
      for (const r of (fields['!'] ?? []) as readonly string[]) {
        if ((v as { [k: string]: unknown })[r] === undefined) problems.push(`${where}: must have the field '${r}'`);
      }
    }
  };
  check(root, value, start);
  return problems;
}
