#!/usr/bin/env node
// npm run bench [-- --sizes 100,1000,5000,20000] [--ceiling 25000] [--runs 3] [--pulumi-sizes 100,1000]
//
// Synthesizes generated meshes of N services with mesh-kit and, in the same run, its baselines: mesh-kit with the
// `yaml` package writing every document (what synth did before the fast YAML path), a raw cdk8s ApiObject program
// emitting the same objects, the cdk8s-plus-27 + L1 Istio program a cdk8s user writes by hand (same kinds and
// counts), and YAML serialization alone; each case in a process of its own, median of RUNS. Then where synth's time
// goes (phase split) and the heap a service holds; the data-plane model's index and requests on the synthesized mesh;
// the Pulumi component under mocks against registering the same objects directly; cold start (require, `cdk8s synth` of Bookinfo against its compiled program). `--ceiling N`
// synthesizes one N-service mesh (one chart) with Node's default stack and reports its peak memory.
// Prints figures and ratios from this run only (this machine is shared and noisy: compare within a run).
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  const inline = process.argv.find(a => a.startsWith(`--${name}=`));
  return inline ? inline.split('=')[1] : i >= 0 ? process.argv[i + 1] : fallback;
}
const RUNS = Number(flag('runs', process.env.BENCH_RUNS ?? 3));
const SIZES = String(flag('sizes', process.env.BENCH_SIZES ?? '100,1000,5000')).split(',').map(Number);
const PULUMI_SIZES = String(flag('pulumi-sizes', process.env.BENCH_PULUMI_SIZES ?? '100,1000')).split(',').filter(Boolean).map(Number);
const CEILING = Number(flag('ceiling', 0));
const ROOT = path.join(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-bench-'));
const caseJs = path.join(__dirname, 'cases.js');

function once(which, n, json, nodeArgs = []) {
  const out = execFileSync(process.execPath, [...nodeArgs, caseJs, which, String(n), ...(json ? [json] : [])],
    { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.trim().split('\n').pop());
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function measure(which, n, json, nodeArgs) {
  const runs = Array.from({ length: RUNS }, () => once(which, n, json, nodeArgs));
  return { ...runs[0], ms: median(runs.map(r => r.ms)), rssMb: Math.max(...runs.map(r => r.rssMb)) };
}
const f = (x, d = 0) => x.toFixed(d);
const lines = [];
const print = (...l) => { lines.push(...l); };

print(`machine: ${os.cpus()[0].model.trim()}, ${os.cpus().length} cores, ${f(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; `
  + `median of ${RUNS} runs, each case in its own process`, '');

// 1. synth against its baselines
const rows = [];
for (const n of SIZES) {
  const json = path.join(tmp, `objects-${n}.json`);
  const mesh = measure('mesh-kit', n, json);
  const yamlPackage = measure('mesh-kit-yaml-package', n);
  const raw = measure('raw-apiobject', n);
  const plus = measure('cdk8s-plus', n);
  const yaml = measure('yaml-only', n, json);
  if (mesh.digest !== raw.digest || mesh.digest !== yaml.digest || mesh.digest !== yamlPackage.digest) {
    throw new Error(`N=${n}: the cases do not emit the same YAML (${mesh.digest}, ${yamlPackage.digest}, ${raw.digest}, ${yaml.digest}); the ratios would be meaningless`);
  }
  rows.push({ n, mesh, yamlPackage, raw, plus, yaml });
}
print('Synth of N services (two versions each, a 90/10 mesh route, a gateway route), analysis and schema validation on:', '');
print('| N services | objects | mesh-kit ms | peak RSS MB | mesh-kit, yaml package writing ms | × | raw ApiObject ms | × | cdk8s-plus + L1 ms | × | YAML-only ms |');
print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const { n, mesh, yamlPackage, raw, plus, yaml } of rows) {
  print(`| ${n} | ${mesh.objects} | ${f(mesh.ms)} | ${f(mesh.rssMb)} | ${f(yamlPackage.ms)} | ${f(mesh.ms / yamlPackage.ms, 2)} | ${f(raw.ms)} | ${f(mesh.ms / raw.ms, 2)} `
    + `| ${f(plus.ms)} | ${f(mesh.ms / plus.ms, 2)} | ${f(yaml.ms)} |`);
}
print('');
for (const { n, mesh, plus } of rows) {
  print(`N=${n}: output SHA-256 ${mesh.digest} (the same with the yaml package writing, the raw ApiObject program and the YAML floor); `
    + `${f(mesh.bytes / 1e6, 2)} MB, cdk8s-plus + L1 ${f(plus.bytes / 1e6, 2)} MB (${f(100 * (1 - mesh.bytes / plus.bytes))}% fewer bytes)`);
}
for (let i = 1; i < rows.length; i++) {
  const a = rows[i - 1];
  const b = rows[i];
  print(`growth N ${a.n} → ${b.n} (×${b.n / a.n}): time ×${f(b.mesh.ms / a.mesh.ms, 2)} (linear would be ×${b.n / a.n})`);
}

// 2. where the time and the memory go
print('', 'Phases of one synth (MeshApp.synthFiles, in order), and the heap a service holds (after a full GC):', '');
print('| N services | construct tree ms | render ms | analysis ms | schema validation ms | of which admission rules ms | share of synth | YAML ms | picture ms | heap KB/service: tree | + rendered |');
print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const { n } of rows) {
  const p = measure('mesh-kit-phases', n, undefined, ['--expose-gc']);
  const ph = p.phases;
  print(`| ${n} | ${f(ph.tree)} | ${f(ph.render)} | ${f(ph.analysis)} | ${f(ph.schemas)} | ${f(p.admissionMs, 1)} | ${f(100 * p.admissionMs / p.ms, 1)}% | ${f(ph.yaml)} | ${f(ph.picture)} | ${f(p.heapKbPerService.tree, 1)} | ${f(p.heapKbPerService.rendered, 1)} |`);
}

print('', '| N services | synth-time analysis ms (schema validation included) | share of synth | mesh picture ms | share | synth, validation off ms | × on/off | `mesh-kit analyze` of the file ms |');
print('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const { n, mesh } of rows) {
  const json = path.join(tmp, `objects-${n}.json`);
  const analysis = measure('mesh-kit-analysis', n);
  const graph = measure('mesh-kit-graph', n, json);
  const off = measure('mesh-kit-no-schemas', n);
  const file = measure('analyze-file', n, json);
  print(`| ${n} | ${f(analysis.ms)} | ${f(100 * analysis.ms / mesh.ms, 1)}% | ${f(graph.ms, 1)} | ${f(100 * graph.ms / mesh.ms, 1)}% | ${f(off.ms)} | ${f(mesh.ms / off.ms, 2)} | ${f(file.ms)} |`);
}
// `mesh-kit analyze` (issue 34): the file synth wrote, and a cluster dump of the same objects (`kind: List`, the fields
// the API server adds, a 64 KiB ConfigMap every 20 objects), against the synth that wrote them
print('', '`mesh-kit analyze` of the file synth wrote, and of a cluster dump of the same objects (`kubectl get -o yaml`: one `kind: List`, server fields, '
  + 'a 64 KiB ConfigMap for every 20 objects); time, objects per second, peak memory, against the synth:', '');
print('| N services | synth ms | analyze file ms | objects | objects/s | peak MB | × synth | analyze dump ms | dump objects | dump MB | objects/s | peak MB | × synth |');
print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const analyzeRows = [];
for (const { n, mesh } of rows) {
  const json = path.join(tmp, `objects-${n}.json`);
  const file = measure('analyze-file', n, json);
  const dump = measure('analyze-dump', n, json);
  analyzeRows.push({ n, file, dump });
  print(`| ${n} | ${f(mesh.ms)} | ${f(file.ms)} | ${file.objects} | ${f(1000 * file.objects / file.ms)} | ${f(file.rssMb)} | ${f(file.ms / mesh.ms, 2)} `
    + `| ${f(dump.ms)} | ${dump.objects} | ${f(dump.fileMb, 1)} | ${f(1000 * dump.objects / dump.ms)} | ${f(dump.rssMb)} | ${f(dump.ms / mesh.ms, 2)} |`);
}
// the same with the reference reader alone (the yaml package, what mesh-kit analyze read with before issue 34): one run each
print('', 'The same with the reference YAML reader alone (the `yaml` package, as before issue 34; one run each):', '');
print('| N services | analyze file ms | peak MB | × fast path | analyze dump ms | peak MB | × fast path |');
print('|---:|---:|---:|---:|---:|---:|---:|');
for (const { n, file, dump } of analyzeRows) {
  const json = path.join(tmp, `objects-${n}.json`);
  const fileRef = once('analyze-file-reference', n, json);
  const dumpRef = once('analyze-dump-reference', n, json);
  print(`| ${n} | ${f(fileRef.ms)} | ${f(fileRef.rssMb)} | ${f(fileRef.ms / file.ms, 2)} | ${f(dumpRef.ms)} | ${f(dumpRef.rssMb)} | ${f(dumpRef.ms / dump.ms, 2)} |`);
}

// the data-plane model on the synthesized mesh: the one-time index against the synth that wrote the objects, then requests
print('', 'The data-plane model (Mesh.fromObjects of the objects synth wrote; the index includes the first sidecar and gateway request, '
  + 'which build the engines\' lazy indexes); each service asked once (its own lazy work included), then once more (warm):', '');
print('| N services | index ms | × synth | sidecar µs/request: mean | p99 | warm mean | gateway µs/request: mean | p99 | warm mean |');
print('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const { n, mesh } of rows) {
  const d = measure('dataplane', n, path.join(tmp, `objects-${n}.json`));
  const r = d.perRequestUs;
  print(`| ${n} | ${f(d.ms)} | ${f(d.ms / mesh.ms, 3)} | ${f(r.sidecar.mean)} | ${f(r.sidecar.p99)} | ${f(r.sidecarWarm.mean)} | ${f(r.gateway.mean)} | ${f(r.gateway.p99)} `
    + `| ${f(r.gatewayWarm.mean)} |`);
}
const bookinfoDist = path.join(ROOT, 'examples', 'bookinfo', 'dist');
if (fs.existsSync(bookinfoDist)) {
  const b = measure('bookinfo-schemas', 0);
  print(`Bookinfo (${b.objects} objects): validation adds ${f(b.ms)} ms to its synth (validators loaded included, fresh process)`);
}

// 3. the largest mesh, in one chart, with Node's default stack
if (CEILING > 0) {
  const c = once('mesh-kit', CEILING);
  print('', `Largest mesh: ${CEILING} services, ${c.objects} objects in one chart, synthesized with Node's default stack and heap limit `
    + `(${f(c.heapLimitMb)} MB): ${f(c.ms / 1000, 1)} s, peak RSS ${f(c.rssMb)} MB, ${f(c.bytes / 1e6)} MB of YAML (one run)`);
}

// 4. Pulumi
if (PULUMI_SIZES.length > 0) {
  print('', '| Pulumi, N services | resources | MeshComponent ms | direct registration ms | ratio | peak RSS MB: MeshComponent | direct registration | mesh-kit synth, no Pulumi |');
  print('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of PULUMI_SIZES) {
    const json = path.join(tmp, `objects-${n}.json`);
    const synth = rows.find(r => r.n === n)?.mesh ?? once('mesh-kit', n, json);
    const mesh = measure('pulumi-mesh', n);
    const direct = measure('pulumi-direct', n, json);
    print(`| ${n} | ${direct.objects} | ${f(mesh.ms)} | ${f(direct.ms)} | ${f(mesh.ms / direct.ms, 2)} | ${f(mesh.rssMb)} | ${f(direct.rssMb)} | ${f(synth.rssMb)} |`);
  }
}

// 5. cold start
const ms = (cmd, args, opts = {}) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const medianOf = (k, fn) => median(Array.from({ length: k }, fn));
const requireMs = code => medianOf(5, () => Number(execFileSync(process.execPath, ['-e',
  `const t=process.hrtime.bigint();${code};console.log(Number(process.hrtime.bigint()-t)/1e6)`], { encoding: 'utf8', cwd: ROOT })));
const dist = JSON.stringify(path.join(ROOT, 'dist'));
const lib = requireMs(`require(${dist})`);
const libUsed = requireMs(`const l=require(${dist});l.MeshApp;l.MeshChart;l.MeshService`);
const cdk8s = requireMs('require("cdk8s")');
print('', `cold require: @mesh-kit/core ${f(lib, 1)} ms, cdk8s ${f(cdk8s, 1)} ms (×${f(lib / cdk8s, 2)}); `
  + `@mesh-kit/core and the classes every app uses (MeshApp, MeshChart, MeshService: cdk8s loaded with them) ${f(libUsed)} ms (×${f(libUsed / cdk8s, 2)})`);

const bookinfo = path.join(ROOT, 'examples', 'bookinfo');
const compiled = path.join(ROOT, 'examples', '.build', 'bookinfo', 'main.js');
if (fs.existsSync(compiled)) {
  const cli = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
  const out = path.join(tmp, 'cold');
  const env = { ...process.env, CDK8S_OUTDIR: out };
  const program = medianOf(RUNS, () => ms(process.execPath, [compiled], { cwd: bookinfo, env }));
  const synth = medianOf(RUNS, () => ms(cli, ['synth', '--no-check-upgrade', '-o', out], { cwd: bookinfo }));
  const tsNode = medianOf(RUNS, () => ms('npx', ['ts-node', '--swc', 'main.ts'], { cwd: bookinfo, env }));
  const noop = path.join(tmp, 'noop');
  fs.mkdirSync(noop);
  // an app that only creates the output folder (cdk8s-cli requires it): the CLI's own start-up
  fs.writeFileSync(path.join(noop, 'noop.js'), 'require(\'fs\').mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true });\n');
  fs.writeFileSync(path.join(noop, 'cdk8s.yaml'), 'app: node noop.js\noutput: dist\n');
  const floor = medianOf(RUNS, () => ms(cli, ['synth', '--no-check-upgrade'], { cwd: noop }));
  print(`cold \`cdk8s synth\` of Bookinfo (its cdk8s.yaml runs the compiled program): ${f(synth)} ms; the compiled program alone ${f(program)} ms `
    + `(×${f(synth / program, 2)}); \`npx ts-node --swc main.ts\` (the former app line) ${f(tsNode)} ms; \`cdk8s synth\` of an app that does nothing ${f(floor)} ms`);
} else {
  print('cold `cdk8s synth`: run `npm run synth` first (it builds examples/.build)');
}

console.log(lines.join('\n'));
fs.rmSync(tmp, { recursive: true, force: true });
