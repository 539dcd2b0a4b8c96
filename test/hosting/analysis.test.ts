import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Include, JsonPatch } from 'cdk8s';
import { AnalysisOptions, FindingLevel, IngressGateway, IngressGatewayRoute, MeshApp, MeshChart, MeshService, MeshValidationError, RouteAction, ServiceRouting, Suppressions } from '../../lib';

function reviewsApp(outdir: string, props: ConstructorParameters<typeof MeshApp>[0] = {}) {
  const app = new MeshApp({ outdir, ...props });
  const chart = new MeshChart(app, 'bookinfo');
  const reviews = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }] });
  reviews.addVersion('v1', { image: 'reviews:1.0.0' });
  const routing = new ServiceRouting(chart, 'reviews-route', { service: reviews, name: 'reviews', routes: [{ action: RouteAction.forward(reviews.version('v1')) }] });
  return { app, chart, reviews, routing };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-analysis-'));

describe('synth-time analysis in MeshApp', () => {
  test('an error Istio would report stops synth, names the construct, and nothing is written', () => {
    const outdir = path.join(tmp(), 'dist');
    const { app, routing } = reviewsApp(outdir);
    // an escape hatch can break what the constructs guarantee: the analysis still sees it
    ApiObject.of(routing.resource).addJsonPatch(JsonPatch.replace('/spec/http/0/route/0/destination/subset', 'v4'));
    expect(() => app.synth()).toThrow(MeshValidationError);
    expect(() => app.synth()).toThrow([
      'Analysis found 1 error; nothing was written:',
      '  [bookinfo/reviews-route/VirtualService] [IST0101] VirtualService \'reviews\' routes to subset \'v4\' of host \'reviews\' (http[0].route[0]), '
        + 'which no DestinationRule visible from namespace \'default\' defines',
    ].join('\n'));
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('warnings are written to the report (and printed); warningsAsErrors stops synth on them', () => {
    const outdir = tmp();
    const { app, reviews } = reviewsApp(outdir);
    // TLS origination without a CA: Istio's IST0128 warning
    ApiObject.of(reviews.destinationRule!).addJsonPatch(JsonPatch.replace('/spec/trafficPolicy/tls/mode', 'SIMPLE'));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      app.synth();
      expect(stderr.mock.calls.map(c => String(c[0])).join('')).toContain(
        'warning [bookinfo/reviews/DestinationRule] [IST0128] DestinationRule \'reviews\' has TLS mode SIMPLE but nothing to verify host \'reviews\' with');
    } finally {
      stderr.mockRestore();
    }
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'mesh-kit-analysis.json'), 'utf8'));
    expect(report.summary).toStrictEqual({ errors: 0, warnings: 1, info: 0, suppressed: 0 });
    expect(report.findings[0]).toStrictEqual({
      code: 'IST0128',
      analyzer: 'destinationrule.CaCertificateAnalyzer',
      name: 'NoServerCertificateVerificationDestinationLevel',
      level: 'Warning',
      object: 'DestinationRule reviews',
      path: 'bookinfo/reviews/DestinationRule',
      file: 'bookinfo',
      message: '[IST0128] DestinationRule \'reviews\' has TLS mode SIMPLE but nothing to verify host \'reviews\' with; '
        + 'set spec.trafficPolicy.tls.caCertificates, or a credentialName with a workloadSelector (or insecureSkipVerify: true, knowingly)',
      field: 'spec.trafficPolicy.tls',
      value: '{"mode":"SIMPLE"}',
      fix: 'set spec.trafficPolicy.tls.caCertificates, or a credentialName with a workloadSelector (or insecureSkipVerify: true, knowingly)',
      world: 'base',
    });
    expect(report.checks.length).toBeGreaterThanOrEqual(20);

    const strict = reviewsApp(tmp(), { analysis: { warningsAsErrors: true } });
    ApiObject.of(strict.reviews.destinationRule!).addJsonPatch(JsonPatch.replace('/spec/trafficPolicy/tls/mode', 'SIMPLE'));
    expect(() => strict.app.synthFiles()).toThrow(/^Analysis found 1 error; nothing was written:\n {2}\[bookinfo\/reviews\/DestinationRule\] \[IST0128\]/);
  });

  test('a suppression on a construct (or an ancestor) sets the finding aside, with its reason, in the report', () => {
    const outdir = tmp();
    const { app, reviews } = reviewsApp(outdir, { analysis: { reportFile: 'reports/analysis.json' } });
    ApiObject.of(reviews.destinationRule!).addJsonPatch(JsonPatch.add('/spec/subsets/-', { name: 'v9', labels: { version: 'v9' } }));
    Suppressions.add(reviews, 'IST0173', 'v9 is deployed by the performance-test pipeline');
    app.synth();
    expect(app.report!.findings).toStrictEqual([]);
    expect(app.report!.suppressed.map(f => `${f.code} ${f.path}: ${f.suppressedBecause}`))
      .toStrictEqual(['IST0173 bookinfo/reviews/DestinationRule: v9 is deployed by the performance-test pipeline']);
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'reports', 'analysis.json'), 'utf8')).summary.suppressed).toBe(1);
    expect(app.report!.toText()).toBe('suppressed [bookinfo/reviews/DestinationRule] [IST0173] DestinationRule \'reviews\' subset \'v9\' ({"version":"v9"}) '
      + 'selects no pod: no traffic sent to it can be served; give the pods of host \'reviews\' the labels version=v9, or change the labels of subset \'v9\' '
      + 'to those of pods that serve it (reason: v9 is deployed by the performance-test pipeline)');
  });

  test('conflicts across objects: a GAMMA route beside the VirtualService of its Service stops synth (MK0014); a suppression with a reason lets it through', () => {
    const outdir = path.join(tmp(), 'dist');
    const { app, chart } = reviewsApp(outdir);
    const gamma = new ApiObject(chart, 'reviews-gamma', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'reviews-gamma' },
      spec: { parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }], rules: [{ backendRefs: [{ name: 'reviews', port: 9080 }] }] },
    });
    expect(() => app.synth()).toThrow(/^Analysis found 1 error; nothing was written:\n {2}\[bookinfo\/reviews-gamma\] \[MK0014\] HTTPRoute 'default\/reviews-gamma' routes Service 'default\/reviews' port 9080 inside the mesh, and so does VirtualService 'default\/reviews': /);
    expect(fs.existsSync(outdir)).toBe(false);
    Suppressions.add(gamma, 'MK0014', 'moving reviews to the Gateway API: the VirtualService goes next');
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'mesh-kit-analysis.json'), 'utf8'));
    expect(report.suppressed.map((f: { code: string; path: string; suppressedBecause: string }) => `${f.code} ${f.path} ${f.suppressedBecause}`))
      .toStrictEqual(['MK0014 bookinfo/reviews-gamma moving reviews to the Gateway API: the VirtualService goes next']);
  });

  test('objects the library did not write are analyzed like its own: a cdk8s Include (as Helm charts are) and a plain ApiObject', () => {
    const dir = tmp();
    const included = path.join(dir, 'vendor.yaml');
    fs.writeFileSync(included, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: vendor }\n'
      + 'spec: { hosts: [vendor], http: [{ route: [{ destination: { host: ghost } }] }] }\n');
    const app = new MeshApp({ outdir: path.join(dir, 'dist') });
    const chart = new MeshChart(app, 'mixed');
    new Include(chart, 'vendor', { url: included });
    new ApiObject(chart, 'plain', { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'plain' }, spec: { host: 'nowhere' } });
    expect(() => app.synth()).toThrow(new RegExp('^Analysis found 1 error; nothing was written:\n {2}\\[mixed/vendor/vendor-virtualservice\\] \\[IST0101\\] '
      + 'VirtualService \'vendor\' routes to host \'ghost\''));
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
    expect(app.report).toBeUndefined();
    const report = new MeshApp({ outdir: path.join(dir, 'dist2') });
    new ApiObject(new MeshChart(report, 'plain'), 'dr', { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'plain' }, spec: { host: 'nowhere' } });
    report.synth();
    expect(report.report!.findings.map(f => `${f.code} ${f.path}`)).toStrictEqual(['IST0174 plain/dr']);
  });

  test('a partial world: imports and analysis.externals exist, anything else referenced is IST0101; analysis.meshConfig is read', () => {
    const build = (analysis: AnalysisOptions) => {
      const app = new MeshApp({ outdir: path.join(tmp(), 'dist'), analysis });
      const chart = new MeshChart(app, 'shop');
      const gateway = IngressGateway.fromAttributes({ name: 'public', namespace: 'istio-ingress', servers: [{ port: 80, hosts: ['*.example.com'] }] });
      const reviews = MeshService.fromAttributes({ name: 'reviews', namespace: 'bookinfo', ports: [{ port: 9080 }] });
      new IngressGatewayRoute(chart, 'r', { gateway, hosts: ['reviews.example.com'], routes: [{ action: RouteAction.forward(reviews) }] });
      new ApiObject(chart, 'billing', {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'billing' },
        spec: { hosts: ['billing'], http: [{ route: [{ destination: { host: 'payments.billing.svc.cluster.local' } }] }] },
      });
      new ApiObject(chart, 'logs', { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'logs' }, spec: { accessLogging: [{ filter: { expression: 'true' } }] } });
      return app;
    };
    // the imported gateway and service need nothing more; the raw reference to billing/payments does
    expect(() => build({}).synthFiles()).toThrow(/^Analysis found 1 error; nothing was written:\n {2}\[shop\/billing\] \[IST0101\] VirtualService 'billing' routes to host 'payments\.billing/);
    const declared = build({ externals: { services: ['billing/payments'] } });
    declared.synthFiles();
    expect(declared.report!.findings.map(f => f.code)).toStrictEqual(['IST0157']);
    const withDefaults = build({ externals: { namespaces: ['billing'] }, meshConfig: { defaultProviders: { accessLogging: ['envoy'] } } });
    withDefaults.synthFiles();
    expect(withDefaults.report!.findings).toStrictEqual([]);
  });

  test('no report file when asked for none; information is reported but never printed', () => {
    const outdir = tmp();
    const { app, reviews } = reviewsApp(outdir, { analysis: { reportFile: '' } });
    // MeshService refuses such a port name; an escape hatch can still write one
    ApiObject.of(reviews.serviceResource).addJsonPatch(JsonPatch.replace('/spec/ports/0/name', 'web'));
    // which Kiali reports as an error (KIA0601): set aside, to leave Istio's information only
    Suppressions.add(reviews, 'KIA0601', 'Kiali\'s error for the port name; this test is about information');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      app.synth();
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
    }
    expect(fs.readdirSync(outdir)).toStrictEqual(['bookinfo.k8s.yaml', 'mesh-kit-graph.md']);
    expect(app.report!.at(FindingLevel.INFO).map(f => f.message)).toStrictEqual([
      '[IST0118] Service \'reviews\' port 9080 is named \'web\', which does not follow Istio\'s <protocol>[-<suffix>] convention; name it e.g. \'http-web\' or set appProtocol',
    ]);
  });

  test('fails if the report file would leave the output folder', () => {
    expect(() => new MeshApp({ analysis: { reportFile: '../report.json' } }))
      .toThrow('\'analysis.reportFile\' must be a relative path inside the output folder: got \'../report.json\'');
  });
});
