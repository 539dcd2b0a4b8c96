import * as fs from 'fs';
import * as path from 'path';
import { Listener } from '../../lib/dataplane/istio/envoy';
import { SimulationCall, SimulationOptions, SimulationProxy, SimulationResult, simulate, simulationView, virtualHostClusters } from '../../lib/dataplane/istio/simulate';
import { EnvoyView } from '../../lib/dataplane/istio/view';
import { World } from '../../lib/dataplane/world';
import { Manifest } from '../../lib/render/model';
import { HAS_SHARED, SHARED_DIR, describeWithShared, parseObjects } from '../support/shared';

/**
 * Istio's own data-plane simulation tests (istio/istio pilot/pkg/networking/core/gateway_simulation_test.go and
 * sidecar_simulation_test.go at the pinned commit), transcribed in ../shared/reference/istio/simulation/cases.json
 * (fields in cases.md), run against the model: each case's world, proxy, mesh config and calls, compared as the
 * upstream test compares (every field of `expect` that is set must equal; the error must always match; `strict`: the
 * whole result equals `expect`), plus the route configurations' virtual hosts (TestSidecarRoutes), the inbound
 * clusters (TestInboundClusters) and the listener shapes (TestHeadlessServiceListenerShape, the external SDS gateway).
 */

const CASES = path.join(SHARED_DIR, 'reference', 'istio', 'simulation', 'cases.json');

interface Expect {
  error?: string;
  listener?: string;
  filterChain?: string;
  routeConfig?: string;
  virtualHost?: string;
  route?: string;
  cluster?: string;
  strict?: boolean;
}
interface CaseCall { name?: string; call: SimulationCall & { customListenerValidations?: string[] }; expect: Expect }
interface Case {
  name: string;
  proxy: SimulationProxy;
  meshConfig?: unknown;
  featureFlags?: SimulationOptions['featureFlags'];
  config?: string;
  kubeConfig?: string;
  configObjects?: string[];
  services?: Array<{ hostname: string; address: string; resolution?: string; ports: Array<{ name: string; port: number; protocol: string }> }>;
  instances?: Array<{ service: string; servicePort: number; servicePortName: string; endpointAddresses: string[]; endpointPort: number }>;
  calls?: CaseCall[];
  routeConfig?: string;
  expectVirtualHosts?: { [domain: string]: string[] | null } | null;
  expectInboundClusters?: { [name: string]: { endpoints: string[] | null; telemetryServices: string[] | null } };
  expectListeners?: Array<{ assert: string }>;
}
interface TestFn { test: string; cases: Case[] }

/**
 * Expectations the model does not meet, each with the reason; the test checks each still fails (a fixed one must be
 * removed from this list). Keys: `<test>/<case>/<call or expectation>`.
 */
const EXCEPTIONS: { readonly [key: string]: string } = {};

const FIELDS: Array<keyof Expect> = ['error', 'listener', 'filterChain', 'routeConfig', 'virtualHost', 'route', 'cluster'];

/** Result.Matches: the error always compared; other fields when the expectation sets them; all of them when strict. */
function mismatches(got: SimulationResult, want: Expect): string[] {
  const out: string[] = [];
  for (const f of FIELDS) {
    const g = (got as { [k: string]: string | undefined })[f] ?? '';
    const w = want[f] ?? '';
    if (f === 'error' || want.strict || w !== '') {
      if (g !== w) out.push(`${f}: want '${w}', got '${g}'`);
    }
  }
  return out;
}

function worldOf(c: Case): World {
  const texts = [c.config ?? '', c.kubeConfig ?? '', ...(c.configObjects ?? [])];
  const objects = texts.flatMap(t => parseObjects(t)) as unknown as Manifest[];
  return new World(objects);
}

function optionsOf(c: Case): SimulationOptions {
  return {
    ...(c.meshConfig !== undefined ? { meshConfig: c.meshConfig } : {}),
    ...(c.featureFlags ? { featureFlags: c.featureFlags } : {}),
    ...(c.services || c.instances ? {
      registry: {
        services: (c.services ?? []).map(s => ({ hostname: s.hostname, address: s.address, ports: s.ports })),
        instances: (c.instances ?? []).map(i => ({
          service: i.service,
          servicePort: i.servicePort,
          endpointAddresses: i.endpointAddresses,
          endpointPort: i.endpointPort,
        })),
      },
    } : {}),
  };
}

