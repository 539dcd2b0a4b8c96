import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MeshApp } from '../../lib';

/** Synthesizes a MeshApp into a temporary folder and returns every file it wrote, `path -> text`. */
export function synthFiles(build: (app: MeshApp) => void): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-synth-'));
  try {
    const app = new MeshApp({ outdir, analysis: { printWarnings: false } });
    build(app);
    app.synth();
    const files = fs.readdirSync(outdir, { recursive: true }).map(String).filter(f => fs.statSync(path.join(outdir, f)).isFile()).sort();
    return new Map(files.map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The error synth throws, and that it wrote nothing (not even the output folder). */
export function synthFails(build: (app: MeshApp) => void): string {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-synth-')), 'dist');
  try {
    const app = new MeshApp({ outdir });
    build(app);
    app.synth();
  } catch (e) {
    expect(fs.existsSync(outdir)).toBe(false);
    return (e as Error).message;
  }
  throw new Error('expected synth to fail');
}
