// Lint rules, including the process boundaries of DESIGN.md §2 as import bans.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'url', 'util', 'stream', 'events', 'process', 'buffer'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "Property[key.name='shell'][value.value=true]", message: 'Never run a shell: use the exec allow-list with an argument array.' },
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
      'no-restricted-imports': ['error', { paths: [
        { name: 'child_process', message: 'Child processes only through src/agent/exec/run-command.ts.' },
        { name: 'node:child_process', message: 'Child processes only through src/agent/exec/run-command.ts.' },
      ] }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: NODE_BUILTINS, message: 'src/shared holds contracts only: no Node imports.' },
        { group: ['electron', 'electron/*'], message: 'src/shared holds contracts only: no Electron imports.' },
        { group: ['../agent/*', '../service/*', '../main/*', '../../agent/*', '../../service/*', '../../main/*'], message: 'src/shared depends on nothing else in src.' },
      ] }],
    },
  },
  {
    files: ['src/agent/**/*.ts', 'src/service/**/*.ts', 'src/common/**/*.ts', 'src/demo/**/*.ts'],
    ignores: ['src/agent/exec/run-command.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'child_process', message: 'Child processes only through src/agent/exec/run-command.ts.' },
          { name: 'node:child_process', message: 'Child processes only through src/agent/exec/run-command.ts.' },
        ],
        patterns: [{ group: ['electron', 'electron/*'], message: 'The agent core and the service run without Electron.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...NODE_BUILTINS, 'electron', 'electron/*'], message: 'The renderer talks to the main process only through the preload bridge.' },
      ] }],
    },
  },
  {
    // The one module allowed to start processes.
    files: ['src/agent/exec/run-command.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['*.config.{js,ts}'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.{ts,js}'],
    rules: {
      // Tests may start helper processes (nginx, python3) directly.
      'no-restricted-imports': 'off',
    },
  },
);
