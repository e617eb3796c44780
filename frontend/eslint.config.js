import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'public', 'e2e/artifacts', 'playwright-report', 'test-results', 'src/types/api.d.ts'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.strict, jsxA11y.flatConfigs.recommended],
    files: ['**/*.{ts,tsx}'],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Features never import each other: shared code lives in components/, lib/, stores/ (bulletproof-react).
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@/app/*'], message: 'Only the app layer imports from app/.' }] },
      ],
    },
  },
  {
    // Playwright fixtures: `async ({}, use) => …` is its API, not a React hook.
    files: ['e2e/**/*.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off', 'no-empty-pattern': 'off' },
  },
  {
    files: ['src/features/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/app/*'], message: 'Features do not import the app layer.' },
            {
              // Except query-key factories (`api/keys`): the live layer patches other features' caches by
              // them, and importing a feature's index would pull its pages into the shell's chunk.
              regex: '^@/features/[^/]+/(?!api/keys$).+',
              message: 'Features do not import each other; share through lib/ or components/.',
            },
          ],
        },
      ],
    },
  },
);
