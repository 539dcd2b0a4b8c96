import * as fs from 'fs';
import * as path from 'path';
import { NotAnObjectError, objectsOfYaml } from './load';
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
 * `-` is standard input. Symbolic links are followed once: a link to nothing or a loop is reported to `onNote` and skipped
 * (never a crash), a file reached twice is read once, and the `..data` and `..<timestamp>` folders of a ConfigMap or Secret
 * mounted as a volume (kubelet's `pkg/volume/util/atomic_writer.go`) are not walked: the files are read through their links.
 */
export function inputFiles(inputs: readonly string[], onNote: (note: string) => void = () => undefined): string[] {
  const out: string[] = [];
  const readFiles = new Map<string, string>();
  const readFolders = new Set<string>();
  const real = (p: string) => fs.realpathSync(p);
  const addFile = (file: string) => {
    const at = real(file);
    const first = readFiles.get(at);
    if (first !== undefined) {
      onNote(`${file}: the same file as ${first}, read once`);
      return;
    }
    readFiles.set(at, file);
    out.push(file);
  };
  const walk = (dir: string): void => {
    readFolders.add(real(dir));
    for (const e of readFolder(dir).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('..')) continue;
      const p = path.join(dir, e.name);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(p);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        onNote(`${p}: ${code === 'ELOOP' ? 'a symbolic link loop' : 'a symbolic link to nothing'} (${code}), skipped`);
        continue;
      }
      if (stat.isDirectory()) {
        if (readFolders.has(real(p))) {
          onNote(`${p}: a symbolic link to a folder already read (${real(p)}), skipped`);
          continue;
        }
        walk(p);
      } else if (stat.isFile() && YAML_FILE.test(e.name) && (!/\.json$/i.test(e.name) || isManifestJson(p))) {
        addFile(p);
      }
    }
  };
  for (const input of inputs) {
    if (input === '-') {
      out.push('-');
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new MeshValidationError(code === 'ENOENT' ? `${input}: no such file or folder` : `${input}: cannot read (${code ?? String(e)})`);
    }
    if (stat.isDirectory()) {
      if (!readFolders.has(real(input))) walk(input);
    } else {
      addFile(input);
    }
  }
  return out;
}

/**
 * Why a file that is valid YAML but not Kubernetes objects (or a template) is skipped, from its name and text; else the
 * error's own words.
 */
function notManifest(file: string, text: string, error: MeshValidationError): string {
  const name = path.basename(file);
  const template = text.indexOf('{{');
  if (template >= 0) {
    const line = text.slice(0, template).split('\n').length;
    return `a template ('{{' at line ${line}): render it first (helm template)`;
  }
  if (/^Chart\.ya?ml$/.test(name)) return 'a Helm chart\'s Chart.yaml, not a Kubernetes object';
  if (/^values([-._].*)?\.ya?ml$/i.test(name)) return 'Helm values, not a Kubernetes object';
  if (/^kustomization\.ya?ml$/i.test(name) || /^Kustomization$/.test(name)) return 'a kustomization: run kustomize build first';
  if (/(^|[\\/])\.(github|gitlab|circleci)([\\/]|$)|\.gitlab-ci\.ya?ml$/.test(file) || /^(on|jobs|stages|steps|pipeline):/m.test(text) && /^jobs:|^stages:/m.test(text)) {
    return 'a CI workflow, not a Kubernetes object';
  }
  return error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message;
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
  /**
   * Files that are valid YAML but not Kubernetes objects (a Helm `Chart.yaml` or `values.yaml`, a `kustomization.yaml`,
   * a CI workflow, an IstioOperator without metadata) and templates (`{{`) are skipped, each with a note in the report,
   * instead of failing the run (`mesh-kit analyze` without `--strict-input`).
   * @default false
   */
  readonly skipNonManifests?: boolean;
  /** Notes about the input to carry in the report (those of {@link inputFiles}). @default - none */
  readonly inputNotes?: readonly string[];
  /** Called with the object count once the files are read (a progress line for large inputs). */
  readonly onRead?: (objects: number, files: number, skipped: number) => void;
}

