#!/usr/bin/env node
// Keeps package-lock.json acceptable to `npm ci` on every platform.
//
// Packages such as @swc/core ship their native code as optional per-platform packages
// (@swc/core-darwin-arm64, …-win32-x64-msvc…). When `npm install` runs against a registry
// mirror that does not carry the other platforms' binaries, it leaves them out of the lockfile,
// and `npm ci` then refuses the lockfile as out of sync. This adds each missing optional package
// as an entry guarded by its `os` / `cpu` / `libc`, so npm records it and skips it on other
// platforms, exactly as a lockfile written against the full registry would.
//
// Run after `npm install` changes the lockfile: `node scripts/lock-optional-binaries.js`.
'use strict';
const fs = require('fs');
const path = require('path');

const file = path.resolve(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'aix'];
const CPU = { x64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32', ppc64: 'ppc64', s390x: 's390x', loong64: 'loong64', riscv64: 'riscv64', wasm32: 'wasm32' };

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find(p => OS.includes(p));
  const cpu = parts.map(p => CPU[p]).find(Boolean);
  if (!os || !cpu) return undefined;
  const libc = parts.includes('musl') || parts.includes('musleabihf') ? 'musl' : (os === 'linux' ? 'glibc' : undefined);
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

let added = 0;
for (const [where, pkg] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    const nested = `${where}/node_modules/${dep}`;
    if (lock.packages[key] || lock.packages[nested]) continue;
    const platform = platformOf(dep);
    if (!platform) {
      console.error(`left out ${dep}: its platform cannot be told from its name`);
      continue;
    }
    lock.packages[key] = { version, ...(pkg.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: ${added} optional platform packages recorded`);
