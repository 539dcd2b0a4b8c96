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
    if (!/^IST\d{4}$/.test(code)) fail(problem('code', 'must be an Istio analyzer code such as \'IST0112\'', code));
    if (reason.trim().length === 0) fail(problem('reason', 'must say why the finding is accepted', reason));
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

  private constructor() {}
}
