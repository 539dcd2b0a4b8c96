import { field, isObj, labelSelectorMatches, nameOf, objs, specOf as spec, str, strMap } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

/*
 * Kiali's Gateway API checks (kiali/kiali business/checkers/k8shttproutes/, k8sgrpcroutes/, k8sreferencegrants/,
 * k8sgateways/): codes, levels and the object reported on as kiali/kiali models/istio_validation.go has them. Its
 * security checks are kiali-security.ts.
 */

const NET = 'networking.istio.io';
const GW = 'gateway.networking.k8s.io';
const DOMAIN = 'svc.cluster.local';
const name = nameOf;
/** Namespaces Kiali would know of: the Namespace objects, those the objects land in, those declared outside. */
const knownNamespace = (ctx: AnalysisContext, ns: string) => ctx.namespaceExists(ns) || ctx.objects.some(o => ctx.namespaceOf(o) === ns);

// ---- Gateway API routes (business/checkers/k8shttproutes/, k8sgrpcroutes/, k8sreferencegrants/) ----

const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute'];
const routesOf = (ctx: AnalysisContext) => ROUTE_KINDS.flatMap(k => ctx.of(k, GW));
const refNs = (ctx: AnalysisContext, route: AnalyzedObject, ref: { [k: string]: unknown }) => (str(ref.namespace) !== '' ? str(ref.namespace) : ctx.namespaceOf(route));


/** A Gateway's listeners admit routes of another namespace (allowedRoutes.namespaces: All, or a Selector its labels match). */
function sharedWith(ctx: AnalysisContext, gateway: AnalyzedObject, routeNs: string): boolean {
  const namespace = ctx.namespace(routeNs);
  if (!namespace) return ctx.world === 'partial'; // an app does not see every namespace's labels
  return objs(spec(gateway).listeners).some(l => {
    const from = field(field(l.allowedRoutes, 'namespaces'), 'from');
    if (from === 'All') return true;
    const selector = field(field(l.allowedRoutes, 'namespaces'), 'selector');
    return from === 'Selector' && isObj(selector) && labelSelectorMatches(selector, strMap(namespace.manifest.metadata.labels));
  });
}

const routeGatewayMissing: Analyzer = {
  analyzer: 'kiali.K8sRouteChecker',
  code: 'KIA1401',
  name: 'RouteGatewayNotFound',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA1401: an HTTPRoute or GRPCRoute names a Gateway API Gateway that does not exist, or one in another namespace whose listeners do not admit its routes',
  run: ctx => routesOf(ctx).flatMap(route => objs(spec(route).parentRefs).flatMap((ref, i): RawFinding[] => {
    const kind = ref.kind === undefined ? 'Gateway' : str(ref.kind);
    const group = ref.group === undefined ? GW : str(ref.group);
    if (kind !== 'Gateway' || group !== GW || str(ref.name) === '') return [];
    const routeNs = ctx.namespaceOf(route);
    const gwNs = refNs(ctx, route, ref);
    const gateway = ctx.find('Gateway', GW, gwNs, str(ref.name));
    const where = `${route.manifest.kind} '${name(route)}' parentRefs[${i}] names Gateway '${gwNs}/${str(ref.name)}'`;
    const cite = `(Kiali KIA1401, business/checkers/${route.manifest.kind === 'HTTPRoute' ? 'k8shttproutes' : 'k8sgrpcroutes'}/no_k8sgateway_checker.go)`;
    if (!gateway) {
      const outside = ctx.world === 'partial' && ctx.gatewayExists(gwNs, str(ref.name)) && ctx.find('Gateway', NET, gwNs, str(ref.name)) === undefined;
      return outside ? [] : [{
        object: route,
        message: `${where}, which does not exist: the route is attached to nothing ${cite}`,
        field: `spec.parentRefs[${i}].name`,
        value: str(ref.name),
        fix: 'create the Gateway or fix parentRefs',
      }];
    }
    if (gwNs === routeNs || sharedWith(ctx, gateway, routeNs)) return [];
    return [{
      object: route,
      message: `${where}, whose listeners do not admit routes from namespace '${routeNs}' (allowedRoutes.namespaces.from is not All or a Selector matching it): the route is not attached ${cite}`,
      field: `spec.parentRefs[${i}]`,
      value: `${gwNs}/${str(ref.name)}`,
      fix: 'set allowedRoutes on the Gateway\'s listener',
    }];
  })),
};

