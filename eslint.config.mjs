// ESLint flat config: strict TypeScript for the mini-program, the service and the tests.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import prettier from 'eslint-config-prettier';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const miniprogramGlobals = {
  wx: 'readonly',
  App: 'readonly',
  Page: 'readonly',
  Component: 'readonly',
  Behavior: 'readonly',
  getApp: 'readonly',
  getCurrentPages: 'readonly',
  WechatMiniprogram: 'readonly',
};

/** An import path that reaches into `folder` of miniprogram/ (relative: '../stores/x', '../../services/api'). */
const into = (folder, message) => ({ regex: `(^|/)${folder}(/|$)`, message });

/** The live subpackage (app.json "subpackages", root pages/): the main package may not require it. */
const intoLiveSubpackage = (message) => ({ regex: '(^|/)pages(/|$)', message });

/** What a page (main package or live subpackage) must not import. */
const PAGE_PATTERNS = [
  {
    regex: '(^|/)services/api$',
    message: 'Pages never call services/api: add a store action (stores/rooms.ts, stores/user.ts).',
  },
  {
    regex: '(^|/)services/(?!api$)',
    message: 'Pages import no services/: go through a store (types are re-exported from stores/).',
  },
  into('components', 'Pages use components through usingComponents (index.json), not TypeScript imports.'),
];

/** The main package cannot require the live subpackage (pages/). */
const mainCannotRequireLive = intoLiveSubpackage(
  'The main package cannot require the live subpackage (pages/): reach it by navigation, or require.async.',
);

/**
 * The mini-program's layers, lowest first: utils (pure) <- services (the outside world) <- stores <- pages;
 * components sit beside the pages and use only utils. The live session's stores (pages/stores/) and the SDK's
 * module (pages/engine/) live in the live subpackage with the live pages; the main package (home/, stores/,
 * services/, ...) reaches none of it statically. Each entry: the files, and what they must not import.
 */
const LAYERS = [
  {
    files: ['miniprogram/utils/**/*.ts'],
    patterns: [
      into('stores', 'utils/ is pure: it imports nothing from stores/ (move the type down into utils).'),
      into('services', 'utils/ is pure: it imports nothing from services/.'),
      into('pages', 'utils/ is pure: it imports nothing from pages/.'),
      into('components', 'utils/ is pure: it imports nothing from components/.'),
    ],
  },
  {
    files: ['miniprogram/services/**/*.ts'],
    patterns: [
      into('stores', 'services/ is the outside world: it may import utils/ and config only, not stores/.'),
      into('pages', 'services/ may import utils/ and config only, not pages/.'),
      into('components', 'services/ may import utils/ and config only, not components/.'),
    ],
  },
  {
    files: ['miniprogram/stores/**/*.ts'],
    patterns: [
      into(
        'pages',
        'stores/ may import services/, utils/ and config, not pages/ (the live subpackage: the main package cannot require it).',
      ),
      into('components', 'stores/ may import services/, utils/ and config, not components/.'),
    ],
  },
  {
    files: ['miniprogram/pages/stores/**/*.ts'],
    patterns: [
      {
        regex: '^\\.\\./(?!\\.\\./)',
        message:
          'pages/stores/ may import its own files, stores/, services/, utils/ and config, not the pages.',
      },
      {
        regex: '(^|/)pages/(?!stores/)',
        message:
          'pages/stores/ may import its own files, stores/, services/, utils/ and config, not the pages.',
      },
      into('components', 'pages/stores/ may import services/, utils/ and config, not components/.'),
    ],
  },
  {
    files: ['miniprogram/pages/engine/**/*.ts'],
    patterns: [
      into(
        'stores',
        'pages/engine/ is the SDK of the outside world: it may import services/ and utils/ only.',
      ),
      into('components', 'pages/engine/ may import services/ and utils/ only.'),
      {
        regex: '^\\.\\./(?!\\.\\./)',
        message: 'pages/engine/ may import services/ and utils/ only, not the pages.',
      },
    ],
  },
  {
    files: ['miniprogram/components/**/*.ts'],
    patterns: [
      into('stores', 'components/ may import utils/ only: the page binds the store and passes properties.'),
      into('services', 'components/ may import utils/ only, not services/.'),
      into('pages', 'components/ may import utils/ only, not pages/.'),
    ],
  },
  {
    files: ['miniprogram/app.ts', 'miniprogram/config.ts'],
    patterns: [mainCannotRequireLive],
  },
  {
    files: ['miniprogram/pages/**/*.ts'],
    ignores: ['miniprogram/pages/stores/**', 'miniprogram/pages/engine/**'],
    patterns: PAGE_PATTERNS,
  },
  {
    files: ['miniprogram/home/**/*.ts'],
    patterns: [...PAGE_PATTERNS, mainCannotRequireLive],
  },
];

