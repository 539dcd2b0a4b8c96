import * as fs from 'fs';
import * as path from 'path';
import { readText } from '../analysis/files';
import { objectsOfYaml } from '../analysis/load';
import { MeshValidationError } from '../core/errors';
import { MeshChange, meshDiff, meshDiffMarkdown } from '../picture/mesh-diff';
import { Manifest } from '../render/model';

export const DIFF_USAGE = `Usage: mesh-kit diff [options] OLD NEW

Compares two synthesized outputs — two files (e.g. two canary stages) or two folders (e.g. main's dist and a
branch's) — in the mesh's terms: version weights, rules added or removed, gateway hosts, who may call whom, mutual
TLS, and every other object that changed by kind and name. Prints markdown for a pull request comment. Exits 0 when
nothing changed, 1 when something did, 2 on bad input.

Options:
  -o, --output markdown|json   output format (default: markdown)
  -h, --help                   print this help
`;

/** The objects of a file or of every YAML file under a folder (not the analysis report or the picture). */
function objectsAt(p: string): { objects: Manifest[]; folder: boolean; files: string[] } {
  if (!fs.existsSync(p)) throw new MeshValidationError(`${p}: no such file or folder`);
  const folder = fs.statSync(p).isDirectory();
  const files = folder
    ? (fs.readdirSync(p, { recursive: true }) as string[]).map(String).filter(f => /\.ya?ml$/i.test(f)).sort()
    : [path.basename(p)];
  if (!folder && !/\.ya?ml$/i.test(p)) throw new MeshValidationError(`${p}: not a YAML file (.yaml or .yml)`);
  const objects = files.flatMap(f => {
    const file = folder ? path.join(p, f) : p;
    return objectsOfYaml(readText(file), file).map(o => o.manifest);
  });
  return { objects, folder, files };
}

/** Runs `mesh-kit diff`: returns the exit status (0 no change, 1 changes, 2 bad input). */
export function runDiff(argv: readonly string[], io: { out: (t: string) => void; err: (t: string) => void }): number {
  const args = [...argv];
  let output = 'markdown';
  const paths: string[] = [];
  try {
    while (args.length > 0) {
      const a = args.shift()!;
      if (a === '-h' || a === '--help') {
        io.out(DIFF_USAGE);
        return 0;
      } else if (a === '-o' || a === '--output' || a.startsWith('--output=')) {
        output = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args.shift() ?? '';
        if (!['markdown', 'json'].includes(output)) throw new MeshValidationError(`--output must be markdown or json: got '${output}'`);
      } else if (a.startsWith('-')) {
        throw new MeshValidationError(`unknown option '${a}'`);
      } else {
        paths.push(a);
      }
    }
    if (paths.length !== 2) throw new MeshValidationError(`name two outputs to compare, OLD and NEW: got ${paths.length}`);
    const [from, to] = paths.map(objectsAt);
    if (from.folder !== to.folder) {
      const what = (f: { folder: boolean }) => (f.folder ? 'folder' : 'file');
      throw new MeshValidationError(`${paths[0]}: is a ${what(from)}, but ${paths[1]} is a ${what(to)}: compare two files or two folders`);
    }
    const changes: MeshChange[] = [];
    if (from.folder) {
      for (const f of to.files.filter(x => !from.files.includes(x))) changes.push({ kind: 'file', subject: f, summary: 'file added' });
      for (const f of from.files.filter(x => !to.files.includes(x))) changes.push({ kind: 'file', subject: f, summary: 'file removed' });
    }
    for (const c of meshDiff(from.objects, to.objects)) changes.push(c);
    io.out(output === 'json' ? `${JSON.stringify({ from: paths[0], to: paths[1], changes }, undefined, 2)}\n` : meshDiffMarkdown(changes, paths[0], paths[1]));
    return changes.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof MeshValidationError) {
      io.err(`mesh-kit diff: ${e.message}\n\n${DIFF_USAGE}`);
      return 2;
    }
    throw e;
  }
}
