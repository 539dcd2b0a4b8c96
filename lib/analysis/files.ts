import * as fs from 'fs';
import * as path from 'path';
import { objectsOfYaml } from './load';
import { AnalysisExternals, AnalyzedObject } from './model';
import { AnalysisReport } from './report';
import { analyze, AnalyzeOptions } from './run';
import { schemaFindings } from './schema-findings';
import { MeshValidationError } from '../core/errors';
import { SchemaValidation } from '../schema';

const YAML_FILE = /\.(ya?ml|json)$/i;

/** A folder's entries; a folder that cannot be read (permissions, a loop) is an error naming it, not a crash. */
function readFolder(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new MeshValidationError(`${dir}: cannot read the folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** A file's text; a file that cannot be read is an error naming it, not a crash. */
export function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new MeshValidationError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return textOfBytes(bytes, file);
}

/**
 * Bytes as kubectl reads them: a UTF-8, UTF-16LE or UTF-16BE byte-order mark picks the encoding and is dropped
 * (k8s.io/cli-runtime `pkg/resource/visitor.go` reads files through `unicode.BOMOverride`), anything else is UTF-8.
 * UTF-16 without a mark (NUL bytes in text) is an error naming the fix, not a string of NULs.
 */
export function textOfBytes(bytes: Buffer, file: string): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const le = Buffer.from(bytes.subarray(2));
    le.swap16();
    return le.toString('utf16le');
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (bytes.indexOf(0, start) >= 0) {
    throw new MeshValidationError(`${file}: the file holds NUL bytes (UTF-16 without a byte-order mark, or binary): save it as UTF-8`);
  }
  return bytes.subarray(start).toString('utf8');
}

/**
 * Whether a JSON file met in a folder holds Kubernetes objects (an object with a `kind`, or a list of them): a folder of
 * synthesized output also holds mesh-kit's own report (`mesh-kit-analysis.json`) and cdk8s's metadata, which are not
 * manifests. A JSON file named on the command line is always read.
 */
function isManifestJson(file: string): boolean {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const isObject = (v: unknown): v is { kind?: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);
    return Array.isArray(value) ? value.every(v => isObject(v) && typeof v.kind === 'string') : isObject(value) && typeof value.kind === 'string';
  } catch {
    // not JSON at all: read it, so that its error is reported
    return true;
  }
}

/**
 * The YAML files of the inputs: files as given, folders walked (sorted, `.yaml`, `.yml`, and `.json` files that hold Kubernetes objects);
 * `-` is standard input.
 */
export function inputFiles(inputs: readonly string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push('-');
      continue;
    }
    if (!fs.existsSync(input)) throw new MeshValidationError(`${input}: no such file or folder`);
    if (fs.statSync(input).isDirectory()) {
      const walk = (dir: string): string[] => readFolder(dir).sort((a, b) => a.name.localeCompare(b.name))
        .flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name))
          : YAML_FILE.test(e.name) && (!/\.json$/i.test(e.name) || isManifestJson(path.join(dir, e.name))) ? [path.join(dir, e.name)] : []));
      for (const f of walk(input)) out.push(f);
    } else {
      out.push(input);
    }
  }
  return out;
}

/** Options of {@link analyzeManifests}. */
export interface AnalyzeManifestsOptions extends Pick<AnalyzeOptions, 'warningsAsErrors' | 'meshConfig' | 'suppress' | 'analyzers'> {
  /**
   * `closed`: the files are the whole world (`istioctl analyze --use-kube=false`); `partial`: they are part of a mesh
   * and `externals` says what else exists.
   * @default 'closed'
   */
  readonly world?: 'closed' | 'partial';
  /** What exists besides the files (partial world). */
  readonly externals?: AnalysisExternals;
  /** CRD files to validate the objects against (IST0106), as `SchemaValidation.fromCrdFiles`: they replace the pinned schemas. */
  readonly crds?: readonly string[];
  /**
   * Validate the objects against the pinned schemas mesh-kit carries (IST0106), as synth does; `false` for none (unless `crds`).
   * @default true
   */
  readonly schemas?: boolean;
  /** Reads standard input for `-`. @default - fs.readFileSync(0) */
  readonly stdin?: () => string;
  /** Called with the object count once the files are read (a progress line for large inputs). */
  readonly onRead?: (objects: number, files: number) => void;
}

/**
 * Analyzes Kubernetes manifests read from YAML files as `istioctl analyze` does: Istio's default ingress gateway
 * added, every object analyzed and schema-validated (the pinned schemas, or `crds`). Malformed YAML fails with the file, the document and
 * the line.
 */
export function analyzeManifests(files: readonly string[], options: AnalyzeManifestsOptions = {}): {
  report: AnalysisReport; objects: AnalyzedObject[];
} {
  const objects: AnalyzedObject[] = [];
  for (const file of files) {
    const text = file === '-' ? (options.stdin ?? (() => textOfBytes(fs.readFileSync(0), '(stdin)')))() : readText(file);
    // one at a time: a spread of a 175,000-document file into push() overflows the stack
    for (const o of objectsOfYaml(text, file === '-' ? '(stdin)' : file)) objects.push(o);
  }
  options.onRead?.(objects.length, files.length);
  const schemas = options.crds && options.crds.length > 0 ? SchemaValidation.fromCrdFiles(...options.crds)
    : options.schemas === false ? undefined : SchemaValidation.pinned();
  const { extra, notes } = schemas ? schemaFindings(objects, schemas) : { extra: [], notes: ['schema validation: off'] };
  const report = analyze(objects, {
    world: options.world ?? 'closed',
    externals: options.externals,
    istioDefaults: true,
    plainJson: true,
    meshConfig: options.meshConfig,
    suppress: options.suppress,
    analyzers: options.analyzers,
    warningsAsErrors: options.warningsAsErrors,
    extra,
    notes,
  });
  return { report, objects };
}
