#!/usr/bin/env node
// Compiles the example apps (examples/**/*.ts) to JavaScript in examples/.build/, mirroring examples/, so that each
// example's cdk8s.yaml runs a compiled program (`app: node ../.build/<name>/main.js`), as a compiled cdk8s app runs
// in CI, instead of starting `npx ts-node` inside `npx cdk8s` (×7 the time of the program itself). The examples
// import the package by its name, `@mesh-kit/core`, which Node resolves to this package's compiled `dist/` (run
// `npx projen compile` first; `npm run synth` does). Transpile only, with swc (~0.2 s): types are checked by
// `tsc -p examples` and the tests.
//
//   node scripts/build-examples.js [examplesDir]
'use strict';
const fs = require('fs');
const path = require('path');
const swc = require('@swc/core');

function buildExamples(examplesDir = path.resolve(__dirname, '..', 'examples')) {
  const out = path.join(examplesDir, '.build');
  // written beside, then swapped in: a concurrent reader never sees half a build
  const staging = fs.mkdtempSync(path.join(examplesDir, '.build-'));
  const files = fs.readdirSync(examplesDir, { recursive: true, withFileTypes: true }).filter(e => e.isFile())
    .map(e => path.relative(examplesDir, path.join(e.parentPath ?? e.path, e.name)))
    .filter(f => !f.split(path.sep).some(p => p === 'dist' || p === 'node_modules' || p.startsWith('.build')));
  const sources = files.filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  // what the programs read beside themselves (bring-your-own's inventory.yaml), copied as is (not the apps' cdk8s.yaml
  // or READMEs: .build is not an app folder)
  for (const file of files.filter(f => !f.endsWith('.ts') && !f.endsWith('.md') && path.basename(f) !== 'cdk8s.yaml')) {
    fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
    fs.copyFileSync(path.join(examplesDir, file), path.join(staging, file));
  }
  for (const file of sources) {
    const { code } = swc.transformFileSync(path.join(examplesDir, file), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
      swcrc: false,
    });
    const target = path.join(staging, file.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, code);
  }
  const old = `${out}-old-${process.pid}`;
  if (fs.existsSync(out)) fs.renameSync(out, old);
  fs.renameSync(staging, out);
  fs.rmSync(old, { recursive: true, force: true });
  return sources.length;
}

module.exports = { buildExamples };
if (require.main === module) {
  const n = buildExamples(process.argv[2] && path.resolve(process.argv[2]));
  console.log(`build-examples: ${n} files compiled to examples/.build`);
}
