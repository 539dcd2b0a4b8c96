import * as pulumi from '@pulumi/pulumi';
// eslint-disable-next-line import/no-extraneous-dependencies
import { MockMonitor } from '@pulumi/pulumi/runtime/mocks';
// eslint-disable-next-line import/no-extraneous-dependencies
import { setMockOptions } from '@pulumi/pulumi/runtime/settings';
import { App } from 'cdk8s';
import { buildBookinfoApp, bookinfoProgram } from '../../examples/pulumi-bookinfo/program';
import { IngressGateway, MeshChart, MeshNamespace, MeshService, MeshValidationError, SchemaValidation, renderApp } from '../../lib';
import { tokensIn } from '../../lib/core/late-values';
import { MeshComponent, MeshInput } from '../../lib/pulumi';
import { checkResolved, resolvedInputs } from '../../lib/pulumi/mesh-input';

interface Registered { type: string; name: string; inputs: any; dependencies: string[] }
const registered: Registered[] = [];
// the runtime's feature flags (internal to the SDK: not in its declarations)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getStore } = require('@pulumi/pulumi/runtime/state') as { getStore(): Record<string, unknown> };
const SECRET_SIG = '4dabf18193072939515e22adb298388d';

const mocks: pulumi.runtime.Mocks = {
  newResource: args => ({ id: `${args.name}-id`, state: args.inputs }),
  call: args => args.inputs,
};
/** Pulumi's mock monitor, recording each registration's inputs and the resources it depends on. */
class RecordingMonitor extends MockMonitor {
  public async registerResource(req: any, callback: (err: any, res: any) => void): Promise<void> {
    const struct = req.getObject()?.toJavaScript() ?? {};
    registered.push({ type: req.getType(), name: req.getName(), inputs: struct, dependencies: req.getDependenciesList() });
    return super.registerResource(req, callback);
  }
}

const CONFIG = { 'mesh-kit:tlsCert': 'CERT', 'mesh-kit:tlsKey': 'KEY', 'mesh-kit:sessionKey': 'session-s3cret' };
beforeAll(async () => {
  pulumi.runtime.setAllConfig(CONFIG, Object.keys(CONFIG));
  await pulumi.runtime.setMocks(mocks, 'mesh-kit', 'test', false);
  // the same mocks, through a monitor that records what each registration depends on (the features setMocks turned on kept)
  const store = getStore();
  const features = { ...store };
  setMockOptions(new RecordingMonitor(mocks), 'mesh-kit', 'test', false);
  Object.assign(getStore(), Object.fromEntries(Object.entries(features).filter(([k]) => k.startsWith('supports'))));
});
beforeEach(() => { registered.length = 0; });

/** The value of a registered input, secrets unwrapped (the mock monitor sees them marked). */
function plain(v: any): any {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    if (v[SECRET_SIG] !== undefined && 'value' in v) return plain(v.value);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}
const isMarkedSecret = (v: any) => v && typeof v === 'object' && v[SECRET_SIG] !== undefined;
const settle = (c: MeshComponent) => new Promise<unknown>(resolve => pulumi.all(Object.values(c.resources).map(r => r.urn)).apply(resolve));
const valueOf = <T>(o: pulumi.Output<T>) => new Promise<T>(resolve => o.apply(resolve));

