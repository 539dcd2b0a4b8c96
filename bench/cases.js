#!/usr/bin/env node
// One benchmark case in a process of its own (so that peak RSS belongs to it):
//   node bench/cases.js <case> <N> [objects.json]
// prints one JSON line: { case, n, ms, objects, rssMb, digest }.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const [, , which, nArg, jsonFile] = process.argv;
const N = Number(nArg);

/** N services, two versions each, a 90/10 mesh route and a gateway route: the construct tree, built with mesh-kit in `app`. */
function buildMesh(lib, app) {
  const { MeshChart, MeshService, RouteAction, IngressGateway, IngressGatewayRoute, HttpMatch } = lib;
  const chart = new MeshChart(app, 'mesh');
  const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 8080, hosts: ['*.example.com'] }] });
  for (let i = 0; i < N; i++) {
    const svc = new MeshService(chart, `svc-${i}`, { ports: [{ port: 8080 }] });
    const v1 = svc.addVersion('v1', { image: `example/svc-${i}:1.0.0` });
    const v2 = svc.addVersion('v2', { image: `example/svc-${i}:2.0.0` });
    svc.addRoute({ action: RouteAction.weightedForward([{ target: v1, weight: 90 }, { target: v2, weight: 10 }]) });
    new IngressGatewayRoute(chart, `route-${i}`, { gateway, hosts: [`svc-${i}.example.com`], routes: [{ match: [HttpMatch.prefix('/')], action: RouteAction.forward(svc) }] });
  }
  return app;
}

/** The gateway route's destinations: the service's own 90/10 split, which the gateway route carries (followServiceRoutes). */
function gatewaySplit(name) {
  return [{ destination: { host: name, port: { number: 8080 }, subset: 'v1' }, weight: 90 }, { destination: { host: name, port: { number: 8080 }, subset: 'v2' }, weight: 10 }];
}

/** The mesh synthesized (MeshApp.synthFiles: render, analysis, schema validation, YAML, picture), as a user's synth runs. */
function meshKit(lib, { analysisOnly = false, schemaValidation = true, fastYaml = true } = {}) {
  require('../dist/core/yaml').fastPath.enabled = fastYaml;
  const app = buildMesh(lib, new lib.MeshApp(schemaValidation ? {} : { analysis: { schemaValidation: lib.SchemaValidation.off() } }));
  if (analysisOnly) {
    // the synth-time analysis alone, over the rendered charts (what MeshApp runs before writing)
    const charts = lib.renderApp(app);
    const t0 = process.hrtime.bigint();
    const report = lib.analyzeCharts(charts, {});
    return { out: JSON.stringify(report.toJson().summary), ms: Number(process.hrtime.bigint() - t0) / 1e6, objects: charts.reduce((n, c) => n + c.objects.length, 0) };
  }
  return app.synthFiles().get('mesh.k8s.yaml');
}

/**
 * Where synth's time and memory go, one phase after another as MeshApp.synthFiles runs them: the construct tree
 * (the user's program), rendering (validation of every construct, each object rendered), the analysis (Istio's and
 * Kiali's checks), schema validation (pinned CRDs), YAML, the picture; and the heap each service holds (after a
 * full GC: run with --expose-gc) once built and once rendered.
 */
function meshKitPhases(lib) {
  const { toYamlDocuments } = require('../dist/core/yaml');
  const { meshPictureMarkdown } = require('../dist/picture/mermaid');
  const heap = () => { global.gc(); return process.memoryUsage().heapUsed; };
  const clock = () => process.hrtime.bigint();
  const ms = (a, b) => Number(b - a) / 1e6;
  const h0 = heap();
  const t0 = clock();
  const app = buildMesh(lib, new lib.MeshApp());
  const t1 = clock();
  const h1 = heap();
  const t2 = clock();
  const charts = lib.renderApp(app);
  const t3 = clock();
  const h2 = heap();
  const t4 = clock();
  lib.analyzeCharts(charts, { schemaValidation: lib.SchemaValidation.off() });
  const t5 = clock();
  const { schemaFindings } = require('../dist/analysis/schema-findings');
  const { analyzedObjects } = require('../dist/hosting/cdk8s/analysis');
  const analyzed = analyzedObjects(charts);
  schemaFindings(analyzed, lib.SchemaValidation.pinned());
  const t6 = clock();
  // of the schema validation: the rules no schema carries (the API server's, Istio's webhook, Linkerd's admission), timed again alone
  const { apiRuleProblems } = require('../dist/schema/api-rules');
  const ta = clock();
  for (const a of analyzed) apiRuleProblems(a.manifest);
  const admission = ms(ta, clock());
  const out = toYamlDocuments(charts[0].objects);
  const t7 = clock();
  meshPictureMarkdown([{ file: 'mesh.k8s.yaml', objects: charts[0].objects }]);
  const t8 = clock();
  return {
    out,
    ms: ms(t0, t8) - ms(t1, t2) - ms(t3, t4),
    phases: { tree: ms(t0, t1), render: ms(t2, t3), analysis: ms(t4, t5), schemas: ms(t5, t6), yaml: ms(t6, t7), picture: ms(t7, t8) },
    admissionMs: admission,
    heapKbPerService: { tree: (h1 - h0) / 1024 / N, rendered: (h2 - h1) / 1024 / N },
  };
}

