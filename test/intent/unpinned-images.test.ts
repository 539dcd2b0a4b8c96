import { App, Chart } from 'cdk8s';
import { MeshChart, MeshClient, MeshService, MeshSettings, UnpinnedImages } from '../../lib';
import { errorOf } from '../support/errors';
import { SchemaValidator } from '../support/schemas';
import { only, synthObjects } from '../support/synth';

const optOut = (repository: string) => '; or, for tutorials and development, opt out for this image (allowUnpinnedImages: '
  + `UnpinnedImages.of('${repository}')) or for the app or chart (allowUnpinnedImages: UnpinnedImages.ALL), with MeshSettings.apply or MeshChart`;

const containerOf = (o: object) =>
  ((o as { spec: unknown }).spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0];

describe('unpinned images: refused by default, one opt-out (allowUnpinnedImages) per app, chart or image', () => {
  test.each([
    ['curlimages/curl', 'curlimages/curl'],
    ['nginx:latest', 'nginx'],
    ['registry:5000/team/app', 'registry:5000/team/app'],
  ])('the refusal of %s names both opt-outs', (image, repository) => {
    const chart = new MeshChart(new App(), 'c');
    expect(errorOf(() => new MeshClient(chart, 'sleep', { image }))).toBe(
      `[c/sleep] 'image' must be pinned to a tag other than 'latest' or to a digest: got '${image}'; e.g. 'nginx:1.17.9'${optOut(repository)}`);
  });

  test('a missing image names no opt-out', () => {
    const chart = new MeshChart(new App(), 'c');
    const s = new MeshService(chart, 'shop', { ports: [{ port: 80 }] });
    expect(errorOf(() => s.addVersion('v1', { image: '' }))).toBe(
      "[c/shop] 'versions.v1.image' must be pinned to a tag other than 'latest' or to a digest: got ''; e.g. 'nginx:1.17.9'");
  });

  test('per image: UnpinnedImages.of lets that repository through (any tag or none) and nothing else', () => {
    const objects = synthObjects(app => {
      MeshSettings.apply(app, { allowUnpinnedImages: UnpinnedImages.of('curlimages/curl') });
      const chart = new MeshChart(app, 'c');
      new MeshClient(chart, 'sleep', { image: 'curlimages/curl', command: ['sleep', 'infinity'] });
      new MeshClient(chart, 'latest', { image: 'curlimages/curl:latest' });
      expect(errorOf(() => new MeshClient(chart, 'other', { image: 'nginx' }))).toBe(
        `[c/other] 'image' must be pinned to a tag other than 'latest' or to a digest: got 'nginx'; e.g. 'nginx:1.17.9'${optOut('nginx')}`);
      expect(errorOf(() => new MeshClient(chart, 'registry', { image: 'docker.io/curlimages/curl' }))).toBe(
        "[c/registry] 'image' must be pinned to a tag other than 'latest' or to a digest: got 'docker.io/curlimages/curl'; e.g. 'nginx:1.17.9'"
        + optOut('docker.io/curlimages/curl'));
    });
    expect(containerOf(only(objects, 'Deployment', 'sleep')).image).toBe('curlimages/curl');
    expect(containerOf(only(objects, 'Deployment', 'latest')).image).toBe('curlimages/curl:latest');
    const schemas = SchemaValidator.pinned();
    expect(objects.flatMap(o => schemas.validate(o))).toEqual([]);
  });

  test('per chart: UnpinnedImages.ALL on a MeshChart covers every image of the chart (versions, single workloads, containers), not its siblings', () => {
    const app = new App();
    const dev = new MeshChart(app, 'dev', { allowUnpinnedImages: UnpinnedImages.ALL });
    const s = new MeshService(dev, 'shop', { ports: [{ port: 80 }], sidecarContainers: [{ name: 'log', image: 'fluent/fluent-bit' }] });
    s.addVersion('v1', { image: 'example/shop' });
    new MeshService(dev, 'web', { ports: [{ port: 80 }], image: 'nginx:latest' });
    const prod = new MeshChart(app, 'prod');
    expect(errorOf(() => new MeshService(prod, 'web', { ports: [{ port: 80 }], image: 'nginx' }))).toBe(
      `[prod/web] 'image' must be pinned to a tag other than 'latest' or to a digest: got 'nginx'; e.g. 'nginx:1.17.9'${optOut('nginx')}`);
    expect(errorOf(() => new MeshService(prod, 'log', { ports: [{ port: 80 }], image: 'x/y:1', sidecarContainers: [{ name: 'log', image: 'fluent/fluent-bit' }] }))).toBe(
      "[prod/log] 'sidecarContainers[0].image' must be pinned to a tag other than 'latest' or to a digest: got 'fluent/fluent-bit'; e.g. 'nginx:1.17.9'"
      + optOut('fluent/fluent-bit'));
  });

  test('per app: MeshSettings.apply on the app reaches every chart', () => {
    const objects = synthObjects(app => {
      MeshSettings.apply(app, { allowUnpinnedImages: UnpinnedImages.ALL });
      const s = new MeshService(new Chart(app, 'c'), 'shop', { ports: [{ port: 80 }] });
      s.addVersion('v1', { image: 'example/shop' });
    });
    expect(containerOf(only(objects, 'Deployment', 'shop-v1')).image).toBe('example/shop');
  });

  test('the default is UnpinnedImages.NONE, which allows nothing', () => {
    expect(MeshSettings.of(new App()).allowUnpinnedImages).toBe(UnpinnedImages.NONE);
    expect(UnpinnedImages.NONE.allows('nginx')).toBe(false);
    expect(UnpinnedImages.ALL.allows('nginx')).toBe(true);
    expect(UnpinnedImages.of('curlimages/curl').allows('curlimages/curl:8')).toBe(true);
    expect(UnpinnedImages.of('registry:5000/app').allows('registry:5000/app:latest')).toBe(true);
  });

  test('bad settings', () => {
    expect(errorOf(() => UnpinnedImages.of('curlimages/curl:latest'))).toBe(
      "UnpinnedImages.of: 'allowUnpinnedImages[0]' must be an image repository, without a tag or digest: got 'curlimages/curl:latest'; write 'curlimages/curl'");
    expect(errorOf(() => UnpinnedImages.of('a/b', ''))).toBe(
      "UnpinnedImages.of: 'allowUnpinnedImages[1]' must be an image repository: got ''; e.g. 'curlimages/curl', or UnpinnedImages.ALL for every image");
    // from JavaScript
    expect(errorOf(() => MeshSettings.apply(new App(), { allowUnpinnedImages: true as unknown as UnpinnedImages }))).toBe(
      "[(app)] MeshSettings.apply: 'props.allowUnpinnedImages' must be an UnpinnedImages: got true; build it with UnpinnedImages.of()");
    const app = new App();
    new Chart(app, 'c');
    expect(errorOf(() => MeshSettings.apply(app, { allowUnpinnedImages: UnpinnedImages.ALL }))).toBe(
      "[(app)] 'allowUnpinnedImages' must be set before constructs are added to the scope: got '[\"*\"]'; call MeshSettings.apply on '(app)' before adding 'c'");
  });
});