describe('examples/pulumi-bookinfo: a Pulumi program with Outputs flowing into the constructs', () => {
  test('every registered resource\'s inputs equal the cdk8s manifests of the same app with the values resolved', async () => {
    const { mesh } = bookinfoProgram('bookinfo');
    await settle(mesh);
    const literal = buildBookinfoApp({ namespace: 'bookinfo', hostname: 'bookinfo.example.com', credentialName: 'bookinfo-credential', sessionKey: 'session-s3cret', tag: '1.20.2' });
    const id = (m: any) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
    const expected = new Map(renderApp(literal).flatMap(c => c.objects.map(m => [id(m), JSON.parse(JSON.stringify(m))])));
    const mine = new Set(Object.keys(mesh.resources));
    const got = new Map(registered.filter(r => mine.has(r.name)).map(r => plain(r.inputs)).map(m => [id(m), m]));
    expect(mesh.objectCount).toBe(expected.size);
    expect([...got.keys()].sort()).toStrictEqual([...expected.keys()].sort());
    for (const [key, m] of expected) expect(got.get(key)).toStrictEqual(m);
  });

  test('a secret stays secret: the Deployment holding the session key has a secret spec, its metadata and other objects do not', async () => {
    const { mesh } = bookinfoProgram('secrets');
    await settle(mesh);
    const deployment = registered.find(r => r.name === 'secrets-bookinfo-deployment-productpage-v1')!;
    expect(isMarkedSecret(deployment.inputs.spec)).toBe(true);
    expect(isMarkedSecret(deployment.inputs.metadata)).toBe(false);
    expect(plain(deployment.inputs.spec).template.spec.containers[0].env).toContainEqual({ name: 'FLASK_SECRET_KEY', value: 'session-s3cret' });
    const others = registered.filter(r => r.name in mesh.resources && r.name !== deployment.name);
    expect(others.filter(r => Object.values(r.inputs).some(isMarkedSecret)).map(r => r.name)).toStrictEqual([]);
    expect(await pulumi.isSecret((mesh.resources[deployment.name] as any).spec)).toBe(true);
  });

  test('dependencies: the resources holding the namespace depend on the Namespace Pulumi made; the others do not', async () => {
    const { mesh, namespace } = bookinfoProgram('deps');
    await settle(mesh);
    const nsUrn = await valueOf(namespace.urn);
    const dependsOnNamespace = (name: string) => registered.find(r => r.name === name)!.dependencies.includes(nsUrn);
    expect(dependsOnNamespace('deps-bookinfo-service-details')).toBe(true);
    expect(dependsOnNamespace('deps-bookinfo-gateway-virtualservice-bookinfo')).toBe(true);
    expect(dependsOnNamespace('deps-istio-deployment-istio-system-istio-ingressgateway')).toBe(false);
  });

  test('a change of one input changes only the resources that use it', async () => {
    pulumi.runtime.setAllConfig({ ...CONFIG, 'mesh-kit:hostname': 'shop.example.org' }, Object.keys(CONFIG));
    try {
      const a = bookinfoProgram('before');
      await settle(a.mesh);
      const before = new Map(registered.filter(r => r.name.startsWith('before-')).map(r => [r.name.slice('before-'.length), JSON.stringify(plain(r.inputs))]));
      pulumi.runtime.setAllConfig({ ...CONFIG, 'mesh-kit:hostname': 'shop.example.net' }, Object.keys(CONFIG));
      const b = bookinfoProgram('after');
      await settle(b.mesh);
      const after = new Map(registered.filter(r => r.name.startsWith('after-')).map(r => [r.name.slice('after-'.length), JSON.stringify(plain(r.inputs))]));
      expect([...after.keys()].sort()).toStrictEqual([...before.keys()].sort());
      expect([...after.keys()].filter(k => after.get(k) !== before.get(k)).sort()).toStrictEqual([
        'bookinfo-gateway-gateway-istio-system-bookinfo-gateway', 'bookinfo-gateway-virtualservice-bookinfo', 'site',
      ]);
    } finally {
      pulumi.runtime.setAllConfig(CONFIG, Object.keys(CONFIG));
    }
  });

  test('outputs: services\' hosts, the gateway\'s listeners, the findings', async () => {
    const { mesh } = bookinfoProgram('outputs');
    expect(await valueOf(mesh.services['bookinfo/productpage'].host)).toBe('productpage.bookinfo.svc.cluster.local');
    expect(mesh.services['bookinfo/productpage'].ports).toStrictEqual([9080]);
    expect(await valueOf(mesh.gateways['bookinfo-gateway/bookinfo-gateway'].servers)).toStrictEqual([
      { port: 8443, protocol: 'HTTPS', hosts: ['bookinfo.example.com'] },
      { port: 8080, protocol: 'HTTP', hosts: ['bookinfo.example.com'] },
    ]);
    expect(Array.isArray(await valueOf(mesh.findings))).toBe(true);
    // the same picture MeshApp writes, one flowchart per chart file
    expect(mesh.graph).toMatch(/^# Mesh picture\n/);
    expect([...mesh.graph.matchAll(/^## (.*)$/gm)].map(m => m[1])).toStrictEqual(['istio.k8s.yaml', 'bookinfo.k8s.yaml', 'bookinfo-gateway.k8s.yaml']);
  });
});

describe('MeshInput: bad values fail their resource with the library\'s error, nothing half-valid is registered', () => {
  const objectsOf = (app: App) => renderApp(app).flatMap(c => c.objects.map((m, i) => ({ m, path: c.constructs[i].node.path })));
  /** What the component checks once an object's Outputs resolve, given their values. */
  const checkWith = (o: { m: any; path: string }, ...values: string[]) =>
    () => checkResolved(o.m, new Map(tokensIn(JSON.stringify(o.m)).map((t, i) => [t, values[i]])), o.path, SchemaValidation.pinned());

  test('an Output resolving to an unpinned image: the Deployment fails naming the construct, the field, the value and the fix', () => {
    const app = new App();
    const web = new MeshService(new MeshChart(app, 'c', { namespace: 'shop' }), 'web', { ports: [{ port: 8080 }] });
    web.addVersion('v1', { image: MeshInput.string(pulumi.output('nginx:latest')) });
    const deployment = objectsOf(app).find(o => o.m.kind === 'Deployment')!;
    expect(checkWith(deployment, 'nginx:latest')).toThrow(new MeshValidationError(
      "[c/web/v1/Deployment] 'versions.v1.image' must be pinned to a tag other than 'latest' or to a digest: got 'nginx:latest'; e.g. 'nginx:1.17.9'"
      + "; or, for tutorials and development, opt out for this image (allowUnpinnedImages: UnpinnedImages.of('nginx')) or for the app or chart (allowUnpinnedImages: UnpinnedImages.ALL), with MeshSettings.apply or MeshChart"));
    expect((checkWith(deployment, 'nginx:1.27.1')() as any).spec.template.spec.containers[0].image).toBe('nginx:1.27.1');
    // the objects without the Output are registered as they are
    const service = objectsOf(app).find(o => o.m.kind === 'Service')!;
    expect(resolvedInputs(service.m, service.path, SchemaValidation.pinned())).toBe(service.m);
  });

  test('an Output resolving to an invalid namespace: the check the construct deferred', () => {
    const app = new App();
    new MeshService(new MeshChart(app, 'c'), 'web', {
      namespace: MeshNamespace.fromName(MeshInput.string(pulumi.output('Shop_1'))), ports: [{ port: 8080 }], image: 'nginx:1.27.1',
    });
    const service = objectsOf(app).find(o => o.m.kind === 'Service')!;
    expect(checkWith(service, 'Shop_1')).toThrow(/^\[c\/web\/Service\] 'namespace' must be a DNS-1123 label \(.*\): got 'Shop_1'; write it as 'shop-1'$/);
  });

  test('an Output resolving to a host Istio refuses: the Gateway fails with the host check', () => {
    const app = new App();
    const c = new MeshChart(app, 'c', { namespace: 'istio-system' });
    new IngressGateway(c, 'gw', { servers: [{ port: 8080, hosts: [MeshInput.string(pulumi.output('shop.example.com:8080'))] }] });
    const gateway = objectsOf(app).find(o => o.m.kind === 'Gateway')!;
    expect(checkWith(gateway, 'shop.example.com:8080')).toThrow(/^\[c\/gw\/Resource\] 'servers.hosts' must be a DNS name, .*: got 'shop.example.com:8080'; hosts never carry a port/);
  });

  test('an Output resolving to a value only the schema refuses: IST0106 naming the field', () => {
    const app = new App();
    new MeshService(new MeshChart(app, 'c', { namespace: 'shop' }), 'web', { ports: [{ port: 8080 }], image: 'nginx:1.27.1' });
    const sa = objectsOf(app).find(o => o.m.kind === 'ServiceAccount')!;
    const withToken = { ...sa, m: { ...sa.m, metadata: { ...sa.m.metadata, labels: { team: MeshInput.string(pulumi.output('x')) } } } };
    expect(checkWith(withToken, 'not a label value!')).toThrow(/^\[c\/web\/ServiceAccount\] \[IST0106\] ServiceAccount 'web' does not match its schema once its inputs resolved: .*labels/);
  });

  test('MeshInput.string takes a string (as it is), an Output or a Promise; anything else is refused at once', () => {
    expect(MeshInput.string('shop')).toBe('shop');
    expect(MeshInput.string(Promise.resolve('shop'))).toMatch(/^mesh-kit-input-\d+z$/);
    expect(() => MeshInput.string(42 as unknown as string))
      .toThrow("MeshInput.string: 'value' must be a string, a Pulumi Output or a Promise of one: got 42; e.g. MeshInput.string(namespace.metadata.name)");
    expect(() => MeshInput.string({ name: 'shop' } as unknown as string))
      .toThrow(/'value' must be a string, a Pulumi Output or a Promise of one: got \{"name":"shop"\}; e.g. MeshInput.string\(namespace.metadata.name\)/);
  });

  test('a value that needs its value to be judged is not judged early: the synth-time analysis leaves it to the resource', () => {
    const app = new App();
    new MeshService(new MeshChart(app, 'c', { namespace: 'shop' }), 'web', { ports: [{ port: 8080 }], image: MeshInput.string(pulumi.output('nginx:1.27.1')) });
    expect(() => new MeshComponent('early', { app })).not.toThrow();
  });
});