/** The listener assertions of cases.json, as checks on the model's listeners. */
const LISTENER_CHECKS: { readonly [assert: string]: (view: EnvoyView) => boolean } = {
  'exactly one listener has port 8080': v => v.listeners.filter(l => l.port === 8080).length === 1,
  'a listener named 0.0.0.0_8080 exists': v => v.listeners.some(l => l.name === '0.0.0.0_8080'),
  'listener 0.0.0.0_8080 has no filterChainMatcher (matching is done by filterChainMatch.prefixRanges of each chain)': v => v.listeners.some(l => l.name === '0.0.0.0_8080'),
  'exactly 3 filter chains of 0.0.0.0_8080 carry prefixRanges, one per pod IP (10.0.0.1, 10.0.0.2, 10.0.0.3; the proxy IP 1.1.1.1 is not among the pods), and every prefix range is a /32': v => {
    const l = v.listeners.find(x => x.name === '0.0.0.0_8080');
    const withRanges = (l?.filterChains ?? []).filter(c => (c.match?.prefixRanges?.length ?? 0) > 0);
    const addresses = withRanges.flatMap(c => c.match!.prefixRanges!.map(r => `${r.address}/${r.prefixLen}`)).sort();
    return withRanges.length === 3 && JSON.stringify(addresses) === JSON.stringify(['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32']);
  },
  'listener 0.0.0.0_8080 has a defaultFilterChain (the ClusterIP HTTP service on the same port stays reachable)': v => v.listeners.some(l => l.name === '0.0.0.0_8080' && l.defaultFilterChain !== undefined),
  'at least 3 listeners have port 8080 (one per pod IP, plus the listener of the ClusterIP HTTP service)': v => v.listeners.filter(l => l.port === 8080).length >= 3,
  'a listener named 0.0.0.0_443 exists and has at least one filter chain': v => (v.listeners.find(l => l.name === '0.0.0.0_443')?.filterChains.length ?? 0) > 0,
  'its first filter chain has a transport socket (TLS)': v => first443(v)?.tls !== undefined,
  'the first SDS secret config of that DownstreamTlsContext is named "my-credential" (the credentialName "sds://my-credential" without its scheme)': v => first443(v)?.tls?.certName === 'my-credential',
  'that SDS config fetches from the gRPC (Envoy gRPC) cluster "outbound|8443||sds-provider.sds-system.svc.cluster.local"': v => first443(v)?.tls?.sdsCluster === 'outbound|8443||sds-provider.sds-system.svc.cluster.local',
};
const first443 = (v: EnvoyView) => (v.listeners.find((l: Listener) => l.name === '0.0.0.0_443')?.filterChains ?? [])[0];

interface Outcome { key: string; kind: 'call' | 'virtualHost' | 'inboundCluster' | 'listener'; failure?: string }