/** What {@link readManifests} read. */
export interface ManifestsRead {
  /** The objects, in file and document order. */
  readonly objects: AnalyzedObject[];
  /** One note per file skipped (and the `inputNotes` given). */
  readonly notes: string[];
  /** How many files were skipped. */
  readonly skipped: number;
}

/**
 * The Kubernetes objects of YAML or JSON files as the API server reads them; with `skipNonManifests`, a file that is
 * valid YAML but not Kubernetes objects (Helm's `Chart.yaml`, a kustomization, a CI workflow), a template or a JSON
 * data file is skipped with a note instead of failing.
 */
export function readManifests(files: readonly string[], options: Pick<AnalyzeManifestsOptions, 'skipNonManifests' | 'stdin' | 'inputNotes'> = {}): ManifestsRead {
  const objects: AnalyzedObject[] = [];
  const notes = [...options.inputNotes ?? []];
  let skipped = 0;
  for (const file of files) {
    const name = file === '-' ? '(stdin)' : file;
    const text = file === '-' ? (options.stdin ?? (() => textOfBytes(fs.readFileSync(0), '(stdin)')))() : readText(file);
    let read: AnalyzedObject[];
    try {
      read = objectsOfYaml(text, name);
    } catch (e) {
      // a template, or a JSON file that is not JSON objects (data files: JSON lines, fixtures), is skippable even where it is not YAML
      const skippable = e instanceof NotAnObjectError || (e instanceof MeshValidationError && (text.includes('{{') || /\.json$/i.test(name)));
      if (!options.skipNonManifests || !skippable) throw e;
      notes.push(`${name}: skipped, ${notManifest(name, text, e)} (--strict-input refuses it)`);
      skipped++;
      continue;
    }
    // one at a time: a spread of a 175,000-document file into push() overflows the stack
    for (const o of read) objects.push(o);
  }
  return { objects, notes, skipped };
}

/**
 * Analyzes Kubernetes manifests read from YAML files as `istioctl analyze` does: Istio's default ingress gateway
 * added, every object analyzed and schema-validated (the pinned schemas, or `crds`). Malformed YAML fails with the file, the document and
 * the line.
 */
export function analyzeManifests(files: readonly string[], options: AnalyzeManifestsOptions = {}): {
  report: AnalysisReport; objects: AnalyzedObject[];
} {
  // the Gateway API CRDs named with --crds are the cluster's: Istio 1.31's IST0176 checks their bundle versions
  const gatewayApiCrds = (options.crds ?? []).flatMap(requireCrd).filter(o => o.manifest.metadata.name.endsWith('.gateway.networking.k8s.io'));
  const { objects, notes: inputNotes, skipped } = readManifests(files, options);
  options.onRead?.(objects.length, files.length, skipped);
  const schemas = options.crds && options.crds.length > 0 ? SchemaValidation.fromCrdFiles(...options.crds)
    : options.schemas === false ? undefined : SchemaValidation.pinned();
  const found = schemas ? schemaFindings(objects, schemas) : { extra: [], notes: ['schema validation: off'] };
  const extra = found.extra;
  const notes = [...inputNotes, ...found.notes];
  const report = analyze(gatewayApiCrds.length > 0 ? [...objects, ...gatewayApiCrds] : objects, {
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

/** The CRDs of a `crds` file; one that holds none is an error: schema validation would silently be off. */
function requireCrd(file: string): AnalyzedObject[] {
  const objects = objectsOfYaml(readText(file), file);
  const crds = objects.filter(o => o.manifest.kind === 'CustomResourceDefinition');
  if (crds.length > 0) return crds;
  const kinds = [...new Set(objects.map(o => o.manifest.kind))].join(', ');
  throw new MeshValidationError(`--crds ${file}: holds no CustomResourceDefinition (${objects.length} object${objects.length === 1 ? '' : 's'}`
    + `${kinds ? `: ${kinds}` : ''}): name the CRD files`);
}
