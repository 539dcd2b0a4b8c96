import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MeshApp, MeshChart, MeshService, MeshValidationError } from '../../lib';

const tmpdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-write-'));

/** Every file under a folder with its content, for comparing a folder before and after. */
function snapshot(dir: string): { [file: string]: string } {
  if (!fs.existsSync(dir)) return {};
  return Object.fromEntries(fs.readdirSync(dir, { recursive: true }).map(String).sort()
    .filter(f => fs.statSync(path.join(dir, f)).isFile()).map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

function app(outdir: string, props: ConstructorParameters<typeof MeshApp>[0] = {}, charts = 2): MeshApp {
  const a = new MeshApp({ outdir, ...props });
  for (let i = 0; i < charts; i++) new MeshService(new MeshChart(a, `c${i}`), 'web', { ports: [{ port: 80 }] }).addVersion('v1', { image: 'nginx:1.27.0' });
  return a;
}

describe('MeshApp writes a synth all or nothing', () => {
  test('writes every chart and the report; a second synth replaces the output and keeps files other tools put there', () => {
    const out = path.join(tmpdir(), 'dist');
    app(out).synth();
    expect(Object.keys(snapshot(out))).toStrictEqual(['c0.k8s.yaml', 'c1.k8s.yaml', 'mesh-kit-analysis.json', 'mesh-kit-graph.md']);
    fs.writeFileSync(path.join(out, 'kustomization.yaml'), 'resources: []\n');
    app(out, {}, 1).synth();
    expect(Object.keys(snapshot(out))).toStrictEqual(['c0.k8s.yaml', 'c1.k8s.yaml', 'kustomization.yaml', 'mesh-kit-analysis.json', 'mesh-kit-graph.md']);
    // no temporary folder is left beside the output
    expect(fs.readdirSync(path.dirname(out))).toStrictEqual(['dist']);
  });

  test('fails if the report path names a folder, before anything is written', () => {
    const out = path.join(tmpdir(), 'dist');
    expect(() => app(out, { analysis: { reportFile: 'reports/' } })).toThrow(
      '\'analysis.reportFile\' must name a file, not a folder: got \'reports/\'; e.g. \'reports/mesh-kit-analysis.json\'');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('fails if the report file is a folder of the output folder: the previous output stays as it was', () => {
    const out = path.join(tmpdir(), 'dist');
    app(out).synth();
    fs.mkdirSync(path.join(out, 'report.json'));
    const before = snapshot(out);
    expect(() => app(out, { analysis: { reportFile: 'report.json' } }).synth()).toThrow(
      '\'file\' must not be a folder of the output folder: got \'report.json\'; choose another file name (e.g. analysis.reportFile); nothing was written');
    expect(snapshot(out)).toStrictEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toStrictEqual(['dist']);
  });

  test('fails after the first file is written (injected): nothing of it is left, the previous output stays', () => {
    const out = path.join(tmpdir(), 'dist');
    app(out).synth();
    const before = snapshot(out);
    const failing = app(out, {}, 3);
    let written = 0;
    failing.writeFile = (file, text) => {
      if (written++ === 1) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      fs.writeFileSync(file, text);
    };
    expect(() => failing.synth()).toThrow(
      `could not write 'c1.k8s.yaml' into '${out}' (ENOSPC: no space left on device): nothing was written, the output folder is as it was`);
    expect(snapshot(out)).toStrictEqual(before);
    expect(fs.readdirSync(path.dirname(out))).toStrictEqual(['dist']);
  });

  test('fails in an output folder that cannot be written: a MeshValidationError, no folder created', () => {
    const parent = tmpdir();
    fs.writeFileSync(path.join(parent, 'file'), 'x');
    const out = path.join(parent, 'file', 'dist');
    let error: unknown;
    try {
      app(out).synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MeshValidationError);
    expect((error as Error).message).toMatch(new RegExp(`^'outdir' must be a folder that can be created: got '${out}'; (ENOTDIR|EEXIST): .*; nothing was written$`));
    expect(fs.readdirSync(parent)).toStrictEqual(['file']);
  });

  // root writes through permissions (as CI runs): there the folder-under-a-file case above is the unwritable one
  (process.getuid?.() === 0 ? test.skip : test)('fails in a read-only parent folder, leaving the previous output', () => {
    const parent = tmpdir();
    const out = path.join(parent, 'dist');
    app(out).synth();
    const before = snapshot(out);
    fs.chmodSync(parent, 0o555);
    try {
      expect(() => app(out, {}, 3).synth()).toThrow(/nothing was written/);
    } finally {
      fs.chmodSync(parent, 0o755);
    }
    expect(snapshot(out)).toStrictEqual(before);
  });
});
