/**
 * The member of a generated enum whose wire value is `value` (the generated member names, such as
 * `VALUE_301` or `REPLACE_FULL_PATH`, are not the values). Throws for a value the enum lacks:
 * validation runs first, so that is a bug, not bad input.
 */
export function enumOf<E extends { [k: string]: string | number }>(e: E, value: string | number): E[keyof E] {
  const hit = Object.values(e).find(v => v === value);
  if (hit === undefined) {
    throw new Error(`internal: '${value}' is not one of ${Object.values(e).join(', ')}`);
  }
  return hit as E[keyof E];
}
