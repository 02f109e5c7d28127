const fs = require('node:fs');
const path = require('node:path');

// Jest runs TypeScript through SWC. Nest 12 and a growing part of its dependency tree ship ESM
// only, and Jest's module loader cannot require() ESM on Node 20, so every package that declares
// "type": "module" is compiled to CommonJS as well. The list is read from node_modules, so it
// follows upgrades without edits here.
function esmPackages(dir = path.join(__dirname, 'node_modules'), found = new Set()) {
  let entries = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      esmPackages(full, found);
      continue;
    }
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(full, 'package.json'), 'utf8'));
      if (pkg.type === 'module') found.add(pkg.name);
    } catch {
      // not a package
    }
    esmPackages(path.join(full, 'node_modules'), found);
  }
  return found;
}
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const esmOnly = [...esmPackages()].map(escape);
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs', ignoreDynamic: false },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@lib/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
};
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // Left untransformed: files whose innermost node_modules package is not ESM-only.
  transformIgnorePatterns: [`/node_modules/(?!(?:${esmOnly.join('|')})/)(?!.*/node_modules/)`],
  moduleNameMapper,
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};

module.exports = {
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    },
    {
      // One app over real HTTP, broker and database (apps/<app>/test).
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/apps/*/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
    {
      // The whole site: several apps, the launcher, the console in a real browser (test/).
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
  ],
};
