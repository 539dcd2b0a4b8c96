#!/usr/bin/env node
// Generates generated/validators/ — what synth validates every object against by default — from the
// pinned CRDs in ../shared/schemas (never copied into the project) and the types of `kubernetes-models`:
//  - one CommonJS module per distinct CRD version schema: ajv standalone code (unknown fields refused,
//    as `kubectl apply` with strict field validation; the formats the API server enforces checked by
//    lib/schema/formats.ts, which the library passes in) and `walk`, the part of the schema that carries
//    defaults, CEL rules (x-kubernetes-validations) and list types (set, map), which lib/schema evaluates;
//  - core-shapes.json: the fields, types and required fields of core Kubernetes kinds (from kubernetes-models'
//    declarations), unknown fields refused (kubernetes-models' own validators accept them);
//  - cel-rules.js: every CEL rule of those CRDs compiled to JavaScript (scripts/cel-to-js.js), so that no CEL
//    parser or engine is loaded at synth;
//  - index.json: `group/version/Kind` -> module, and the sources.
// A test regenerates into a temporary folder and compares (`npm run import:validators`).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { loadCrds } = require('./crd-files');
const Ajv = require('ajv').default;
const { _ } = require('ajv');
const standalone = require('ajv/dist/standalone').default;

const root = path.resolve(__dirname, '..');
const schemas = process.env.MESH_KIT_SHARED_SCHEMAS ?? path.resolve(root, '..', 'shared', 'schemas');
const out = path.resolve(process.argv[2] ?? path.join(root, 'generated', 'validators'));

/** The CRD files of the versions the library targets. */
const CRD_FILES = ['istio-crds.yaml', 'gateway-api-crds.yaml', 'linkerd-crds.yaml', 'argo-rollouts-crds.yaml', 'flagger-crds.yaml'];
/**
 * Kinds of those files no one writes: Argo Rollouts' AnalysisRun (its controller creates one per analysis) and
 * Experiment (not a canary driver mesh-kit writes).
 */
const NOT_WRITTEN = new Set(['AnalysisRun', 'Experiment']);
/**
 * Other releases some charts target, indexed as `group/version/Kind@variant`: the Gateway API v1.2.1 standard channel,
 * what Linkerd 2.20 reads (a route with newer fields is ignored by it).
 */
const VARIANT_FILES = [['gateway-api-v1.2.1-standard-crds.yaml', 'gateway-api-v1.2.1']];

/** Core kinds validated for unknown fields: what the library renders, and what users add through escape hatches most. */
const CORE_KINDS = [
  ['v1', 'Namespace'], ['v1', 'Service'], ['v1', 'ServiceAccount'], ['v1', 'ConfigMap'], ['v1', 'Secret'], ['v1', 'Pod'],
  ['v1', 'PersistentVolumeClaim'], ['apps/v1', 'Deployment'], ['apps/v1', 'DaemonSet'], ['apps/v1', 'StatefulSet'],
  ['batch/v1', 'Job'], ['batch/v1', 'CronJob'], ['autoscaling/v2', 'HorizontalPodAutoscaler'], ['policy/v1', 'PodDisruptionBudget'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['networking.k8s.io/v1', 'NetworkPolicy'], ['networking.k8s.io/v1', 'Ingress'], ['discovery.k8s.io/v1', 'EndpointSlice'],
];

/**
 * Fields the OpenAPI (and kubernetes-models) call required that the API server does not: its Go validation
 * accepts them absent. `EndpointSlice.endpoints`: kubernetes pkg/apis/discovery/validation ValidateEndpointSlice
 * checks each endpoint but not that there is a list (an EndpointSlice of a Service without ready pods has none;
 * the Gateway API conformance suite applies such slices, httproute-service-types.yaml).
 */
const NOT_REQUIRED_BY_THE_API_SERVER = { EndpointSlice: ['endpoints'] };

const JUNCTORS = new Set(['oneOf', 'anyOf', 'allOf', 'not']);

/** A module of lib/ written in TypeScript, transpiled in memory (it imports nothing): one source for the generator and the library. */
function libModule(file) {
  const ts = require('typescript');
  const full = path.join(root, file);
  const js = ts.transpileModule(fs.readFileSync(full, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const m = new module.constructor(full, module);
  m.paths = module.paths;
  m._compile(js, full);
  return m.exports;
}

/**
 * The formats the API server enforces (lib/schema/formats.ts): a validator calls their checks through ajv's `format`
 * keyword (inside anyOf / oneOf too), and the library passes them in, as the CEL rules get their runtime.
 */
const { FORMATS, withApiFormats } = libModule('lib/schema/formats.ts');

/** Refuses unknown fields where a schema lists properties and does not preserve unknown ones. */
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const o = {};
  for (const [k, v] of Object.entries(schema)) {
    // the branches of oneOf / anyOf / allOf / not validate values only: which fields are known is the structural
    // schema's (apiextensions' structural schema rules), so a branch listing some properties refuses no other field
    o[k] = JUNCTORS.has(k) ? v : k === 'properties' ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, strict(pv)])) : strict(v);
  }
  if (o.properties && !o['x-kubernetes-preserve-unknown-fields'] && o.additionalProperties === undefined) o.additionalProperties = false;
  return o;
}

