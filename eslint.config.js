// @ts-check
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

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
  'packages/web': [
    '@gencaster/api',
    '@gencaster/audio',
    '@gencaster/db',
    '@gencaster/live',
    '@gencaster/osc',
    '@gencaster/sound',
    '@gencaster/story',
    '@gencaster/transfer',
    '@gencaster/tts',
    'node:*',
  ],
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      // graphql-codegen output and the apps' build configs (Vite/codegen run them, not tsc)
      'apps/{editor,listener}/src/graphql/generated/**',
      'apps/{editor,listener}/*.ts',
      'packages/web/codegen.ts',
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
  // The Vue apps and their toolkit: eslint-plugin-vue's recommended rules for templates, the
  // typed rules above for <script setup lang="ts"> (vue-eslint-parser hands it to typescript-eslint).
  ...pluginVue.configs['flat/recommended'].map((config) => ({
    ...config,
    files: ['apps/{editor,listener}/src/**/*.vue'],
  })),
  {
    files: ['apps/{editor,listener}/src/**/*.{ts,vue}', 'packages/web/src/**/*.ts'],
    languageOptions: {
      parser: vueParser,
      parserOptions: {
        parser: tseslint.parser,
        extraFileExtensions: ['.vue'],
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        sourceType: 'module',
      },
    },
    rules: {
      // Prettier lays out templates like all other files (these rules would fight it).
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
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