/**
 * The same kinds and counts as a cdk8s user writes them by hand: cdk8s-plus-27 Deployments, Services and
 * ServiceAccounts, and the L1 Istio classes cdk8s imports from the CRDs (lib/imports). Not the same bytes (cdk8s-plus
 * writes its own defaults): compared by time and size.
 */
function cdk8sPlus() {
  const { App, Chart, Yaml } = require('cdk8s');
  const kplus = require('cdk8s-plus-27');
  const istio = require('../dist/imports/networking.istio.io');
  const app = new App();
  const chart = new Chart(app, 'mesh');
  new istio.Gateway(chart, 'gw', { metadata: { name: 'gw' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] } });
  for (let i = 0; i < N; i++) {
    const name = `svc-${i}`;
    const sa = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name }, automountToken: false });
    for (const v of ['v1', 'v2']) {
      const d = new kplus.Deployment(chart, `${name}-${v}`, {
        metadata: { name: `${name}-${v}`, labels: { app: name, version: v } },
        replicas: 1,
        serviceAccount: sa,
        podMetadata: { labels: { app: name, version: v } },
        containers: [{ name, image: `example/${name}:${v === 'v1' ? '1.0.0' : '2.0.0'}`, portNumber: 8080, resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: require('cdk8s').Size.mebibytes(128) } } }],
      });
      if (v === 'v1') new kplus.Service(chart, `${name}-svc`, { metadata: { name }, selector: d, ports: [{ port: 8080, name: 'http' }] });
    }
    new istio.DestinationRule(chart, `${name}-dr`, { metadata: { name }, spec: { host: name, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }], trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } });
    new istio.VirtualService(chart, `${name}-vs`, { metadata: { name }, spec: { hosts: [name], http: [{ route: [{ destination: { host: name, subset: 'v1' }, weight: 90 }, { destination: { host: name, subset: 'v2' }, weight: 10 }] }] } });
    new istio.VirtualService(chart, `route-${i}`, { metadata: { name: `route-${i}` }, spec: { hosts: [`${name}.example.com`], gateways: ['gw'], http: [{ match: [{ uri: { prefix: '/' } }], route: gatewaySplit(name) }] } });
  }
  return chart.toJson().map(o => Yaml.stringify(o)).join('---\n');
}

