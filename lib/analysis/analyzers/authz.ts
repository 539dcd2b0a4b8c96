import { closest } from '../../core/closest';
import { list, nameOf, selectorString, str } from '../context';
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
      return [{
        object: ap,
        message: `AuthorizationPolicy '${name(ap)}' in the root namespace selects '${selectorString(sel)}', which no workload of the mesh has`,
        field: 'spec.selector.matchLabels',
        value: sel,
        fix: 'change spec.selector.matchLabels to the labels of a workload in the mesh, or remove the selector to apply it to the whole mesh',
      }];
    }
    const inNs = meshPods.filter(p => p.namespace === ns);
    if (sel === undefined) {
      return inNs.length > 0 ? [] : [{
        object: ap,
        message: `AuthorizationPolicy '${name(ap)}' applies to namespace '${ns}', which has no workload in the mesh`,
        field: 'metadata.namespace',
        value: ns,
        fix: `move it to the namespace of the workloads it protects, or add the workloads of namespace '${ns}' to the mesh (label the namespace istio-injection=enabled)`,
      }];
    }
    return inNs.some(p => Object.entries(sel).every(([k, v]) => p.labels[k] === v)) ? [] : [{
      object: ap,
      message: `AuthorizationPolicy '${name(ap)}' selects '${selectorString(sel)}', which matches none of the workloads of namespace '${ns}' in the mesh`,
      field: 'spec.selector.matchLabels',
      value: sel,
      fix: `change spec.selector.matchLabels to the labels of a workload of namespace '${ns}' in the mesh${inNs.length > 0 ? ` (e.g. ${selectorString(inNs[0].labels)})` : ''}, or move the policy to the namespace of the workload it protects`,
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
    type Source = { namespaces?: string[]; notNamespaces?: string[] };
    const missing = (exp: string) => !known.some(ns => namespaceMatch(ns, exp)) && !(exp.includes('*') ? false : ctx.world === 'partial' && ctx.namespaceExists(exp));
    return ctx.of('AuthorizationPolicy', SEC).flatMap(ap => list(spec(ap).rules as Array<{ from?: Array<{ source?: Source }> }>)
      .flatMap((r, i) => list(r?.from).flatMap((f, j) => (['namespaces', 'notNamespaces'] as const)
        .flatMap(key => list(f?.source?.[key]).map((exp, k) => ({ field: `spec.rules[${i}].from[${j}].source.${key}[${k}]`, exp: str(exp) })))))
      .filter(({ exp }) => missing(exp))
      .map(({ field, exp }): RawFinding => {
        const near = closest(exp, known);
        return {
          object: ap,
          message: `AuthorizationPolicy '${name(ap)}' names namespace '${exp}', which does not exist`,
          field,
          value: exp,
          fix: near ? `name namespace '${near}', or create Namespace '${exp}'` : `create Namespace '${exp}', or name a namespace that exists`,
        };
      }));
  },
};

/** Istio's `authz` analyzers. */
export const AUTHZ_ANALYZERS: Analyzer[] = [authzNoWorkloads, authzNamespaceNotFound];
