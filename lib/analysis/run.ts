import { IConstruct } from 'constructs';
import { aliasesOf } from './analyzers/kiali-ambient';
import { ANALYSIS_CODES, ANALYZERS } from './codes';
import { EXTERNALS_FILE, ISTIO_DEFAULTS_FILE, contextOf, idOf, meshConfigFacts, strMap } from './context';
import { ISTIO_DEFAULT_RESOURCES } from './generated/istio-data';
import { AnalysisExternals, AnalyzedObject, Analyzer, Finding, FindingLevel, InstallationsFacts, RawFinding } from './model';
import { AnalysisReport } from './report';
import { fail, meshError, problem } from '../core/errors';
import { Suppression, Suppressions } from '../core/suppressions';
import { Manifest } from '../render/model';

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /** Report Istio's warnings as errors. */
  readonly warningsAsErrors?: boolean;
  /** Findings found before the catalogue ran (e.g. schema validation, IST0106). */
  readonly extra?: Array<{ analyzer: Pick<Analyzer, 'code' | 'name' | 'level'> } & RawFinding>;
  /** Notes for the report (what was validated against what, what could not be). */
  readonly notes?: string[];
  /**
   * `closed`: the objects are the whole world, as `istioctl analyze --use-kube=false` takes its files (anything
   * referenced and absent is missing). `partial`: an app that deploys part of a mesh; `externals` says what else exists.
   * @default 'closed'
   */
  readonly world?: 'closed' | 'partial';
  /** What exists outside the objects (partial world). */
  readonly externals?: AnalysisExternals;
  /** The mesh config (parsed `meshConfig`), as `istioctl analyze --meshConfigFile` takes it. @default - Istio's defaults */
  readonly meshConfig?: unknown;
  /** The installations the app declares: revision labels and ambient enrolment are checked against them. */
  readonly installations?: InstallationsFacts;
  /**
   * Add what `istioctl analyze` adds to files without a cluster: Istio's default ingress gateway Pod and Service in
   * istio-system (never reported on).
   * @default false
   */
  readonly istioDefaults?: boolean;
  /** Run only these analyzers (Istio's names, e.g. `virtualservice.GatewayAnalyzer`). @default - all */
  readonly analyzers?: readonly string[];
  /**
   * The objects are plain JSON data already (the hosts' rendered objects, parsed YAML): skip making them so.
   * @internal
   */
  readonly plainJson?: boolean;
  /**
   * `istioctl analyze --suppress` rules: `CODE=Kind name` or `CODE=Kind namespace/name`, `*` matching anything.
   * @default - none
   */
  readonly suppress?: readonly string[];
}

const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An object as plain JSON data, its spec an object and its labels and annotations strings. */
function plainObject(o: AnalyzedObject): AnalyzedObject {
  const json = (v: unknown): unknown => {
    try {
      return v === undefined ? undefined : JSON.parse(JSON.stringify(v)) as unknown;
    } catch {
      return undefined;
    }
  };
  const strings = (v: unknown) => (isPlainObject(v) ? strMap(json(v)) : undefined);
  const m = o.manifest;
  const spec = json(m.spec);
  const meta = m.metadata ?? ({} as Manifest['metadata']);
  return {
    ...o,
    manifest: {
      ...(json({ ...m, metadata: undefined, spec: undefined }) as object),
      apiVersion: String(m.apiVersion ?? ''),
      kind: String(m.kind ?? ''),
      metadata: { ...meta, name: String(meta.name ?? ''), namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined, labels: strings(meta.labels), annotations: strings(meta.annotations) },
      spec: isPlainObject(spec) || spec === undefined ? spec : {},
    } as Manifest,
  };
}

/**
 * An input of {@link analyze}: an AnalyzedObject as given, a bare Kubernetes object (what JavaScript callers and YAML
 * loaders have) wrapped as one; anything else a clear error rather than a TypeError in a check.
 */