/** A ReferenceGrant in the target namespace lets `fromKind` routes of `fromNs` reach its Services (Kiali's HasMatchingReferenceGrant). */
function granted(ctx: AnalysisContext, fromNs: string, toNs: string, fromKind: string): boolean {
  return ctx.of('ReferenceGrant', GW).some(g => ctx.namespaceOf(g) === toNs
    && objs(spec(g).from).some(f => str(f.namespace) === fromNs && str(f.kind) === fromKind)
    && objs(spec(g).to).some(t => str(t.kind) === 'Service'));
}

const routeServiceMissing: Analyzer = {
  analyzer: 'kiali.K8sRouteChecker',
  code: 'KIA1402',
  name: 'RouteServiceNotFound',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA1402: an HTTPRoute or GRPCRoute names a Service (backendRefs, or a Service parentRef) that does not exist, or one of another namespace no ReferenceGrant opens',
  run: ctx => routesOf(ctx).flatMap(route => {
    const routeNs = ctx.namespaceOf(route);
    const refs: Array<[{ [k: string]: unknown }, string]> = [
      ...objs(spec(route).parentRefs).filter(r => str(r.kind) === 'Service').map((r, i): [{ [k: string]: unknown }, string] => [r, `parentRefs[${i}]`]),
      ...objs(spec(route).rules).flatMap((rule, i) => objs(rule.backendRefs).map((r, j): [{ [k: string]: unknown }, string] => [r, `rules[${i}].backendRefs[${j}]`])),
    ];
    const cite = `(Kiali KIA1402, business/checkers/${route.manifest.kind === 'HTTPRoute' ? 'k8shttproutes' : 'k8sgrpcroutes'}/no_host_checker.go)`;
    return refs.filter(([r]) => (r.kind === undefined || str(r.kind) === 'Service') && (r.group === undefined || str(r.group) === '')).flatMap(([r, at]): RawFinding[] => {
      const svcName = str(r.name);
      const ns = refNs(ctx, route, r);
      const exists = ctx.find('Service', '', ns, svcName) !== undefined
        || (ctx.world === 'partial' && ctx.destinationHost(routeNs, undefined, `${svcName}.${ns}.${DOMAIN}`)?.external === true);
      const where = `${route.manifest.kind} '${name(route)}' ${at} names Service '${ns}/${svcName}'`;
      if (svcName.includes('.')) {
        return [{
          object: route,
          message: `${where}: a Service reference is a name, not a host ${cite}`,
          field: `spec.${at}.name`,
          value: svcName,
          fix: 'write the Service\'s name and its namespace in \'namespace\'',
        }];
      }
      if (!exists) {
        return [{
          object: route,
          message: `${where}, which does not exist: its requests fail ${cite}`,
          field: `spec.${at}.name`,
          value: svcName,
          fix: 'create the Service or fix the reference',
        }];
      }
      const open = ns === routeNs || granted(ctx, routeNs, ns, route.manifest.kind) || (ctx.world === 'partial' && ctx.namespace(ns) === undefined && !ctx.objects.some(o => ctx.namespaceOf(o) === ns));
      return open ? [] : [{
        object: route,
        message: `${where}, in another namespace, and no ReferenceGrant in '${ns}' lets ${route.manifest.kind}s of '${routeNs}' reach its Services: the reference is refused ${cite}`,
        field: `spec.${at}.namespace`,
        value: ns,
        fix: `add a ReferenceGrant in '${ns}' from ${route.manifest.kind} of namespace '${routeNs}' to Service`,
      }];
    });
  }),
};

const grantNamespaceMissing: Analyzer = {
  analyzer: 'kiali.K8sReferenceGrantChecker',
  code: 'KIA1601',
  name: 'ReferenceGrantNamespaceNotFound',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA1601: a ReferenceGrant admits references from a namespace that does not exist',
  run: ctx => ctx.of('ReferenceGrant', GW).flatMap(g => objs(spec(g).from).flatMap((f, i) => (knownNamespace(ctx, str(f.namespace)) ? [] : [{
    object: g,
    message: `ReferenceGrant '${name(g)}' from[${i}] names namespace '${str(f.namespace)}', which does not exist: the grant opens nothing `
      + '(Kiali KIA1601, business/checkers/k8sreferencegrants/namespace_checker.go)',
    field: `spec.from[${i}].namespace`,
    value: str(f.namespace),
    fix: 'name the namespace the routes are in',
  }]))),
};

// ---- Gateway API Gateways (business/checkers/k8sgateways/multi_match_checker.go) ----

