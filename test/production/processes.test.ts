/**
 * The entry points on PostgreSQL, as an operator meets them: `coflow migrate`
 * brings the schema up (and says so), API servers and workers refuse a
 * database that was not migrated, with the command to run, and a shared
 * database without a shared secrets key is refused before anything starts.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';
import { SCHEMA_STEPS } from '../../store/schema.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(inject('postgresUrl'));
});
afterAll(async () => {
  await database?.drop();
});

function coflow(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'cli/coflow.ts'), ...args], {
    env: { ...process.env, COFLOW_TEMPORAL_ADDRESS: inject('prodTemporalAddress'), COFLOW_API_PORT: '0', COFLOW_WORKER_PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('coflow on PostgreSQL', () => {
  it('refuses to start on a database that was not migrated, saying what to run; migrate brings it up once', () => {
    const env = { COFLOW_DATABASE_URL: database.url, COFLOW_SECRETS_KEY: randomBytes(32).toString('base64') };
    for (const command of ['api', 'worker']) {
      const refused = coflow([command], env);
      expect({ command, status: refused.status }).toEqual({ command, status: 2 });
      expect(refused.stderr).toMatch(/run `coflow migrate`/);
      expect(refused.stderr).not.toMatch(/\n\s+at /); // a message, not a stack
    }
    const first = coflow(['migrate', '--json'], env);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ store: 'postgres', from: 0, applied: SCHEMA_STEPS.map((s) => ({ version: s.version })) });
    const again = coflow(['migrate'], env);
    expect([again.status, again.stdout.trim()]).toEqual([0, expect.stringMatching(/nothing to do$/) as unknown]);
  });

  it('refuses a shared database without a shared secrets key, and a URL that is not PostgreSQL', () => {
    const noKey = coflow(['migrate'], { COFLOW_DATABASE_URL: database.url, COFLOW_SECRETS_KEY: '' });
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toMatch(/COFLOW_SECRETS_KEY is required with COFLOW_DATABASE_URL/);
    const mysql = coflow(['migrate'], { COFLOW_DATABASE_URL: 'mysql://coflow@127.0.0.1/coflow', COFLOW_SECRETS_KEY: 'x' });
    expect([mysql.status, mysql.stderr]).toEqual([2, expect.stringMatching(/must be a postgres:\/\/ or postgresql:\/\/ URL/) as unknown]);
  });
});
