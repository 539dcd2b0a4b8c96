import { JsonFile, javascript, typescript } from 'projen';

/**
 * mesh-kit: typed constructs that synthesize Istio (and, later, Gateway API and
 * Linkerd) manifests. projen owns package.json, tsconfig*, jest and eslint:
 * edit this file and run `npx projen`, never the generated files.
 */
const project = new typescript.TypeScriptProject({
  name: '@mesh-kit/core',
  description: 'Typed infrastructure-as-code constructs that synthesize Istio service-mesh manifests (cdk8s today, Pulumi next).',
  keywords: ['cdk8s', 'istio', 'service-mesh', 'kubernetes', 'virtualservice', 'destinationrule'],
  license: 'Apache-2.0',
  authorName: 'mesh-kit authors',
  repository: 'https://example.invalid/mesh-kit.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  // Layout: lib/ is source, dist/ is compiled output.
  srcdir: 'lib',
  libdir: 'dist',
  testdir: 'test',
  sampleCode: false,
  entrypoint: 'dist/index.js',
  // `mesh-kit analyze FILE|DIR|-`: the analysis of manifests the library did not write
  bin: { 'mesh-kit': 'dist/cli/main.js' },
  entrypointTypes: 'dist/index.d.ts',

  // TypeScript 7 is not accepted by the jest/ts tooling yet.
  typescriptVersion: '~5.9.3',
  typecheckTests: true,
  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
    },
  },
  tsconfigDev: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
      // the examples import the package by its name, as users do: the sources when type-checked and tested, the
      // compiled package (Node resolves a package's own name) when run
      baseUrl: '..',
      paths: { '@mesh-kit/core': ['lib/index.ts'], '@mesh-kit/core/pulumi': ['lib/pulumi/index.ts'] },
    },
    // the docs' TypeScript snippets are files, type-checked here once (test/docs.test.ts checks the docs show them)
    include: ['../examples/**/*.ts', '../docs/snippets/**/*.ts'],
  },

  // The library is used inside the user's own cdk8s app: same model as cdk8s-plus.
  peerDeps: [
    'cdk8s@^2.70.0', 'constructs@^10.3.0', 'cdk8s-plus-27@^2.9.5', '@pulumi/pulumi@^3.270.0', '@pulumi/kubernetes@^4.34.2',
    // SchemaValidation.fromPackages() and core kinds without a generated shape, loaded only when installed
    'kubernetes-models@^4.5.1', '@kubernetes-models/istio@^2.3.0', '@kubernetes-models/gateway-api@^0.5.1',
  ],
  // the `mesh-kit analyze` command and the cdk8s validation plugin read YAML whatever the user installed
  // schema validation at synth, on by default: the generated validators run on ajv's runtime, regular expressions are
  // checked and CEL's `matches` run by @bufbuild/re2 (RE2, as Istio and the API server), other CEL rules on @bufbuild/cel
  deps: ['yaml@^2.8.1', 'js-yaml@^4.1.1', 'ajv@^8.17.1', '@bufbuild/cel@^0.6.1', '@bufbuild/re2@^0.6.1'],
  devDeps: [
    '@swc/core',
    '@swc/jest',
    'fast-check@^4.10.2',
    'cdk8s-cli@^2.207.0',
    // a workload made with the newest cdk8s-plus, brought to a MeshService (tests: any cdk8s-plus version works)
    'cdk8s-plus-34@^2.0.54',
    // the mesh pictures rendered by Mermaid itself, in Debian's headless Chromium, by a test
    'mermaid@12.3.0',
    'typedoc@~0.28.20',
    'typedoc-plugin-markdown@~4.14.1',
  ],

  jest: true,
  jestOptions: {
    jestVersion: '^30',
    // Snapshots are a contract: tests must never rewrite them silently (also not in CI).
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    junitReporting: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // the fast tier (`npm test`); `npm run test:slow` runs these files, and the property tests at full size
      testPathIgnorePatterns: ['/node_modules/', '\\.slow\\.test\\.ts$'],
      // one worker per core: jest's default leaves a core to its main thread, which mostly waits (on 2 cores: 1 worker)
      maxWorkers: '100%',
      // the examples import the package by name: the sources under test
      moduleNameMapper: { '^@mesh-kit/core$': '<rootDir>/lib/index.ts', '^@mesh-kit/core/pulumi$': '<rootDir>/lib/pulumi/index.ts' },
      collectCoverage: false,
    },
  },

  eslint: true,
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'bench', '.projenrc.ts'],
    ignorePatterns: ['lib/imports/**', 'generated/**', 'examples/*/dist/**', 'dist/**', 'docs/**'],
    // Lint reports; it does not rewrite files behind CI's back (`npm run eslint:fix` does).
    commandOptions: { fix: false },
  },

  // No hosted CI/release wiring here: CI is `.ci/run` on a clean clone.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  clobber: false,
  vscode: false,
  gitignore: ['examples/*/dist/', 'examples/.build/', 'examples/.build-*/', 'docs/.api-check/', '*.cpuprofile', 'coverage/', '/scratch/'],
  npmignoreEnabled: false,
});

