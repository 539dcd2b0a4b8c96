import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MeshKitValidation, MeshKitValidationContext } from '../../lib';

/** A report collecting what the plugin gives cdk8s-cli. */
function context(manifests: string[]) {
  const violations: Array<Parameters<MeshKitValidationContext['report']['addViolation']>[0]> = [];
  let status: string | undefined;
  let metadata: { [k: string]: string } | undefined;
  const submit = (s: string, m?: { [k: string]: string }) => {
    status = s;
    metadata = m;
  };
  const ctx: MeshKitValidationContext = { manifests, report: { addViolation: v => violations.push(v), submit } };
  return { ctx, violations, result: () => ({ status, metadata }) };
}


describe('MeshKitValidation (cdk8s validation plugin)', () => {
  test('reports each finding as a violation (rule = code and name, fix = the message) and fails on errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-plugin-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: r, namespace: shop }\nspec: { hosts: [r], http: [{ route: [{ destination: { host: ghost } }] }] }\n');
    const { ctx, violations, result } = context([path.join(dir, 'a.yaml')]);
    await new MeshKitValidation().validate(ctx);
    expect(violations).toStrictEqual([{
      ruleName: 'IST0101 ReferencedResourceNotFound (Error)',
      recommendation: 'a VirtualService routes (or mirrors) to a host no Service or ServiceEntry visible from its namespace declares, or to a port that host does not have',
      fix: 'VirtualService \'r\' routes to host \'ghost\' (http[0].route[0]), which no Service or ServiceEntry visible from namespace \'shop\' declares; '
        + 'add a Service or ServiceEntry for \'ghost\' visible from namespace \'shop\', or route to a host that has one',
      violatingResources: [{ resourceName: 'r', manifestPath: path.join(dir, 'a.yaml'), locations: ['line 1'] }],
    }]);
    expect(result()).toStrictEqual({ status: 'failure', metadata: { objects: '1', errors: '1', warnings: '0', info: '0', suppressed: '0' } });

    const externals = context([path.join(dir, 'a.yaml')]);
    await new MeshKitValidation({ externals: { services: ['shop/ghost'] } }).validate(externals.ctx);
    expect(externals.result().status).toBe('success');
    // the default world is partial (externals count); a closed world takes the manifests as everything there is
    const closed = context([path.join(dir, 'a.yaml')]);
    await new MeshKitValidation({ world: 'closed', externals: { services: ['shop/ghost'] } }).validate(closed.ctx);
    expect(closed.result().status).toBe('failure');
    const lenient = context([path.join(dir, 'a.yaml')]);
    await new MeshKitValidation({ failOn: 'warning', externals: { services: ['shop/ghost'] } }).validate(lenient.ctx);
    expect(lenient.result().status).toBe('success');
  });

  test('takes the whole context cdk8s-cli passes (its package, version, metadata, logger beside the manifests and report)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-plugin-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: shop, namespace: shop }\nspec: { ports: [{ name: http, port: 80 }] }\n');
    const { ctx, result } = context([path.join(dir, 'a.yaml')]);
    const full = { ...ctx, pkg: '@mesh-kit/core', version: '0.0.0', metadata: {}, logger: { log: () => undefined }, report: Object.assign(ctx.report, { violations: [], pkg: '@mesh-kit/core' }) };
    await new MeshKitValidation().validate(full);
    expect(result().status).toBe('success');
  });

  test('fails at once on properties it does not know or cannot use', () => {
    expect(() => new MeshKitValidation({ failOn: 'fatal' })).toThrow('\'properties.failOn\' must be \'error\', \'warning\' or \'info\': got \'fatal\'');
    expect(() => new MeshKitValidation({ fail_on: 'x' } as object)).toThrow(/^'properties.fail_on' is not a property of MeshKitValidation: got 'fail_on'; the properties are world, externals/);
    expect(() => new MeshKitValidation({ externals: { pods: ['x'] } } as object)).toThrow(/^'properties.externals.pods' is not a kind of external/);
    expect(() => new MeshKitValidation({ schemas: 'no' } as object)).toThrow('\'properties.schemas\' must be true or false: got \'no\'');
  });

});
