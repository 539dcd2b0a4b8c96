import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inputFiles } from '../../lib/analysis/files';
import { runCommand } from '../../lib/cli/analyze-command';

/** Runs `mesh-kit <args>` in process: exit status, standard output and error. */
function cli(args: string[]): { status: number; out: string; err: string } {
  let out = '';
  let err = '';
  const status = runCommand(args, { out: t => (out += t), err: t => (err += t) });
  return { status, out, err };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-input-'));
const write = (dir: string, name: string, text: string | Buffer) => {
  fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

const NS = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { istio-injection: enabled } }\n';
const VS_TO_GHOST = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: reviews, namespace: shop }\n'
  + 'spec: { hosts: [reviews], http: [{ route: [{ destination: { host: ghost } }] }] }\n';

/** A repository as people keep one: manifests next to a Helm chart, a kustomization, istioctl input and CI. */
function repository(): string {
  const dir = tmp();
  write(dir, 'manifests/ns.yaml', NS);
  write(dir, 'manifests/vs.yaml', VS_TO_GHOST);
  write(dir, 'chart/Chart.yaml', 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
  write(dir, 'chart/values.yaml', 'replicaCount: 1\nimage: { repository: shop }\n');
  write(dir, 'chart/templates/svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n');
  write(dir, 'kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [manifests/ns.yaml]\n');
  write(dir, 'operator.yaml', 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: { profile: demo }\n');
  write(dir, '.github/workflows/ci.yml', 'name: ci\non: [push]\njobs: { test: { runs-on: ubuntu-latest, steps: [{ run: make }] } }\n');
  return dir;
}

describe('mesh-kit analyze on a real repository', () => {
  test('files that are not Kubernetes objects are skipped with one note each; the exit status is the findings\'', () => {
    const dir = repository();
    const r = cli(['analyze', dir]);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^Error \[IST0101\] \(VirtualService shop\/reviews /);
    expect(r.err.split('\n').filter(l => l !== '')).toStrictEqual([
      `mesh-kit: note: ${path.join(dir, '.github/workflows/ci.yml')}: skipped, a CI workflow, not a Kubernetes object (--strict-input refuses it)`,
      `mesh-kit: note: ${path.join(dir, 'chart/Chart.yaml')}: skipped, a Helm chart's Chart.yaml, not a Kubernetes object (--strict-input refuses it)`,
      `mesh-kit: note: ${path.join(dir, 'chart/templates/svc.yaml')}: skipped, a template ('{{' at line 4): render it first (helm template) (--strict-input refuses it)`,
      `mesh-kit: note: ${path.join(dir, 'chart/values.yaml')}: skipped, Helm values, not a Kubernetes object (--strict-input refuses it)`,
      `mesh-kit: note: ${path.join(dir, 'kustomization.yaml')}: skipped, a kustomization: run kustomize build first (--strict-input refuses it)`,
      `mesh-kit: note: ${path.join(dir, 'operator.yaml')}: skipped, document 1 (line 1) is not a Kubernetes object: 'metadata' must be a mapping (--strict-input refuses it)`,
    ]);
    const json = JSON.parse(cli(['analyze', '-o', 'json', dir]).out);
    expect(json.objects).toBe(2);
    expect(json.notes.filter((n: string) => n.includes('skipped'))).toHaveLength(6);
  });

  test('--strict-input keeps the first file that is not a Kubernetes object an error (exit 2)', () => {
    const dir = repository();
    expect(cli(['analyze', '--strict-input', dir])).toStrictEqual({
      status: 2, out: '', err: `mesh-kit: ${path.join(dir, '.github/workflows/ci.yml')}: document 1 (line 1) is not a Kubernetes object: 'apiVersion' must be a non-empty string\n`,
    });
  });

  test('a JSON data file met in a folder (not JSON objects, not YAML) is skipped with a note; --strict-input refuses it', () => {
    const dir = tmp();
    write(dir, 'ns.yaml', NS);
    const data = write(dir, 'ratings.json', '{rating: 5}\n{rating: 4}\n');
    const r = cli(['analyze', dir]);
    expect(r.status).toBe(0);
    expect(r.err).toMatch(new RegExp(`^mesh-kit: note: ${data.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: skipped, document 1 \\(line 2, column 1\\) is not valid YAML: `));
    expect(cli(['analyze', '--strict-input', dir]).status).toBe(2);
  });

  test('malformed YAML without a template is still an error (exit 2)', () => {
    const dir = tmp();
    write(dir, 'ns.yaml', NS);
    write(dir, 'bad.yaml', 'a: [\n');
    expect(cli(['analyze', dir]).status).toBe(2);
  });

  test('a dangling symlink and a symlink loop are reported, never a crash; a linked file is read once', () => {
    const dir = tmp();
    write(dir, 'ns.yaml', NS);
    fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(dir, 'dangling.yaml'));
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    fs.symlinkSync(path.join(dir, 'ns.yaml'), path.join(dir, 'same.yaml'));
    const notes: string[] = [];
    expect(inputFiles([dir], n => notes.push(n))).toStrictEqual([path.join(dir, 'ns.yaml')]);
    expect(notes).toStrictEqual([
      `${path.join(dir, 'dangling.yaml')}: a symbolic link to nothing (ENOENT), skipped`,
      `${path.join(dir, 'loop')}: a symbolic link to a folder already read (${fs.realpathSync(dir)}), skipped`,
      `${path.join(dir, 'same.yaml')}: the same file as ${path.join(dir, 'ns.yaml')}, read once`,
    ]);
    const r = cli(['analyze', dir]);
    expect(r).toStrictEqual({ status: 0, out: 'No validation issues found when analyzing 1 object.\n', err: expect.stringContaining('dangling.yaml') });
    fs.symlinkSync(path.join(dir, 'self.yaml'), path.join(dir, 'self.yaml'));
    expect(inputFiles([dir], n => notes.push(n))).toStrictEqual([path.join(dir, 'ns.yaml')]);
    expect(notes.slice(3)).toStrictEqual([...notes.slice(0, 3), `${path.join(dir, 'self.yaml')}: a symbolic link loop (ELOOP), skipped`]);
  });

  test('a ConfigMap-mounted folder (..data links) is read once', () => {
    const dir = tmp();
    write(dir, '..2026_12_07_13_00_00.1/vs.yaml', VS_TO_GHOST);
    fs.symlinkSync('..2026_12_07_13_00_00.1', path.join(dir, '..data'));
    fs.symlinkSync('..data/vs.yaml', path.join(dir, 'vs.yaml'));
    expect(inputFiles([dir])).toStrictEqual([path.join(dir, 'vs.yaml')]);
    expect(cli(['analyze', dir]).out.split('\n').filter(l => l !== '')).toHaveLength(1);
  });

  test('an empty input, or one with no Kubernetes object, is a clear message and exit 2', () => {
    const dir = tmp();
    const empty = write(dir, 'empty.yaml', '');
    expect(cli(['analyze', empty])).toStrictEqual({
      status: 2, out: '', err: 'mesh-kit: no Kubernetes object in the input (1 file read, 0 skipped): name the manifests (Helm output, kustomize build, cdk8s dist)\n',
    });
    const charts = tmp();
    write(charts, 'Chart.yaml', 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
    expect(cli(['analyze', charts]).err).toContain('mesh-kit: no Kubernetes object in the input (1 file read, 1 skipped)');
    expect(cli(['analyze', tmp()])).toStrictEqual({
      status: 2, out: '', err: 'mesh-kit: no Kubernetes object in the input (0 files read, 0 skipped): name the manifests (Helm output, kustomize build, cdk8s dist)\n',
    });
  });

  test('--crds naming a file with no CRD is an error (exit 2), not schema validation silently off', () => {
    const dir = tmp();
    const ns = write(dir, 'ns.yaml', NS);
    expect(cli(['analyze', '--crds', ns, ns])).toStrictEqual({
      status: 2, out: '', err: `mesh-kit: --crds ${ns}: holds no CustomResourceDefinition (1 object: Namespace): name the CRD files\n`,
    });
  });

  test('--mesh-config accepts the mesh config or Istio\'s istio ConfigMap (its mesh key)', () => {
    const dir = tmp();
    const se = write(dir, 'se.yaml', 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: db, namespace: default }\n'
      + 'spec: { hosts: [db.example.com], ports: [{ number: 5432, name: tcp, protocol: TCP }] }\n');
    expect(cli(['analyze', se]).out).toMatch(/^Warning \[IST0134\] \(ServiceEntry default\/db /);
    const quiet = { status: 0, out: 'No validation issues found when analyzing 1 object.\n', err: '' };
    const mesh = 'defaultConfig:\n  proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true", ISTIO_META_DNS_AUTO_ALLOCATE: "true" }\n';
    expect(cli(['analyze', '--mesh-config', write(dir, 'mesh.yaml', mesh), se])).toStrictEqual(quiet);
    const cm = write(dir, 'cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: istio-system }\ndata:\n  mesh: |-\n'
      + mesh.split('\n').map(l => (l === '' ? l : `    ${l}`)).join('\n'));
    expect(cli(['analyze', '--mesh-config', cm, se])).toStrictEqual(quiet);
    const bad = write(dir, 'bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: other }\ndata: { x: y }\n');
    expect(cli(['analyze', '--mesh-config', bad, se])).toStrictEqual({
      status: 2, out: '', err: `mesh-kit: --mesh-config ${bad}: a ConfigMap without a 'mesh' key: give Istio's 'istio' ConfigMap (its 'mesh' key holds the mesh config) or the mesh config itself\n`,
    });
  });

  test('UTF-16 with a BOM and deep nesting through the command', () => {
    const dir = tmp();
    const u16 = write(dir, 'u16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(NS, 'utf16le')]));
    expect(cli(['analyze', u16]).out).toBe('No validation issues found when analyzing 1 object.\n');
    const deep = write(dir, 'deep.yaml', `${NS}spec: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(cli(['analyze', deep])).toStrictEqual({
      status: 2, out: '', err: `mesh-kit: ${deep}: the YAML nests too deeply to read (hundreds of levels of mappings or lists); a Kubernetes object nests a few dozen levels at most: check the file is a manifest\n`,
    });
  });
});
