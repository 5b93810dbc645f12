// @ts-check
import tseslint from 'typescript-eslint';

/** Packages each package may import; keeps `domain ← story, db, osc, tts, audio ← live, transfer ← api ← apps/backend`. */
const forbiddenImports = {
  'packages/domain': ['@gencaster/*', 'node:*'],
  'packages/db': [
    '@gencaster/api',
    '@gencaster/live',
    '@gencaster/transfer',
    '@gencaster/story',
    '@gencaster/osc',
    '@gencaster/tts',
    '@gencaster/sound',
  ],
  'packages/osc': [
    '@gencaster/api',
    '@gencaster/live',
    '@gencaster/transfer',
    '@gencaster/story',
    '@gencaster/db',
    '@gencaster/tts',
    '@gencaster/sound',
  ],
  'packages/tts': [
    '@gencaster/api',
    '@gencaster/live',
    '@gencaster/transfer',
    '@gencaster/story',
    '@gencaster/db',
    '@gencaster/osc',
    '@gencaster/sound',
  ],
  'packages/audio': [
    '@gencaster/api',
    '@gencaster/live',
    '@gencaster/transfer',
    '@gencaster/story',
    '@gencaster/db',
    '@gencaster/osc',
    '@gencaster/tts',
    '@gencaster/sound',
  ],
  'packages/story': [
    '@gencaster/api',
    '@gencaster/live',
    '@gencaster/transfer',
    '@gencaster/db',
    '@gencaster/osc',
    '@gencaster/tts',
    '@gencaster/sound',
  ],
  'packages/sound': ['@gencaster/*'],
  'packages/api': ['@gencaster/sound'],
  'packages/transfer': ['@gencaster/api', '@gencaster/live', '@gencaster/sound'],
  'packages/live': ['@gencaster/api', '@gencaster/sound', '@gencaster/transfer'],
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'apps/listener/**',
      'apps/editor/**',
      'shared-web/**',
      '**/*.js',
      '**/*.mjs',
      '.data/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  ...Object.entries(forbiddenImports).map(([folder, patterns]) => ({
    files: [`${folder}/src/**/*.ts`],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: patterns,
              message: 'This import breaks the package layering (see ARCHITECTURE.md).',
            },
          ],
        },
      ],
    },
  })),
);
