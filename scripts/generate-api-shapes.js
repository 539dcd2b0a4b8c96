#!/usr/bin/env node
// Generates lib/core/generated/api-shapes.ts from the library's own declarations (TypeScript's checker over
// lib/index.ts and lib/pulumi/index.ts): for every exported class, the parameters of its constructor, static
// methods and public methods, and the shape of every props / options type they take (fields, optional or not,
// their types). lib/core/input.ts checks the arguments of every call from JavaScript or JSON-loaded config
// against them at run time. `npm run import:api-shapes`; a test checks the file is fresh.
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'lib', 'core', 'generated', 'api-shapes.ts');
const entries = [path.join(root, 'lib', 'index.ts'), path.join(root, 'lib', 'pulumi', 'index.ts')];
const program = ts.createProgram(entries, {
  strict: true, skipLibCheck: true, experimentalDecorators: true, target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true, resolveJsonModule: true,
});
const checker = program.getTypeChecker();
const libDir = path.join(root, 'lib') + path.sep;

const types = {};
const classes = new Set();

const isOurs = (decl) => decl && decl.getSourceFile().fileName.startsWith(libDir) && !decl.getSourceFile().fileName.includes(`${path.sep}imports${path.sep}`);
const declOf = (t) => (t.aliasSymbol ?? t.getSymbol())?.declarations?.[0];

function spec(type, seen = 0) {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return 'any';
  // `T | null`: null is a value the signature takes (`undefined` is an omitted field, checked as such)
  if (type.isUnion() && type.types.some(t => t.flags & ts.TypeFlags.Null)) {
    const inner = spec(checker.getNonNullableType(type), seen);
    if (inner === 'any') return 'any';
    return { union: [...(typeof inner === 'object' && 'union' in inner ? inner.union : [inner]), 'null'] };
  }
  if (type.isUnion()) {
    const parts = type.types.filter(t => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)));
    if (parts.length === 0) return 'any';
    if (parts.every(t => t.flags & ts.TypeFlags.BooleanLiteral)) return 'boolean';
    if (parts.every(t => t.isStringLiteral() || t.isNumberLiteral())) return { enum: parts.map(t => t.value).sort() };
    if (parts.length === 1) return spec(parts[0], seen);
    // boolean is true | false among others
    const rest = parts.filter(t => !(t.flags & ts.TypeFlags.BooleanLiteral));
    const specs = rest.map(t => spec(t, seen));
    if (rest.length < parts.length) specs.push('boolean');
    return specs.some(s => s === 'any') ? 'any' : { union: specs };
  }
  if (type.flags & ts.TypeFlags.String || type.flags & ts.TypeFlags.TemplateLiteral) return 'string';
  if (type.flags & ts.TypeFlags.Number) return 'number';
  if (type.flags & ts.TypeFlags.Boolean) return 'boolean';
  if (type.isStringLiteral() || type.isNumberLiteral()) return { enum: [type.value] };
  if (type.flags & ts.TypeFlags.EnumLiteral || type.flags & ts.TypeFlags.Enum) return { enum: [type.value] };
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    return { list: spec(checker.getTypeArguments(type)[0] ?? checker.getAnyType(), seen) };
  }
  if (!(type.flags & ts.TypeFlags.Object)) return 'any';
  if (type.getCallSignatures().length > 0) return 'function';
  const sym = type.aliasSymbol ?? type.getSymbol();
  const name = sym?.getName();
  const decl = declOf(type);
  if (name === 'Construct' || name === 'IConstruct') return 'construct';
  if (name === 'Date' || name === 'RegExp' || name === 'Promise') return 'any';
  // cdk8s's Duration and Size: the library takes them for durations and sizes
  if ((name === 'Duration' || name === 'Size') && decl && decl.getSourceFile().fileName.includes(`${path.sep}cdk8s${path.sep}`)) return { class: name };
  if (!isOurs(decl) && /^I[A-Z]/.test(name ?? '') && decl && ts.isInterfaceDeclaration(decl) && decl.getSourceFile().fileName.includes(`${path.sep}cdk8s${path.sep}`)) {
    // a cdk8s interface the props take (IResolver…): its required members must be there
    const props = checker.getPropertiesOfType(type);
    const required = props.filter(p => !(p.flags & ts.SymbolFlags.Optional));
    const methods = required.filter(p => p.declarations?.some(d => ts.isMethodSignature(d))).map(p => p.name).sort();
    types[name] ??= { interface: true, members: required.map(p => p.name).sort(), ...(methods.length ? { methods } : {}) };
    return { type: name };
  }
  if (!isOurs(decl)) {
    // another package's type (cdk8s, Pulumi): not checked here
    const index = type.getStringIndexType() ?? type.getNumberIndexType();
    return index ? { map: spec(index, seen) } : 'any';
  }
  if (sym && sym.flags & ts.SymbolFlags.Class) {
    classes.add(name);
    return { class: name };
  }
  const index = type.getStringIndexType() ?? type.getNumberIndexType();
  const props = checker.getPropertiesOfType(type);
  if (index && props.length === 0) return { map: spec(index, seen) };
  const key = name && name !== '__type' && name !== '__object' ? name : `${path.basename(decl.getSourceFile().fileName, '.ts')}:${decl.pos}`;
  // an interface that constructs implement (IMeshService…): its members are checked for presence, not shape
  if (/^I[A-Z]/.test(key)) {
    if (!types[key]) {
      types[key] = { interface: true, members: props.filter(p => !(p.flags & ts.SymbolFlags.Optional)).map(p => p.name).sort() };
    }
    return { type: key };
  }
  if (!types[key]) {
    // an index signature beside the fields (Manifest): other keys are allowed, their values checked against it
    types[key] = index ? { fields: {}, other: spec(index, seen + 1) } : { fields: {} };
    const required = [];
    for (const p of [...props].sort((a, b) => a.name.localeCompare(b.name))) {
      const d = p.valueDeclaration ?? p.declarations?.[0];
      if (!(p.flags & ts.SymbolFlags.Optional)) required.push(p.name);
      types[key].fields[p.name] = spec(checker.getTypeOfSymbolAtLocation(p, d), seen + 1);
    }
    if (required.length) {
      types[key].required = required;
      // what a required field is, for the error that says it is missing (the first sentence of its doc comment)
      const docs = {};
      for (const r of required) {
        const p = props.find(x => x.name === r);
        const doc = ts.displayPartsToString(p.getDocumentationComment(checker)).replace(/\s+/g, ' ').split(/(?<=\.)\s/)[0].trim();
        if (doc) docs[r] = doc;
      }
      if (Object.keys(docs).length) types[key].docs = docs;
    }
  }
  return { type: key };
}

