import { IConstruct } from 'constructs';
import { fail, problem } from './errors';

const KEY = '@mesh-kit/core:suppress';

/** One suppressed check, with the reason a reviewer will read. */
export interface Suppression {
  /** The check's code, e.g. `IST0112`. */
  readonly code: string;
  /** Why the finding is accepted here. */
  readonly reason: string;
}

/**
 * Named, reasoned exceptions to the library's checks that carry an Istio analyzer code
 * (e.g. `IST0112`). A suppression applies to the construct it is added to and everything below it.
 */
export class Suppressions {
  /** Suppresses the check `code` on `scope` and its children; `reason` is required. */
  public static add(scope: IConstruct, code: string, reason: string): void {
    Suppressions.checkCode(code, 'code');
    if (typeof reason !== 'string' || reason.trim().length === 0) fail(problem('reason', 'must say why the finding is accepted', reason));
    scope.node.addMetadata(KEY, { code, reason } satisfies Suppression);
  }

  /** The suppression of `code` in force at `scope` (on it or an ancestor), if any. */
  public static find(scope: IConstruct, code: string): Suppression | undefined {
    for (const c of scope.node.scopes.slice().reverse()) {
      const hit = c.node.metadata.find(m => m.type === KEY && (m.data as Suppression).code === code);
      if (hit) return hit.data as Suppression;
    }
    return undefined;
  }

  /**
   * Fails, naming the valid codes, unless `code` is one the analysis reports.
   * @internal
   */
  public static checkCode(code: unknown, field: string): void {
    // the analysis's catalogue, loaded when first needed (its checks are many, and a library that suppresses nothing
    // need not load them); the catalogue reads no suppression, so this is no import cycle
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-restricted-paths -- core's one look upward, lazy and acyclic
    const codes = (require('../analysis/codes') as { ANALYSIS_CODES: readonly string[] }).ANALYSIS_CODES;
    if (typeof code !== 'string' || !codes.includes(code)) {
      fail(problem(field, 'must be a code the analysis reports', code as string, `the codes are ${codes.join(', ')}`));
    }
  }

  private constructor() {}
}
