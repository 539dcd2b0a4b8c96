import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { LinkerdInstallation, MeshApp, MeshChart, MeshProvider, ObservabilityAddons } from '../../lib';
import { SHARED_DIR, describeWithShared } from '../support/shared';

/** Every leaf of a values file, by key path (YAML anchors resolved, as Helm reads them). */
function leaves(v: unknown, at: string[] = []): Array<[string, unknown]> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    return Object.entries(v as { [k: string]: unknown }).flatMap(([k, x]) => leaves(x, [...at, k]));
  }
  return [[at.join('.'), v]];
}

function valueAt(values: unknown, keyPath: string): unknown {
  let v = values;
  for (const k of keyPath.split('.')) v = v !== null && typeof v === 'object' ? (v as { [k: string]: unknown })[k] : undefined;
  return v;
}

const reference = (chart: string) => YAML.parse(fs.readFileSync(path.join(SHARED_DIR, 'reference', 'linkerd', 'install', chart, 'values-ha.yaml'), 'utf8'),
  { maxAliasCount: -1 }) as unknown;

function installation(highAvailability?: boolean) {
  const c = new MeshChart(new MeshApp(), 'linkerd', { mesh: MeshProvider.LINKERD });
  return new LinkerdInstallation(c, 'linkerd', {
    version: '2025.11.3', highAvailability, observability: new ObservabilityAddons(c, 'addons', { prometheus: {} }),
  });
}

describeWithShared('LinkerdInstallation high availability is Linkerd\'s values-ha.yaml (../shared/reference/linkerd/install)', () => {
  test('linkerd-control-plane: each of values-ha.yaml\'s 35 values is written, equal, at its key path', () => {
    const written = installation().releases.find(r => r.name === 'linkerd-control-plane')!.values;
    const ha = leaves(reference('linkerd-control-plane'));
    expect(ha).toHaveLength(35);
    expect(ha.filter(([k, v]) => valueAt(written, k) !== v)).toStrictEqual([]);
  });

  test('linkerd-viz: each of its values-ha.yaml\'s 19 values is written, equal, at its key path', () => {
    const written = installation().releases.find(r => r.name === 'linkerd-viz')!.values;
    const ha = leaves(reference('linkerd-viz'));
    expect(ha).toHaveLength(19);
    expect(ha.filter(([k, v]) => valueAt(written, k) !== v)).toStrictEqual([]);
  });

  test('without high availability none of them is written: the charts\' defaults', () => {
    const releases = installation(false).releases;
    for (const [chart, name] of [['linkerd-control-plane', 'linkerd-control-plane'], ['linkerd-viz', 'linkerd-viz']]) {
      const written = releases.find(r => r.name === name)!.values;
      expect(leaves(reference(chart)).filter(([k]) => valueAt(written, k) !== undefined)).toStrictEqual([]);
    }
  });
});
