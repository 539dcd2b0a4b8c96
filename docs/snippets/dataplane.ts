import { Mesh, meshMatchers } from '@mesh-kit/core';

expect.extend(meshMatchers); // Jest or Vitest: toRoute, toDeny
const mesh = Mesh.fromApp(app); // the quick start's app
const shop = { gateway: 'shop/shop-gateway', host: 'shop.example.com', port: 8080, path: '/reviews' };
expect(mesh).toRoute({ ...shop, headers: { 'end-user': 'jason' } }, { versions: { v2: 100 } });
expect(mesh).toRoute(shop, { outcome: 'routed', versions: { v1: 90, v2: 10 } });
expect(mesh.check({ from: 'shop/reviews-v1', host: 'reviews', port: 9080 }, { versions: { v1: 90, v2: 10 } })).toStrictEqual([]);
// docs: end. The guide runs the lines above against the quick start's app (test/readme.test.ts runs them so, with Jest's expect).
import { MeshApp, MeshMatchers } from '@mesh-kit/core';
declare const app: MeshApp;
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R, T = {}> extends MeshMatchers<R> {}
  }
}