/** The same objects written by hand as raw cdk8s ApiObjects: the abstraction's floor. */
function rawApiObjects(cdk8s) {
  const { App, Chart, ApiObject, Yaml } = cdk8s;
  const app = new App();
  const chart = new Chart(app, 'mesh');
  const security = { pod: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } }, container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
  new ApiObject(chart, 'gw', { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] } });
  const later = [];
  for (let i = 0; i < N; i++) {
    const name = `svc-${i}`;
    new ApiObject(chart, `${name}-svc`, { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: name, service: name } }, spec: { ports: [{ port: 8080, name: 'http' }], selector: { app: name } } });
    new ApiObject(chart, `${name}-sa`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, labels: { account: name } }, automountServiceAccountToken: false });
    for (const v of ['v1', 'v2']) {
      const labels = { app: name, version: v };
      new ApiObject(chart, `${name}-${v}`, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${name}-${v}`, labels },
        spec: {
          replicas: 1, selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: name, securityContext: security.pod,
              containers: [{ name, image: `example/${name}:${v === 'v1' ? '1.0.0' : '2.0.0'}`, imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }], securityContext: security.container, resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
            },
          },
        },
      });
    }
    later.push(() => {
      new ApiObject(chart, `${name}-dr`, { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name }, spec: { host: name, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }], trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } });
      new ApiObject(chart, `${name}-vs`, { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name }, spec: { hosts: [name], http: [{ route: [{ destination: { host: name, subset: 'v1' }, weight: 90 }, { destination: { host: name, subset: 'v2' }, weight: 10 }] }] } });
      new ApiObject(chart, `route-${i}`, { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: `route-${i}` }, spec: { hosts: [`${name}.example.com`], gateways: ['gw'], http: [{ match: [{ uri: { prefix: '/' } }], route: gatewaySplit(name) }] } });
    });
  }
  // the Gateway first among routing objects, as mesh-kit orders them
  const gw = chart.node.findChild('gw');
  chart.node.tryRemoveChild('gw');
  later.unshift(() => new ApiObject(chart, 'gw', gw.toJson()));
  later.forEach(f => f());
  return chart.toJson().map(o => Yaml.stringify(o)).join('---\n');
}

/** Serializing the final objects alone: the output floor. */
function yamlOnly() {
  const { Yaml } = require('cdk8s');
  const objects = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  const t0 = process.hrtime.bigint();
  const out = objects.map(o => Yaml.stringify(o)).join('---\n');
  return { out, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

async function pulumiCase(kind) {
  const pulumi = require('@pulumi/pulumi');
  const k8s = require('@pulumi/kubernetes');
  const lib = require('../dist');
  const { MeshComponent } = require('../dist/pulumi');
  const { App } = require('cdk8s');
  let count = 0;
  await pulumi.runtime.setMocks({ newResource: a => { count++; return { id: `${a.name}-id`, state: a.inputs }; }, call: a => a.inputs }, 'bench', 'bench', false);
  const t0 = process.hrtime.bigint();
  let resources;
  if (kind === 'mesh') {
    // the same mesh as the synth cases, in a plain cdk8s App carried by the component
    const app = buildMesh(lib, new App());
    resources = Object.values(new MeshComponent('mesh', { app }).resources);
  } else {
    const objects = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
    const typed = { Service: k8s.core.v1.Service, ServiceAccount: k8s.core.v1.ServiceAccount, Deployment: k8s.apps.v1.Deployment };
    resources = objects.map((o, i) => new (typed[o.kind] ?? k8s.apiextensions.CustomResource)(`r-${i}`, o));
  }
  await new Promise(resolve => pulumi.all(resources.map(r => r.urn)).apply(resolve));
  return { out: String(count), ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/**
 * What schema validation adds to Bookinfo's synth: its synthesized objects (examples/bookinfo/dist, from
 * `npm run synth`) validated against the pinned schemas in a fresh process, loading the validators included.
 */
function bookinfoSchemas(lib) {
  const YAML = require('yaml');
  const path = require('path');
  const dir = path.join(__dirname, '..', 'examples', 'bookinfo', 'dist');
  const objects = fs.readdirSync(dir, { recursive: true }).map(String).filter(f => f.endsWith('.yaml'))
    .flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d => d.toJS()).filter(Boolean)
      .map(manifest => ({ manifest, file: f })));
  const { schemaFindings } = require('../dist/analysis/schema-findings');
  const t0 = process.hrtime.bigint();
  const { extra } = schemaFindings(objects, lib.SchemaValidation.pinned());
  if (extra.length > 0) throw new Error(`Bookinfo does not validate: ${extra[0].message}`);
  return { out: String(objects.length), ms: Number(process.hrtime.bigint() - t0) / 1e6, objects: objects.length };
}

/** `mesh-kit analyze` of the synthesized file (the objects written back as one YAML file): read, analyzed, validated. */
function analyzeFile() {
  const { analyzeManifests } = require('../dist/analysis/files');
  const file = preparedInput('analyze-file');
  const t0 = process.hrtime.bigint();
  const { report, objects } = analyzeManifests([file]);
  return { out: JSON.stringify(report.toJson().summary), ms: Number(process.hrtime.bigint() - t0) / 1e6, objects: objects.length };
}

/** The file synth wrote for the objects, as mesh-kit writes it (the input of `analyze-file`). */
function writeAnalyzeFile(file) {
  const { toYamlDocuments } = require('../dist/core/yaml');
  fs.writeFileSync(file, toYamlDocuments(JSON.parse(fs.readFileSync(jsonFile, 'utf8'))));
}

/**
 * The input of an analyze case, written by a process of its own (`prepare-<case>`) when it is missing or older than the
 * objects: building a 200 MB dump takes memory of its own, which the case's peak memory must not count.
 */
function preparedInput(which) {
  which = which.replace(/-reference$/, '');
  const file = which === 'analyze-file' ? `${jsonFile}.yaml` : `${jsonFile}.dump.yaml`;
  if (!fs.existsSync(file) || fs.statSync(file).mtimeMs < fs.statSync(jsonFile).mtimeMs) {
    require('child_process').execFileSync(process.execPath, [__filename, `prepare-${which}`, String(N), jsonFile], { stdio: 'ignore' });
  }
  return file;
}

/**
 * `mesh-kit analyze` of a cluster dump as `kubectl get … -o yaml` writes one: the synthesized objects in one `kind: List`
 * document, each with the fields the API server adds (uid, resourceVersion, creationTimestamp, managedFields, status)
 * and the annotation `kubectl apply` adds (the object as JSON),
 * and a large ConfigMap (64 KiB of data) for every 20 objects, as real dumps carry (dashboards, scripts, certificates).
 */
function analyzeDump() {
  const { analyzeManifests } = require('../dist/analysis/files');
  const file = preparedInput('analyze-dump');
  const bytes = fs.statSync(file).size;
  const t0 = process.hrtime.bigint();
  const { report, objects: read } = analyzeManifests([file]);
  return { out: JSON.stringify(report.toJson().summary), ms: Number(process.hrtime.bigint() - t0) / 1e6, objects: read.length, extra: { fileMb: bytes / 2 ** 20 } };
}

/** The cluster dump of the objects (the input of `analyze-dump`). */
function writeAnalyzeDump(file) {
  const YAML = require('yaml');
  const objects = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  const payload = 'x'.repeat(64 * 1024);
  const configMaps = Array.from({ length: Math.ceil(objects.length / 20) }, (_, i) => ({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `dump-data-${i}`, namespace: 'default' }, data: { 'payload.txt': payload },
  }));
  const items = [...objects, ...configMaps].map((o, i) => ({
    ...o,
    metadata: {
      ...o.metadata,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resourceVersion: String(100000 + i),
      creationTimestamp: '2026-01-01T00:00:00Z',
      // what `kubectl apply` leaves: the applied object as JSON, and the fields it manages (`k:{...}` keys name list items)
      ...(i < objects.length ? { annotations: { ...o.metadata.annotations, 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(o)}\n` } } : {}),
      managedFields: [{
        manager: 'kubectl', operation: 'Update', apiVersion: o.apiVersion, time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
          'f:spec': { 'k:{"name":"http","port":80}': { '.': {} } },
        },
      }],
    },
    ...(o.kind === 'Deployment' ? { status: { replicas: 1, readyReplicas: 1, observedGeneration: 1 } } : {}),
  }));
  fs.writeFileSync(file, YAML.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, { lineWidth: 0 }));
}