/** A schema reduced to what the evaluation of defaults and CEL rules reads (lib/schema/cel.ts). */
function structural(s) {
  if (!s || typeof s !== 'object') return undefined;
  const w = {};
  if (s.type) w.type = s.type;
  if (s['x-kubernetes-int-or-string']) w['x-kubernetes-int-or-string'] = true;
  Object.assign(w, listType(s));
  if (s.default !== undefined) w.default = s.default;
  if (s['x-kubernetes-validations']) {
    w['x-kubernetes-validations'] = s['x-kubernetes-validations'].map(r => ({
      rule: r.rule, ...(r.message ? { message: r.message } : {}), ...(r.messageExpression ? { messageExpression: r.messageExpression } : {}),
    }));
  }
  if (s.properties) w.properties = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, structural(p)]));
  if (s.items) w.items = structural(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') w.additionalProperties = structural(s.additionalProperties);
  return w;
}

/**
 * `x-kubernetes-list-type` set or map and a map's keys, which the API server enforces (lib/schema/list-types.ts);
 * atomic lists have no rule.
 */
function listType(s) {
  const type = s['x-kubernetes-list-type'];
  if (type === 'set') return { 'x-kubernetes-list-type': type };
  if (type === 'map') return { 'x-kubernetes-list-type': type, 'x-kubernetes-list-map-keys': s['x-kubernetes-list-map-keys'] ?? [] };
  return {};
}

/**
 * The part of a schema the evaluation walks to reach defaults, CEL rules and list types (undefined when there is none
 * below): a node with rules keeps its whole structure, since CEL binds `self` to the whole value there.
 */
function walkOf(s) {
  if (!s || typeof s !== 'object') return undefined;
  if (s['x-kubernetes-validations']) return structural(s);
  const w = listType(s);
  let any = Object.keys(w).length > 0;
  if (s.default !== undefined) { w.default = s.default; any = true; }
  if (s.properties) {
    const props = {};
    for (const [k, p] of Object.entries(s.properties)) {
      const pw = walkOf(p);
      if (pw) props[k] = pw;
    }
    if (Object.keys(props).length) { w.properties = props; any = true; }
  }
  if (s.items) { const iw = walkOf(s.items); if (iw) { w.items = iw; any = true; } }
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    const aw = walkOf(s.additionalProperties);
    if (aw) { w.additionalProperties = aw; any = true; }
  }
  if (!any) return undefined;
  if (s.type) w.type = s.type;
  if (s['x-kubernetes-int-or-string']) w['x-kubernetes-int-or-string'] = true;
  return w;
}

/**
 * The schema with every repeated sub-schema (Istio repeats traffic policies, Gateway API its filters) moved to
 * `$defs` and referenced, so that ajv generates one function for it instead of one copy per place.
 */
