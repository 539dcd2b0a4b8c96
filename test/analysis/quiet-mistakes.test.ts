import { AUTHZ, EGRESS, GRPC, INGRESS, KGW, ORIGIN, ROUTE, redirectVs } from './finding-shapes/quiet';
import { analyze } from '../../lib/analysis';
import { objectsOfYaml } from '../../lib/analysis/load';
import { Finding } from '../../lib/analysis/model';

/** The findings of one code for a YAML stream (closed world, as istioctl reads files). */
const findings = (yaml: string, code: string): Finding[] => analyze(objectsOfYaml(yaml, 'f.yaml'), { world: 'closed' }).findings.filter(f => f.code === code);
const shape = (f: Finding) => ({ message: f.message, field: f.field, value: f.value, fix: f.fix });


describe('MK0025 a redirect back to itself (the data-plane model follows the redirect)', () => {
  const LOOP = 'a redirect loop, which clients end with an error after their redirect limit (mesh-kit MK0025)';
  test('fails if a VirtualService redirect\'s target is matched by the same rule', () => {
    expect(findings(redirectVs('{ uri: { prefix: /old } }', '{ uri: /old/new }'), 'MK0025').map(shape)).toStrictEqual([{
      message: '[MK0025] VirtualService \'shop/shop\' http[0] redirects http://shop.example.com/old to http://shop.example.com/old/new at gateway \'istio-system/web\', '
        + `and the same rule matches that target and redirects it again (to http://shop.example.com/old/new): ${LOOP}; point the redirect of VirtualService 'shop' http[0] `
        + 'at a host or path its match does not take, or narrow the match (e.g. an exact uri) so the target falls outside it',
      field: 'spec.http[0].redirect',
      value: '{"uri":"/old/new"}',
      fix: 'point the redirect of VirtualService \'shop\' http[0] at a host or path its match does not take, or narrow the match (e.g. an exact uri) so the target falls outside it',
    }]);
  });
  test('fails if a redirect to another host lands on a host of the same rule', () => {
    const yaml = redirectVs('{ uri: { prefix: / } }', '{ authority: www.example.com }').replace('hosts: [shop.example.com]', 'hosts: [shop.example.com, www.example.com]');
    expect(findings(yaml, 'MK0025').map(f => f.message.split(':')[0])).toStrictEqual(['[MK0025] VirtualService \'shop/shop\' http[0] redirects http']);
  });
  test('fails if the gateway listens on another port than 80 (a Location without a port reaches the port called)', () => {
    const yaml = redirectVs('{ uri: { prefix: /old } }', '{ uri: /old }').replace('number: 80, name: http', 'number: 8080, name: http');
    expect(findings(yaml, 'MK0025').map(f => f.message.split(' at gateway')[0])).toStrictEqual([
      '[MK0025] VirtualService \'shop/shop\' http[0] redirects http://shop.example.com/old to http://shop.example.com/old',
    ]);
  });
  test('fails if an HTTPRoute RequestRedirect\'s target is matched by the same rule', () => {
    expect(findings(`${INGRESS}\n---\n${KGW}`, 'MK0025').map(shape)).toStrictEqual([{
      message: '[MK0025] HTTPRoute \'shop/shop\' rule 0 redirects http://shop.example.com/old to http://shop.example.com/old/ at gateway \'infra/web\', and the same rule '
        + `matches that target and redirects it again (to http://shop.example.com/old/): ${LOOP}; point the RequestRedirect of HTTPRoute 'shop' rules[0] at a hostname `
        + 'or path its matches do not take, or narrow the matches so the target falls outside them',
      field: 'spec.rules[0].filters[0].requestRedirect',
      value: '{"path":{"type":"ReplaceFullPath","replaceFullPath":"/old/"}}',
      fix: 'point the RequestRedirect of HTTPRoute \'shop\' rules[0] at a hostname or path its matches do not take, or narrow the matches so the target falls outside them',
    }]);
  });
  test('stays quiet if the target falls outside the rule (another path, an exact match, the HTTPRoute to a path it does not match)', () => {
    expect(findings(redirectVs('{ uri: { prefix: /old } }', '{ uri: /new }'), 'MK0025')).toStrictEqual([]);
    expect(findings(redirectVs('{ uri: { exact: /old } }', '{ uri: /old/new }'), 'MK0025')).toStrictEqual([]);
    expect(findings(`${INGRESS}\n---\n${KGW.replace('replaceFullPath: /old/', 'replaceFullPath: /new/')}`, 'MK0025')).toStrictEqual([]);
  });
  test('stays quiet if the redirect sends HTTP to HTTPS on a port the rule does not match (the usual upgrade)', () => {
    expect(findings(redirectVs('{ port: 80 }', '{ scheme: https }'), 'MK0025')).toStrictEqual([]);
  });
});

