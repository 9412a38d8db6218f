import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // no temporary file left, one line on ENOSPC/EROFS). docs/security-io.md.
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
