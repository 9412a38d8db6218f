import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The pure core (docs/architecture.md): files that take data and return data. They may not reach
 * the disk, child processes, the process, the console or the terminal, nor import the modules
 * that do (the I/O halves of src/state/, src/export/, src/manifest/ and src/diff/, src/metrics/
 * but its types, the commands, the CLI). I/O a core step needs is done by its caller.
 */
const PURE_CORE = [
  'src/gate/**/*.ts',
  'src/plan/**/*.ts',
  'src/diff/**/*.ts',
  'src/inventory/**/*.ts',
  'src/json/**/*.ts',
  'src/text/**/*.ts',
  'src/time/**/*.ts',
  'src/manifest/rules/**/*.ts',
  ...[
    'access',
    'cost',
    'diagnostic',
    'dotted-path',
    'edit-text',
    'json-parse',
    'placeholders',
    'report',
    'schema-check',
    'secrets',
    'signal-coverage',
    'token-cost',
    'types',
    'validate',
    'value-text',
  ].map((name) => `src/manifest/${name}.ts`),
  ...[
    'audit',
    'audit-query',
    'audit-verify',
    'canonical-json',
    'drift',
    'field-changes',
    'fleet',
    'reason',
    'rollback-hash',
    'stage-entry',
    'state-text',
    'status',
    'transitions',
  ].map((name) => `src/state/${name}.ts`),
  ...['export-time', 'flagd', 'fractional-bucket', 'org-view', 'prometheus-rules', 'readiness'].map((name) => `src/export/${name}.ts`),
  'src/metrics/types.ts',
];
/** In a pure folder, the one file that is not: it runs git. */
const PURE_CORE_EXCEPT = ['src/diff/git-source.ts'];

const NOT_IN_THE_CORE =
  'the pure core takes and returns data: do this I/O in the command (src/commands/) or a reader beside it, and pass the result in';
const pureCoreImports = {
  paths: ['fs', 'fs/promises', 'child_process', 'process', 'readline', 'execa'].flatMap((name) =>
    name === 'execa'
      ? [{ name, message: NOT_IN_THE_CORE }]
      : [
          { name, message: NOT_IN_THE_CORE },
          { name: `node:${name}`, message: NOT_IN_THE_CORE },
        ],
  ),
  patterns: [
    {
      group: ['**/ui/*', '**/ui/**/*', '**/commands/*', '**/cli/*', '**/cli.js'],
      message: 'the pure core never reaches the terminal or the commands: return data for the command to render',
    },
    {
      group: [
        '**/state/audit-file.js',
        '**/state/lock.js',
        '**/state/transaction.js',
        '**/state/operator-config.js',
        '**/state/actor.js',
        '**/export/output.js',
        '**/diff/git-source.js',
        '**/manifest/load.js',
        '**/manifest/write.js',
        '**/manifest/code-cache.js',
        '**/manifest/schema-compile.js',
        '**/manifest/schema-validator.js',
        '**/metrics/*',
        '!**/metrics/types.js',
      ],
      message: `that module does I/O; ${NOT_IN_THE_CORE}`,
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'src/manifest/schema-types.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']",
          message: 'Set process.exitCode in src/cli.ts; commands throw typed errors.',
        },
      ],
    },
  },
  {
    // Every file read goes through src/files/bounded-read.ts (bounded by what is read, never by
    // stat; no FIFO or device opened) and every write through src/files/atomic-write.ts (atomic,
    // no temporary file left, one line on ENOSPC/EROFS). docs/security.md.
    files: ['src/**/*.ts'],
    ignores: ['src/files/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        ...['node:fs', 'node:fs/promises', 'fs', 'fs/promises'].map((name) => ({
          name,
          importNames: [
            'default',
            'readFile',
            'readFileSync',
            'createReadStream',
            'open',
            'openSync',
            'read',
            'readSync',
            'writeFile',
            'writeFileSync',
            'appendFile',
            'appendFileSync',
            'createWriteStream',
            'write',
            'writeSync',
            'truncate',
            'truncateSync',
            'ftruncate',
            'ftruncateSync',
            'copyFile',
            'copyFileSync',
            'cp',
            'cpSync',
          ],
          message: 'Read files with src/files/bounded-read.ts and write them with src/files/atomic-write.ts.',
        })),
      ],
    },
  },
  {
    // The pure core (docs/architecture.md): no I/O at all. After the block above, so that in these
    // files this stricter list is the one in force.
    files: PURE_CORE,
    ignores: PURE_CORE_EXCEPT,
    rules: {
      'no-restricted-imports': ['error', pureCoreImports],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: NOT_IN_THE_CORE },
        { name: 'console', message: 'the pure core returns what it found; the command prints it' },
      ],
    },
  },
  {
    // Tests edit raw JSON documents; typing every mutation would say nothing.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', structuredClone: 'readonly', setTimeout: 'readonly' },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
