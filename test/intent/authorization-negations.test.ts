import * as path from 'path';
import { App } from 'cdk8s';
import {
  AuthorizationAction, AuthorizationPolicy, DataPlane, IstioApiVersion, MeshChart, RequestCondition, RequestSource, WorkloadSelector,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { K8sObject, SHARED_DIR, describeWithShared, loadObjects } from '../support/shared';
import { only, synthObjects } from '../support/synth';

/** The objects of the three docs tasks (Istio 1.2x docs) these props were added for, written with the typed API. */
function docsPolicies(): K8sObject[] {
  return expectSchemaValid(synthObjects(app => {
    const chart = new MeshChart(app, 'c', { istioApiVersion: IstioApiVersion.V1BETA1 });
    // tasks/security/authorization/authz-deny: deny GET unless x-token is admin
    new AuthorizationPolicy(chart, 'deny-method-get', {
      namespace: 'foo',
      workload: WorkloadSelector.labels({ app: 'httpbin' }),
      action: AuthorizationAction.DENY,
      rules: [{ to: [{ methods: ['GET'] }], when: [RequestCondition.headerNot('x-token', 'admin')] }],
    });
    // tasks/security/authentication/authn-policy: require a valid token on /headers
    new AuthorizationPolicy(chart, 'frontend-ingress', {
      namespace: 'istio-system',
      workload: WorkloadSelector.labels({ istio: 'ingressgateway' }),
      action: AuthorizationAction.DENY,
      rules: [{ from: [RequestSource.notRequestPrincipals()], to: [{ paths: ['/headers'] }] }],
    });
    // tasks/security/authorization/authz-ingress: allow only these client addresses
    new AuthorizationPolicy(chart, 'ingress-policy', {
      namespace: 'istio-system',
      workload: WorkloadSelector.labels({ app: 'istio-ingressgateway' }),
      action: AuthorizationAction.ALLOW,
      rules: [{ from: [RequestSource.remoteIpBlocks('1.2.3.4', '5.6.7.0/24')] }],
    });
  }));
}

describe('typed notValues, notRequestPrincipals, remoteIpBlocks and notRemoteIpBlocks', () => {
  test('rendered as Istio writes them, valid against the pinned CRDs and Istio\'s webhook rules', () => {
    const objects = docsPolicies();
    expect(only(objects, 'AuthorizationPolicy', 'deny-method-get').spec).toStrictEqual({
      selector: { matchLabels: { app: 'httpbin' } },
      action: 'DENY',
      rules: [{ to: [{ operation: { methods: ['GET'] } }], when: [{ key: 'request.headers[x-token]', notValues: ['admin'] }] }],
    });
    expect(only(objects, 'AuthorizationPolicy', 'frontend-ingress').spec).toStrictEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/headers'] } }] }],
    });
    expect(only(objects, 'AuthorizationPolicy', 'ingress-policy').spec).toStrictEqual({
      selector: { matchLabels: { app: 'istio-ingressgateway' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { remoteIpBlocks: ['1.2.3.4', '5.6.7.0/24'] } }] }],
    });
  });

  test('notRemoteIpBlocks, named principals, a JWT claim\'s notValues, IPv6', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      new AuthorizationPolicy(new MeshChart(app, 'c'), 'p', {
        action: AuthorizationAction.DENY,
        workload: WorkloadSelector.labels({ app: 'api' }),
        rules: [
          { from: [RequestSource.notRemoteIpBlocks('10.0.0.0/8', '2001:db8::/32')] },
          { from: [RequestSource.notRequestPrincipals('https://idp.example.com/*')], when: [RequestCondition.jwtClaimNot('groups', 'admin', 'ops')] },
        ],
      });
    }));
    expect(only(objects, 'AuthorizationPolicy').spec).toStrictEqual({
      selector: { matchLabels: { app: 'api' } },
      action: 'DENY',
      rules: [
        { from: [{ source: { notRemoteIpBlocks: ['10.0.0.0/8', '2001:db8::/32'] } }] },
        {
          from: [{ source: { notRequestPrincipals: ['https://idp.example.com/*'] } }],
          when: [{ key: 'request.auth.claims[groups]', notValues: ['admin', 'ops'] }],
        },
      ],
    });
  });

  test.each([
    ['a remote IP block is not an address (security.ValidateIPs)', () => RequestSource.remoteIpBlocks('1.2.3.4', 'corp'),
      'RequestSource.remoteIpBlocks: \'remoteIpBlocks\' must be IP addresses or CIDR blocks: got \'corp\'; e.g. \'10.0.0.0/8\''],
    ['a prefix length is out of range (netip.ParsePrefix)', () => RequestSource.notRemoteIpBlocks('10.0.0.0/33'),
      'RequestSource.notRemoteIpBlocks: \'notRemoteIpBlocks\' must be IP addresses or CIDR blocks: got \'10.0.0.0/33\'; e.g. \'10.0.0.0/8\''],
    ['an address is not one (before: accepted by a pattern)', () => RequestSource.ipBlocks('1.2.3.4.5'),
      'RequestSource.ipBlocks: \'ipBlocks\' must be IP addresses or CIDR blocks: got \'1.2.3.4.5\'; e.g. \'10.0.0.0/8\''],
    ['no remote block', () => RequestSource.remoteIpBlocks(), 'RequestSource.remoteIpBlocks: \'remoteIpBlocks\' must name at least one block: got []'],
    ['a principal is empty (security.CheckEmptyValues)', () => RequestSource.notRequestPrincipals('a/b', ''),
      'RequestSource.notRequestPrincipals: \'notRequestPrincipals[1]\' must not be empty: got \'\'; give \'<issuer>/<subject>\', with \'*\' as a prefix or suffix'],
    ['a negated condition has no value', () => RequestCondition.headerNot('x-token'),
      'RequestCondition.headerNot: \'request.headers[x-token].notValues\' must list at least one value: got []'],
    ['a negated condition has an empty value', () => RequestCondition.headerNot('x-token', ''),
      'RequestCondition.headerNot: \'request.headers[x-token].notValues[0]\' must not be empty: got \'\''],
    ['a claim name is not one', () => RequestCondition.jwtClaimNot('a b', 'x'),
      'RequestCondition.jwtClaimNot: \'jwtClaimNot\' must be a claim name (nested claims as a][b): got \'a b\''],
  ])('fails if %s', (_n, fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });

  test('a notRequestPrincipals source is L7: under ambient it needs a service\'s waypoint', () => {
    const chart = new MeshChart(new App(), 'c', { dataPlane: DataPlane.AMBIENT });
    expect(errorOf(() => new AuthorizationPolicy(chart, 'p', {
      workload: WorkloadSelector.labels({ app: 'api' }), action: AuthorizationAction.DENY, rules: [{ from: [RequestSource.notRequestPrincipals()] }],
    }))).toContain('[c/p] \'workload\' must be a service\'s (WorkloadSelector.service()) under ambient mode: rules[0]: from a JWT principal needs L7');
  });
});

describeWithShared('the docs tasks\' policies, compared with upstream', () => {
  test('every spec field the same as the docs\' YAML', () => {
    const docs = path.join(SHARED_DIR, 'reference', 'istio', 'docs-tasks');
    const upstream = [
      'authz-deny/snip_explicitly_deny_a_request_4.yaml',
      'authn-policy/snip_require_valid_tokens_perpath_1.yaml',
      'authz-ingress/snip_ipbased_allow_list_and_deny_list_2.yaml',
    ].flatMap(f => loadObjects(path.join(docs, f)));
    const ours = docsPolicies();
    expect(upstream.map(u => only(ours, u.kind, u.metadata.name)).map(o => [o.apiVersion, o.metadata.namespace, o.spec]))
      .toStrictEqual(upstream.map(u => [u.apiVersion, u.metadata.namespace, u.spec]));
  });
});
