import * as fc from 'fast-check';
import { chartValueProblems, mergeValues } from '../../lib/install/chart-values';
import { ChartValue, ISTIO_CHARTS } from '../../lib/install/generated/install-data';

/** Every path of a chart's defaults down to a leaf, with the leaf's default value. */
function leaves(values: { readonly [key: string]: ChartValue }, path: string[] = []): Array<{ path: string[]; value: ChartValue }> {
  return Object.entries(values).flatMap(([k, v]) => (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0
    ? leaves(v, [...path, k]) : [{ path: [...path, k], value: v }]));
}

const nest = (path: readonly string[], value: unknown): { [key: string]: unknown } =>
  ({ [path[0]]: path.length === 1 ? value : nest(path.slice(1), value) });

const charts = Object.keys(ISTIO_CHARTS);

describe('chart values checked against Istio\'s chart defaults (properties)', () => {
  test('any set of keys the chart has, with their default values, is accepted', () => {
    fc.assert(fc.property(fc.constantFrom(...charts), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (chart, picks) => {
      const all = leaves(ISTIO_CHARTS[chart].defaults);
      const values = mergeValues(...picks.map(i => nest(all[i % all.length].path, all[i % all.length].value)));
      expect(chartValueProblems(chart, 'values', values)).toStrictEqual([]);
    }), { numRuns: 300 });
  });

  test('a key the chart does not have at a checked level is refused, naming the field path', () => {
    fc.assert(fc.property(fc.constantFrom(...charts), fc.nat(), fc.stringMatching(/^[a-z][a-zA-Z]{2,12}$/), (chart, i, extra) => {
      const all = leaves(ISTIO_CHARTS[chart].defaults).filter(l => l.path.length > 1);
      fc.pre(all.length > 0);
      const { path } = all[i % all.length];
      const parentPath = path.slice(0, -1);
      let parent: unknown = ISTIO_CHARTS[chart].defaults;
      for (const p of parentPath) parent = (parent as { [k: string]: unknown })[p];
      const keys = Object.keys(parent as object);
      // only maps whose keys the chart owns are checked (not labels, annotations, meshConfig)
      fc.pre(!keys.includes(extra) && !keys.some(k => /[/.]/.test(k)) && !parentPath.includes('meshConfig'));
      const problems = chartValueProblems(chart, 'values', nest([...parentPath, `${extra}Zq`], 1));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`'values.${[...parentPath, `${extra}Zq`].join('.')}' is not a value of Istio's ${ISTIO_CHARTS[chart].chart} chart: got 1`);
    }), { numRuns: 300 });
  });
});
