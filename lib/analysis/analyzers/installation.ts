/**
 * Checks of an app against the mesh installation it declares (IstioInstallation) or the mesh config it is given: what
 * `istioctl analyze` cannot see from the objects alone. Codes are mesh-kit's (MK); each message names Istio's rule.
 *
 * @module
 */
import { isObj, list, nameOf, specOf } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel, PodTemplateRef, RawFinding } from '../model';

const TEL = 'telemetry.istio.io';
const SEC = 'security.istio.io';
const name = nameOf;

/** Istio's built-in providers, present in every mesh config (istio/istio pkg/config/mesh/mesh.go DefaultMeshConfig). */
const BUILT_IN = new Set(['envoy', 'prometheus', 'stackdriver']);

/** The providers a Telemetry names: `[section, provider, field path]`. */
function telemetryProviders(t: AnalyzedObject): Array<[string, string, string]> {
  const s = specOf(t);
  return ['tracing', 'metrics', 'accessLogging'].flatMap(section => list(s[section] as unknown[])
    .flatMap((e, i) => (isObj(e) ? list(e.providers as unknown[]).map((p, j) => [p, `spec.${section}[${i}].providers[${j}].name`] as const) : []))
    .flatMap(([p, field]) => (isObj(p) && typeof p.name === 'string' ? [[section, p.name, field] as [string, string, string]] : [])));
}

/** Where a pod's labels are written in its object: a Pod's own, a workload's template's, a CronJob's job template's. */
function podLabelsField(p: PodTemplateRef): string {
  if (!p.template) return 'metadata.labels';
  return p.object.manifest.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.metadata.labels' : 'spec.template.metadata.labels';
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
    const known = `defined: ${[...defined].sort().join(', ')}`;
    const fix = (p: string) => `add '${p}' to the installation's meshConfig.extensionProviders (ObservabilityAddons given to the installation add theirs), or name a defined provider`;
    const found: RawFinding[] = [];
    for (const t of ctx.of('Telemetry', TEL)) {
      for (const [section, p, field] of telemetryProviders(t)) {
        if (!defined.has(p)) {
          found.push({ object: t, message: `Telemetry '${name(t)}' ${section} names provider '${p}', which the mesh config does not define: istiod ignores it (${known})`, field, value: p, fix: fix(p) });
        }
      }
    }
    for (const a of ctx.of('AuthorizationPolicy', SEC)) {
      const s = specOf(a);
      const p = isObj(s.provider) ? s.provider.name : undefined;
      if (s.action === 'CUSTOM' && typeof p === 'string' && !defined.has(p)) {
        found.push({
          object: a,
          message: `AuthorizationPolicy '${name(a)}' asks provider '${p}', which the mesh config does not define: Istio rejects the policy and denies the requests it selects (${known})`,
          field: 'spec.provider.name',
          value: p,
          fix: fix(p),
        });
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
    const check = (o: AnalyzedObject, what: string, labels: { readonly [k: string]: string }, at: string) => {
      const rev = revisionAsked(labels);
      if (rev !== undefined && !served.has(rev)) {
        const label = labels['istio.io/rev'] !== undefined ? 'istio.io/rev' : 'istio-injection';
        found.push({
          object: o,
          message: `${what} asks for Istio revision '${rev}' (${label === 'istio.io/rev' ? 'istio.io/rev' : 'istio-injection=enabled'}), which no installation of the app serves (served: ${list_}): `
            + 'its pods would get no proxy',
          field: `${at}['${label}']`,
          value: labels[label],
          fix: `${label === 'istio.io/rev' ? 'label it' : 'replace istio-injection=enabled with'} istio.io/rev=${[...served].sort()[0]} (a served revision), or install revision '${rev}'`,
        });
      }
    };
    for (const n of ctx.of('Namespace')) if (n.mesh === 'istio') check(n, `Namespace '${name(n)}'`, n.manifest.metadata.labels ?? {}, 'metadata.labels');
    for (const g of ctx.of('Gateway', 'gateway.networking.k8s.io')) {
      const rev = g.manifest.metadata.labels?.['istio.io/rev'];
      if (g.mesh === 'istio' && rev !== undefined) check(g, `Gateway '${name(g)}' in namespace '${ctx.namespaceOf(g)}'`, { 'istio.io/rev': rev }, 'metadata.labels');
    }
    for (const p of ctx.pods) {
      if (p.object.mesh !== 'istio' || p.object.construct === undefined) continue;
      check(p.object, `${p.object.manifest.kind} '${name(p.object)}' in namespace '${p.namespace}'`, p.labels, podLabelsField(p));
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
      + 'its traffic would bypass the mesh';
    const fix = 'use IstioProfile.AMBIENT (or components: { cni: true, ztunnel: true })';
    for (const n of ctx.of('Namespace')) {
      if (n.mesh === 'istio' && n.manifest.metadata.labels?.['istio.io/dataplane-mode'] === 'ambient') {
        found.push({ object: n, message: `Namespace '${name(n)}' ${msg}`, field: 'metadata.labels[\'istio.io/dataplane-mode\']', value: 'ambient', fix });
      }
    }
    for (const p of ctx.pods) {
      if (p.object.mesh === 'istio' && p.labels['istio.io/dataplane-mode'] === 'ambient') {
        found.push({ object: p.object, message: `${p.object.manifest.kind} '${name(p.object)}' ${msg}`, field: `${podLabelsField(p)}['istio.io/dataplane-mode']`, value: 'ambient', fix });
      }
    }
    return found;
  },
};

/** Checks against the installation. */
export const INSTALLATION_ANALYZERS: Analyzer[] = [unknownProvider, revisionNotInstalled, ambientNotInstalled];