/** What writing the mesh picture (mesh-kit-graph.md) of the synthesized objects costs. */
function meshGraph() {
  const { meshPictureMarkdown } = require('../dist/picture/mermaid');
  const objects = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  const t0 = process.hrtime.bigint();
  const out = meshPictureMarkdown([{ file: 'mesh.k8s.yaml', objects }]);
  return { out, ms: Number(process.hrtime.bigint() - t0) / 1e6, objects: objects.length };
}

/**
 * The data-plane model on the synthesized mesh (the objects synth wrote): the index (the objects read, then the first
 * request from a workload and through the gateway, which build the engines' lazy indexes), then requests: each service
 * called once from a sidecar and once through the gateway (its per-service work included), then once more each (warm).
 */
function dataplane(lib) {
  const objects = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  const clock = () => process.hrtime.bigint();
  const us = (a, b) => Number(b - a) / 1e3;
  const ns = objects.find(o => o.kind === 'Deployment').metadata.namespace ?? 'default';
  const gw = objects.find(o => o.kind === 'Gateway');
  const sidecar = i => ({ from: `${ns}/svc-${(i + 1) % N}-v1`, host: `svc-${i}`, port: 8080, path: '/' });
  const gateway = i => ({ gateway: `${gw.metadata.namespace ?? ns}/${gw.metadata.name}`, host: `svc-${i}.example.com`, port: 8080, path: '/' });
  const t0 = clock();
  const mesh = lib.Mesh.fromObjects(objects);
  const first = [mesh.request(sidecar(0)), mesh.request(gateway(0))];
  const indexMs = us(t0, clock()) / 1e3;
  for (const r of first) if (r.outcome !== 'routed') throw new Error(`the bench mesh's first request was not routed: ${JSON.stringify(r)}`);
  const pass = make => {
    const times = [];
    for (let i = 0; i < N; i++) {
      const a = clock();
      const r = mesh.request(make(i));
      times.push(us(a, clock()));
      if (r.outcome !== 'routed' || r.destinations.length !== 2) throw new Error(`svc-${i}: ${JSON.stringify(r)}`);
    }
    times.sort((x, y) => x - y);
    return { mean: times.reduce((x, y) => x + y, 0) / times.length, p99: times[Math.floor(times.length * 0.99)] };
  };
  const perRequestUs = { sidecar: pass(sidecar), gateway: pass(gateway), sidecarWarm: pass(sidecar), gatewayWarm: pass(gateway) };
  return { out: String(objects.length), ms: indexMs, objects: objects.length, perRequestUs };
}

