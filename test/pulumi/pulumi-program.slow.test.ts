/** A Pulumi program run in a process of its own (slow tier: `npm run test:slow`): how Pulumi ends a program that fails. */
import { spawnSync } from 'child_process';
import * as path from 'path';

describe('MeshInput under Pulumi, run as a program', () => {
  test('under Pulumi, the program fails with that error and the bad Deployment is never registered; the rest is', () => {
    const script = path.join(__dirname, 'fixtures', 'bad-image-program.ts');
    const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', script], { encoding: 'utf8', cwd: path.resolve(__dirname, '..', '..') });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).toContain("[c/web/v1/Deployment] 'versions.v1.image' must be pinned to a tag other than 'latest' or to a digest: got 'nginx:latest'");
    const registeredNames = JSON.parse(/^registered: (.*)$/m.exec(r.stdout)![1]) as string[];
    expect(registeredNames).toContain('bad-c-service-shop-web');
    expect(registeredNames).not.toContain('bad-c-deployment-shop-web-v1');
  });
});