const K8S_GATEWAYS = 'business/checkers/k8sgateways/multi_match_checker.go';
const gatewayId = (ctx: AnalysisContext, g: AnalyzedObject) => `${ctx.namespaceOf(g)}/${name(g)}`;
/** A listener's hostname, port and protocol; undefined without a hostname (Kiali compares listeners with one only). */
const listenerKey = (l: { [k: string]: unknown }) => (typeof l.hostname === 'string' && l.hostname !== '' ? `${l.hostname}|${str(l.port)}|${str(l.protocol)}` : undefined);
const describeListener = (l: { [k: string]: unknown }) => `hostname '${str(l.hostname)}' port ${str(l.port)} ${str(l.protocol)}`;

const gatewayListenerShared: Analyzer = {
  analyzer: 'kiali.K8sGatewayChecker',
  code: 'KIA1501',
  name: 'K8sGatewayListenerShared',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1501: two Gateway API Gateways have a listener for the same hostname, port and protocol',
  run: ctx => {
    const gateways = ctx.of('Gateway', GW);
    return gateways.flatMap(g => objs(spec(g).listeners).flatMap((l, i): RawFinding[] => {
      const key = listenerKey(l);
      if (key === undefined) return [];
      const others = gateways.filter(o => gatewayId(ctx, o) !== gatewayId(ctx, g) && objs(spec(o).listeners).some(x => listenerKey(x) === key));
      return others.length === 0 ? [] : [{
        object: g,
        message: `Gateway '${name(g)}' listeners[${i}] (${describeListener(l)}) is also a listener of ${others.map(o => `'${gatewayId(ctx, o)}'`).join(', ')}: `
          + `clients reach whichever address DNS gives them (Kiali KIA1501, ${K8S_GATEWAYS})`,
        field: `spec.listeners[${i}].hostname`,
        value: str(l.hostname),
        fix: 'serve the hostname from one Gateway',
      }];
    }));
  },
};

const gatewayAddressShared: Analyzer = {
  analyzer: 'kiali.K8sGatewayChecker',
  code: 'KIA1502',
  name: 'K8sGatewayAddressShared',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1502: two Gateway API Gateways ask for the same address (type and value)',
  run: ctx => {
    const gateways = ctx.of('Gateway', GW);
    // a missing type is IPAddress, the API server's default (gateway-api apis/v1/gateway_types.go GatewaySpecAddress)
    const key = (a: { [k: string]: unknown }) => (str(a.value) === '' ? undefined : `${a.type === undefined ? 'IPAddress' : str(a.type)}|${str(a.value)}`);
    return gateways.flatMap(g => objs(spec(g).addresses).flatMap((a, i): RawFinding[] => {
      const k = key(a);
      const others = k === undefined ? []
        : gateways.filter(o => gatewayId(ctx, o) !== gatewayId(ctx, g) && objs(spec(o).addresses).some(x => key(x) === k));
      return others.length === 0 ? [] : [{
        object: g,
        message: `Gateway '${name(g)}' addresses[${i}] ('${str(a.value)}') is also asked for by ${others.map(o => `'${gatewayId(ctx, o)}'`).join(', ')}: `
          + `only one of them can have it (Kiali KIA1502, ${K8S_GATEWAYS})`,
        field: `spec.addresses[${i}].value`,
        value: str(a.value),
        fix: 'give each Gateway its own address',
      }];
    }));
  },
};

const gatewayListenerRepeated: Analyzer = {
  analyzer: 'kiali.K8sGatewayChecker',
  code: 'KIA1503',
  name: 'K8sGatewayListenerNotUnique',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA1503: two listeners of one Gateway API Gateway have the same hostname, port and protocol',
  run: ctx => ctx.of('Gateway', GW).flatMap(g => {
    const listeners = objs(spec(g).listeners);
    return listeners.flatMap((l, i): RawFinding[] => {
      const k = listenerKey(l);
      const other = k === undefined ? -1 : listeners.findIndex((x, j) => j !== i && listenerKey(x) === k && str(x.name) !== str(l.name));
      return other < 0 ? [] : [{
        object: g,
        message: `Gateway '${name(g)}' listeners[${i}] ('${str(l.name)}') repeats the ${describeListener(l)} of listeners[${other}] ('${str(listeners[other].name)}'): `
          + `the listeners conflict and are not programmed (Kiali KIA1503, ${K8S_GATEWAYS})`,
        field: `spec.listeners[${i}].hostname`,
        value: str(l.hostname),
        fix: `give listeners[${i}] its own hostname, port or protocol, or merge the two listeners`,
      }];
    });
  }),
};

/** Kiali's Gateway API route, ReferenceGrant and Gateway checks. */
export const KIALI_GATEWAY_API_ANALYZERS: Analyzer[] = [
  routeGatewayMissing, routeServiceMissing, grantNamespaceMissing, gatewayListenerShared, gatewayAddressShared, gatewayListenerRepeated,
];
