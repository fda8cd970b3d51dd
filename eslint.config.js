// Lint rules for the whole repository: the recommended JavaScript and strict TypeScript sets, plus
// the project's own promises (nothing from input runs as code; the core stays pure).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'wasm/',
      'dist/',
      'node_modules/',
      'test-output/',
      'bench-output/',
      'python/',
      'public/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': [
        'error',
        {
          property: 'innerHTML',
          message: 'Put text in with textContent; user text never becomes HTML.',
        },
        {
          property: 'outerHTML',
          message: 'Put text in with textContent; user text never becomes HTML.',
        },
        {
          property: 'insertAdjacentHTML',
          message: 'Put text in with textContent; user text never becomes HTML.',
        },
      ],
      // Array reads are checked by the surrounding loop bounds; the assertion says so where TS cannot see it.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*', '!../../core/**'],
              message: 'src/core imports only from src/core.',
            },
            {
              group: ['three', 'three/*', 'lil-gui', 'virtual:*', 'papaparse'],
              message: 'src/core imports no browser or build library.',
            },
          ],
        },
      ],
    },
  },
);
