import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCommand } from '../../lib/cli/analyze-command';

/** Runs `mesh-kit <args>` in process: exit status, standard output and error. */
function cli(args: string[]): { status: number; out: string; err: string } {
  let out = '';
  let err = '';
  const status = runCommand(args, { out: t => (out += t), err: t => (err += t) });
  return { status, out, err };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-trace-'));
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

const deployment = (name: string, labels: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  replicas: ${replicas}
  selector: { matchLabels: ${labels} }
  template: { metadata: { labels: ${labels} }, spec: { containers: [{ name: app, image: 'example/app:1' }] } }
`;
const MANIFESTS = write('shop.yaml', [
  deployment('client', '{ app: client }', 1),
  deployment('reviews-v1', '{ app: reviews, version: v1 }', 3),
  deployment('reviews-v2', '{ app: reviews, version: v2 }', 1),
  'apiVersion: v1\nkind: Service\nmetadata: { name: reviews, namespace: shop }\nspec: { selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }\n',
].join('---\n'));
// a synthesized output folder also holds mesh-kit's report and picture: a folder walk skips them
fs.writeFileSync(path.join(dir, 'mesh-kit-analysis.json'), JSON.stringify({ checks: [], findings: [] }));

describe('mesh-kit trace', () => {
  test('a file that is not a Kubernetes object (a Helm Chart.yaml) is skipped with a note on standard error', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-trace-repo-'));
    fs.copyFileSync(MANIFESTS, path.join(repo, 'shop.yaml'));
    fs.writeFileSync(path.join(repo, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 0.1.0\n');
    const r = cli(['trace', '--from', 'shop/client', '--host', 'reviews', repo]);
    expect(r.err).toBe(`mesh-kit trace: note: ${path.join(repo, 'Chart.yaml')}: skipped, a Helm chart's Chart.yaml, not a Kubernetes object\n`);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^routed \(200\)/m);
  });

  test('draws the path: data plane, each hop, each destination with its share, the outcome', () => {
    const r = cli(['trace', '--from', 'shop/client', '--host', 'reviews', '--header', 'end-user: jason', '--path', '/reviews/1', dir]);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toBe([
      'from shop/client: GET http://reviews/reviews/1 (end-user: jason)',
      '  data plane: no mesh: kube-proxy',
      '  kube-proxy shop/client: reviews.shop.svc.cluster.local:9080 → v1 75%, v2 25%',
      '  ├─     75%  shop/reviews:9080 (version v1) [shop/reviews-v1]',
      '  └─     25%  shop/reviews:9080 (version v2) [shop/reviews-v2]',
      'routed (200): kube-proxy spreads connections to shop/reviews:9080 over its pods',
      '',
    ].join('\n'));
  });

  test('-o json: outcome, status, route, destinations, redirect, requestHeaders (and the reason)', () => {
    const r = cli(['trace', '--from', 'shop/client', '--host', 'reviews', '--header', 'X-Id: 7', '--query', 'a=1', '-o', 'json', MANIFESTS]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.out)).toStrictEqual({
      outcome: 'routed',
      status: 200,
      route: null,
      destinations: [
        { service: 'shop/reviews', port: 9080, version: 'v1', subset: null, weight: 75 },
        { service: 'shop/reviews', port: 9080, version: 'v2', subset: null, weight: 25 },
      ],
      redirect: null,
      requestHeaders: { 'host': 'reviews', 'x-id': '7' },
      reason: 'kube-proxy spreads connections to shop/reviews:9080 over its pods',
    });
  });

  test('a TCP call has no status and no headers', () => {
    const r = cli(['trace', '--from', 'shop/client', '--host', 'reviews.shop.svc.cluster.local', '--port', '9080', '--protocol', 'tcp', '-o', 'json', MANIFESTS]);
    expect(JSON.parse(r.out)).toMatchObject({ outcome: 'routed', status: null, requestHeaders: null });
  });

  test.each([
    [['--from', 'shop/clinet', '--host', 'reviews'], 'mesh-kit trace: Mesh.request: \'request.from\' must name a workload (namespace/name of a Deployment, StatefulSet, DaemonSet, Job or Pod): '
      + 'got \'shop/clinet\'; did you mean \'shop/client\'?\n'],
    [['--from', 'shop/client', '--host', 'reveiws'], 'mesh-kit trace: Mesh.request: \'request.host\' must name a Service (from namespace \'shop\'): got \'reveiws\'; did you mean \'reviews\'?\n'],
    [['--gateway', 'shop/gw', '--host', 'x'], 'mesh-kit trace: Mesh.request: \'request.gateway\' must name a Gateway (namespace/name): got \'shop/gw\'; there is no gateway in the configuration\n'],
  ])('an unknown name is exit 2, naming the nearest: %j', (args, message) => {
    const r = cli(['trace', ...args, MANIFESTS]);
    expect(r.status).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(message);
  });

  test.each([
    [['--host', 'reviews', MANIFESTS], 'give --from NAMESPACE/WORKLOAD or --gateway NAMESPACE/NAME'],
    [['--from', 'shop/client', '--host', 'reviews'], 'name at least one file or folder of manifests'],
    [['--from', 'shop/client', '--port', 'http', MANIFESTS], '--port must be a port number: got \'http\''],
    [['--from', 'shop/client', '--protocol', 'udp', MANIFESTS], '--protocol must be one of http, http2, grpc, tcp, tls: got \'udp\''],
    [['--from', 'shop/client', '--header', 'novalue', MANIFESTS], '--header must be \'Name: value\': got \'novalue\''],
    [['--from', 'shop/client', '--query', 'x', MANIFESTS], '--query must be \'name=value\': got \'x\''],
    [['--from', 'shop/client', '--from', 'shop/client', MANIFESTS], '--from may be given once'],
    [['--form', 'shop/client', MANIFESTS], 'unknown option \'--form\''],
  ])('bad options are exit 2 with the usage: %j', (args, message) => {
    const r = cli(['trace', ...args]);
    expect(r.status).toBe(2);
    expect(r.err.split('\n')[0]).toBe(`mesh-kit trace: ${message}`);
    expect(r.err).toContain('Usage: mesh-kit trace [options] FILE|DIR...');
  });

  test('malformed YAML is exit 2 with the file and line', () => {
    const bad = write('bad.yml', 'a: [\n');
    const r = cli(['trace', '--from', 'shop/client', '--host', 'reviews', bad]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(new RegExp(`^mesh-kit trace: ${bad.replace(/[.]/g, '\\.')}: document 1 \\(line \\d+, column \\d+\\) is not valid YAML`));
  });
});

