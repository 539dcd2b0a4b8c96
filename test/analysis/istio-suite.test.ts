import { analyze } from '../../lib/analysis';
import { caseObjects, loadTable, runSuite, summarize } from '../support/istio-suite';
import { describeWithShared } from '../support/shared';

/**
 * Istio's own analyzer test suite (istio/istio pkg/config/analysis/analyzers/analyzers_test.go, its inputs and
 * expected messages in ../shared/reference/istio/analyzer-suite): every case is analyzed as `istioctl analyze
 * --use-kube=false` reads files (a closed world, with Istio's default ingress gateway added), running the analyzer
 * the case names, and for each code the library reports, its findings (code, kind, namespace/name, multiplicity)
 * must be Istio's expected messages.
 */
describeWithShared('Istio\'s analyzer suite', () => {
  // run in beforeAll: a skipped describe still collects its body, and without ../shared there is no suite to read
  let results: ReturnType<typeof runSuite> = [];
  let summary: ReturnType<typeof summarize>;
  beforeAll(() => {
    results = runSuite();
    summary = summarize(results);
  });

  test('every (case, code) pair the library claims agrees with Istio', () => {
    process.stdout.write(`Istio analyzer suite: ${summary.pairs} (case, code) pairs, ${summary.passed} passed, ${summary.failed} failed; `
      + `precision ${summary.precision.toFixed(3)}, recall ${summary.recall.toFixed(3)}\n`);
    expect(results.filter(r => !r.passed).map(r => `#${r.index} ${r.case} ${r.code}: expected [${r.expected.join(', ')}], got [${r.actual.join(', ')}]`)).toStrictEqual([]);
    expect(summary.precision).toBe(1);
    expect(summary.recall).toBe(1);
  });

  test('mesh-kit\'s checks of conflicts across objects (MK0012–MK0015), run on every case: only the VirtualServices that do merge with a catch-all each', () => {
    // each pair binds one gateway host with a single `prefix: /` rule: Istio keeps the catch-all of the one created first
    // (pilot/pkg/networking/core/route/route.go SortVHostRoutes), which the files cannot say
    const analyzers = ['meshkit.GatewayVirtualServiceMergeAnalyzer', 'meshkit.HTTPRoutePrecedenceAnalyzer', 'meshkit.MeshRouteConflictAnalyzer'];
    const found = loadTable().cases.flatMap(c => analyze(caseObjects(c), { world: 'closed', istioDefaults: true, analyzers }).findings
      .map(f => `${c.name}: ${f.code} ${f.object}`));
    expect(found).toStrictEqual([
      'host defined in virtualservice not found in the gateway: MK0013 VirtualService default/testing-service-02-test-03',
      'host defined in virtualservice not found in the gateway(beta version): MK0013 VirtualService default/testing-service-02-test-03',
      ...[2, 3, 4].map(n => `host defined in virtualservice not found in the gateway with ns: MK0013 VirtualService istio-system/testing-service-01-test-0${n}`),
      ...[2, 3, 4].map(n => `host defined in virtualservice not found in the gateway with ns(beta version): MK0013 VirtualService istio-system/testing-service-01-test-0${n}`),
    ]);
  });

  test('the suite is exercised: over 180 pairs, over 100 expected messages, every claimed Istio code met', () => {
    expect(summary.pairs).toBeGreaterThanOrEqual(180);
    expect(results.reduce((n, r) => n + r.expected.length, 0)).toBeGreaterThanOrEqual(100);
    // codes of the catalogue the suite tests and the library claims, each in at least one case with a finding
    const met = new Set(results.filter(r => r.expected.length > 0).map(r => r.code));
    for (const code of ['IST0002', 'IST0101', 'IST0109', 'IST0110', 'IST0111', 'IST0112', 'IST0116', 'IST0118', 'IST0123', 'IST0127', 'IST0130', 'IST0131',
      'IST0132', 'IST0134', 'IST0138', 'IST0140', 'IST0145', 'IST0149', 'IST0150', 'IST0151', 'IST0152', 'IST0153', 'IST0154', 'IST0155', 'IST0157',
      'IST0159', 'IST0160', 'IST0161', 'IST0162', 'IST0165', 'IST0166', 'IST0167', 'IST0173', 'IST0174', 'IST0177']) {
      expect([code, met.has(code)]).toStrictEqual([code, true]);
    }
  });
});
