import { App } from 'cdk8s';
import {
  AuthorizedClient, DataPlane, EnvValue, Mesh, MeshChart, MeshClient, MeshClientProps, MeshNamespace, MeshProvider, MeshService, ServiceAuthorization,
  SidecarInjection, WorkloadSecurity,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { only, synthObjects } from '../support/synth';

/** emojivoto's vote-bot: a load generator calling web, with no Service of its own. */
function emojivoto(mesh: MeshProvider, options: { ambient?: boolean; authorize?: boolean } = {}) {
  return (app: App) => {
    const chart = new MeshChart(app, 'emojivoto', { mesh, namespace: 'emojivoto', ...(options.ambient ? { dataPlane: DataPlane.AMBIENT } : {}) });
    const namespace = new MeshNamespace(chart, 'ns', { name: 'emojivoto' });
    const web = new MeshService(chart, 'web-svc', { namespace, image: 'docker.l5d.io/buoyantio/emojivoto-web:v11', ports: [{ port: 80, targetPort: 8080 }] });
    const bot = new MeshClient(chart, 'vote-bot', {
      namespace,
      image: 'docker.l5d.io/buoyantio/emojivoto-web:v11',
      command: ['emojivoto-vote-bot'],
      env: { WEB_HOST: EnvValue.fromValue('web-svc.emojivoto:80') },
    });
    new MeshClient(chart, 'curl', { namespace, image: 'curlimages/curl:8.10.1', command: ['sleep', 'infinity'] });
    if (options.authorize) new ServiceAuthorization(chart, 'web-callers', { service: web, allowFrom: [AuthorizedClient.workload(bot)] });
  };
}

describe('MeshClient', () => {
  test('a Deployment under a ServiceAccount of its own, hardened as MeshService\'s workloads are, no Service (Linkerd: the namespace injects)', () => {
    const objects = expectSchemaValid(synthObjects(emojivoto(MeshProvider.LINKERD)));
    expect(objects.filter(o => o.kind === 'Service').map(o => o.metadata.name)).toStrictEqual(['web-svc']);
    expect(only(objects, 'ServiceAccount', 'vote-bot')).toStrictEqual({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'vote-bot', namespace: 'emojivoto', labels: { account: 'vote-bot' } },
    });
    const deployment = only(objects, 'Deployment', 'vote-bot');
    const webPod = (only(objects, 'Deployment', 'web-svc').spec as { template: { spec: { securityContext: unknown; containers: Array<{ securityContext: unknown; resources: unknown }> } } }).template.spec;
    expect(deployment).toStrictEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'vote-bot', namespace: 'emojivoto', labels: { app: 'vote-bot' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'vote-bot' } },
        template: {
          metadata: { labels: { app: 'vote-bot' } },
          spec: {
            serviceAccountName: 'vote-bot',
            securityContext: webPod.securityContext,
            containers: [{
              name: 'vote-bot',
              image: 'docker.l5d.io/buoyantio/emojivoto-web:v11',
              imagePullPolicy: 'IfNotPresent',
              command: ['emojivoto-vote-bot'],
              env: [{ name: 'WEB_HOST', value: 'web-svc.emojivoto:80' }],
              securityContext: webPod.containers[0].securityContext,
              resources: webPod.containers[0].resources,
            }],
          },
        },
      },
    });
    expect(only(objects, 'Namespace').metadata.annotations).toStrictEqual({ 'linkerd.io/inject': 'enabled' });
  });

  test('defaults: one replica, the ServiceAccount and container named after the client, restricted security, IfNotPresent', () => {
    const objects = synthObjects(app => {
      new MeshClient(new MeshChart(app, 'c'), 'loadgen', { image: 'fortio/fortio:1.66.0' });
    });
    type Container = { name: string; imagePullPolicy: string; securityContext: unknown };
    type PodSpec = { serviceAccountName: string; securityContext: unknown; containers: Container[] };
    const spec = only(objects, 'Deployment').spec as { replicas: number; template: { spec: PodSpec } };
    const restricted = only(synthObjects(app => {
      new MeshClient(new MeshChart(app, 'c'), 'loadgen', { image: 'fortio/fortio:1.66.0', security: WorkloadSecurity.restricted() });
    }), 'Deployment').spec as typeof spec;
    const pod = spec.template.spec;
    expect([spec.replicas, pod.serviceAccountName, pod.containers[0].name, pod.containers[0].imagePullPolicy])
      .toStrictEqual([1, 'loadgen', 'loadgen', 'IfNotPresent']);
    expect(spec.template.spec.securityContext).toStrictEqual(restricted.template.spec.securityContext);
    expect(spec.template.spec.containers[0].securityContext).toStrictEqual(restricted.template.spec.containers[0].securityContext);
    expect(spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(spec.template.spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false });
  });

  test('Istio: the namespace injects the sidecar; sidecarInjection forces it per pod; ambient: enrolled by the namespace', () => {
    const istio = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      new MeshClient(chart, 'curl', { image: 'curlimages/curl:8.10.1', sidecarInjection: SidecarInjection.ENABLED, serviceAccountName: 'tester', replicas: 2 });
    }));
    const spec = only(istio, 'Deployment').spec as { replicas: number; template: { metadata: { labels: unknown }; spec: { serviceAccountName: string } } };
    expect([spec.replicas, spec.template.metadata.labels, spec.template.spec.serviceAccountName]).toStrictEqual([2, { 'app': 'curl', 'sidecar.istio.io/inject': 'true' }, 'tester']);
    expect(only(istio, 'ServiceAccount').metadata.name).toBe('tester');
    const ambient = expectSchemaValid(synthObjects(emojivoto(MeshProvider.ISTIO, { ambient: true })));
    expect(only(ambient, 'Namespace').metadata.labels).toMatchObject({ 'istio.io/dataplane-mode': 'ambient' });
    expect((only(ambient, 'Deployment', 'vote-bot').spec as { template: { metadata: unknown } }).template.metadata).toStrictEqual({ labels: { app: 'vote-bot' } });
  });

  for (const mesh of [MeshProvider.LINKERD, MeshProvider.ISTIO]) {
    test(`${mesh}: AuthorizedClient.workload(client) lets the client in, another client is refused (data-plane model)`, () => {
      const app = new App();
      emojivoto(mesh, { authorize: true })(app);
      const model = Mesh.fromApp(app);
      expect(model.request({ from: 'emojivoto/vote-bot', host: 'web-svc.emojivoto', port: 80 }).outcome).toBe('routed');
      expect(model.request({ from: 'emojivoto/curl', host: 'web-svc.emojivoto', port: 80 }).outcome).toBe('denied');
    });
  }

  test('Linkerd: the client\'s ServiceAccount in the MeshTLSAuthentication; Istio: its principal', () => {
    const linkerd = synthObjects(emojivoto(MeshProvider.LINKERD, { authorize: true }));
    expect(only(linkerd, 'MeshTLSAuthentication').spec).toStrictEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'vote-bot', namespace: 'emojivoto' }] });
    const istio = synthObjects(emojivoto(MeshProvider.ISTIO, { authorize: true }));
    expect((only(istio, 'AuthorizationPolicy').spec as { rules: Array<{ from: unknown }> }).rules[0].from).toStrictEqual([{ source: { principals: ['cluster.local/ns/emojivoto/sa/vote-bot'] } }]);
  });
});

