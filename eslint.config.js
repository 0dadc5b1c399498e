import js from '@eslint/js';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/data/**', '**/coverage/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Every pattern may meet attacker-sized input: none may backtrack super-linearly, in a match
  // (`no-super-linear-backtracking`) or across the start positions a search tries (`no-super-linear-move`).
  regexp.configs['flat/recommended'],
  {
    rules: {
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignoreSticky: false, ignorePartial: false }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.test.ts', 'scripts/**', 'examples/**', 'test-support/**', '**/test/**'],
    rules: { 'no-console': 'off' },
  },
);