describe('MK0026 gRPC retries on HTTP status classes only', () => {
  const WHY = 'a gRPC failure comes back as HTTP 200 with a grpc-status, which HTTP status conditions never match, so no failed call is retried '
    + '(Envoy x-envoy-retry-grpc-on: cancelled, deadline-exceeded, internal, resource-exhausted, unavailable) (mesh-kit MK0026)';
  test('fails if a route to a port named grpc retries on 5xx and gateway-error only', () => {
    expect(findings(GRPC('5xx,gateway-error'), 'MK0026').map(shape)).toStrictEqual([{
      message: `[MK0026] VirtualService 'shop/ratings' http[0] retries on '5xx,gateway-error' only, but 'ratings' is gRPC (Service 'shop/ratings' port 9090 'grpc'): ${WHY}; `
        + 'set retries.retryOn to \'5xx,gateway-error,cancelled,unavailable\' (add deadline-exceeded, internal or resource-exhausted only for idempotent calls)',
      field: 'spec.http[0].retries.retryOn',
      value: '5xx,gateway-error',
      fix: 'set retries.retryOn to \'5xx,gateway-error,cancelled,unavailable\' (add deadline-exceeded, internal or resource-exhausted only for idempotent calls)',
    }]);
  });
  test('fails if the port is gRPC by its appProtocol', () => {
    expect(findings(GRPC('5xx', '{ name: rpc, port: 9090, appProtocol: grpc }'), 'MK0026').map(f => f.value)).toStrictEqual(['5xx']);
  });
  test('stays quiet if retryOn has a gRPC code, only connection conditions, or is left to Istio\'s default', () => {
    expect(findings(GRPC('5xx,unavailable'), 'MK0026')).toStrictEqual([]);
    expect(findings(GRPC('connect-failure,refused-stream'), 'MK0026')).toStrictEqual([]);
    expect(findings(GRPC('5xx').replace(", retryOn: '5xx'", ''), 'MK0026')).toStrictEqual([]);
  });
  test('stays quiet if the port is plain HTTP', () => {
    expect(findings(GRPC('5xx', '{ name: http, port: 9080 }'), 'MK0026')).toStrictEqual([]);
  });
});

describe('MK0027 TLS origination on a port no route sends to', () => {
  test('fails if the DestinationRule originates TLS on port 80 while the route sends to 443', () => {
    expect(findings(ORIGIN(80, 443), 'MK0027').map(shape)).toStrictEqual([{
      message: '[MK0027] DestinationRule \'shop/api\' originates TLS (mode SIMPLE) on port 80 of \'api.example.com\', but every route to the host sends to port 443 '
        + '(VirtualService \'shop/api\' http[0].route[0]): the origination never applies and the requests leave in plain text (mesh-kit MK0027); '
        + 'set portLevelSettings[0].port.number of DestinationRule \'api\' to 443, or route to port 80 in VirtualService \'api\'',
      field: 'spec.trafficPolicy.portLevelSettings[0].port.number',
      value: '80',
      fix: 'set portLevelSettings[0].port.number of DestinationRule \'api\' to 443, or route to port 80 in VirtualService \'api\'',
    }]);
  });
  test('stays quiet if the route sends to the originating port, or names no port (the caller\'s port)', () => {
    expect(findings(ORIGIN(443, 443), 'MK0027')).toStrictEqual([]);
    expect(findings(ORIGIN(80, 443).replace(', port: { number: 443 }', ''), 'MK0027')).toStrictEqual([]);
  });
  test('stays quiet if no route goes to the host, or the port-level TLS is not an origination (DISABLE)', () => {
    expect(findings(ORIGIN(80, 443).replace('host: api.example.com, port', 'host: other.example.com, port'), 'MK0027')).toStrictEqual([]);
    expect(findings(ORIGIN(80, 443).replace('mode: SIMPLE', 'mode: DISABLE'), 'MK0027')).toStrictEqual([]);
  });
});

describe('MK0028 ALLOW rules for callers outside the mesh', () => {
  const WHY = 'but namespace \'batch\' is not in the mesh (no istio-injection, istio.io/rev or istio.io/dataplane-mode label, and none of its pods has a proxy): '
    + 'its requests carry no mTLS identity, so this rule never matches them and they are denied (mesh-kit MK0028)';
  const FIX = 'label namespace \'batch\' istio-injection=enabled (or istio.io/dataplane-mode=ambient) and restart its pods';
  test('fails if a principal or a namespace of the rule is of a namespace without injection', () => {
    expect(findings(AUTHZ(''), 'MK0028').map(shape)).toStrictEqual([{
      message: `[MK0028] AuthorizationPolicy 'shop/reviews' rules[0] allows principal 'cluster.local/ns/batch/sa/reports', ${WHY}; ${FIX}`,
      field: 'spec.rules[0].from[0].source.principals[0]',
      value: 'cluster.local/ns/batch/sa/reports',
      fix: FIX,
    }, {
      message: `[MK0028] AuthorizationPolicy 'shop/reviews' rules[0] allows namespace 'batch', ${WHY}; ${FIX}`,
      field: 'spec.rules[0].from[1].source.namespaces[0]',
      value: 'batch',
      fix: FIX,
    }]);
  });
  test('fails if injection is disabled on the namespace', () => {
    expect(findings(AUTHZ(', labels: { istio-injection: disabled }'), 'MK0028')).toHaveLength(2);
  });
  test('stays quiet if the namespace is injected, ambient, or its pods inject themselves', () => {
    expect(findings(AUTHZ(', labels: { istio-injection: enabled }'), 'MK0028')).toStrictEqual([]);
    expect(findings(AUTHZ(', labels: { istio.io/dataplane-mode: ambient }'), 'MK0028')).toStrictEqual([]);
    expect(findings(AUTHZ('', ', sidecar.istio.io/inject: \'true\''), 'MK0028')).toStrictEqual([]);
  });
  test('stays quiet if the policy denies, or the namespace is not among the objects (unknown)', () => {
    expect(findings(AUTHZ('').replace('action: ALLOW', 'action: DENY'), 'MK0028')).toStrictEqual([]);
    expect(findings(AUTHZ('').replace(/ns\/batch|namespaces: \[batch\]/g, m => m.replace('batch', 'elsewhere')), 'MK0028')).toStrictEqual([]);
  });
});

