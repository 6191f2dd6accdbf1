// Lint rules, including the process boundaries of DESIGN.md §2 as import bans.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'url', 'util', 'stream', 'events', 'process', 'buffer'];

const BASE_SYNTAX = [
  { selector: "Property[key.name='shell'][value.value=true]", message: 'Never run a shell: use the exec allow-list with an argument array.' },
  { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
];

// Raw IPC only inside the two wrappers (src/main/ipc.ts, src/preload/index.cts).
const RAW_IPC_SYNTAX = [
  { selector: "MemberExpression[object.name=/^ipc(Main|Renderer)$/]", message: 'Use the typed IPC wrapper in src/main/ipc.ts.' },
  { selector: "CallExpression[callee.property.name='send'][callee.object.property.name='webContents']", message: 'Push events with sendIpcEvent from src/main/ipc.ts.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', ...BASE_SYNTAX],
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
    // The Electron main process: raw ipcMain only in its wrapper; the renderer's code never.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/ipc.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...BASE_SYNTAX, ...RAW_IPC_SYNTAX],
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'child_process', message: 'Child processes only through src/agent/exec/run-command.ts.' },
          { name: 'node:child_process', message: 'Child processes only through src/agent/exec/run-command.ts.' },
          { name: 'electron', importNames: ['ipcRenderer', 'contextBridge'], message: 'Renderer-side Electron APIs belong in src/preload.' },
        ],
        patterns: [{ group: ['../../renderer/*', '../preload/*'], message: 'The main process does not import renderer or preload code.' }],
      }],
    },
  },
  {
    // The sandboxed preload: CommonJS that may require only electron; the contract is imported as types.
    files: ['src/preload/**/*.{ts,cts}'],
    rules: {
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^electron$'] }],
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['*', '!electron'], allowTypeImports: true, message: 'A sandboxed preload can require only electron: import the IPC contract with `import type`.' }],
      }],
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
