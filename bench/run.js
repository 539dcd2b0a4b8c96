#!/usr/bin/env node
// npm run bench: synthesizes generated meshes of N services with mesh-kit and with the two floors
// (raw cdk8s ApiObjects emitting the same objects; YAML serialization alone), each case in a
// process of its own, median of RUNS; then the Pulumi component under mocks against registering
// the same objects directly; then cold require times. Prints figures and ratios from this run.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,5000').split(',').map(Number);
const PULUMI_SIZES = (process.env.BENCH_PULUMI_SIZES ?? '100,1000').split(',').map(Number);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-bench-'));
const caseJs = path.join(__dirname, 'cases.js');

function once(which, n, json) {
  const out = execFileSync(process.execPath, [caseJs, which, String(n), ...(json ? [json] : [])], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop());
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function measure(which, n, json) {
  const runs = Array.from({ length: RUNS }, () => once(which, n, json));
  return { ...runs[0], ms: median(runs.map(r => r.ms)), rssMb: Math.max(...runs.map(r => r.rssMb)) };
}
const f = (x, d = 0) => x.toFixed(d);

const rows = [];
for (const n of SIZES) {
  const json = path.join(tmp, `objects-${n}.json`);
  const mesh = measure('mesh-kit', n, json);
  const raw = measure('raw-apiobject', n);
  const yaml = measure('yaml-only', n, json);
  if (mesh.digest !== raw.digest || mesh.digest !== yaml.digest) {
    throw new Error(`N=${n}: the cases do not emit the same YAML (${mesh.digest}, ${raw.digest}, ${yaml.digest}); the ratios would be meaningless`);
  }
  rows.push({ n, mesh, raw, yaml });
}

const lines = [];
lines.push(`machine: ${os.cpus()[0].model.trim()}, ${os.cpus().length} cores, ${f(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; median of ${RUNS} runs, each case in its own process`);
lines.push('');
lines.push('| N services | objects | mesh-kit ms | peak RSS MB | raw ApiObject ms | YAML-only ms | × raw ApiObject | × YAML floor |');
lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const { n, mesh, raw, yaml } of rows) {
  lines.push(`| ${n} | ${mesh.objects} | ${f(mesh.ms)} | ${f(mesh.rssMb)} | ${f(raw.ms)} | ${f(yaml.ms)} | ${f(mesh.ms / raw.ms, 2)} | ${f(mesh.ms / yaml.ms, 2)} |`);
}
for (let i = 1; i < rows.length; i++) {
  const a = rows[i - 1];
  const b = rows[i];
  lines.push(`growth N ${a.n} → ${b.n} (×${b.n / a.n}): time ×${f(b.mesh.ms / a.mesh.ms, 2)} (linear would be ×${b.n / a.n})`);
}

lines.push('');
lines.push('| N services | objects | synth-time analysis ms | share of mesh-kit synth |');
lines.push('|---:|---:|---:|---:|');
for (const { n, mesh } of rows) {
  const analysis = measure('mesh-kit-analysis', n);
  lines.push(`| ${n} | ${analysis.objects} | ${f(analysis.ms)} | ${f(100 * analysis.ms / mesh.ms, 1)}% |`);
}

lines.push('');
lines.push('| N services | mesh picture (mesh-kit-graph.md) ms | share of mesh-kit synth |');
lines.push('|---:|---:|---:|');
for (const { n, mesh } of rows) {
  const graph = measure('mesh-kit-graph', n, path.join(tmp, `objects-${n}.json`));
  lines.push(`| ${n} | ${f(graph.ms, 1)} | ${f(100 * graph.ms / mesh.ms, 1)}% |`);
}

lines.push('');
lines.push('Schema validation (on by default: the pinned schemas generated into the package, CEL rules compiled at build time):');
lines.push('');
lines.push('| N services | mesh-kit ms, validation on | validation off | × off |');
lines.push('|---:|---:|---:|---:|');
for (const { n, mesh } of rows) {
  const off = measure('mesh-kit-no-schemas', n);
  lines.push(`| ${n} | ${f(mesh.ms)} | ${f(off.ms)} | ${f(mesh.ms / off.ms, 2)} |`);
}
const bookinfoDist = path.join(__dirname, '..', 'examples', 'bookinfo', 'dist');
if (fs.existsSync(bookinfoDist)) {
  const b = measure('bookinfo-schemas', 0);
  lines.push(`Bookinfo (${b.objects} objects): validation adds ${f(b.ms)} ms to its synth (validators loaded included, fresh process)`);
} else {
  lines.push('Bookinfo: run `npm run synth` first to measure what validation adds to its synth');
}

lines.push('');
// peak memory, attributed: the same objects registered directly (the SDK's share) and the same app synthesized without Pulumi (ours)
lines.push('| Pulumi, N services | resources | MeshComponent ms | direct registration ms | ratio | peak RSS MB: MeshComponent | direct registration | mesh-kit synth, no Pulumi |');
lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const n of PULUMI_SIZES) {
  const json = path.join(tmp, `objects-${n}.json`);
  const synth = fs.existsSync(json) ? rows.find(r => r.n === n)?.mesh ?? once('mesh-kit', n, json) : once('mesh-kit', n, json);
  const mesh = measure('pulumi-mesh', n);
  const direct = measure('pulumi-direct', n, json);
  lines.push(`| ${n} | ${direct.objects} | ${f(mesh.ms)} | ${f(direct.ms)} | ${f(mesh.ms / direct.ms, 2)} | ${f(mesh.rssMb)} | ${f(direct.rssMb)} | ${f(synth.rssMb)} |`);
}

const requireMs = mod => median(Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, ['-e',
  `const t=process.hrtime.bigint();require(${JSON.stringify(mod)});console.log(Number(process.hrtime.bigint()-t)/1e6)`], { encoding: 'utf8', cwd: path.join(__dirname, '..') }))));
const lib = requireMs(path.join(__dirname, '..', 'dist'));
const cdk8s = requireMs('cdk8s');
lines.push('');
lines.push(`cold require: @mesh-kit/core ${f(lib)} ms, cdk8s ${f(cdk8s)} ms (×${f(lib / cdk8s, 2)})`);
console.log(lines.join('\n'));
fs.rmSync(tmp, { recursive: true, force: true });
