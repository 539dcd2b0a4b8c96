import * as os from 'os';
import * as path from 'path';
import { FIXTURES as ARGO } from './finding-shapes/argo';
import { ShapeFixture } from './finding-shapes/fixture';
import { FIXTURES as FLAGGER } from './finding-shapes/flagger';
import { FIXTURES as ISTIO_A } from './finding-shapes/istio-a';
import { FIXTURES as ISTIO_B } from './finding-shapes/istio-b';
import { FIXTURES as KIALI_SECURITY } from './finding-shapes/kiali-security';
import { FIXTURES as KIALI_TRAFFIC } from './finding-shapes/kiali-traffic';
import { FIXTURES as LINKERD } from './finding-shapes/linkerd';
import { FIXTURES as LOCALITY } from './finding-shapes/locality';
import { FIXTURES as MESHKIT } from './finding-shapes/meshkit';
import { FIXTURES as QUIET } from './finding-shapes/quiet';
import { MeshApp } from '../../lib';
import { ANALYZERS } from '../../lib/analysis/codes';
import { objectsOfYaml } from '../../lib/analysis/load';
import { Finding } from '../../lib/analysis/model';
import { analyze } from '../../lib/analysis/run';
import { schemaFindings } from '../../lib/analysis/schema-findings';
import { SchemaValidation } from '../../lib/schema';

/**
 * Issue 37's message-shape test: every check the library can report, made to report by a fixture, and each of its
 * findings checked for the parts every finding gives — the object by name, the field path (`spec.http[0].route[1]
 * .destination.subset`), the value written there, and a fix sentence apart from the message.
 */
const FIXTURES: readonly ShapeFixture[] = [
  ...ISTIO_A, ...ISTIO_B, ...KIALI_TRAFFIC, ...KIALI_SECURITY, ...MESHKIT, ...QUIET, ...LINKERD, ...ARGO, ...FLAGGER, ...LOCALITY,
];

/** The checks: each analyzer's code, and IST0106 (schema validation, reported by the hosts). */
const CHECKS: readonly string[] = ['IST0106 schema.ValidationAnalyzer', ...ANALYZERS.map(a => `${a.code} ${a.analyzer}`)]
  .filter((c, i, all) => all.indexOf(c) === i).sort();

/** The ratchet: how many checks have a fixture and the whole shape; it may rise, never fall. */
const AT_LEAST = 161;

let schemas: SchemaValidation | undefined;
function findingsOf(f: ShapeFixture): Finding[] {
  if (f.program) {
    const app = new MeshApp({ outdir: path.join(os.tmpdir(), 'mesh-kit-shape-never-written'), analysis: { printWarnings: false } });
    f.program(app);
    app.synthFiles();
    return app.report!.findings.filter(x => x.code === f.code && (f.analyzer === undefined || x.analyzer === f.analyzer));
  }
  const objects = objectsOfYaml(f.yaml ?? '', 'fixture.yaml');
  const extra = f.schemas ? schemaFindings(objects, schemas ??= SchemaValidation.pinned()).extra : [];
  const report = analyze(objects, { world: 'closed', ...f.options, extra: [...(f.options?.extra ?? []), ...extra] });
  return report.findings.filter(x => x.code === f.code && (f.analyzer === undefined || x.analyzer === f.analyzer));
}

/** The parts a finding lacks, by name (empty: none). */
export function missingParts(f: Finding): string[] {
  const missing: string[] = [];
  const name = f.object.split(/[ /]/).pop()!;
  const text = f.fix ? f.message.slice(0, f.message.length - f.fix.length - 2) : f.message;
  if (!text.includes(name)) missing.push(`the object's name '${name}' in the message`);
  if (!f.field || !/^[A-Za-z][\w-]*(\.|\[|$)/.test(f.field)) missing.push(`a field path from the object's root (got ${JSON.stringify(f.field)})`);
  if (f.value === undefined || f.value === '') missing.push('the value');
  if (!f.fix || f.fix.trim() === '' || f.fix.endsWith('.') || /^\(/.test(f.fix)) missing.push(`a fix sentence (got ${JSON.stringify(f.fix)})`);
  return missing;
}

describe('every finding says what is wrong, where, what is written there and what to do (issue 37)', () => {
  const checked = new Set<string>();
  afterAll(() => {
    const without = CHECKS.filter(c => !checked.has(c));
    // eslint-disable-next-line no-console
    console.log(`finding shape: ${checked.size} of ${CHECKS.length} checks made to report and checked${without.length ? `; without a fixture yet: ${without.join(', ')}` : ''}`);
  });

  const cases = FIXTURES.map(f => [`${f.code}${f.analyzer ? ` ${f.analyzer}` : ''}`, f] as const);
  (cases.length > 0 ? test.each(cases) : test.skip.each([['no fixture yet', FIXTURES[0]!] as const]))('%s', (_, fixture) => {
    const found = findingsOf(fixture);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect({ message: f.message, missing: missingParts(f) }).toStrictEqual({ message: f.message, missing: [] });
      checked.add(`${f.code} ${f.analyzer}`);
    }
  });

  test('every fixture names a check the library has', () => {
    const codes = new Set(CHECKS.map(c => c.split(' ')[0]));
    expect(FIXTURES.filter(f => !codes.has(f.code) || (f.analyzer !== undefined && !CHECKS.includes(`${f.code} ${f.analyzer}`))).map(f => f.code)).toStrictEqual([]);
  });

  test('the ratchet: no fewer checks with a fixture than before', () => {
    const covered = new Set(FIXTURES.flatMap(f => CHECKS.filter(c => c.startsWith(`${f.code} `) && (f.analyzer === undefined || c === `${f.code} ${f.analyzer}`))));
    expect(covered.size).toBeGreaterThanOrEqual(AT_LEAST);
  });

  test('the shape check fails where a part is missing', () => {
    const base: Finding = {
      code: 'IST0101',
      analyzer: 'a',
      name: 'n',
      level: 'Error' as Finding['level'],
      object: 'VirtualService default/reviews',
      path: 'p',
      file: 'f',
      message: '[IST0101] VirtualService \'reviews\' names subset \'v3\' of host \'reviews\', which no DestinationRule declares; add subset \'v3\'',
      field: 'spec.http[0].route[0].destination.subset',
      value: 'v3',
      fix: 'add subset \'v3\'',
    };
    expect(missingParts(base)).toStrictEqual([]);
    expect(missingParts({ ...base, field: undefined })).toHaveLength(1);
    expect(missingParts({ ...base, field: '/' })).toHaveLength(1);
    expect(missingParts({ ...base, value: undefined })).toHaveLength(1);
    expect(missingParts({ ...base, fix: undefined, message: base.message })).toHaveLength(1);
    expect(missingParts({ ...base, fix: '(see the docs)', message: '[IST0101] reviews; (see the docs)' })).toHaveLength(1);
    expect(missingParts({ ...base, message: '[IST0101] a subset is missing; add subset \'v3\'' })).toHaveLength(1);
  });
});