// Examples are type-checked (test/tsconfig.json) and linted like tests; this tsconfig lets the
// linter's project service (and editors) find them.
new JsonFile(project, 'examples/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: {
      noEmit: true,
      rootDir: '..',
      baseUrl: '..',
      paths: { '@mesh-kit/core': ['lib/index.ts'], '@mesh-kit/core/pulumi': ['lib/pulumi/index.ts'] },
    },
    include: ['**/*.ts'],
  },
});

// Pulumi is for the `@mesh-kit/core/pulumi` entry only: a cdk8s-only user installs no Pulumi.
project.package.addField('peerDependenciesMeta', {
  '@pulumi/pulumi': { optional: true },
  '@pulumi/kubernetes': { optional: true },
  // SchemaValidation.fromPackages() only
  'kubernetes-models': { optional: true },
  '@kubernetes-models/istio': { optional: true },
  '@kubernetes-models/gateway-api': { optional: true },
});
// Two entry points, each with its types; the tarball holds only what users need.
project.package.addField('exports', {
  '.': { types: './dist/index.d.ts', default: './dist/index.js' },
  './pulumi': { types: './dist/pulumi/index.d.ts', default: './dist/pulumi/index.js' },
  './package.json': './package.json',
});
// dist/imports (the cdk8s-imported CRD types, 5.5 MB) is left out: lib/ imports its types only, so no compiled module
// requires it and no published .d.ts names it (test/scripts/package.test.ts asserts both by installing the tarball)
project.package.addField('files', ['dist/**/*.js', 'dist/**/*.d.ts', '!dist/imports/**', 'generated/validators/**', 'API.md', 'CHANGELOG.md', 'README.md', 'LICENSE']);

// Fast transformer for tests; `tsc --noEmit` (typecheckTests) does the type-checking.
project.deps.removeDependency('ts-jest');
project.jest!.config.transform = { '^.+\\.tsx?$': new javascript.Transform('@swc/jest') };

project.addTask('eslint:fix', {
  env: { ESLINT_USE_FLAT_CONFIG: 'false' },
  exec: 'eslint --ext .ts --fix --no-error-on-unmatched-pattern lib test examples .projenrc.ts',
});
// No `any` in the library. Tests read parsed YAML, whose shape is the thing under test.
project.eslint!.addRules({ '@typescript-eslint/no-explicit-any': 'error' });
project.eslint!.addOverride({ files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } });

// The layers of lib/ (issue 29): each area imports only the areas below it, so that the model and its renderers
// never learn of cdk8s constructs, the analysis never of the constructs that wrote the objects, and no host or
// command is reached from below. From the bottom:
//   core (errors, names, settings; nothing of lib) <- imports (generated CRD types) <- render (model and renderers)
//   <- schema, validation, picture (rules and readers of rendered objects) <- analysis <- hosting/cdk8s (charts,
//   emission, renderApp, the app's analysis) <- backends (what each mesh makes of an intent) <- intent (the constructs)
//   <- install, legacy <- dataplane, pulumi <- cli.
// Allowed exceptions, each stated: backends, intent, install and legacy emit their objects through hosting/cdk8s's emit.ts,
// mark installations through installations.ts and (canary stages) create MeshCharts: the cdk8s host is the port
// constructs write to, while renderApp, MeshApp and the analysis stay above them. The data-plane model reads an app
// through renderApp alone. core's Suppressions loads analysis/codes.ts with a lazy require() (the codes a suppression
// may name), disabled for that line with its reason: the catalogue never imports core/suppressions back.
const LAYERS: { [area: string]: readonly string[] } = {
  core: [],
  imports: [],
  render: ['core', 'imports'],
  schema: ['core', 'render'],
  validation: ['core', 'render'],
  picture: ['core', 'render'],
  analysis: ['core', 'render', 'schema'],
  hosting: ['core', 'render', 'schema', 'validation', 'picture', 'analysis'],
  backends: ['core', 'render', 'validation', 'hosting'],
  intent: ['core', 'render', 'schema', 'validation', 'hosting', 'backends'],
  install: ['core', 'render', 'schema', 'validation', 'hosting', 'intent'],
  legacy: ['core', 'render', 'hosting', 'intent'],
  dataplane: ['core', 'render', 'schema', 'analysis', 'hosting'],
  pulumi: ['core', 'render', 'schema', 'validation', 'picture', 'analysis', 'hosting', 'intent', 'install'],
  cli: ['core', 'render', 'schema', 'picture', 'analysis', 'dataplane'],
};
/** The files of an area that an area above it may import when the area as a whole is not below it. */
const PORTS: { [area: string]: { readonly [from: string]: readonly string[] } } = {
  backends: { hosting: ['./cdk8s/emit.ts'] },
  intent: { hosting: ['./cdk8s/emit.ts', './cdk8s/installations.ts', './cdk8s/mesh-chart.ts'] },
  install: { hosting: ['./cdk8s/emit.ts', './cdk8s/installations.ts', './cdk8s/mesh-chart.ts'] },
  legacy: { hosting: ['./cdk8s/emit.ts', './cdk8s/installations.ts', './cdk8s/mesh-chart.ts'] },
  dataplane: { hosting: ['./cdk8s/render-app.ts'] },
};
const zones = Object.entries(LAYERS).flatMap(([area, below]) => Object.keys(LAYERS)
  .filter(other => other !== area && (!below.includes(other) || PORTS[area]?.[other] !== undefined))
  .map(other => ({
    target: `./lib/${area}`,
    from: `./lib/${other}`,
    ...(PORTS[area]?.[other] ? { except: [...PORTS[area][other]] } : {}),
    message: below.includes(other)
      ? `lib/${area} may import only ${PORTS[area][other].map(f => `lib/${other}/${f.slice(2)}`).join(', ')} of lib/${other} (the layers: .projenrc.ts)`
      : `lib/${area} is below lib/${other}: it may import ${below.length > 0 ? below.map(b => `lib/${b}`).join(', ') : 'nothing of lib/'} (the layers: .projenrc.ts)`,
  })));
project.eslint!.addRules({ 'import/no-restricted-paths': ['error', { zones }] });

// The Istio types are generated from the pinned CRDs (kept outside the project, in ../shared).
project.addTask('import', {
  description: 'Regenerate lib/imports from the pinned Istio and Gateway API CRDs in ../shared/schemas',
  exec: 'node scripts/import.js',
});

// The validators synth checks every object with by default, generated from the pinned CRDs in ../shared/schemas and
// kubernetes-models' declarations into generated/validators (never hand-copied); a test checks they are fresh.
project.addTask('import:validators', {
  description: 'Regenerate generated/validators from the pinned Istio, Gateway API, Linkerd, Argo Rollouts and Flagger CRDs in ../shared/schemas',
  exec: 'node scripts/generate-validators.js',
});

// The run-time checks of every public call: the library's own declarations (classes, their constructors, factories and
// methods, the props types they take) generated into lib/core/generated/api-shapes.ts; a test checks it is fresh.
project.addTask('import:api-shapes', {
  description: 'Regenerate lib/core/generated/api-shapes.ts from the library\'s declarations (after changing a public signature)',
  exec: 'node scripts/generate-api-shapes.js',
});

// Istio's annotation and label definitions, analyzer catalogue and istioctl's default resources, generated into
// lib/analysis/generated from ../shared/reference (never hand-copied); a test checks the file is fresh.
project.addTask('import:istio-data', {
  description: 'Regenerate lib/analysis/generated/istio-data.ts from Istio\'s data in ../shared/reference/istio',
  exec: 'node scripts/generate-istio-data.js',
});

// Istio's chart defaults, Helm and istioctl profiles and the gateway chart's values schema, generated into
// lib/install/generated from ../shared/reference/istio/install (never hand-copied); a test checks the file is fresh.
project.addTask('import:install-data', {
  description: 'Regenerate lib/install/generated/install-data.ts and linkerd-install-data.ts from Istio\'s and Linkerd\'s charts in ../shared/reference/{istio,linkerd}/install',
  exec: 'node scripts/generate-install-data.js',
});

