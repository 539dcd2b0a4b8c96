import { MeshApp } from '../../../lib';
import { AnalyzeOptions } from '../../../lib/analysis/run';

/**
 * One input that makes one check report: the check's code (and its analyzer, when several analyzers report the code),
 * the objects as YAML, and the options of `analyze` it needs (mesh config, externals...). `world` defaults to `closed`.
 */
export interface ShapeFixture {
  readonly code: string;
  /** The analyzer, e.g. `virtualservice.DestinationHostAnalyzer` (needed when several analyzers report `code`). */
  readonly analyzer?: string;
  /** The objects, as a YAML stream (or none, with `program`). */
  readonly yaml?: string;
  /** A program instead: its app's report at synth (a check reported from constructs only, e.g. MK0020). */
  readonly program?: (app: MeshApp) => void;
  readonly options?: AnalyzeOptions;
  /** Validate the objects against the pinned schemas first (IST0106). */
  readonly schemas?: boolean;
}
