#!/usr/bin/env node
// Synthesizes every example app (examples/<name>/cdk8s.yaml) to examples/<name>/dist.
//
// All or nothing: each app synthesizes into a temporary folder; only when every app has
// succeeded are the dist folders replaced. A failing app (a validation error) leaves every
// dist folder as it was and exits non-zero, so no partial or mixed manifests are ever written.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');
const { buildExamples } = require('./build-examples');

const examplesDir = process.env.MESH_KIT_EXAMPLES_DIR ?? path.resolve(__dirname, '..', 'examples');
const only = process.argv.slice(2);
const examples = fs.readdirSync(examplesDir)
  .filter(name => fs.existsSync(path.join(examplesDir, name, 'cdk8s.yaml')))
  .filter(name => only.length === 0 || only.includes(name))
  .sort();

// the apps' compiled programs (examples/.build), which the cdk8s.yaml files run
buildExamples(examplesDir);
const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-synth-'));
let failed = 0;
const timings = [];
for (const name of examples) {
  const dir = path.join(examplesDir, name);
  const config = YAML.parse(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8'));
  const outdir = path.join(staging, name);
  const started = process.hrtime.bigint();
  const result = spawnSync(config.app, {
    cwd: dir,
    shell: true,
    stdio: 'inherit',
    env: { ...process.env, CDK8S_OUTDIR: outdir },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    failed++;
    console.error(`✗ ${name}: synth failed (exit ${result.status}); no manifests written`);
  } else {
    const files = fs.existsSync(outdir) ? fs.readdirSync(outdir, { recursive: true }).map(String).filter(f => f.endsWith('.yaml')) : [];
    timings.push(`✓ ${name}: ${files.length} files in ${ms.toFixed(0)} ms`);
  }
}

if (failed === 0) {
  for (const name of examples) {
    const dist = path.join(examplesDir, name, 'dist');
    fs.rmSync(dist, { recursive: true, force: true });
    fs.cpSync(path.join(staging, name), dist, { recursive: true });
  }
  timings.forEach(t => console.log(t));
}
fs.rmSync(staging, { recursive: true, force: true });
process.exit(failed === 0 ? 0 : 1);
