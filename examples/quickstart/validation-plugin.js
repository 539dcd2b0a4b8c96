// `cdk8s synth --validate` loads MeshKitValidation from here: this repository's sources, compiled on the fly.
// In your own project, name the package instead (see README: package '@mesh-kit/core', class MeshKitValidation).
'use strict';
const path = require('path');
require('ts-node').register({ swc: true, project: path.join(__dirname, '..', '..', 'tsconfig.json') });
module.exports = require('../../lib/hosting/cdk8s/validation-plugin');
