import { describe, expect, it } from 'vitest';
import { SchemaTooNewError, SchemaTooOldError } from './errors.ts';
import { checkSchema, KNOWN_SCHEMA_VERSION, migrationsFor, pendingMigrations, SCHEMA_STEPS } from './schema.ts';

const WHERE = 'PostgreSQL database postgres://coflow@db:5432/coflow';

function verdict(version: number, oldestCode: number, known: number): string {
  try {
    checkSchema(WHERE, { version, oldestCode }, known);
    return 'runs';
  } catch (err) {
    if (err instanceof SchemaTooOldError) return 'migrate';
    if (err instanceof SchemaTooNewError) return 'upgrade';
    throw err;
  }
}

describe('the schema rules', () => {
  it('runs on its own version, asks to migrate an older one, and judges a newer one by its oldest code', () => {
    expect(verdict(3, 1, 3)).toBe('runs');
    expect(verdict(2, 1, 3)).toBe('migrate');
    expect(verdict(0, 0, 3)).toBe('migrate');
    // The release before a rolling upgrade keeps running on an expanded schema…
    expect(verdict(4, 3, 3)).toBe('runs');
    expect(verdict(5, 2, 3)).toBe('runs');
    // …but not on one a contract step changed under it.
    expect(verdict(4, 4, 3)).toBe('upgrade');
  });

  it('says what to run, and where', () => {
    expect(() => checkSchema(WHERE, { version: 0, oldestCode: 0 }, 2)).toThrow(`${WHERE} has no coflow schema yet; this coflow needs schema version 2: run \`coflow migrate\` first`);
    expect(() => checkSchema(WHERE, { version: 1, oldestCode: 1 }, 2)).toThrow(`${WHERE} is at schema version 1; this coflow needs schema version 2: run \`coflow migrate\` first`);
    const tooNew = (): void => checkSchema(WHERE, { version: 4, oldestCode: 4 }, 2);
    expect(tooNew).toThrow(`${WHERE} is at schema version 4, which needs a coflow that knows schema version 4 or later; this coflow knows 2: upgrade coflow`);
  });

  it('joins a backend\'s SQL to every step, and refuses a backend that lacks one or has one too many', () => {
    const sql = Object.fromEntries(SCHEMA_STEPS.map((s) => [s.version, `-- ${s.version}`]));
    const migrations = migrationsFor('test', sql);
    expect(migrations.map((m) => [m.version, m.name, m.sql])).toEqual(SCHEMA_STEPS.map((s) => [s.version, s.name, `-- ${s.version}`]));
    expect(migrations.at(-1)?.version).toBe(KNOWN_SCHEMA_VERSION);
    expect(pendingMigrations(migrations, 1).map((m) => m.version)).toEqual(SCHEMA_STEPS.slice(1).map((s) => s.version));
    expect(() => migrationsFor('test', { 1: '' })).toThrow('test migrations: no SQL for schema step 2');
    expect(() => migrationsFor('test', { ...sql, 9: '' })).toThrow('test migrations: SQL for unknown schema step(s) 9');
  });

  it('refuses steps out of order, or that let newer code than themselves be the oldest, or lower the bar again', () => {
    const step = (version: number, oldestCode: number) => ({ version, name: `s${version}`, oldestCode });
    expect(() => migrationsFor('t', { 2: '' }, [step(2, 1)])).toThrow('schema step 1 is numbered 2');
    expect(() => migrationsFor('t', { 1: '' }, [step(1, 2)])).toThrow('oldestCode must be 1..1');
    expect(() => migrationsFor('t', { 1: '', 2: '', 3: '' }, [step(1, 1), step(2, 2), step(3, 1)])).toThrow('is below step 2');
  });
});