function shared(schema) {
  const seen = new Map();
  const count = (s) => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) return s.forEach(count);
    const key = JSON.stringify(s);
    if (key.length > 400) seen.set(key, (seen.get(key) ?? 0) + 1);
    Object.values(s).forEach(count);
  };
  count(schema);
  const defs = {};
  const names = new Map();
  const replace = (s, top) => {
    if (!s || typeof s !== 'object') return s;
    if (Array.isArray(s)) return s.map(x => replace(x));
    const key = JSON.stringify(s);
    if (!top && (seen.get(key) ?? 0) > 1) {
      let name = names.get(key);
      if (!name) {
        name = `s${names.size}`;
        names.set(key, name);
        defs[name] = replace(s, true);
      }
      return { $ref: `#/$defs/${name}` };
    }
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, replace(pv)])) : replace(v)]));
  };
  const out = replace(schema, true);
  return names.size ? { ...out, $defs: defs } : out;
}

function crdModules() {
  const index = {};
  const modules = new Map();
  for (const [file, variant] of [...CRD_FILES.map(f => [f, undefined]), ...VARIANT_FILES]) {
    for (const doc of loadCrds(path.join(schemas, file))) {
      if (!doc || doc.kind !== 'CustomResourceDefinition' || NOT_WRITTEN.has(doc.spec.names.kind)) continue;
      for (const v of doc.spec.versions) {
        const rootSchema = v.schema && v.schema.openAPIV3Schema;
        if (!rootSchema || !v.served) continue;
        // apiVersion, kind and metadata are the API server's own: strict below the root only
        const schema = { ...rootSchema, properties: Object.fromEntries(Object.entries(rootSchema.properties ?? {}).map(([k, p]) => [k, strict(p)])) };
        const hash = crypto.createHash('sha256').update(JSON.stringify(rootSchema)).digest('hex').slice(0, 12);
        const name = `${doc.spec.names.kind.toLowerCase()}-${hash}.js`;
        if (!modules.has(name)) {
          const ajv = new Ajv({ strict: false, allErrors: true, formats: FORMATS, inlineRefs: false, code: { source: true, lines: false, formats: _`formats` } });
          const code = standalone(ajv, ajv.compile(shared(withApiFormats(schema)))).replace(/^"use strict";/, '');
          // a function of the formats' checks (lib/schema/formats.ts FORMATS), which returns the validator
          modules.set(name, `// Generated by scripts/generate-validators.js from ${file} (${doc.spec.names.kind}): do not edit.\n'use strict';\n`
            + `module.exports = (formats) => {\nconst module = { exports: {} };\n${code}\nreturn module.exports;\n};\n`
            + `module.exports.walk = ${JSON.stringify(walkOf(rootSchema) ?? {})};\n`);
        }
        index[`${doc.spec.group}/${v.name}/${doc.spec.names.kind}${variant ? `@${variant}` : ''}`] = name;
      }
    }
  }
  return { index, modules };
}

/**
 * The shapes of the core kinds, from kubernetes-models' declarations: `types`: type → field → spec, with
 * `!` listing the required fields. A spec is `s` string, `i` integer (the Kubernetes API has no floats),
 * `b` boolean, `is` int or string, `*` anything, `M<spec>` a map of string keys, `A<spec>` a list, `T<name>` an
 * object type; a string-literal type lists its values, `=a|b`.
 */