// What the READMEs show of the tools' output (Bookinfo's picture, the nginx canary's diff), regenerated, never hand-made.
project.addTask('readme:artifacts', {
  description: 'Regenerate docs/bookinfo-graph.png (needs Chromium) and the diff in examples/nginx-split/README.md',
  exec: 'node scripts/readme-artifacts.js',
});

// API reference, generated from the doc comments.
const docgen = project.addTask('docgen', {
  description: 'Generate API.md from the doc comments',
  exec: 'node scripts/docgen.js',
});
const docgenCheck = project.addTask('docgen:check', {
  description: 'Fail when API.md is not what the code generates',
  exec: 'node scripts/docgen.js --check',
});
// dist/index.js: tsc's eager barrel rewritten as a lazy one (each export loaded on first use): a cold require of the
// package costs what cdk8s's does, not ~160 modules
project.compileTask.exec('node scripts/lazy-index.js');
project.postCompileTask.spawn(docgen);
// Two test tiers. `npm test`, the README's command, is the fast one: every unit, snapshot, reference and example test,
// the property tests at a small size (their seeds printed). `npm run test:slow`: the type-check of tests and examples,
// the `*.slow.test.ts` files (the packed tarball and "start from nothing", generated-file freshness, the real cdk8s
// CLI, Chromium) and the property tests again at full size (TEST_TIER=slow), lint, API.md's freshness. CI runs both.
project.testTask.reset('jest --ci', { receiveArgs: true });
project.addTask('test:slow', {
  description: 'The slow test tier: type-check, slow tests, property tests at full size, lint, API.md freshness',
  env: { TEST_TIER: 'slow' },
  steps: [
    { name: 'Type-check the test suite and the examples', exec: 'tsc --noEmit -p test/tsconfig.json' },
    { exec: 'jest --ci --testPathIgnorePatterns=/node_modules/ --testMatch \'<rootDir>/test/**/*.slow.test.ts\' \'<rootDir>/test/**/*.property.test.ts\'', receiveArgs: true },
    { spawn: 'eslint' },
    { spawn: docgenCheck.name },
  ],
});

// The benchmark: figures and ratios measured in one run, never a timed test.
project.addTask('bench', {
  description: 'Benchmark synthesis at N = 100, 1,000 and 5,000 services (--sizes, --ceiling N, --runs) against its baselines, and cold start (bench/run.js)',
  steps: [{ spawn: 'compile' }, { exec: 'node scripts/build-examples.js' }, { exec: 'node bench/run.js', receiveArgs: true }],
});

// Every generated file in one command, in the order they depend on each other: the Istio and Gateway API types, Istio's
// data and chart defaults, the run-time checks (read from the library's declarations), the validators, API.md, what the
// READMEs show of the tools' output. (package.json, the tsconfigs and .projen/ are projen's own: `npx projen`.)
const GENERATORS = ['import', 'import:istio-data', 'import:install-data', 'import:api-shapes', 'import:validators', 'docgen', 'readme:artifacts'];
const missing = project.tasks.all.map(t => t.name).filter(n => /^(import|docgen$|readme:)/.test(n) && !n.endsWith(':check') && !GENERATORS.includes(n));
if (missing.length > 0) throw new Error(`.projenrc.ts: add ${missing.join(', ')} to GENERATORS (npm run regen runs every generator)`);
project.addTask('regen', {
  description: `Regenerate every generated file (${GENERATORS.join(', ')}); needs ../shared, and Chromium for docs/bookinfo-graph.png`,
  // readme:artifacts synthesizes examples, which load the compiled package (Node resolves its own name to dist/)
  steps: GENERATORS.flatMap(spawn => (spawn === 'readme:artifacts' ? [{ spawn: 'compile' }, { spawn }] : [{ spawn }])),
});

// Synthesize every example to YAML (examples/<name>/dist).
// the examples import the package by name (Node resolves it to dist/) and run compiled (examples/.build): compile first
project.addTask('synth', {
  description: 'Compile the package, then synthesize every example app (examples/*/cdk8s.yaml) to examples/<name>/dist',
  steps: [{ spawn: 'compile' }, { exec: 'node scripts/synth-examples.js' }],
});

project.synth();