describe('MeshClient: a versioned client under the namespace\'s default account (emojivoto\'s vote-bot upstream)', () => {
  const bot = (props: Partial<MeshClientProps> = {}) => (app: App) => {
    const chart = new MeshChart(app, 'emojivoto', { mesh: MeshProvider.LINKERD, namespace: 'emojivoto' });
    new MeshClient(chart, 'vote-bot', {
      image: 'ghcr.io/buoyantio/emojivoto-web:v11',
      serviceAccountName: 'default',
      version: 'v11',
      deploymentLabels: { 'app.kubernetes.io/part-of': 'emojivoto' },
      ...props,
    });
  };

  test('version: the pods\' version label, in the selector; deploymentLabels on the Deployment only; no ServiceAccount written for default', () => {
    const objects = expectSchemaValid(synthObjects(bot()));
    expect(objects.filter(o => o.kind === 'ServiceAccount')).toStrictEqual([]);
    type Pod = { metadata: unknown; spec: { serviceAccountName: string } };
    type Deployment = { metadata: { labels: unknown }; spec: { selector: unknown; template: Pod } };
    const d = only(objects, 'Deployment', 'vote-bot') as unknown as Deployment;
    expect(d.metadata.labels).toStrictEqual({ 'app.kubernetes.io/part-of': 'emojivoto', 'app': 'vote-bot', 'version': 'v11' });
    expect(d.spec.selector).toStrictEqual({ matchLabels: { app: 'vote-bot', version: 'v11' } });
    expect(d.spec.template.metadata).toStrictEqual({ labels: { app: 'vote-bot', version: 'v11' } });
    expect(d.spec.template.spec.serviceAccountName).toBe('default');
  });

  test('authorized by the default account\'s identity (Linkerd\'s MeshTLSAuthentication names emojivoto/default)', () => {
    const objects = synthObjects(app => {
      bot()(app);
      const chart = new MeshChart(app, 'web', { mesh: MeshProvider.LINKERD, namespace: 'emojivoto' });
      const client = app.node.findChild('emojivoto').node.findChild('vote-bot') as MeshClient;
      expect(client.serviceAccount).toBeUndefined();
      const web = new MeshService(chart, 'web-svc', { image: 'ghcr.io/buoyantio/emojivoto-web:v11', ports: [{ port: 80, targetPort: 8080 }] });
      new ServiceAuthorization(chart, 'web-callers', { service: web, allowFrom: [AuthorizedClient.workload(client)] });
    });
    expect(only(objects, 'MeshTLSAuthentication').spec).toStrictEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'default', namespace: 'emojivoto' }] });
  });

  test('fails on a version or Deployment label Kubernetes refuses', () => {
    expect(errorOf(() => bot({ version: 'v 11' })(new App()))).toBe(
      '[emojivoto/vote-bot] \'version\' must be a Kubernetes label value (at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit): got \'v 11\'; write it as \'v-11\'');
    expect(errorOf(() => bot({ deploymentLabels: { 'bad key!': 'x' } })(new App()))).toBe(
      '[emojivoto/vote-bot] \'deploymentLabels.bad key!\' must be a label key (\'[prefix/]name\'): the name of \'bad key!\' must be at most 63 characters: '
      + 'letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit: got \'bad key!\'');
  });
});

