import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCommand } from '../../lib/cli/analyze-command';
import { SUITE_DIR, loadTable } from '../support/istio-suite';
import { SHARED_DIR, describeWithShared } from '../support/shared';

/** Runs `mesh-kit <args>` in process: exit status, standard output and error. */
function cli(args: string[], stdin?: string): { status: number; out: string; err: string } {
  let out = '';
  let err = '';
  const status = runCommand(args, { out: t => (out += t), err: t => (err += t), stdin: stdin === undefined ? undefined : () => stdin });
  return { status, out, err };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-cli-'));
const write = (dir: string, name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

const VS_TO_GHOST = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: { host: ghost }
`;

describe('mesh-kit analyze', () => {
  test('prints Istio-style lines and exits 1 on an error; exit 0 and one line when clean', () => {
    const dir = tmp();
    const file = write(dir, 'vs.yaml', `---\n${VS_TO_GHOST}`);
    const r = cli(['analyze', file]);
    expect(r.status).toBe(1);
    expect(r.out).toBe(`Error [IST0101] (VirtualService shop/reviews ${file}:2) VirtualService 'reviews' routes to host 'ghost' (http[0].route[0]), `
      + 'which no Service or ServiceEntry visible from namespace \'shop\' declares; add a Service or ServiceEntry for \'ghost\' visible from namespace \'shop\', or route to a host that has one\n');
    const clean = write(dir, 'ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { istio-injection: enabled } }\n');
    expect(cli(['analyze', clean])).toStrictEqual({ status: 0, out: 'No validation issues found when analyzing 1 object.\n', err: '' });
  });

  test('--fail-on warning fails on warnings; --output json gives the report; folders are walked; - reads standard input', () => {
    const dir = tmp();
    write(dir, 'dr.yaml', 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: ext }\nspec: { host: api.example.com, trafficPolicy: { tls: { mode: SIMPLE } } }\n');
    write(dir, 'notes.txt', 'not read');
    expect(cli(['analyze', dir]).status).toBe(0);
    expect(cli(['analyze', '--fail-on', 'warning', dir]).status).toBe(1);
    const json = JSON.parse(cli(['analyze', '-o', 'json', dir]).out);
    expect(json.findings.map((f: { code: string }) => f.code)).toStrictEqual(['IST0128', 'IST0174']);
    expect(json.objects).toBe(1);
    expect(cli(['analyze', '-'], VS_TO_GHOST).out).toMatch(/^Error \[IST0101\] \(VirtualService shop\/reviews \(stdin\):1\)/);
  });

  test('--suppress sets findings aside; an unknown code is an error naming the valid codes (exit 2)', () => {
    const file = write(tmp(), 'vs.yaml', VS_TO_GHOST);
    expect(cli(['analyze', '--suppress', 'IST0101=VirtualService shop/*', file])).toStrictEqual({
      status: 0, out: 'No validation issues found when analyzing 1 object (1 suppressed).\n', err: '',
    });
    const bad = cli(['analyze', '--suppress', 'IST0999=Namespace default', file]);
    expect(bad.status).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/^mesh-kit: 'suppression 'IST0999=Namespace default'' must be a code the analysis reports: got 'IST0999'; the codes are IST0002, IST0101, /);
  });

  test('conflicts across objects (MK0013) are printed with the file and line of the object they are reported on', () => {
    const httpRoute = (name: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: shop }
spec:
  parentRefs: [{ name: web }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /api } }]
    backendRefs: [{ name: api, port: 80 }]
`;
    const gw = 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: web, namespace: shop }\n'
      + 'spec: { gatewayClassName: istio, listeners: [{ name: http, port: 80, protocol: HTTP }] }\n';
    const file = write(tmp(), 'routes.yaml', `${gw}---\n${httpRoute('b')}---\n${httpRoute('a')}`);
    const r = cli(['analyze', '--no-schemas', file]);
    expect(r.out.split('\n').filter(l => l.includes('MK0013'))).toStrictEqual([
      `Warning [MK0013] (HTTPRoute shop/b ${file}:6) HTTPRoute 'shop/b' rule 0 match 0 and HTTPRoute 'shop/a' rule 0 match 0 match the same requests `
        + '(path prefix \'/api\') on Gateway \'shop/web\' listener \'http\': with equal precedence the Gateway API gives them to the older route, then by namespace/name '
        + '(apis/v1/httproute_types.go), so which one serves them depends on creation timestamps, which re-applying from Git does not reproduce (mesh-kit MK0013); '
        + 'make the matches of rule 0 match 0 of HTTPRoute \'shop/b\' and rule 0 match 0 of HTTPRoute \'shop/a\' differ, or merge the routes into one',
    ]);
    expect(cli(['analyze', '--no-schemas', '--list-checks']).out).toContain('MK0013');
  });

  test('malformed YAML: an error naming the file, the document and the line, exit 2, no findings printed', () => {
    const file = write(tmp(), 'broken.yaml', `${VS_TO_GHOST}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n`);
    const r = cli(['analyze', file]);
    expect(r).toStrictEqual({ status: 2, out: '', err: expect.stringMatching(new RegExp(`^mesh-kit: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: document 2 \\(line 14, column \\d+\\) is not valid YAML: `)) });
    const notAnObject = write(tmp(), 'list.yaml', '- a\n- b\n');
    expect(cli(['analyze', '--strict-input', notAnObject]).err).toBe(`mesh-kit: ${notAnObject}: document 1 (line 1) is not a Kubernetes object: expected a mapping, got a list\n`);
    expect(cli(['analyze', notAnObject])).toStrictEqual({
      status: 2,
      out: '',
      err: `mesh-kit: note: ${notAnObject}: skipped, document 1 (line 1) is not a Kubernetes object: expected a mapping, got a list (--strict-input refuses it)\n`
        + 'mesh-kit: no Kubernetes object in the input (1 file read, 1 skipped): name the manifests (Helm output, kustomize build, cdk8s dist)\n',
    });
  });

  test('bad usage: no input, an unknown option or command, a missing file, a bad value: exit 2 with the reason', () => {
    expect(cli(['analyze']).err).toMatch(/^mesh-kit: name at least one file, folder, or - for standard input\n\nUsage: mesh-kit analyze/);
    expect(cli(['analyze', '--colour', 'x']).status).toBe(2);
    expect(cli(['lint', 'x']).err).toMatch(/^mesh-kit: unknown command 'lint': the commands are 'analyze', 'diff', 'trace' and 'test'/);
    expect(cli(['analyze', '/nonexistent.yaml'])).toStrictEqual({ status: 2, out: '', err: 'mesh-kit: /nonexistent.yaml: no such file or folder\n' });
    expect(cli(['analyze', '--fail-on', 'fatal', 'x']).err).toMatch(/^mesh-kit: --fail-on must be error, warning or info: got 'fatal'/);
    expect(cli(['analyze', '--output']).err).toMatch(/^mesh-kit: --output needs a value/);
    expect(cli([]).status).toBe(2);
    expect(cli(['--help'])).toMatchObject({ status: 0, out: expect.stringMatching(/^Usage: mesh-kit analyze/) });
    expect(cli(['analyze', '--list-checks']).out.split('\n')).toContain('IST0101 Error   ReferencedResourceNotFound (virtualservice.DestinationHostAnalyzer)');
  });

  test('--mesh-config is read (DNS auto-allocation quiets IST0134; a default provider IST0157); --fail-on info fails on information', () => {
    const dir = tmp();
    const file = write(dir, 'se.yaml', 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: db, namespace: default }\n'
      + 'spec: { hosts: [db.example.com], ports: [{ number: 5432, name: tcp, protocol: TCP }] }\n');
    expect(cli(['analyze', file]).out).toMatch(/^Warning \[IST0134\] \(ServiceEntry default\/db /);
    const mesh = write(dir, 'mesh.yaml', 'defaultConfig:\n  proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true", ISTIO_META_DNS_AUTO_ALLOCATE: "true" }\n');
    expect(cli(['analyze', '--mesh-config', mesh, file])).toStrictEqual({ status: 0, out: 'No validation issues found when analyzing 1 object.\n', err: '' });
    expect(cli(['analyze', '--mesh-config', write(dir, 'bad.yaml', 'a: [b'), file]).err).toMatch(/^mesh-kit: --mesh-config .*bad\.yaml is not valid YAML: /);
    expect(cli(['analyze', '--mesh-config', '/nonexistent.yaml', file]).err).toBe('mesh-kit: --mesh-config /nonexistent.yaml: no such file\n');
    const info = write(dir, 'svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: default }\nspec: { ports: [{ name: web, port: 80 }] }\n');
    expect(cli(['analyze', info]).status).toBe(0);
    expect(cli(['analyze', '--fail-on', 'info', info]).status).toBe(1);
  });

  test('a progress line on large inputs, on standard error', () => {
    const docs = Array.from({ length: 1000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i}, namespace: default }\n`).join('---\n');
    const r = cli(['analyze', write(tmp(), 'big.yaml', docs)]);
    expect(r.err).toMatch(/^read 1000 objects from 1 file in \d+ ms \([\d,]+ objects\/s\); analyzing\.\.\.\nanalyzed 1000 objects in \d+ ms \([\d,]+ objects\/s\)\n$/);
    expect(r.status).toBe(0);
  });
});

describeWithShared('mesh-kit analyze on Istio\'s suite files and the CRDs', () => {
  test('every input of Istio\'s analyzer suite is read and analyzed in one process (no crash, no bad-input exit)', () => {
    // the manifests of every case (the folder also holds mesh configs, which are not manifests)
    const files = [...new Set(loadTable().cases.flatMap(c => c.inputFiles))].sort().map(f => path.join(SUITE_DIR, f.replace(/^testdata\//, '')));
    const started = Date.now();
    const r = cli(['analyze', '-o', 'json', ...files]);
    process.stdout.write(`mesh-kit analyze: Istio's suite, ${files.length} files, ${JSON.parse(r.out).objects} objects in ${Date.now() - started} ms\n`);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.out).objects).toBeGreaterThan(450);
  });

  test('--crds validates against the CRDs: IST0106 for a field the schema does not have', () => {
    const file = write(tmp(), 'vs.yaml', `${VS_TO_GHOST}  tcpp: []\n`);
    const r = cli(['analyze', '--crds', path.join(SHARED_DIR, 'schemas', 'istio-crds.yaml'), file]);
    expect(r.out).toMatch(/^Error \[IST0106\] \(VirtualService shop\/reviews .*\) VirtualService 'reviews' does not match its schema: .*tcpp/m);
    expect(cli(['analyze', '--crds', '/nonexistent-crds.yaml', file]).err).toBe('mesh-kit: --crds /nonexistent-crds.yaml: no such file\n');
  });

  test('validates against the pinned schemas by default, as synth does; --no-schemas turns it off', () => {
    const file = write(tmp(), 'vs.yaml', `${VS_TO_GHOST}  tcpp: []\n`);
    expect(cli(['analyze', file]).out).toMatch(/^Error \[IST0106\] \(VirtualService shop\/reviews .*\) VirtualService 'reviews' does not match its schema: .*tcpp/m);
    expect(cli(['analyze', '--no-schemas', file]).out).not.toMatch(/IST0106/);
  });
});

describe('mesh-kit analyze of a synthesized folder', () => {
  test('a folder walk skips JSON files that hold no Kubernetes objects (the analysis report), reads those that do', () => {
    const dir = tmp();
    write(dir, 'vs.yaml', VS_TO_GHOST);
    write(dir, 'mesh-kit-analysis.json', JSON.stringify({ checks: ['IST0101'], findings: [] }));
    write(dir, 'ns.json', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }));
    const r = cli(['analyze', '-o', 'json', dir]);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).objects).toBe(2);
    // named on the command line, it is read, and refused for what it is
    const named = cli(['analyze', path.join(dir, 'mesh-kit-analysis.json')]);
    expect(named.status).toBe(2);
    expect(named.err).toContain('is not a Kubernetes object');
  });
});