function params(sig) {
  return sig.getParameters().map(p => {
    const d = p.valueDeclaration;
    const optional = !!(d && (d.questionToken || d.initializer || d.dotDotDotToken));
    const t = checker.getTypeOfSymbolAtLocation(p, d);
    return { name: p.name, ...(optional ? { optional: true } : {}), ...(d && d.dotDotDotToken ? { rest: true } : {}), spec: d && d.dotDotDotToken ? spec(t).list ?? 'any' : spec(t) };
  });
}

const isPublic = (d) => !(ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) && !ts.getJSDocTags(d).some(t => t.tagName.text === 'internal');

const signatures = {};
const overloads = {};
const exported = new Map();
for (const entry of entries) {
  const sf = program.getSourceFile(entry);
  for (const s of checker.getExportsOfModule(checker.getSymbolAtLocation(sf))) {
    const sym = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    if (sym.flags & ts.SymbolFlags.Class) exported.set(sym.getName(), sym);
  }
}
for (const [name, sym] of [...exported].sort((a, b) => a[0].localeCompare(b[0]))) {
  const decl = sym.valueDeclaration;
  if (!isOurs(decl)) continue;
  classes.add(name);
  const cls = checker.getTypeOfSymbolAtLocation(sym, decl);
  const ctor = decl.members.find(m => ts.isConstructorDeclaration(m) && m.body);
  if (ctor && isPublic(ctor)) signatures[`${name}.constructor`] = params(checker.getSignatureFromDeclaration(ctor));
  for (const m of decl.members) {
    if (!ts.isMethodDeclaration(m) || !m.body || !isPublic(m) || !m.name || !ts.isIdentifier(m.name)) continue;
    const isStatic = ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static;
    // a type guard (`MeshValidationError.isMeshValidationError(x): x is …`) takes anything, undefined and null too: not checked
    if (m.type && ts.isTypePredicateNode(m.type)) continue;
    const key = `${name}.${isStatic ? '' : 'prototype.'}${m.name.text}`;
    // an overloaded method (`fromAttributes(scope, id, attrs)` and its deprecated `fromAttributes(attrs)`): the
    // declared signatures, not the implementation's; a call is checked against the one its first argument selects
    const declared = decl.members.filter(o => ts.isMethodDeclaration(o) && !o.body && o.name && ts.isIdentifier(o.name) && o.name.text === m.name.text
      && !!(ts.getCombinedModifierFlags(o) & ts.ModifierFlags.Static) === !!isStatic && isPublic(o));
    if (declared.length > 0) {
      overloads[key] = declared.map(o => params(checker.getSignatureFromDeclaration(o)));
      signatures[key] = overloads[key][0];
      continue;
    }
    signatures[key] = params(checker.getSignatureFromDeclaration(m));
  }
  void cls;
}

// which exported classes implement each interface: the fix of an error names them
for (const [name, sym] of exported) {
  const decl = sym.valueDeclaration;
  for (const clause of decl.heritageClauses ?? []) {
    if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
    for (const t of clause.types) {
      const iface = t.expression.getText();
      if (types[iface]?.interface) types[iface].implementedBy = [...(types[iface].implementedBy ?? []), name].sort();
    }
  }
}

const sorted = o => Object.fromEntries(Object.keys(o).sort().map(k => [k, o[k]]));
const text = `// Generated by scripts/generate-api-shapes.js from the library's declarations: do not edit.
// \`npm run import:api-shapes\` regenerates it; a test checks it is fresh.
/* eslint-disable */
import { ApiShapes } from '../input-shapes';

export const API_SHAPES: ApiShapes = ${JSON.stringify({ signatures: sorted(signatures), overloads: sorted(overloads), types: sorted(types), classes: [...classes].sort() }, undefined, 1)};
`;
if (process.argv[2] === '--check') {
  if (!fs.existsSync(out) || fs.readFileSync(out, 'utf8') !== text) {
    console.error(`${path.relative(root, out)} is stale: run npm run import:api-shapes`);
    process.exit(1);
  }
} else {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  console.log(`generated ${Object.keys(signatures).length} signatures and ${Object.keys(types).length} types into ${path.relative(root, out)}`);
}