describe('MeshClient errors', () => {
  const chart = () => new MeshChart(new App(), 'c');

  test('fails on an unpinned image, a bad name, no replicas', () => {
    expect(errorOf(() => new MeshClient(chart(), 'bot', { image: 'vote-bot:latest' }))).toMatch(/^\[c\/bot\] 'image' /);
    expect(errorOf(() => new MeshClient(chart(), 'Bot', { image: 'vote-bot:1.0.0' }))).toMatch(/^\[c\/Bot\] 'name \(the construct id\)' must be a DNS-1123 label/);
    expect(errorOf(() => new MeshClient(chart(), 'bot', { image: 'vote-bot:1.0.0', replicas: -1 }))).toMatch(/^\[c\/bot\] 'replicas' /);
  });

  test('fails without an image, and on sidecar injection under ambient', () => {
    expect(errorOf(() => new MeshClient(chart(), 'bot', {} as never))).toMatch(/'props\.image' is required/);
    const ambient = new MeshChart(new App(), 'c', { dataPlane: DataPlane.AMBIENT });
    expect(errorOf(() => new MeshClient(ambient, 'bot', { image: 'vote-bot:1.0.0', sidecarInjection: SidecarInjection.ENABLED }))).toBe(
      '[c/bot] \'sidecarInjection\' cannot be ENABLED under ambient mode: a workload joins the mesh one way (IST0123): got \'enabled\'; '
      + 'leave it out (the namespace enrols the pods in ambient mode), or render the chart with DataPlane.SIDECAR');
  });

  test('AuthorizedClient.workload takes a MeshClient only', () => {
    expect(errorOf(() => AuthorizedClient.workload({} as MeshClient))).toMatch(/^AuthorizedClient\.workload: /);
  });
});
