import { App } from 'cdk8s';
import { Mesh, MeshApp, MeshChart, MeshNamespace, MeshProvider, MeshService, Protocol, TrafficApi } from '../../lib';
import { parseFailureAccrual } from '../../lib/dataplane/linkerd';
import { expectLinkerdValid } from '../support/schemas';
import { only, synthError, synthObjects } from '../support/synth';

/**
 * Issue 32, deliverable 1: valid Linkerd documentation configuration is not refused. The port names and the default
 * failure accrual were fixed before the issue (commit 559f52b); these tests hold them to the cases, through the
 * public API, the pinned CRDs, the synth-time analysis and the data-plane model. Egress by port and weights as
 * proportions have tests of their own (linkerd-egress.test.ts, route-weights.test.ts).
 */
const ERRORS = 'Validation failed with the following errors:\n  ';

describe('Istio\'s port naming never applies under Linkerd', () => {
  // emojivoto's emoji-svc (grpc 8080, prom 8801), Linkerd's egress task's internal-egress (one), its docs' 'service'
  const emojiPorts = [{ port: 8080, name: 'grpc', protocol: Protocol.GRPC }, { port: 8801, name: 'prom' }, { port: 9090, name: 'service' }, { port: 80, name: 'one' }];
  function emojivoto(app: App, props: { mesh?: MeshProvider; trafficApi?: TrafficApi }) {
    const chart = new MeshChart(app, 'emojivoto', { namespace: 'emojivoto', ...props });
    new MeshNamespace(chart, 'Namespace', { name: 'emojivoto' });
    new MeshService(chart, 'emoji-svc', { image: 'docker.io/buoyantio/emojivoto-emoji-svc:v11', ports: emojiPorts });
  }

  test('prom, service and one are accepted, valid, and the analysis has nothing to say of them (IST0118 and KIA0601 are Istio\'s)', () => {
    const app = new MeshApp({ outdir: '/tmp/mesh-kit-linkerd-refusals-test' });
    emojivoto(app, { mesh: MeshProvider.LINKERD });
    const objects = expectLinkerdValid(synthObjects(a => emojivoto(a, { mesh: MeshProvider.LINKERD })));
    expect((only(objects, 'Service', 'emoji-svc').spec as { ports: unknown }).ports).toStrictEqual([
      { name: 'grpc', port: 8080 }, { name: 'prom', port: 8801 }, { name: 'service', port: 9090 }, { name: 'one', port: 80 },
    ]);
    app.synthFiles();
    expect(app.report!.findings.filter(f => ['IST0118', 'KIA0601'].includes(f.code))).toStrictEqual([]);
  });

  test.each([
    ['Istio\'s API', {}],
    ['the Gateway API under Istio', { trafficApi: TrafficApi.GATEWAY_API }],
  ])('under Istio (%s) the rule still applies', (_, props) => {
    const err = synthError(app => emojivoto(app, props));
    expect(err).toBe(ERRORS + [
      '[emojivoto/emoji-svc] \'ports.name\' breaks Istio\'s port naming convention \'<protocol>[-<suffix>]\' for a http port: got \'prom\'; name it \'http\' or \'http-<suffix>\', '
      + 'or set \'appProtocol: true\' to keep the name',
      '[emojivoto/emoji-svc] \'ports.name\' breaks Istio\'s port naming convention \'<protocol>[-<suffix>]\' for a http port: got \'service\'; name it \'http\' or \'http-<suffix>\', '
      + 'or set \'appProtocol: true\' to keep the name',
      '[emojivoto/emoji-svc] \'ports.name\' breaks Istio\'s port naming convention \'<protocol>[-<suffix>]\' for a http port: got \'one\'; name it \'http\' or \'http-<suffix>\', '
      + 'or set \'appProtocol: true\' to keep the name',
    ].join('\n  '));
  });
});

describe('failure accrual with Linkerd\'s defaults (linkerd.io 2-edge tasks/circuit-breakers.md)', () => {
  function bb(app: App) {
    const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, namespace: 'circuit-breaking-demo' });
    new MeshNamespace(chart, 'Namespace', { name: 'circuit-breaking-demo' });
    new MeshService(chart, 'slow-cooker', { image: 'docker.io/buoyantio/slow_cooker:1.3.0', ports: [{ port: 8080 }] });
    const svc = new MeshService(chart, 'bb', { ports: [{ port: 8080 }], trafficPolicy: { outlierDetection: {} } });
    svc.addVersion('good', { image: 'docker.io/buoyantio/bb:v0.0.6' });
    svc.addVersion('bad', { image: 'docker.io/buoyantio/bb:v0.0.6' });
  }

  test('outlierDetection: {} is the task\'s one annotation (failure-accrual: consecutive), on the Service and each version\'s', () => {
    const objects = expectLinkerdValid(synthObjects(bb));
    for (const name of ['bb', 'bb-good', 'bb-bad']) {
      expect(only(objects, 'Service', name).metadata.annotations).toStrictEqual({ 'balancer.linkerd.io/failure-accrual': 'consecutive' });
    }
  });

  test('Linkerd reads it as its documented defaults (7 failures, 1s to 1m, jitter 0.5), and the data-plane model applies it without complaint', () => {
    const objects = synthObjects(bb);
    expect(parseFailureAccrual(only(objects, 'Service', 'bb').metadata.annotations as Record<string, string>)).toStrictEqual({
      ok: true, value: { mode: 'consecutive', maxFailures: 7, minPenalty: 1000, maxPenalty: 60_000, jitter: 0.5 },
    });
    const app = new MeshApp({ outdir: '/tmp/mesh-kit-linkerd-refusals-test' });
    bb(app);
    const r = Mesh.fromApp(app).request({ from: 'circuit-breaking-demo/slow-cooker', host: 'bb', port: 8080 });
    expect(r.outcome).toBe('routed');
    expect(r.notes.filter(n => n.includes('failure accrual'))).toStrictEqual([]);
  });
});
