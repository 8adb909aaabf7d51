// The layers and the arrows between them, checked by dependency-cruiser in `npm test`
// (test/layers.test.ts); docs/architecture.md says what each layer owns. An import may only
// point down:
//   core → trace → sandbox → worker → scenario → cli, and the entry points (src/*.ts) on top;
//   web/ uses only the package's public entry points; scripts/ and test/ may use anything.
import ts from 'typescript';

/** The modules the package compiles and ships, as tsconfig.build.json lists them. */
const { config: build } = ts.readConfigFile(new URL('../tsconfig.build.json', import.meta.url).pathname, ts.sys.readFile);
const entryPoints = build.files.filter((f) => !f.endsWith('.d.ts'));
const exactly = (paths) => `^(${paths.map((p) => p.replace(/[.]/g, '\\.')).join('|')})$`;

/** Each layer of src/, with the layers below it. */
const LAYERS = ['core', 'trace', 'sandbox', 'worker', 'scenario', 'cli'];
const below = (layer) => LAYERS.slice(0, LAYERS.indexOf(layer) + 1);

const WHY = {
  core: 'core/ (module loading, handles, errors, bytes) is the floor: it imports no other layer',
  trace: 'trace/ holds codecs of what crossed the wire (records, handshake messages, pcapng): it imports nothing above core/',
  sandbox: 'sandbox/ (the engine and the typed API over it) takes its transport from its caller: it never imports worker/ or anything above',
  worker: 'worker/ carries the sandbox across a thread: it never imports the scenario runner or the CLI',
  scenario: 'scenario/ (the one interpreter, reporters, C export) never imports the CLI or the entry points',
  cli: 'cli/ is the command line over scenario/: the entry points do not belong to it',
};

export default {
  forbidden: [
    ...LAYERS.map((layer) => ({
      name: `${layer}-points-down`,
      comment: WHY[layer],
      severity: 'error',
      from: { path: `^src/${layer}/` },
      to: { path: '^src/', pathNot: `^src/(${below(layer).join('|')})/` },
    })),
    {
      name: 'src-ships-alone',
      comment: 'src/ is the package: it never imports the checkout (scripts/, test/, web/, examples/) nor a devDependency',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(scripts|test|web|examples)/' },
    },
    {
      name: 'src-uses-no-dev-dependency',
      comment: 'src/ is the package: what it imports from npm must be a dependency, not a devDependency',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'src-is-what-ships',
      comment: `every module of src/ is compiled into the package: reachable from an entry point of tsconfig.build.json (${entryPoints.join(', ')}); checkout-only tooling lives in scripts/`,
      severity: 'error',
      from: { path: exactly(entryPoints) },
      to: { path: '^src/', pathNot: [exactly(entryPoints), '\\.d\\.ts$'], reachable: false },
    },
    {
      name: 'web-uses-the-package',
      comment: "web/ imports only the package's public entry points ('openssl-wasm-sandbox', 'openssl-wasm-sandbox/conformance'), as any user's page would",
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(src|scripts|test)/', pathNot: '^src/(index|conformance)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|web/dist|wasm/dist)/' },
    // Type-only imports are arrows too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'node', 'default'] },
  },
};
