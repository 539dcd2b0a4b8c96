// Reads a pinned CRD file of ../shared/schemas into plain objects, for the generators (scripts/import.js,
// scripts/generate-validators.js).
//
// Flagger's CRDs (flagger-crds.yaml) write a few quoted `description`s whose continuation lines sit at the key's own
// indentation: YAML 1.2 requires them to be indented further (the `yaml` package reports "Implicit keys need to be on
// a single line" and reads the next line as a key; PyYAML and the Go YAML decoder kubectl uses accept it). Those
// continuation lines are indented by two more spaces before parsing, which changes no value, and any other error stops
// the generator rather than produce types or validators from a misread schema.
'use strict';
const fs = require('fs');
const YAML = require('yaml');

/** Indents the continuation lines of a single-quoted scalar that does not close on its first line. */
function indentQuotedContinuations(text) {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)[\w-]+: '(.*)$/.exec(lines[i]);
    // an odd number of quotes after the opening one: the scalar goes on (a doubled '' is an escaped quote)
    if (!open || (open[2].match(/'/g) ?? []).length % 2 === 1) continue;
    const indent = open[1].length;
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j].length - lines[j].trimStart().length <= indent) lines[j] = `  ${lines[j]}`;
      if ((lines[j].match(/'/g) ?? []).length % 2 === 1) { i = j; break; }
    }
  }
  return lines.join('\n');
}

/** The documents of a CRD file as plain objects; throws on a YAML error the repair above does not cover. */
function loadCrds(file) {
  let docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  if (docs.some(d => d.errors.length > 0)) docs = YAML.parseAllDocuments(indentQuotedContinuations(fs.readFileSync(file, 'utf8')));
  const bad = docs.find(d => d.errors.length > 0);
  if (bad) throw new Error(`${file}: ${bad.errors[0].message}`);
  return docs.map(d => d.toJS());
}

module.exports = { loadCrds };
