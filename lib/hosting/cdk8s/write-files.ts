import * as fs from 'fs';
import * as path from 'path';
import { MeshValidationError, meshError, problem } from '../../core/errors';

/** How one file is written (the test of a failure half-way injects its own). @internal */
export type WriteFile = (file: string, text: string) => void;

const writeFile: WriteFile = (file, text) => fs.writeFileSync(file, text);

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message}` : String(err.message ?? e);
}

/**
 * Writes a synth's files all or nothing: into a temporary folder beside `outdir` (a copy of the folder's
 * present content, so that files other tools keep there stay, then every file of this synth), then swaps it
 * for `outdir` by renames. When anything fails, `outdir` is left exactly as it was (or absent, if it was)
 * and the error names the file and the cause.
 */
export function writeFilesAtomically(outdir: string, files: ReadonlyMap<string, string>, write: WriteFile = writeFile): void {
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  // the parent folders we create are removed again on failure
  let created: string | undefined;
  try {
    created = fs.mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw meshError([problem('outdir', 'must be a folder that can be created', outdir, `${describe(e)}; nothing was written`)]);
  }
  const exists = fs.existsSync(target);
  if (exists && !fs.statSync(target).isDirectory()) {
    throw meshError([problem('outdir', 'must be a folder, not a file', outdir, 'remove the file or choose another output folder; nothing was written')]);
  }
  let staging: string | undefined;
  const undo = () => {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
    if (created) fs.rmSync(created, { recursive: true, force: true });
  };
  let current = '';
  try {
    staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.mesh-kit-`));
    if (exists) fs.cpSync(target, staging, { recursive: true, preserveTimestamps: true });
    for (const [file, text] of files) {
      current = file;
      const to = path.join(staging, file);
      const existing = fs.existsSync(to) ? fs.statSync(to) : undefined;
      if (existing?.isDirectory()) {
        throw meshError([problem('file', 'must not be a folder of the output folder', file, 'choose another file name (e.g. analysis.reportFile)')]);
      }
      fs.mkdirSync(path.dirname(to), { recursive: true });
      write(to, text);
    }
  } catch (e) {
    undo();
    if (e instanceof MeshValidationError) throw new MeshValidationError(`${e.message}; nothing was written`);
    throw new MeshValidationError(`could not write '${current}' into '${outdir}' (${describe(e)}): nothing was written, the output folder is as it was`);
  }
  // the swap: the old folder aside, the new one in, the old one away
  const old = `${staging}.old`;
  try {
    if (exists) fs.renameSync(target, old);
    try {
      fs.renameSync(staging, target);
    } catch (e) {
      if (exists) fs.renameSync(old, target);
      throw e;
    }
  } catch (e) {
    undo();
    throw new MeshValidationError(`could not replace '${outdir}' (${describe(e)}): nothing was written, the output folder is as it was`);
  }
  fs.rmSync(old, { recursive: true, force: true });
}
