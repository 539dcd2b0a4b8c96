// Translates a CEL rule of a CRD (x-kubernetes-validations) into a JavaScript arrow function over the runtime
// of lib/schema/cel-runtime.ts: `(r, self) => <expression>`. The rule is parsed by @bufbuild/cel (macros
// expanded into comprehensions), then every node becomes a runtime call, so that CEL's error values and its
// commutative `&&` / `||` keep their meaning. Used at build time by scripts/generate-validators.js.
'use strict';
const { parse } = require('@bufbuild/cel');

const q = s => JSON.stringify(s);

function translate(rule) {
  let n = 0;
  const tr = (e, scope) => {
    const { case: kind, value: v } = e.exprKind;
    switch (kind) {
      case 'constExpr': {
        const c = v.constantKind;
        if (c.case === 'nullValue') return 'null';
        if (c.case === 'int64Value' || c.case === 'uint64Value') return String(Number(c.value));
        if (c.case === 'doubleValue' || c.case === 'boolValue' || c.case === 'stringValue') return q(c.value);
        throw new Error(`constant ${c.case} not supported`);
      }
      case 'identExpr':
        if (scope.has(v.name)) return scope.get(v.name);
        return v.name === 'self' ? 'self' : `r.ident(${q(v.name)})`;
      case 'selectExpr':
        return `r.select(${tr(v.operand, scope)}, ${q(v.field)}, ${v.testOnly})`;
      case 'callExpr': {
        const args = v.args.map(a => tr(a, scope));
        switch (v.function) {
          case '_&&_': return `r.and(() => ${args[0]}, () => ${args[1]})`;
          case '_||_': return `r.or(() => ${args[0]}, () => ${args[1]})`;
          case '_?_:_': return `r.cond(${args[0]}, () => ${args[1]}, () => ${args[2]})`;
          case '@not_strictly_false': return `r.notStrictlyFalse(${args[0]})`;
          default: return `r.call(${q(v.function)}, ${v.target ? tr(v.target, scope) : 'undefined'}, [${args.join(', ')}])`;
        }
      }
      case 'listExpr':
        return `r.list([${v.elements.map(x => tr(x, scope)).join(', ')}])`;
      case 'structExpr':
        if (v.messageName) throw new Error(`message ${v.messageName} not supported`);
        return `r.map([${v.entries.map(x => `[${tr(x.keyKind.value, scope)}, ${tr(x.value, scope)}]`).join(', ')}])`;
      case 'comprehensionExpr': {
        const it = `v${n++}`;
        const acc = `v${n++}`;
        const inner = new Map(scope).set(v.iterVar, it).set(v.accuVar, acc);
        const outer = new Map(scope).set(v.accuVar, acc);
        return `((range) => { if (r.isErr(range)) return range; let ${acc} = ${tr(v.accuInit, scope)}; `
          + `for (const ${it} of range) { const c = ${tr(v.loopCondition, inner)}; if (c === false) break; if (c !== true) return r.isErr(c) ? c : r.fail('a loop condition must be a bool'); `
          + `${acc} = ${tr(v.loopStep, inner)}; } return ${tr(v.result, outer)}; })(r.range(${tr(v.iterRange, scope)}))`;
      }
      default:
        throw new Error(`${kind} not supported`);
    }
  };
  return `(r, self) => ${tr(parse(rule).expr, new Map())}`;
}

module.exports = { translate };