function analyzedObjectOf(o: unknown, i: number): AnalyzedObject {
  if (isPlainObject(o) && isPlainObject((o as { manifest?: unknown }).manifest)) return o as AnalyzedObject;
  if (isPlainObject(o) && typeof (o as { kind?: unknown }).kind === 'string') {
    return { manifest: o as unknown as Manifest, file: '(input)', mesh: 'istio' };
  }
  throw meshError([problem(`input[${i}]`, 'must be an AnalyzedObject ({ manifest, file, mesh }) or a Kubernetes object (apiVersion, kind, metadata)', o,
    'wrap what you have: { manifest: object, file: \'name\', mesh: \'istio\' }')]);
}

/** Objects standing for Istio's default ingress gateway, as istioctl adds them. */
const DEFAULTS: AnalyzedObject[] = ISTIO_DEFAULT_RESOURCES.map(m => ({ manifest: m as unknown as Manifest, file: ISTIO_DEFAULTS_FILE, mesh: 'istio' }));

const glob = (pattern: string, value: string) => new RegExp(`^${pattern.split('*').map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

/** The pods of `externals.workloads` (`namespace/key=value[,key=value]`), as the checks see pods; nothing is reported on them. */
function externalWorkloads(specs: readonly string[]): AnalyzedObject[] {
  return specs.map((w, i) => {
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/(.+)$/.exec(String(w));
    const pairs = m ? m[3].split(',').map(kv => kv.split('=')) : [];
    if (!m || pairs.some(kv => kv.length !== 2 || kv[0] === '')) {
      fail(problem(`externals.workloads[${i}]`, 'must be \'namespace/key=value[,key=value]\'', w, 'e.g. \'istio-system/istio=egressgateway\''));
    }
    const manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `external-workload-${i}`, namespace: m![1], labels: Object.fromEntries(pairs) }, spec: {} };
    return { manifest: manifest as Manifest, file: EXTERNALS_FILE, mesh: 'istio' };
  });
}

/**
 * Kiali's `kiali.io/ignore-validations` annotation on the object: empty, every finding; else the comma-separated codes
 * (a code's aliases count: MK0005–MK0008 and the Kiali codes that replaced them)
 * (kiali/kiali models/istio_validation.go ParseIgnoreValidationsAnnotation). The reason, or undefined when it does not cover the code.
 */
function kialiIgnores(object: AnalyzedObject, aliases: readonly string[]): string | undefined {
  const value = object.manifest.metadata.annotations?.['kiali.io/ignore-validations'];
  if (value === undefined) return undefined;
  const codes = value.trim() === '' ? undefined : value.split(',').map(c => c.trim());
  const listed = codes?.find(c => aliases.includes(c));
  return codes === undefined ? 'kiali.io/ignore-validations annotation (every code)' : listed ? `kiali.io/ignore-validations annotation (${listed})` : undefined;
}

/** Parses `CODE=Kind [namespace/]name` rules, failing with the valid codes on an unknown one. */
export function parseSuppressions(rules: readonly string[]): Array<{ code: string; resource: string }> {
  return rules.map(rule => {
    const eq = rule.indexOf('=');
    const code = eq < 0 ? rule : rule.slice(0, eq);
    const resource = eq < 0 ? '*' : rule.slice(eq + 1).trim();
    Suppressions.checkCode(code.trim(), `suppression '${rule}'`);
    return { code: code.trim(), resource };
  });
}

/** A finding's value as text: a string as it is, anything else as JSON. */
function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Runs the checks over the objects. Findings on an object whose construct (or an ancestor) suppresses the code, or
 * that a suppression rule, the object's `galley.istio.io/analyze-suppress` or Kiali's `kiali.io/ignore-validations` annotation covers, are set aside with
 * the reason; the rest are reported at Istio's level (warnings as errors when asked). Deterministic: same objects,
 * same report.
 */
export function analyze(input: readonly AnalyzedObject[], options: AnalyzeOptions = {}): AnalysisReport {
  // objects handed in by a caller may hold anything (null-prototype objects, symbols, bigints): the checks read plain
  // JSON data whose spec is an object; the hosts' rendered objects and YAML already are
  const safe = options.plainJson ? input : input.map((o, i) => plainObject(analyzedObjectOf(o, i)));
  const ids = new Set(safe.map(idOf));
  const outside = externalWorkloads(options.externals?.workloads ?? []);
  const objects = [...(options.istioDefaults ? [...safe, ...DEFAULTS.filter(d => !ids.has(idOf(d)))] : safe), ...outside];
  const ctx = contextOf(objects, {
    world: options.world, externals: options.externals, meshConfig: meshConfigFacts(options.meshConfig), installations: options.installations,
  });
  const rules = parseSuppressions(options.suppress ?? []);
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const selected = options.analyzers ? ANALYZERS.filter(a => options.analyzers!.includes(a.analyzer)) : ANALYZERS;
  const raw = [
    ...(options.extra ?? []).map(({ analyzer, ...f }) => ({ ...f, analyzer: { ...analyzer, analyzer: 'schema.ValidationAnalyzer' } })),
    ...selected.flatMap(a => a.run(ctx).map(f => ({ ...f, analyzer: a as Pick<Analyzer, 'code' | 'name' | 'level' | 'analyzer'> }))),
  ];
  const seen = new Set<string>();
  // a construct's path and suppressions are looked up once per construct (a check may report thousands of objects)
  const paths = new Map<IConstruct, string>();
  const pathOf = (c: IConstruct) => paths.get(c) ?? paths.set(c, c.node.path).get(c)!;
  const suppressions = new Map<string, Suppression | undefined>();
  const suppressionOf = (c: IConstruct, code: string) => {
    const key = `${pathOf(c)}|${code}`;
    if (!suppressions.has(key)) suppressions.set(key, Suppressions.find(c, code));
    return suppressions.get(key);
  };
  for (const { analyzer, object, message, field, value, fix } of raw) {
    if (DEFAULTS.includes(object) || outside.includes(object)) continue;
    const level = analyzer.level === FindingLevel.WARNING && options.warningsAsErrors ? FindingLevel.ERROR : analyzer.level;
    const f: Finding = {
      code: analyzer.code,
      analyzer: analyzer.analyzer,
      name: analyzer.name,
      level,
      object: idOf(object),
      path: object.construct ? pathOf(object.construct) : idOf(object),
      file: object.file,
      ...(object.source ? { line: object.source.line } : {}),
      message: `[${analyzer.code}] ${message}${fix ? `; ${fix}` : ''}`,
      ...(field !== undefined ? { field } : {}),
      ...(value !== undefined ? { value: valueText(value) } : {}),
      ...(fix ? { fix } : {}),
    };
    // identical messages are one finding, as istioctl dedupes them (an EnvoyFilter with several relative patches,
    // a gateway without pods that two analyzers report)
    const key = `${f.path}|${f.file}|${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const suppressAnnotation = object.manifest.metadata.annotations?.['galley.istio.io/analyze-suppress'];
    const annotated = suppressAnnotation === undefined ? [] : suppressAnnotation.split(',').map(c => c.trim());
    // a suppression of mesh-kit's MK0005–MK0008 also covers the Kiali codes that now report the same mistake, and the reverse
    const aliases = aliasesOf(f.code);
    const rule = rules.length === 0 ? undefined : rules.find(r => aliases.includes(r.code) && glob(r.resource, `${object.manifest.kind} ${object.manifest.metadata.namespace ? `${object.manifest.metadata.namespace}/` : ''}${object.manifest.metadata.name}`));
    const s = object.construct ? aliases.map(code => suppressionOf(object.construct!, code)).find(x => x !== undefined) : undefined;
    const because = s?.reason ?? (rule ? `suppressed by '${rule.code}=${rule.resource}'` : aliases.some(c => annotated.includes(c)) || annotated.includes('*') ? 'galley.istio.io/analyze-suppress annotation'
      : kialiIgnores(object, aliases));
    if (because !== undefined) suppressed.push({ ...f, suppressedBecause: because });
    else findings.push(f);
  }
  return new AnalysisReport(findings, suppressed, ANALYSIS_CODES.filter(c => c === 'IST0106' || selected.some(a => a.code === c)), options.notes ?? []);
}