// `analyze-*-reference`: the same cases with the reference YAML reader alone (the `yaml` package, as before issue 34):
// js-yaml cannot be loaded, so the fast path (lib/analysis/fast-yaml.ts) steps aside for every text
if (/^analyze-.*-reference$/.test(which)) {
  const Module = require('module');
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'js-yaml') throw new Error('the reference reader alone');
    return load.call(this, request, ...rest);
  };
}

async function main() {
  let out;
  let ms;
  let extra = {};
  // modules load before the clock starts: cold require time is measured on its own
  const lib = which.startsWith('mesh-kit') || which === 'bookinfo-schemas' || which === 'dataplane' ? require('../dist') : undefined;
  if (lib) {
    // the lazy index loads a module on first use: load what the cases use now, outside the clock
    for (const name of ['MeshApp', 'MeshChart', 'MeshService', 'RouteAction', 'IngressGateway', 'IngressGatewayRoute', 'HttpMatch', 'SchemaValidation', 'renderApp', 'analyzeCharts', 'Mesh']) void lib[name];
    require('../dist/analysis/schema-findings');
    require('../dist/picture/mermaid');
  }
  if (which === 'cdk8s-plus') { require('cdk8s-plus-27'); require('../dist/imports/networking.istio.io'); }
  let objects;
  const cdk8s = require('cdk8s');
  const t0 = process.hrtime.bigint();
  if (which === 'mesh-kit') out = meshKit(lib);
  else if (which === 'mesh-kit-yaml-package') out = meshKit(lib, { fastYaml: false });
  else if (which === 'mesh-kit-no-schemas') out = meshKit(lib, { schemaValidation: false });
  else if (which === 'mesh-kit-phases') ({ out, ms, ...extra } = meshKitPhases(lib));
  else if (which === 'bookinfo-schemas') ({ out, ms, objects } = bookinfoSchemas(lib));
  else if (which === 'mesh-kit-analysis') ({ out, ms, objects } = meshKit(lib, { analysisOnly: true }));
  else if (which === 'raw-apiobject') out = rawApiObjects(cdk8s);
  else if (which === 'cdk8s-plus') out = cdk8sPlus();
  else if (which === 'yaml-only') ({ out, ms } = yamlOnly());
  else if (which === 'pulumi-mesh') ({ out, ms } = await pulumiCase('mesh'));
  else if (which === 'pulumi-direct') ({ out, ms } = await pulumiCase('direct'));
  else if (which === 'mesh-kit-graph') ({ out, ms, objects } = meshGraph());
  else if (which === 'analyze-file' || which === 'analyze-file-reference') ({ out, ms, objects } = analyzeFile());
  else if (which === 'analyze-dump' || which === 'analyze-dump-reference') ({ out, ms, objects, extra } = analyzeDump());
  else if (which === 'prepare-analyze-file') out = String(writeAnalyzeFile(`${jsonFile}.yaml`));
  else if (which === 'prepare-analyze-dump') out = String(writeAnalyzeDump(`${jsonFile}.dump.yaml`));
  else if (which === 'dataplane') ({ out, ms, objects, ...extra } = dataplane(lib));
  else throw new Error(`unknown case ${which}`);
  ms ??= Number(process.hrtime.bigint() - t0) / 1e6;
  if (which === 'mesh-kit' && jsonFile) {
    // the objects, for the YAML floor and the Pulumi and picture cases (one document at a time: no size ceiling)
    const YAML = require('yaml');
    fs.writeFileSync(jsonFile, `[${out.split(/^---\n/m).map(d => JSON.stringify(YAML.parse(d))).join(',\n')}]`);
  }
  objects ??= which.startsWith('pulumi') ? Number(out) : (out.match(/^kind: /gm) || []).length;
  const digest = typeof out === 'string' ? crypto.createHash('sha256').update(out).digest('hex') : undefined;
  console.log(JSON.stringify({ case: which, n: N, ms, objects, bytes: Buffer.byteLength(out), rssMb: process.resourceUsage().maxRSS / 1024, heapLimitMb: require('v8').getHeapStatistics().heap_size_limit / 2 ** 20, digest, ...extra }));
}
main().catch(e => { console.error(e); process.exit(1); });
