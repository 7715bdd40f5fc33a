// ESLint with typescript-eslint's type-checked rules over src/. The layering and cycle check is
// dependency-cruiser's (.dependency-cruiser.cjs); `npm run lint` runs both, and so does CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'scripts/**', 'test/**', '*.config.*', '.dependency-cruiser.cjs', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Both forms of an unused value are bugs; `_name` marks one kept on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `import('x').T` types name what a lazily loaded module gives without loading it at start.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // An abort rejects with the signal's reason, whatever the caller put there.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      'no-duplicate-imports': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      // `x != null` is the one loose comparison kept: null or undefined alike.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // An async method of an async interface may do its work synchronously: async keeps a throw a rejection.
      '@typescript-eslint/require-await': 'off',
      // GramJS's 64-bit ids (big-integer) print their digits.
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['BigInteger', 'Error', 'RegExp', 'URL', 'URLSearchParams'] }],
      // Terminal code reads and writes escape sequences on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // The sandbox parses TL with GramJS's untyped classes, and the client's transport glue extends
    // GramJS internals that have no types: `any` is their medium there.
    files: ['src/sandbox/mtproto/**/*.ts', 'src/telegram/mtproto/connection.ts', 'src/telegram/mtproto/client.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
