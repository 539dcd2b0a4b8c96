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
  // the path of the value checked, as segments: its text (`<start>/spec/template/…`) is built only for a problem, and a
  // spec's element spec (`Aspec`, `Mspec` → `spec`) once
  const segments: Array<string | number> = [];
  const at = (): string => start + segments.map(k => `/${k}`).join('');
  const inner = new Map<string, string>();
  const elementOf = (spec: string): string => {
    let e = inner.get(spec);
    if (e === undefined) inner.set(spec, e = spec.slice(1));
    return e;
  };
  const check = (spec: string, v: unknown): void => {
    if (v === undefined || v === null) return;
    const wrong = (expected: string): void => {
      problems.push(`${at() || '/'}: must be ${expected}: got ${showValue(Array.isArray(v) ? '[list]' : typeof v === 'object' ? '{object}' : v)}`);
    };
    switch (spec[0]) {
      case '*': return;
      case 'A': {
        if (!Array.isArray(v)) return wrong('a list');
        const e = elementOf(spec);
        for (let i = 0; i < v.length; i++) {
          segments.push(i);
          check(e, v[i]);
          segments.pop();
        }
        return;
      }
      case 'M': {
        if (typeof v !== 'object' || Array.isArray(v)) return wrong('a map');
        const e = elementOf(spec);
        for (const k of Object.keys(v)) {
          segments.push(k);
          check(e, (v as { [k: string]: unknown })[k]);
          segments.pop();
        }
        return;
      }
      case '=': {
        const allowed = spec.slice(1).split('|');
        if (typeof v !== 'string' || !allowed.includes(v)) problems.push(`${at() || '/'}: must be one of ${allowed.filter(a => a !== '').map(a => `'${a}'`).join(', ')}: got ${showValue(v)}`);
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
      const fields = types[elementOf(spec)];
      if (typeof v !== 'object' || Array.isArray(v)) return wrong('an object');
      const record = v as { [k: string]: unknown };
      for (const k of Object.keys(record)) {
        const s = k === '!' ? undefined : fields[k];
        if (typeof s !== 'string') {
          // an unknown field (`!` is the list of required ones, not a field)
          problems.push(`${at()}/${k}: unknown field '${k}'; ${suggestion(k, Object.keys(fields).filter(f => f !== '!'))}`);
        } else {
          segments.push(k);
          check(s, record[k]);
          segments.pop();
        }
      }
      for (const r of (fields['!'] ?? []) as readonly string[]) {
        if (record[r] === undefined) problems.push(`${at() || '/'}: must have the field '${r}'`);
      }
    }
  };
  check(root, value);
  return problems;
}
