// TypeDoc plugin for `npm run docgen`: leaves out of API.md the members that tsc's `stripInternal` leaves out of
// the published .d.ts but TypeDoc keeps — constructor parameter properties marked `/** @internal */`
// (`private constructor(/** @internal */ public readonly _model: ...)`): TypeDoc reads a parameter property's
// comment from the constructor's `@param` only, so `excludeInternal` never sees the tag. API.md then lists what a
// user of the package can reach, and nothing of the render model behind it (issue 29).
import { Converter } from 'typedoc';
import ts from 'typescript';

/** @param {import('typedoc').Application} app */
export function load(app) {
  const internal = [];
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    const declarations = context.getSymbolFromReflection(reflection)?.declarations ?? [];
    if (declarations.some(d => ts.isParameter(d) && ts.getJSDocTags(d).some(t => t.tagName.text === 'internal'))) internal.push(reflection);
  });
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, context => {
    for (const reflection of internal.splice(0)) context.project.removeReflection(reflection);
  });
}
