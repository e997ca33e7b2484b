import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The rooms of the code and what each may import (docs/design.md has the same table).
// Nothing imports "up": a room lists only the rooms below it. Test files are exempt.
/** @type {string[]} */
const ROOMS = ['flow', 'contracts', 'dora', 'components', 'store', 'runs', 'activities', 'workflows', 'api', 'worker', 'cli'];
/** @type {Record<string, string[]>} */
const MAY_IMPORT = {
  flow: ['flow'],
  contracts: ['flow', 'contracts'],
  // DORA metrics: a pure computation over records.
  dora: ['flow', 'contracts', 'dora'],
  components: ['flow', 'contracts', 'components'],
  store: ['flow', 'contracts', 'store'],
  runs: ['flow', 'contracts', 'components', 'store', 'runs'],
  activities: ['flow', 'contracts', 'components', 'store', 'runs', 'activities'],
  // Workflow code: values only from pure rooms (below); activity *types* for proxyActivities.
  workflows: ['flow', 'contracts', 'workflows'],
  api: ['flow', 'contracts', 'dora', 'components', 'store', 'runs', 'api'],
  worker: ['flow', 'contracts', 'dora', 'components', 'store', 'runs', 'activities', 'workflows', 'api', 'worker'],
  cli: ROOMS,
};
// Packages that do I/O or belong to one room only (the Docker and Kubernetes runners, the
// HTTP server, the Lua VM, the Temporal worker and activity runtimes).
const IO_PACKAGES = ['node:*', 'dockerode', '@kubernetes/*', 'hono', 'hono/*', '@hono/*', 'fengari', 'fengari-*', 'prom-client', '@temporalio/*'];
/** @type {Record<string, string[] | undefined>} */
const NOT_IN = {
  flow: IO_PACKAGES,
  contracts: IO_PACKAGES.filter((p) => p !== '@temporalio/*'),
  dora: IO_PACKAGES,
  components: ['dockerode', '@kubernetes/*', 'hono', 'hono/*', '@hono/*', 'fengari', '@temporalio/*'],
  store: ['dockerode', '@kubernetes/*', 'hono', 'hono/*', '@hono/*', 'fengari', '@temporalio/*', 'prom-client'],
  runs: ['dockerode', '@kubernetes/*', 'hono', 'hono/*', '@hono/*', 'fengari', '@temporalio/worker', '@temporalio/activity'],
  api: ['dockerode', '@kubernetes/*', 'fengari', '@temporalio/worker', '@temporalio/activity'],
  activities: ['hono', 'hono/*', '@hono/*', '@temporalio/worker'],
};

/** @param {string[]} rooms */
const upInto = (rooms) => `^(\\.\\./)+(${rooms.join('|')})/`;

/** @param {string} room */
function roomRule(room) {
  const forbidden = ROOMS.filter((r) => !MAY_IMPORT[room].includes(r));
  const patterns = [];
  if (forbidden.length > 0) {
    patterns.push({
      regex: upInto(forbidden),
      // workflows/ may name activity types for proxyActivities<typeof …>.
      allowTypeImports: room === 'workflows',
      message: `${room}/ may import only ${MAY_IMPORT[room].join(', ')} (see the room table in docs/design.md).`,
    });
  }
  if (NOT_IN[room]) {
    patterns.push({ group: NOT_IN[room], allowTypeImports: true, message: `${room}/ does no I/O of that kind: it belongs in another room (docs/design.md).` });
  }
  if (room === 'contracts') {
    patterns.push({ regex: '^@temporalio/(?!workflow$)', allowTypeImports: true, message: 'contracts/ may use only @temporalio/workflow (signal and query definitions).' });
  }
  if (room === 'workflows') {
    // The deterministic sandbox: values only from @temporalio/workflow and pure modules.
    patterns.push({
      regex: '^(?!@temporalio/workflow$|\\./|\\.\\./contracts/|\\.\\./flow/(model|paths|job-texts|expressions)(\\.ts$|/))',
      allowTypeImports: true,
      message: 'workflows/ may value-import only @temporalio/workflow and pure code (contracts/, flow/ model, paths, job-texts, expressions); I/O stays in activities/ (type imports are fine).',
    });
  }
  return patterns.length === 0 ? {} : { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] };
}

const roomBlocks = ROOMS.map((room) => ({
  files: [`${room}/**/*.ts`],
  ignores: [`${room}/**/*.test.ts`],
  rules: {
    ...roomRule(room),
    ...(room === 'workflows' ? { 'no-restricted-globals': ['error', 'process', 'require', 'Buffer'] } : {}),
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'coverage/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // One concept per file, short functions (STYLE.md); tests and benchmarks read as scenarios.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['**/*.test.ts', 'test/**', 'bench/**'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  ...roomBlocks,
  {
    // The browser code: pure shared code (flow/, contracts/ types) and its own files; no server rooms, no Node.
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    ignores: ['web/src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [
        // Two levels up at least: `../components/` inside web/src is web/src/components, not the catalog.
        { regex: upInto(ROOMS.filter((r) => r !== 'flow' && r !== 'contracts')).replace('(\\.\\./)+', '(\\.\\./){2,}'), message: 'web/src may import only web/src, flow/ and contracts/ (types).' },
        { group: ['node:*', 'dockerode', '@kubernetes/*', 'hono', 'hono/*', '@hono/*', 'fengari', 'pg', '@temporalio/*'], allowTypeImports: true, message: 'web/src runs in the browser.' },
      ] }],
    },
  },
  {
    // The Lua syntax check at validation time compiles with fengari: a pure computation, no I/O.
    files: ['flow/lua-syntax.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
);