/** Every expectation of one upstream test function, checked. */
function run(t: TestFn): Outcome[] {
  const out: Outcome[] = [];
  for (const c of t.cases) {
    const world = worldOf(c);
    const options = optionsOf(c);
    const view = simulationView(world, c.proxy, options);
    (c.calls ?? []).forEach((call, i) => {
      const key = `${t.test}/${c.name}/${call.name ?? `call ${i}`}`;
      try {
        const got = simulate(world, c.proxy, call.call, options);
        const diff = mismatches(got, call.expect);
        out.push({ key, kind: 'call', ...(diff.length > 0 ? { failure: diff.join('; ') } : {}) });
      } catch (e) {
        out.push({ key, kind: 'call', failure: `threw ${(e as Error).stack}` });
      }
    });
    if (c.expectVirtualHosts !== undefined && c.expectVirtualHosts !== null && c.routeConfig !== undefined) {
      const got = virtualHostClusters(view, c.routeConfig);
      for (const [domain, want] of Object.entries(c.expectVirtualHosts)) {
        const key = `${t.test}/${c.name}/virtual host ${domain}`;
        const g = got === undefined ? 'no route configuration' : JSON.stringify(got[domain] ?? null);
        out.push({ key, kind: 'virtualHost', ...(g !== JSON.stringify(want) ? { failure: `route ${c.routeConfig}: want ${JSON.stringify(want)}, got ${g}` } : {}) });
      }
    }
    if (c.expectInboundClusters) {
      const got = view.inboundClusters();
      const want = c.expectInboundClusters;
      const names = got.map(x => x.name).sort();
      out.push({
        key: `${t.test}/${c.name}/inbound cluster names`,
        kind: 'inboundCluster',
        ...(JSON.stringify(names) !== JSON.stringify(Object.keys(want).sort()) ? { failure: `want ${JSON.stringify(Object.keys(want).sort())}, got ${JSON.stringify(names)}` } : {}),
      });
      for (const [name, w] of Object.entries(want)) {
        const g = got.find(x => x.name === name);
        const gv = g ? { endpoints: g.endpoints, telemetryServices: g.telemetryServices } : undefined;
        out.push({ key: `${t.test}/${c.name}/inbound cluster ${name}`, kind: 'inboundCluster', ...(JSON.stringify(gv) !== JSON.stringify(w) ? { failure: `want ${JSON.stringify(w)}, got ${JSON.stringify(gv)}` } : {}) });
      }
    }
    for (const a of c.expectListeners ?? []) {
      const check = LISTENER_CHECKS[a.assert];
      out.push({ key: `${t.test}/${c.name}/${a.assert}`, kind: 'listener', ...(!check ? { failure: 'no check for this assertion' } : !check(view) ? { failure: 'does not hold' } : {}) });
    }
  }
  return out;
}

describeWithShared('Istio data-plane simulation tests (istio/istio pilot/pkg/networking/core/*_simulation_test.go)', () => {
  const data = HAS_SHARED ? JSON.parse(fs.readFileSync(CASES, 'utf8')) as { tests: TestFn[] } : { tests: [] };
  const summary: string[] = [];

  const totals = { call: [0, 0], virtualHost: [0, 0], inboundCluster: [0, 0], listener: [0, 0] };

  afterAll(() => {
    const t = (k: keyof typeof totals) => `${totals[k][0]}/${totals[k][1]}`;
    summary.push(`Istio simulation, all ${data.tests.length} test functions: calls ${t('call')} passed; virtual-host expectations ${t('virtualHost')}; `
      + `inbound-cluster expectations ${t('inboundCluster')}; listener assertions ${t('listener')}; exceptions ${Object.keys(EXCEPTIONS).length}`);
    // eslint-disable-next-line no-console
    console.log(summary.join('\n'));
  });

  for (const t of data.tests) {
    test(t.test, () => {
      const outcomes = run(t);
      const count = (kind: Outcome['kind']) => {
        const all = outcomes.filter(o => o.kind === kind);
        return `${all.filter(o => !o.failure).length}/${all.length}`;
      };
      for (const o of outcomes) {
        totals[o.kind][1]++;
        if (!o.failure) totals[o.kind][0]++;
      }
      const excepted = outcomes.filter(o => EXCEPTIONS[o.key] !== undefined);
      summary.push(`Istio simulation ${t.test}: calls ${count('call')} passed; virtual-host expectations ${count('virtualHost')}; `
        + `inbound-cluster expectations ${count('inboundCluster')}; listener assertions ${count('listener')}; exceptions ${excepted.length}`
        + excepted.map(o => `\n  - ${o.key}: ${EXCEPTIONS[o.key]}`).join(''));
      // an exception that passes must be removed from the list
      expect(excepted.filter(o => !o.failure).map(o => o.key)).toStrictEqual([]);
      expect(outcomes.filter(o => o.failure && EXCEPTIONS[o.key] === undefined).map(o => `${o.key}: ${o.failure}`)).toStrictEqual([]);
    });
  }

  test('every exception names an expectation of the suite', () => {
    const keys = new Set(data.tests.flatMap(t => run(t).map(o => o.key)));
    expect(Object.keys(EXCEPTIONS).filter(k => !keys.has(k))).toStrictEqual([]);
  });
});
