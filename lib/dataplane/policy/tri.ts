/**
 * Three-valued matching: a policy condition on something the configuration does not say (the caller's IP address, an
 * external authorizer's answer) neither matches nor fails: it is `unknown`, and a verdict that depends on it is
 * `undecided`, never a guess.
 */

/** Whether a condition holds. */
export type Tri = 'yes' | 'no' | 'unknown';

/** `yes` when every one holds, `no` when one fails, else `unknown` (an empty list holds). */
export function all(values: Iterable<Tri>): Tri {
  let unknown = false;
  for (const v of values) {
    if (v === 'no') return 'no';
    if (v === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : 'yes';
}

/** `yes` when one holds, `no` when none can, else `unknown` (an empty list fails). */
export function any(values: Iterable<Tri>): Tri {
  let unknown = false;
  for (const v of values) {
    if (v === 'yes') return 'yes';
    if (v === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : 'no';
}

export const not = (v: Tri): Tri => (v === 'yes' ? 'no' : v === 'no' ? 'yes' : 'unknown');

export const tri = (b: boolean): Tri => (b ? 'yes' : 'no');

/**
 * A field with values and notValues (Istio's `principals`/`notPrincipals`, ztunnel's positive and negative matches):
 * one of the values must hold when there are values, and none of the notValues may.
 */
export function valuesAndNot<T>(values: readonly T[], notValues: readonly T[], test: (v: T) => Tri): Tri {
  const positive: Tri = values.length === 0 ? 'yes' : any(values.map(test));
  const negative: Tri = notValues.length === 0 ? 'yes' : not(any(notValues.map(test)));
  return all([positive, negative]);
}
