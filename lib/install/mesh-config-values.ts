import { MeshConfigOptions } from './mesh-config';
import { ProblemLike, problem } from '../core/errors';
import { checkDnsLabel, checkDnsSubdomain } from '../core/names';

/** Istio's built-in providers, present without any `extensionProviders` entry (istio/istio pkg/config/mesh defaults). */
export const BUILT_IN_PROVIDERS = ['envoy', 'prometheus', 'stackdriver'];

/** The mesh config options as Istio's `meshConfig`. */
export function meshConfigOf(o: MeshConfigOptions, field: string, fail: (message: ProblemLike) => never): { [key: string]: unknown } {
  if (o.accessLogFile !== undefined && !o.accessLogFile.startsWith('/')) {
    fail(problem(`${field}.accessLogFile`, 'must be an absolute path', o.accessLogFile, 'e.g. \'/dev/stdout\''));
  }
  if (o.trustDomain !== undefined) {
    const err = checkDnsSubdomain(`${field}.trustDomain`, o.trustDomain);
    if (err) fail(err);
  }
  const providers = (o.extensionProviders ?? []).map(p => p._toJson());
  const names = new Set<string>();
  for (const p of providers) {
    const n = String(p.name);
    if (names.has(n) || BUILT_IN_PROVIDERS.includes(n)) {
      fail(problem(`${field}.extensionProviders`, 'must have unique names, none of Istio\'s built-in ones', n, `built-in: ${BUILT_IN_PROVIDERS.join(', ')}`));
    }
    names.add(n);
  }
  const d = o.defaultProviders;
  for (const [k, list] of Object.entries(d ?? {})) {
    for (const n of (list as string[] | undefined) ?? []) {
      const err = checkDnsLabel(`${field}.defaultProviders.${k}`, n.replace(/[._]/g, '-'));
      if (err) fail(err);
    }
  }
  return {
    ...(o.accessLogFile !== undefined ? { accessLogFile: o.accessLogFile } : {}),
    ...(o.accessLogEncoding !== undefined ? { accessLogEncoding: o.accessLogEncoding } : {}),
    ...(o.outboundTrafficPolicy !== undefined ? { outboundTrafficPolicy: { mode: o.outboundTrafficPolicy } } : {}),
    ...(o.trustDomain !== undefined ? { trustDomain: o.trustDomain } : {}),
    ...(providers.length > 0 ? { extensionProviders: providers } : {}),
    ...(d ? { defaultProviders: Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) } : {}),
  };
}
