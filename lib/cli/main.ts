#!/usr/bin/env node
import { runCommand } from './analyze-command';

// `mesh-kit analyze ...`: the analysis of any manifests, as a command (package.json "bin").
process.exitCode = runCommand(process.argv.slice(2), {
  out: text => process.stdout.write(text),
  err: text => process.stderr.write(text),
});
