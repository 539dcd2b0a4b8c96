#!/usr/bin/env node
// One benchmark case in a process of its own (so that peak RSS belongs to it):
//   node bench/cases.js <case> <N> [objects.json]
// prints one JSON line: { case, n, ms, objects, rssMb, digest }.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const [, , which, nArg, jsonFile] = process.argv;
const N = Number(nArg);

/** N services, two versions each, a 90/10 mesh route and a gateway route: built with mesh-kit. */
function meshKit(lib, analysisOnly = false, schemaValidation = true) {
  const { MeshApp, MeshChart, MeshService, RouteAction, IngressGateway, IngressGatewayRoute, HttpMatch, SchemaValidation } = lib;
  const app = new MeshApp(schemaValidation ? {} : { analysis: { schemaValidation: SchemaValidation.off() } });
  const chart = new MeshChart(app, 'mesh');
  const gateway = new IngressGateway(chart, 'gw', { servers: [{ port: 8080, hosts: ['*.example.com'] }] });
  for (let i = 0; i < N; i++) {
    const svc = new MeshService(chart, `svc-${i}`, { ports: [{ port: 8080 }] });
    const v1 = svc.addVersion('v1', { image: `example/svc-${i}:1.0.0` });
    const v2 = svc.addVersion('v2', { image: `example/svc-${i}:2.0.0` });
    svc.addRoute({ action: RouteAction.weightedForward([{ target: v1, weight: 90 }, { target: v2, weight: 10 }]) });
    new IngressGatewayRoute(chart, `route-${i}`, { gateway, hosts: [`svc-${i}.example.com`], routes: [{ match: [HttpMatch.prefix('/')], action: RouteAction.forward(svc) }] });
  }
  if (analysisOnly) {
    // the synth-time analysis alone, over the rendered charts (what MeshApp runs before writing)
    const charts = lib.renderApp(app);
    const t0 = process.hrtime.bigint();
    const report = lib.analyzeCharts(charts, {});
    return { out: JSON.stringify(report.toJson().summary), ms: Number(process.hrtime.bigint() - t0) / 1e6, objects: charts.reduce((n, c) => n + c.objects.length, 0) };
  }
  return app.synthFiles().get('mesh.k8s.yaml');
}

/** The same objects written by hand as raw cdk8s ApiObjects: the abstraction's floor. */
function rawApiObjects(cdk8s) {
  const { App, Chart, ApiObject, Yaml } = cdk8s;
  const app = new App();
  const chart = new Chart(app, 'mesh');
  const security = { pod: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
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
      new ApiObject(chart, `route-${i}`, { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: `route-${i}` }, spec: { hosts: [`${name}.example.com`], gateways: ['gw'], http: [{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: name, port: { number: 8080 } } }] }] } });
    });
  }
  // the Gateway first among routing objects, as mesh-kit orders them
  const gw = chart.node.findChild('gw');
  chart.node.tryRemoveChild('gw');
  later.unshift(() => new ApiObject(chart, 'gw', gw.toJson()));
  later.forEach(f => f());
  return Yaml.stringify(...Object.values(chart.toJson()));
}

/** Serializing the final objects alone: the output floor. */
function yamlOnly() {
  const { Yaml } = require('cdk8s');
  const objects = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  const t0 = process.hrtime.bigint();
  const out = Yaml.stringify(...objects);
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
    const app = new App();
    const chart = new lib.MeshChart(app, 'mesh');
    const gateway = new lib.IngressGateway(chart, 'gw', { servers: [{ port: 8080, hosts: ['*.example.com'] }] });
    for (let i = 0; i < N; i++) {
      const svc = new lib.MeshService(chart, `svc-${i}`, { ports: [{ port: 8080 }] });
      const v1 = svc.addVersion('v1', { image: `example/svc-${i}:1.0.0` });
      const v2 = svc.addVersion('v2', { image: `example/svc-${i}:2.0.0` });
      svc.addRoute({ action: lib.RouteAction.weightedForward([{ target: v1, weight: 90 }, { target: v2, weight: 10 }]) });
      new lib.IngressGatewayRoute(chart, `route-${i}`, { gateway, hosts: [`svc-${i}.example.com`], routes: [{ match: [lib.HttpMatch.prefix('/')], action: lib.RouteAction.forward(svc) }] });
    }
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

/** What writing the mesh picture (mesh-kit-graph.md) of the synthesized objects costs. */
function meshGraph() {
  const { meshPictureMarkdown } = require('../dist/picture/mermaid');
  const objects = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  const t0 = process.hrtime.bigint();
  const out = meshPictureMarkdown([{ file: 'mesh.k8s.yaml', objects }]);
  return { out, ms: Number(process.hrtime.bigint() - t0) / 1e6, objects: objects.length };
}

async function main() {
  let out;
  let ms;
  // modules load before the clock starts: cold require time is measured on its own
  const lib = which.startsWith('mesh-kit') || which === 'bookinfo-schemas' ? require('../dist') : undefined;
  let objects;
  const cdk8s = require('cdk8s');
  const t0 = process.hrtime.bigint();
  if (which === 'mesh-kit') out = meshKit(lib);
  else if (which === 'mesh-kit-no-schemas') out = meshKit(lib, false, false);
  else if (which === 'bookinfo-schemas') ({ out, ms, objects } = bookinfoSchemas(lib));
  else if (which === 'mesh-kit-analysis') ({ out, ms, objects } = meshKit(lib, true));
  else if (which === 'raw-apiobject') out = rawApiObjects(cdk8s);
  else if (which === 'yaml-only') ({ out, ms } = yamlOnly());
  else if (which === 'pulumi-mesh') ({ out, ms } = await pulumiCase('mesh'));
  else if (which === 'pulumi-direct') ({ out, ms } = await pulumiCase('direct'));
  else if (which === 'mesh-kit-graph') ({ out, ms, objects } = meshGraph());
  else throw new Error(`unknown case ${which}`);
  ms ??= Number(process.hrtime.bigint() - t0) / 1e6;
  if (which === 'mesh-kit' && jsonFile) {
    fs.writeFileSync(jsonFile, JSON.stringify(require('yaml').parseAllDocuments(out).map(d => d.toJS())));
  }
  objects ??= which.startsWith('pulumi') ? Number(out) : (out.match(/^kind: /gm) || []).length;
  console.log(JSON.stringify({ case: which, n: N, ms, objects, rssMb: process.resourceUsage().maxRSS / 1024, digest: crypto.createHash('sha256').update(out).digest('hex').slice(0, 16) }));
}
main().catch(e => { console.error(e); process.exit(1); });
