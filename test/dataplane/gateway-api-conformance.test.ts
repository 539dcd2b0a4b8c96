import { CONFORMANCE_DIR, Replayed, replay } from './gateway-api-conformance-replay';
import { describeWithShared } from '../support/shared';

/**
 * The Gateway API's own conformance suite (kubernetes-sigs/gateway-api v1.6.1 `conformance/tests/`, transcribed in
 * ../shared/reference/gateway-api/conformance-v1.6.1/expectations.json), replayed against the data-plane model: every
 * traffic expectation of every test, compared as the suite compares it. What the model cannot decide is listed below,
 * each with its reason; the test checks that every listed expectation still fails (a fixed one must leave the list) and
 * that nothing else does.
 */

const NO_UDP = 'the model routes TCP, TLS and HTTP: UDP (UDPRoute) is not part of it';
const CERTIFICATE_CONTENT = 'whether the backend\'s certificate satisfies the BackendTLSPolicy (signed by its CA, carrying its subjectAltNames) lies in the certificates\' contents, which the model does not read';
const CLIENT_CERTIFICATE = 'a request carries no client certificate in the model: which CA signed the one the client presents decides the handshake';

/** Expectations the model cannot decide, by `<test> #<step>`. */
const EXCEPTIONS: { readonly [id: string]: string } = {
  'BackendTLSPolicySANValidation #6': CERTIFICATE_CONTENT,
  'BackendTLSPolicySANValidation #10': CERTIFICATE_CONTENT,
  'BackendTLSPolicySANValidation #14': CERTIFICATE_CONTENT,
  'BackendTLSPolicy #17': CERTIFICATE_CONTENT,
  'GatewayFrontendClientCertificateValidation #4': CLIENT_CERTIFICATE,
  'GatewayFrontendClientCertificateValidation #6': CLIENT_CERTIFICATE,
  'UDPRouteMultipleRoutesAttachment #6': NO_UDP,
  'UDPRouteParentRefAttachAllListeners #4': NO_UDP,
  'UDPRouteParentRefAttachAllListeners #6': NO_UDP,
  'UDPRouteParentRefAttachAllListeners #8': NO_UDP,
  'UDPRouteParentRefPortAndSectionName #3': NO_UDP,
  'UDPRouteParentRefPortAndSectionName #6': NO_UDP,
  'UDPRouteParentRefPortAndSectionName #9': NO_UDP,
  'UDPRouteReferenceGrant #3': NO_UDP,
  'UDPRoute #1': NO_UDP,
  'UDPRouteWeightedRouting #2': NO_UDP,
  'UDPRouteWeightedRouting #3': NO_UDP,
};

/** The families the model is held to in full (at most 5% exceptions each). */
const REQUIRED = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'];
const FAMILIES = [...REQUIRED, 'Gateway', 'ListenerSet', 'BackendTLSPolicy', 'UDPRoute'];

describeWithShared(`Gateway API conformance suite v1.6.1 (${CONFORMANCE_DIR})`, () => {
  let results: Replayed[] = [];
  let status: Replayed[] = [];
  beforeAll(() => {
    results = replay();
    status = replay(() => true, true);
  });

  test('every traffic expectation holds, but the listed exceptions', () => {
    const lines = FAMILIES.map(family => {
      const of = results.filter(r => r.family === family);
      const passed = of.filter(r => r.ok).length;
      return `  ${family}: ${of.length} traffic expectations, ${passed} passed, ${of.length - passed} exceptions`;
    });
    const exceptions = results.filter(r => !r.ok);
    const reasons = [...new Set(exceptions.map(r => EXCEPTIONS[r.id] ?? r.detail))];
    process.stdout.write(`Gateway API conformance: ${results.length} traffic expectations, ${results.filter(r => r.ok).length} passed, ${exceptions.length} exceptions\n`
      + `${lines.join('\n')}\n  exceptions:\n${reasons.map(why => `  - ${why}: ${exceptions.filter(r => (EXCEPTIONS[r.id] ?? r.detail) === why).map(r => r.id).join(', ')}`).join('\n')}\n`);
    const unexpected = exceptions.filter(r => EXCEPTIONS[r.id] === undefined).map(r => `${r.id} [${r.kind}] ${r.subtest ?? ''}: ${r.detail}`);
    expect(unexpected).toStrictEqual([]);
  });

  test('every listed exception still fails (a fixed one leaves the list)', () => {
    const failing = new Set(results.filter(r => !r.ok).map(r => r.id));
    const known = new Set(results.map(r => r.id));
    expect(Object.keys(EXCEPTIONS).filter(id => !known.has(id))).toStrictEqual([]);
    expect(Object.keys(EXCEPTIONS).filter(id => !failing.has(id))).toStrictEqual([]);
  });

  test('the status the engine decides (route acceptance and its reasons, resolved references, listeners) agrees with the suite', () => {
    process.stdout.write(`Gateway API conformance, status: ${status.length} route and listener status expectations, ${status.filter(r => r.ok).length} agree `
      + `(${FAMILIES.map(f => `${f} ${status.filter(r => r.family === f && r.ok).length}/${status.filter(r => r.family === f).length}`).join(', ')})\n`);
    expect(status.filter(r => !r.ok).map(r => `${r.id} [${r.kind}] ${r.subtest ?? ''}: ${r.detail}`)).toStrictEqual([]);
    expect(status.length).toBeGreaterThanOrEqual(300);
  });

  test('HTTPRoute, GRPCRoute, TLSRoute and TCPRoute: at most 5% exceptions each, every test of theirs replayed', () => {
    for (const family of REQUIRED) {
      const of = results.filter(r => r.family === family);
      const failed = of.filter(r => !r.ok).length;
      expect([family, failed <= of.length * 0.05]).toStrictEqual([family, true]);
    }
    // the suite is exercised: the counts of expectations the transcription holds
    expect(results.filter(r => r.family === 'HTTPRoute').length).toBeGreaterThanOrEqual(270);
    expect(results.filter(r => r.family === 'GRPCRoute').length).toBe(26);
    expect(results.filter(r => r.family === 'TLSRoute').length).toBe(17);
    expect(results.filter(r => r.family === 'TCPRoute').length).toBe(12);
    expect(new Set(results.map(r => r.kind))).toStrictEqual(new Set(['http', 'https', 'grpc', 'tcp', 'tlsConnectionRejected', 'weightedDistribution', 'mirroredRequest',
      'mirrorPercentage', 'websocket', 'tcpAddressReachable', 'backendHeaderMatchesPod', 'allTrafficToBackend', 'udp', 'dns']));
  });
});