describe('mesh-kit test', () => {
  const spec = (name: string, text: string) => write(name, text);

  test('every test passing: exit 0, one line each and a summary', () => {
    const file = spec('pass.yaml', `manifests: shop.yaml
tests:
  - name: spreads by replicas
    request: { from: shop/client, host: reviews }
    expect:
      outcome: routed
      status: 200
      route: null
      versions: { v1: 75, v2: 25 }
      destinations:
        - { service: shop/reviews, version: v1, weight: 75 }
        - { service: shop/reviews, port: 9080, version: v2 }
      requestHeaders: { Host: reviews, x-absent: null }
`);
    const r = cli(['test', file]);
    expect(r.err).toBe('');
    expect(r.out).toBe(`ok   spreads by replicas  (${file}:3)\n1 test: 1 passed, 0 failed\n`);
    expect(r.status).toBe(0);
  });

  test('a mismatch is exit 1, each difference explained', () => {
    const file = spec('fail.yaml', `tests:
  - name: jason sees v2
    request: { from: shop/client, host: reviews, headers: { end-user: jason } }
    expect: { versions: { v2: 100 }, route: { kind: VirtualService }, destinations: [{ service: shop/ratings }] }
`);
    const r = cli(['test', file, MANIFESTS]);
    expect(r.status).toBe(1);
    expect(r.out).toBe([
      `FAIL jason sees v2  (${file}:2)`,
      '     from shop/client: GET http://reviews/ (end-user: jason)',
      '     - route: expected {"kind":"VirtualService"}, got none (kube-proxy spreads connections to shop/reviews:9080 over its pods)',
      '     - destinations: expected shop/ratings, which no destination is; got shop/reviews:9080 version v1 75%, shop/reviews:9080 version v2 25%',
      '     - destinations: got shop/reviews:9080 version v1 75%, which the expectation does not list',
      '     - destinations: got shop/reviews:9080 version v2 25%, which the expectation does not list',
      '     - versions.v1: expected 0%, got 75%',
      '     - versions.v2: expected 100%, got 25%',
      '1 test: 0 passed, 1 failed',
      '',
    ].join('\n'));
  });

  test('-o json', () => {
    const file = spec('json.yaml', 'manifests: [shop.yaml]\ntests:\n  - { name: t, request: { from: shop/client, host: reviews }, expect: { outcome: denied } }\n');
    const r = cli(['test', '-o', 'json', file]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.out)).toStrictEqual({
      tests: 1,
      passed: 0,
      failed: 1,
      results: [{
        name: 't',
        line: 3,
        request: 'from shop/client: GET http://reviews/',
        passed: false,
        differences: ['outcome: expected denied, got routed (kube-proxy spreads connections to shop/reviews:9080 over its pods)'],
      }],
    });
  });

  test.each([
    ['tests:\n  - name: a\n    request: { from: shop/client, host: reviews }\n    expect:\n      versions: { v1: 75 }\n      destination: []\n',
      ':6: \'tests[0].expect.destination\' is not a field of an expectation: got []; the fields are outcome, status, route, destinations, versions, redirect, requestHeaders, authorization'],
    ['tests:\n  - name: a\n    request: { from: shop/client, host: reviews }\n    expect: { outcome: ok }\n',
      ':4: \'tests[0].expect.outcome\' must be one of [\'routed\', \'redirected\', \'answered\', \'no-route\', \'denied\', \'unavailable\', \'undecided\']: got \'ok\''],
    ['tests:\n  - name: a\n    request: { from: shop/client, host: reviews }\n    expect:\n      destinations:\n        - { service: shop/reviews, weight: ninety }\n',
      ':6: \'tests[0].expect.destinations[0].weight\' must be a number: got \'ninety\''],
    ['tests:\n  - name: a\n    reqest: {}\n', ':3: \'tests[0].reqest\' is not a field of a test: the fields are name, request, expect'],
    ['tests:\n  - name: a\n    expect: {}\n', ':2: \'tests[0].request\' must be a mapping (from or gateway, host, port, path, headers, ...)'],
    ['tests: []\n', ':1: \'tests\' must be a list of tests (name, request, expect)'],
    ['manifest: x\ntests: []\n', ':1: \'manifest\' is not a field of a spec: the fields are manifests, tests'],
    ['tests:\n  - { name: a, request: { from: shop/client }, expect: {} }\n',
      ':2: test \'a\': Mesh.request: \'request.host\' must be given for a request from a workload: got undefined; e.g. host: \'reviews\''],
    ['tests: [\n', ':2: not valid YAML'],
  ])('a malformed spec is exit 2 with its file, line and field (%#)', (text, message) => {
    const file = spec('bad.yaml', text);
    const r = cli(['test', file, MANIFESTS]);
    expect(r.status).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.startsWith(`mesh-kit test: ${file}${message}`)).toBe(true);
  });

  test('no manifests, no spec: exit 2 with the usage', () => {
    const file = spec('none.yaml', 'tests:\n  - { name: a, request: { from: shop/client, host: reviews }, expect: {} }\n');
    expect(cli(['test', file]).err.split('\n')[0]).toBe(`mesh-kit test: ${file}: no manifests: set 'manifests' in the spec or name files or folders after it`);
    expect(cli(['test']).err.split('\n')[0]).toBe('mesh-kit test: name a spec file');
    expect(cli(['test', path.join(dir, 'nothing.yaml'), MANIFESTS]).err).toBe(`mesh-kit test: ${path.join(dir, 'nothing.yaml')}: no such file\n`);
  });
});
