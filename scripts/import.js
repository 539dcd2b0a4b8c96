#!/usr/bin/env node
// Regenerates lib/imports/ from the pinned CRDs in ../shared/schemas (never copied into the project):
// the Istio groups the renderers use (networking, security, telemetry), the Gateway API's Gateway, routes (HTTP, gRPC, TCP, TLS), ReferenceGrant and BackendTLSPolicy,
// and the canary drivers' Rollout, AnalysisTemplate (Argo Rollouts), Canary and MetricTemplate (Flagger).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');
const { loadCrds } = require('./crd-files');

const root = path.resolve(__dirname, '..');
const schemas = path.resolve(root, '..', 'shared', 'schemas');
const cdk8s = path.join(root, 'node_modules', '.bin', 'cdk8s');
const out = path.join(root, 'lib', 'imports');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-import-'));
try {
  execFileSync(cdk8s, ['import', path.join(schemas, 'istio-crds.yaml'), '--language', 'typescript', '--output', out], { stdio: 'inherit' });
  // extensions.istio.io (WasmPlugin) is rendered by nothing: a module nobody imports is not kept
  fs.rmSync(path.join(out, 'extensions.istio.io.ts'), { force: true });
  const wanted = new Set(['Gateway', 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'ReferenceGrant', 'BackendTLSPolicy']);
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(schemas, 'gateway-api-crds.yaml'), 'utf8'))
    .map(d => d.toJS())
    .filter(d => d && d.kind === 'CustomResourceDefinition' && wanted.has(d.spec.names.kind))
    // only the served, stored v1 versions
    .map(d => ({ ...d, spec: { ...d.spec, versions: d.spec.versions.filter(v => v.name === 'v1') } }));
  const filtered = path.join(tmp, 'gateway-api.yaml');
  fs.writeFileSync(filtered, docs.map(d => YAML.stringify(d)).join('---\n'));
  execFileSync(cdk8s, ['import', filtered, '--language', 'typescript', '--output', out], { stdio: 'inherit' });
  // the canary drivers (issue 35): Argo Rollouts' Rollout and AnalysisTemplate, Flagger's Canary and MetricTemplate
  const drivers = [['argo-rollouts-crds.yaml', ['Rollout', 'AnalysisTemplate']], ['flagger-crds.yaml', ['Canary', 'MetricTemplate']]];
  for (const [file, kinds] of drivers) {
    const crds = loadCrds(path.join(schemas, file))
      .filter(d => d && d.kind === 'CustomResourceDefinition' && kinds.includes(d.spec.names.kind));
    const only = path.join(tmp, file);
    fs.writeFileSync(only, crds.map(d => YAML.stringify(d, { lineWidth: 0 })).join('---\n'));
    execFileSync(cdk8s, ['import', only, '--language', 'typescript', '--output', out], { stdio: 'inherit' });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
