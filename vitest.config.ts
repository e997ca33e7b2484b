import { defineConfig } from 'vitest/config';

// Forks, not threads: the Temporal SDK's native bridge misbehaves in worker
// threads (sdk-typescript#876).
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{flow,contracts,dora,workflows,activities,runs,worker,api,cli,store,components,web}/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/kubernetes/**', 'test/workflows/**', 'test/production/**', 'test/compose/**', 'test/forge/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // The run workflow on a real Temporal dev server with a scripted runner: no Docker.
          name: 'workflows',
          include: ['test/workflows/**/*.test.ts'],
          globalSetup: ['test/workflows/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // The runner tests on a real single-node cluster (scripts/k8s/cluster.sh).
          name: 'kubernetes',
          include: ['test/kubernetes/**/*.test.ts'],
          globalSetup: ['test/kubernetes/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // The production topology on real servers: PostgreSQL, the real Temporal server, coflow's own processes.
          name: 'production',
          include: ['test/production/**/*.test.ts'],
          globalSetup: ['test/production/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 180_000,
          // The fault tests restart the shared Temporal server: one file at a time.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // The forge round trip: a real Gitea (scripts/gitea.sh) on the production fixture's PostgreSQL, webhooks and commit statuses.
          name: 'forge',
          include: ['test/forge/**/*.test.ts'],
          globalSetup: ['test/forge/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // The production images and docker-compose.yml (scripts/images.sh builds the images first).
          name: 'compose',
          include: ['test/compose/**/*.test.ts'],
          globalSetup: ['test/compose/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
