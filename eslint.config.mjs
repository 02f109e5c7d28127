import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** The apps: none may import another's code (they share through libs/), in src or in tests. */
const APPS = ['solarhub-api', 'gridpilot-optimizer', 'ocpp-csms', 'plant-simulator', 'iot-mock', 'console'];
const TEST_FILES = ['**/*.spec.ts', '**/*.e2e-spec.ts'];
const otherApps = (app) => ({
  group: APPS.filter((other) => other !== app).flatMap((other) => [`**/${other}/src/**`, `**/${other}/web/**`]),
  message: 'An app does not import another app: share it through a lib (libs/).',
});
const notInProduct = [
  { group: ['**/test/**', '**/test/support/**'], message: "An app's code does not import tests." },
  { group: ['@lib/testing'], message: 'Test builders are for tests (*.spec.ts, test/), not product code.' },
];
const appBoundaries = APPS.flatMap((app) => [
  {
    files: [`apps/${app}/src/**/*.{ts,tsx}`, `apps/${app}/web/**/*.{ts,tsx}`],
    ignores: TEST_FILES,
    rules: { 'no-restricted-imports': ['error', { patterns: [otherApps(app), ...notInProduct] }] },
  },
  {
    files: [`apps/${app}/test/**/*.ts`, ...TEST_FILES.map((t) => `apps/${app}/${t}`)],
    rules: { 'no-restricted-imports': ['error', { patterns: [otherApps(app)] }] },
  },
]);
const libBoundaries = {
  files: ['libs/**/*.ts'],
  ignores: [...TEST_FILES, 'libs/testing/**'],
  rules: { 'no-restricted-imports': ['error', { patterns: notInProduct }] },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The console's web app: React's rules of hooks.
    files: ['apps/console/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/no-unsafe-member-access': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
      },
    },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  ...appBoundaries,
  libBoundaries,
);
