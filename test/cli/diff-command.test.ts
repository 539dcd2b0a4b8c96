import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { AuthorizationPolicy, MeshChart, MeshService, PeerAuthentication, MtlsMode, RequestSource, RouteAction, WorkloadSelector } from '../../lib';
import { runCommand } from '../../lib/cli/analyze-command';
import { renderApp } from '../../lib/hosting/cdk8s/render-app';
import { meshDiff } from '../../lib/picture/mesh-diff';

/** Runs the command, returning its exit status and what it printed. */
function run(...argv: string[]): { status: number; out: string; err: string } {
  let out = '';
  let err = '';
  const status = runCommand(argv, { out: t => { out += t; }, err: t => { err += t; } });
  return { status, out, err };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-diff-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, objects: unknown[]) => {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, objects.map(o => YAML.stringify(o)).join('---\n'));
  return file;
};

/** A shop at a given split, with its authorization and mutual TLS mode. */
function shop(weights: [number, number], callers: string[], mode: MtlsMode) {
  const app = new App();
  const c = new MeshChart(app, 'shop', { namespace: 'shop' });
  const web = new MeshService(c, 'web', { ports: [{ port: 8080 }] });
  const v1 = web.addVersion('v1', { image: 'nginx:1.27.0' });
  const v2 = web.addVersion('v2', { image: 'nginx:1.27.1' });
  web.addRoute({ action: RouteAction.weightedForward([{ target: v1, weight: weights[0] }, { target: v2, weight: weights[1] }]) });
  for (const name of callers) new MeshService(c, name, { ports: [{ port: 8080 }], image: 'nginx:1.27.0' });
  new AuthorizationPolicy(c, 'web-callers', {
    workload: WorkloadSelector.service(web),
    rules: [{ from: callers.map(n => RequestSource.serviceAccount(n, 'shop')) }],
  });
  new PeerAuthentication(c, 'default', { mode });
  return renderApp(app).flatMap(r => r.objects);
}

describe('mesh-kit diff', () => {
  test('weights, callers and mutual TLS in the mesh\'s terms; other objects by kind and name', () => {
    const changes = meshDiff(shop([90, 10], ['cart'], MtlsMode.PERMISSIVE), shop([50, 50], ['cart', 'checkout'], MtlsMode.STRICT));
    expect(changes.map(c => `${c.subject}: ${c.summary}`)).toStrictEqual([
      'VirtualService shop/web: web v1 90% → 50%, web v2 10% → 50%',
      'AuthorizationPolicy shop/web-callers: shop/web may now be called by shop/checkout',
      'PeerAuthentication shop/default: mutual TLS (namespace shop) PERMISSIVE → STRICT',
      'service shop/checkout: service added',
      'Deployment shop/checkout: added',
      'DestinationRule shop/checkout: added',
      'Service shop/checkout: added',
      'ServiceAccount shop/checkout: added',
    ]);
  });

  test('two canary stages: markdown, exit 1; the same file twice: exit 0', () => {
    const a = write('stage-10.yaml', shop([90, 10], [], MtlsMode.STRICT));
    const b = write('stage-50.yaml', shop([50, 50], [], MtlsMode.STRICT));
    const r = run('diff', a, b);
    expect(r.status).toBe(1);
    expect(r.out).toBe(`### Mesh changes: \`${a}\` → \`${b}\`\n\n- **VirtualService shop/web**: web v1 90% → 50%, web v2 10% → 50%\n`);
    expect(run('diff', a, a)).toStrictEqual({ status: 0, out: `No mesh changes from \`${a}\` to \`${a}\`.\n`, err: '' });
    const json = JSON.parse(run('diff', '-o', 'json', a, b).out);
    expect(json.changes).toStrictEqual([{ kind: 'route', subject: 'VirtualService shop/web', summary: 'web v1 90% → 50%, web v2 10% → 50%' }]);
  });

  test('two folders: files added or removed are changes; an object it cannot interpret is listed as changed', () => {
    write('old/shop.k8s.yaml', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: '1' } }]);
    write('new/shop.k8s.yaml', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: '2' } }]);
    write('new/extra.k8s.yaml', []);
    const r = run('diff', path.join(tmp, 'old'), path.join(tmp, 'new'));
    expect(r.status).toBe(1);
    expect(r.out).toContain('- **extra.k8s.yaml**: file added');
    expect(r.out).toContain('- **ConfigMap shop/settings**: changed (fields the summary above does not read)');
  });

  test('bad input: a missing path, a non-YAML file, a file against a folder — the path named, exit 2', () => {
    const a = write('x.yaml', []);
    expect(run('diff', a, path.join(tmp, 'nope.yaml'))).toMatchObject({ status: 2, err: expect.stringMatching(/^mesh-kit diff: .*nope\.yaml: no such file or folder\n/) });
    const txt = path.join(tmp, 'notes.txt');
    fs.writeFileSync(txt, 'hello');
    expect(run('diff', a, txt)).toMatchObject({ status: 2, err: expect.stringContaining(`${txt}: not a YAML file (.yaml or .yml)`) });
    expect(run('diff', a, tmp)).toMatchObject({ status: 2, err: expect.stringContaining(`${a}: is a file, but ${tmp} is a folder: compare two files or two folders`) });
    expect(run('diff', a)).toMatchObject({ status: 2, err: expect.stringContaining('name two outputs to compare, OLD and NEW: got 1') });
    const broken = path.join(tmp, 'broken.yaml');
    fs.writeFileSync(broken, 'a: [1,\n');
    expect(run('diff', a, broken)).toMatchObject({ status: 2, err: expect.stringContaining(`${broken}: document 1`) });
  });
});
