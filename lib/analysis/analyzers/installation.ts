/**
 * Checks of an app against the mesh installation it declares (IstioInstallation) or the mesh config it is given: what
 * `istioctl analyze` cannot see from the objects alone. Codes are mesh-kit's (MK); each message names Istio's rule.
 *
 * @module
 */
import { isObj, list, nameOf, specOf } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const TEL = 'telemetry.istio.io';
const SEC = 'security.istio.io';
const name = nameOf;

/** Istio's built-in providers, present in every mesh config (istio/istio pkg/config/mesh/mesh.go DefaultMeshConfig). */
const BUILT_IN = new Set(['envoy', 'prometheus', 'stackdriver']);

/** The providers a Telemetry names: `[section, provider]`. */
function telemetryProviders(t: AnalyzedObject): Array<[string, string]> {
  const s = specOf(t);
  return ['tracing', 'metrics', 'accessLogging'].flatMap(section => list(s[section] as unknown[])
    .flatMap(e => (isObj(e) ? list(e.providers as unknown[]) : []))
    .flatMap(p => (isObj(p) && typeof p.name === 'string' ? [[section, p.name] as [string, string]] : [])));
}

const unknownProvider: Analyzer = {
  analyzer: 'installation.ExtensionProviderAnalyzer',
  code: 'MK0009',
  name: 'UnknownExtensionProvider',
  level: FindingLevel.ERROR,
  description: 'a Telemetry or CUSTOM AuthorizationPolicy names a provider the mesh config (the installation\'s, or the one given) does not define',
  run: ctx => {
    if (!ctx.meshConfig.known) return [];
    const defined = new Set([...BUILT_IN, ...ctx.meshConfig.extensionProviders.map(p => p.name)]);
    const hint = `defined: ${[...defined].sort().join(', ')}; add it to the installation's meshConfig.extensionProviders (ObservabilityAddons given to the installation add theirs)`;
    const found: RawFinding[] = [];
    for (const t of ctx.of('Telemetry', TEL)) {
      for (const [section, p] of telemetryProviders(t)) {
        if (!defined.has(p)) {
          found.push({ object: t, message: `Telemetry '${name(t)}' ${section} names provider '${p}', which the mesh config does not define: istiod ignores it (${hint})` });
        }
      }
    }
    for (const a of ctx.of('AuthorizationPolicy', SEC)) {
      const s = specOf(a);
      const p = isObj(s.provider) ? s.provider.name : undefined;
      if (s.action === 'CUSTOM' && typeof p === 'string' && !defined.has(p)) {
        found.push({ object: a, message: `AuthorizationPolicy '${name(a)}' asks provider '${p}', which the mesh config does not define: Istio rejects the policy and denies the requests it selects (${hint})` });
      }
    }
    return found;
  },
};

/** The revision a label set asks for: `istio.io/rev`, or `default` for `istio-injection=enabled`. */
function revisionAsked(labels: { readonly [k: string]: string }): string | undefined {
  if (labels['istio-injection'] === 'disabled') return undefined;
  if (labels['istio.io/rev'] !== undefined) return labels['istio.io/rev'];
  return labels['istio-injection'] === 'enabled' ? 'default' : undefined;
}

const revisionNotInstalled: Analyzer = {
  analyzer: 'installation.RevisionAnalyzer',
  code: 'MK0010',
  name: 'RevisionNotInstalled',
  level: FindingLevel.ERROR,
  description: 'a namespace, workload or gateway asks for an Istio revision that no installation of the app serves',
  run: ctx => {
    const istio = ctx.installations?.istio ?? [];
    if (istio.length === 0) return [];
    const served = new Set(istio.map(i => i.revision));
    const list_ = [...served].sort().join(', ');
    const found: RawFinding[] = [];
    const check = (o: AnalyzedObject, what: string, labels: { readonly [k: string]: string }) => {
      const rev = revisionAsked(labels);
      if (rev !== undefined && !served.has(rev)) {
        found.push({
          object: o,
          message: `${what} asks for Istio revision '${rev}' (${labels['istio.io/rev'] !== undefined ? 'istio.io/rev' : 'istio-injection=enabled'}), which no installation of the app serves (served: ${list_}): `
            + 'its pods would get no proxy; label it with a served revision, or install that revision',
        });
      }
    };
    for (const n of ctx.of('Namespace')) if (n.mesh === 'istio') check(n, `Namespace '${name(n)}'`, n.manifest.metadata.labels ?? {});
    for (const g of ctx.of('Gateway', 'gateway.networking.k8s.io')) {
      const rev = g.manifest.metadata.labels?.['istio.io/rev'];
      if (g.mesh === 'istio' && rev !== undefined) check(g, `Gateway '${name(g)}' in namespace '${ctx.namespaceOf(g)}'`, { 'istio.io/rev': rev });
    }
    for (const p of ctx.pods) {
      if (p.object.mesh !== 'istio' || p.object.construct === undefined) continue;
      check(p.object, `${p.object.manifest.kind} '${name(p.object)}' in namespace '${p.namespace}'`, p.labels);
    }
    return found;
  },
};

const ambientNotInstalled: Analyzer = {
  analyzer: 'installation.AmbientAnalyzer',
  code: 'MK0011',
  name: 'AmbientNotInstalled',
  level: FindingLevel.ERROR,
  description: 'a namespace or workload enrols in ambient mode, but no installation of the app installs istio-cni and ztunnel',
  run: ctx => {
    const istio = ctx.installations?.istio ?? [];
    if (istio.length === 0 || istio.some(i => i.ambient)) return [];
    const found: RawFinding[] = [];
    const msg = 'enrols in ambient mode (istio.io/dataplane-mode=ambient), but no installation of the app installs istio-cni and ztunnel: '
      + 'its traffic would bypass the mesh; use IstioProfile.AMBIENT (or components: { cni: true, ztunnel: true })';
    for (const n of ctx.of('Namespace')) {
      if (n.mesh === 'istio' && n.manifest.metadata.labels?.['istio.io/dataplane-mode'] === 'ambient') found.push({ object: n, message: `Namespace '${name(n)}' ${msg}` });
    }
    for (const p of ctx.pods) {
      if (p.object.mesh === 'istio' && p.labels['istio.io/dataplane-mode'] === 'ambient') {
        found.push({ object: p.object, message: `${p.object.manifest.kind} '${name(p.object)}' ${msg}` });
      }
    }
    return found;
  },
};

/** Checks against the installation. */
export const INSTALLATION_ANALYZERS: Analyzer[] = [unknownProvider, revisionNotInstalled, ambientNotInstalled];

