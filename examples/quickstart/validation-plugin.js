// `cdk8s synth --validate` loads MeshKitValidation from here: this package, compiled (`@mesh-kit/core` is this
// repository's own name, which Node resolves to dist/). In your own project, name the package in cdk8s.yaml instead
// (see docs/analysis-and-cli.md: package '@mesh-kit/core', class MeshKitValidation).
'use strict';
module.exports = require('@mesh-kit/core');
