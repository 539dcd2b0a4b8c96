import { list, nameOf, selectorString, strs } from '../context';
import { Analyzer, FindingLevel, RawFinding } from '../model';
import { hasTargets, selectorSpec as spec } from './util/selectors';

/*
 * AuthorizationPolicies: Istio's `authz` analyzers (istio/istio pkg/config/analysis/analyzers/authz/), one file per Istio package.
 */

const SEC = 'security.istio.io';
const name = nameOf;

const authz = 'authz.AuthorizationPoliciesAnalyzer';

const authzNoWorkloads: Analyzer = {
  analyzer: authz,
  code: 'IST0127',
  name: 'NoMatchingWorkloadsFound',
  level: FindingLevel.WARNING,
  description: 'an AuthorizationPolicy selects no workload of the mesh (in its namespace, or anywhere for the root namespace); a namespace-wide one has no workload in its namespace',
  run: ctx => ctx.of('AuthorizationPolicy', SEC).flatMap((ap): RawFinding[] => {
    if (hasTargets(ap)) return [];
    const ns = ctx.namespaceOf(ap);
    const sel = spec(ap).selector?.matchLabels;
    const meshPods = ctx.pods.filter(p => p.inMesh);
    if (ns === ctx.meshConfig.rootNamespace) {
      if (sel === undefined || meshPods.some(p => Object.entries(sel).every(([k, v]) => p.labels[k] === v))) return [];
      return [{ object: ap, message: `AuthorizationPolicy '${name(ap)}' in the root namespace selects '${selectorString(sel)}', which no workload of the mesh has` }];
    }
    const inNs = meshPods.filter(p => p.namespace === ns);
    if (sel === undefined) {
      return inNs.length > 0 ? [] : [{ object: ap, message: `AuthorizationPolicy '${name(ap)}' applies to namespace '${ns}', which has no workload in the mesh` }];
    }
    return inNs.some(p => Object.entries(sel).every(([k, v]) => p.labels[k] === v)) ? [] : [{
      object: ap,
      message: `AuthorizationPolicy '${name(ap)}' selects '${selectorString(sel)}', which matches none of the workloads of namespace '${ns}' in the mesh`,
    }];
  }),
};

/** Istio's authz namespaceMatch: `*`, `prefix*`, `*suffix` or a name. */
const namespaceMatch = (ns: string, exp: string) => exp === '*' || (exp.startsWith('*') ? ns.endsWith(exp.slice(1)) : exp.endsWith('*') ? ns.startsWith(exp.slice(0, -1)) : ns.toLowerCase() === exp.toLowerCase());

const authzNamespaceNotFound: Analyzer = {
  analyzer: authz,
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'an AuthorizationPolicy source names a namespace (namespaces, notNamespaces) that does not exist',
  run: ctx => {
    const known = ctx.of('Namespace').map(n => name(n));
    return ctx.of('AuthorizationPolicy', SEC).flatMap(ap => list(spec(ap).rules as Array<{ from?: Array<{ source?: { namespaces?: string[]; notNamespaces?: string[] } }> }>)
      .flatMap(r => list(r?.from)).flatMap(f => [...strs(f?.source?.namespaces), ...strs(f?.source?.notNamespaces)])
      .filter(exp => !known.some(ns => namespaceMatch(ns, exp)) && !(exp.includes('*') ? false : ctx.world === 'partial' && ctx.namespaceExists(exp)))
      .map(exp => ({ object: ap, message: `AuthorizationPolicy '${name(ap)}' names namespace '${exp}', which does not exist` })));
  },
};

/** Istio's `authz` analyzers. */
export const AUTHZ_ANALYZERS: Analyzer[] = [authzNoWorkloads, authzNamespaceNotFound];