function coreShapes() {
  const ts = require('typescript');
  const dir = path.dirname(require.resolve('kubernetes-models/package.json'));
  const files = CORE_KINDS.map(([av, kind]) => path.join(dir, av, `${kind}.d.ts`));
  const program = ts.createProgram(files, { strict: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const types = {};
  const spec = (type) => {
    if (checker.isArrayType(type)) return `A${spec(checker.getTypeArguments(type)[0])}`;
    let parts = type.isUnion() ? type.types : [type];
    parts = parts.filter(t => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
    if (parts.length === 0) return '*';
    if (parts.every(t => t.flags & ts.TypeFlags.StringLiteral)) return `=${parts.map(t => t.value).sort().join('|')}`;
    if (parts.every(t => t.flags & ts.TypeFlags.BooleanLiteral)) return 'b';
    const flags = parts.reduce((f, t) => f | t.flags, 0);
    if (parts.length === 2 && (flags & ts.TypeFlags.Number) && (flags & ts.TypeFlags.String)) return 'is';
    if (parts.length !== 1) return '*';
    const t = parts[0];
    if (t.flags & ts.TypeFlags.String) return 's';
    if (t.flags & ts.TypeFlags.Number) return 'i';
    if (t.flags & ts.TypeFlags.Boolean) return 'b';
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return '*';
    if (checker.isArrayType(t)) return `A${spec(checker.getTypeArguments(t)[0])}`;
    if (!(t.flags & ts.TypeFlags.Object)) return '*';
    const index = t.getStringIndexType();
    if (index) return `M${spec(index)}`;
    const props = checker.getPropertiesOfType(t);
    if (props.length === 0) return '*';
    const name = checker.typeToString(t).replace(/^I/, '');
    if (types[name]) return `T${name}`;
    types[name] = {};
    const required = [];
    for (const p of [...props].sort((a, b) => a.name.localeCompare(b.name))) {
      const decl = p.valueDeclaration ?? p.declarations[0];
      if (!(p.flags & ts.SymbolFlags.Optional) && !(NOT_REQUIRED_BY_THE_API_SERVER[name] ?? []).includes(p.name)) required.push(p.name);
      types[name][p.name] = spec(checker.getTypeOfSymbolAtLocation(p, decl));
    }
    if (required.length) types[name]['!'] = required;
    return `T${name}`;
  };
  const roots = {};
  for (const [i, [av, kind]] of CORE_KINDS.entries()) {
    const sf = program.getSourceFile(files[i]);
    const iface = checker.getExportsOfModule(checker.getSymbolAtLocation(sf)).find(e => e.name === `I${kind}`);
    roots[`${av}/${kind}`] = spec(checker.getDeclaredTypeOfSymbol(iface));
  }
  return { roots, types };
}

/** Every CEL rule of the schemas, compiled to JavaScript (scripts/cel-to-js.js): `rule text -> function`. */
function celRules(modules) {
  const { translate } = require('./cel-to-js');
  const rules = new Set();
  const collect = (s) => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) return s.forEach(collect);
    for (const r of s['x-kubernetes-validations'] ?? []) {
      if (!/\boldSelf\b/.test(r.rule)) rules.add(r.rule);
      // a messageExpression is CEL too, evaluated when its rule fails (lib/schema/cel.ts)
      if (r.messageExpression && !/\boldSelf\b/.test(r.messageExpression)) rules.add(r.messageExpression);
    }
    Object.values(s).forEach(collect);
  };
  for (const code of modules.values()) collect(JSON.parse(code.slice(code.lastIndexOf('module.exports.walk = ') + 22).replace(/;\n$/, '')));
  const lines = [...rules].sort().map(rule => `  ${JSON.stringify(rule)}: ${translate(rule)},`);
  return `// Generated by scripts/generate-validators.js: the CEL rules of the pinned CRDs compiled to JavaScript over\n`
    + `// lib/schema/cel-runtime.ts (${rules.size} rules). Do not edit.\n'use strict';\nmodule.exports = {\n${lines.join('\n')}\n};\n`;
}

const { index, modules } = crdModules();
const core = coreShapes();
const sorted = o => Object.fromEntries(Object.keys(o).sort().map(k => [k, o[k]]));
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
for (const [name, code] of [...modules].sort()) fs.writeFileSync(path.join(out, name), code);
fs.writeFileSync(path.join(out, 'index.json'), `${JSON.stringify({
  sources: {
    crds: [...CRD_FILES, ...VARIANT_FILES.map(([f]) => f)].map(f => `../shared/schemas/${f}`),
    core: `kubernetes-models@${require('kubernetes-models/package.json').version}`,
  },
  crds: sorted(index),
}, undefined, 1)}\n`);
fs.writeFileSync(path.join(out, 'cel-rules.js'), celRules(modules));
fs.writeFileSync(path.join(out, 'core-shapes.json'), `${JSON.stringify({ roots: sorted(core.roots), types: sorted(core.types) })}\n`);
console.log(`generated ${modules.size} CRD validators for ${Object.keys(index).length} kinds/versions and the shapes of ${CORE_KINDS.length} core kinds into ${path.relative(root, out)}`);