describe('MK0029 a gateway route to a ServiceEntry not exported to the gateway (the data-plane model\'s 503)', () => {
  test('fails if the entry is exported to its own namespace only (the egress-gateway task with exportTo: [.])', () => {
    expect(findings(EGRESS('[\'.\']'), 'MK0029').map(shape)).toStrictEqual([{
      message: '[MK0029] VirtualService \'shop/through-egress\' http[1] sends requests at gateway \'shop/egressgateway\' to \'edition.cnn.com\', but ServiceEntry '
        + '\'shop/cnn\' is exported to \'.\' (namespace \'shop\') only, not to namespace \'istio-system\' where the gateway\'s pods run: the gateway has no cluster for '
        + 'the host and answers 503 (Istio builds a proxy\'s clusters from the services visible to its namespace: pilot/pkg/model/push_context.go) (mesh-kit MK0029); '
        + 'add \'istio-system\' to spec.exportTo of ServiceEntry \'cnn\'',
      field: 'spec.http[1].route[0].destination.host',
      value: 'edition.cnn.com',
      fix: 'add \'istio-system\' to spec.exportTo of ServiceEntry \'cnn\'',
    }]);
  });
  test('stays quiet if the entry is exported to the gateway\'s namespace too, or to every namespace', () => {
    expect(findings(EGRESS('[\'.\', istio-system]'), 'MK0029')).toStrictEqual([]);
    expect(findings(EGRESS('[\'*\']'), 'MK0029')).toStrictEqual([]);
  });
});

describe('two VirtualServices claiming one host and match through one gateway: MK0013 already reports it', () => {
  const TWO = ['a', 'b'].map(n => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${n}, namespace: shop }
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http: [{ match: [{ uri: { prefix: /api } }], route: [{ destination: { host: shop } }] }]
`).join('---');
  test('fails: the winner depends on creation timestamps (Istio merges them by creation time, then name)', () => {
    // the message's wording is the meshkit part's (issue 37): only what names the conflict is pinned here
    expect(findings(`${INGRESS}\n---\n${TWO}`, 'MK0013').map(f => [f.object, /^\[MK0013\] VirtualService 'shop\/b' rule http\[0\] match\[0\] and VirtualService 'shop\/a' rule http\[0\] match\[0\] match the same requests/.test(f.message)]))
      .toStrictEqual([['VirtualService shop/b', true]]);
  });
  test('stays quiet if the matches differ', () => {
    expect(findings(`${INGRESS}\n---\n${TWO.replace(/prefix: \/api \}(?![\s\S]*prefix: \/api)/, 'prefix: /web }')}`, 'MK0013')).toStrictEqual([]);
  });
});

describe('MK0030 a Gateway API route to a port its Service does not have', () => {
  test('fails if the backendRef names a port the Service lacks', () => {
    expect(findings(ROUTE(8080), 'MK0030').map(shape)).toStrictEqual([{
      message: '[MK0030] HTTPRoute \'shop/reviews\' rules[0] sends to port 8080 of Service \'shop/reviews\', which has no such port (its ports: 9080): no proxy has '
        + 'a cluster for that port, so its requests fail (Istio writes the backendRef\'s port into the destination without checking the Service has it: '
        + 'pilot/pkg/config/kube/gateway/conversion.go buildDestination) (mesh-kit MK0030); set spec.rules[0].backendRefs[0].port to 9080, a port of Service \'reviews\'',
      field: 'spec.rules[0].backendRefs[0].port',
      value: '8080',
      fix: 'set spec.rules[0].backendRefs[0].port to 9080, a port of Service \'reviews\'',
    }]);
  });
  test('stays quiet if the port is the Service\'s, if the Service is missing (KIA1402 reports it), or if the backend is not a Service', () => {
    expect(findings(ROUTE(9080), 'MK0030')).toStrictEqual([]);
    expect(findings(ROUTE(8080).replace('name: reviews, namespace: shop }\nspec: { selector', 'name: other, namespace: shop }\nspec: { selector'), 'MK0030')).toStrictEqual([]);
    expect(findings(ROUTE(8080, ', group: networking.istio.io, kind: Hostname'), 'MK0030')).toStrictEqual([]);
  });
});