/** An import path that reaches into `folder` of server/src/ (relative: '../lib/x', '../../plugins/app/live'). */
const intoServer = (folder, message, allowTypeImports = false) => ({
  regex: `(^|/)${folder}(/|$)`,
  message,
  ...(allowTypeImports ? { allowTypeImports } : {}),
});

/**
 * The service's layers, lowest first: lib/ (the contract and pure helpers) and the outside systems' clients (zego/, redis/,
 * wechat/, alipay/, qr/) <- store/ <- http/ (plumbing) <- plugins/ (one per outside system or job) <- features/
 * (routes and their rules) <- app.ts, main.ts, cli/. A layer may use the types of the one above it where a context
 * is declared there (LiveContext), never its code. Each entry: the files, and what they must not import.
 */
const SERVER_LAYERS = [
  {
    files: ['server/src/lib/**/*.ts'],
    patterns: [
      intoServer('http', 'lib/ is the contract and pure helpers: it imports nothing from http/.'),
      intoServer('plugins', 'lib/ is the contract and pure helpers: it imports nothing from plugins/.'),
      intoServer('features', 'lib/ is the contract and pure helpers: it imports nothing from features/.'),
    ],
  },
  {
    files: ['server/src/{zego,wechat,alipay,redis}/**/*.ts'],
    patterns: [
      intoServer('http', "An outside system's client may import lib/ and config only, not http/."),
      intoServer('plugins', "An outside system's client may import lib/ and config only, not plugins/."),
      intoServer('features', "An outside system's client may import lib/ and config only, not features/."),
      intoServer('store', "An outside system's client may import lib/ and config only, not store/."),
    ],
  },
  {
    files: ['server/src/store/**/*.ts'],
    patterns: [
      intoServer('http', 'store/ may import lib/ and config only, not http/.'),
      intoServer(
        'plugins',
        'store/ may import lib/ and config only, not plugins/ (the store plugin wraps it).',
      ),
      intoServer('features', 'store/ may import lib/ and config only, not features/.'),
    ],
  },
  {
    files: ['server/src/http/**/*.ts'],
    patterns: [
      intoServer(
        'plugins',
        'http/ is plumbing: it may use the types plugins/ declare, not their code.',
        true,
      ),
      intoServer('features', 'http/ is plumbing shared by every feature: it imports nothing from features/.'),
    ],
  },
  {
    files: ['server/src/plugins/**/*.ts'],
    patterns: [
      intoServer(
        'features',
        'plugins/ never import features/: a feature adds its part to a plugin (e.g. sweeper.addStep).',
      ),
    ],
  },
  {
    files: ['server/src/features/**/*.ts'],
    patterns: [
      intoServer(
        'plugins',
        'features/ use plugins through their decorations; import only their types.',
        true,
      ),
      {
        regex: '^\\.\\./[^/]+/routes$',
        message:
          "A feature never imports another feature's routes: move what both need into its service or rules.",
      },
      intoServer('(app|main)$', 'features/ never import the app that registers them.'),
    ],
  },
];

export default defineConfig(
  {
    ignores: [
      'node_modules/**',
      '**/node_modules/**',
      'miniprogram/miniprogram_npm/**',
      'miniprogram/**/miniprogram_npm/**',
      'alipay/dist/**',
      'server/public/dist/**',
      'coverage/**',
      'data/**',
      '**/*.wxs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.es2021, ...miniprogramGlobals },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  ...LAYERS.map(({ files, ignores, patterns }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
  ...SERVER_LAYERS.map(({ files, patterns }) => ({
    files,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  })),
  {
    // The apps take the contract's schemas as types only: TypeBox must not ship in an app (the builds check it too).
    files: ['miniprogram/**/*.ts', 'alipay/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@zego-live/contract/schemas',
              allowTypeImports: true,
              message:
                'the schemas are for types only (`import type`); run-time values come from @zego-live/contract',
            },
          ],
        },
      ],
    },
  },
  {
    // No import cycles inside the mini-program or the service (type-only imports are erased and do not count).
    files: ['miniprogram/**/*.ts', 'server/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Relative imports resolve as Node resolves them, .ts first; dependencies are parsed as TypeScript.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // No source file over 400 lines, counted as `wc -l` counts them (blank lines and comments included), tests aside.
    files: ['**/*.{ts,js,mjs,cjs}'],
    ignores: ['**/test/**', 'test/**'],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: ['scripts/**', 'server/**', 'test/**', '**/*.config.js', '**/*.cjs', 'jest.config.js'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['server/console/**', 'test/pictures/**/*.browser.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  prettier,
);
