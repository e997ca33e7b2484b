import { describe, expect, it } from 'vitest';
import { ConnectionLostError, StoreClosedError, StoreUnavailableError } from './errors.ts';
import { isTransient, retryTransient } from './transient.ts';

const coded = (code: string): Error => Object.assign(new Error(code), { code });

describe('isTransient', () => {
  it('waits out a lost or refused connection, a restarting server, serialization failures and deadlocks', () => {
    for (const code of ['08006', '08001', '57P01', '57P03', '40001', '40P01', 'ECONNREFUSED', 'ECONNRESET']) expect(isTransient(coded(code)), code).toBe(true);
    expect(isTransient(new ConnectionLostError({ cause: new Error('Connection terminated unexpectedly') }))).toBe(true);
    expect(isTransient(Object.assign(new Error('database is locked'), { errcode: 5 }))).toBe(true);
  });

  it('does not wait out what a retry cannot change', () => {
    for (const code of ['23505', '42P01', '28P01', '3D000', 'ENOTFOUND']) expect(isTransient(coded(code)), code).toBe(false);
    expect(isTransient(new StoreUnavailableError(60_000))).toBe(false);
    expect(isTransient(new StoreClosedError())).toBe(false);
    expect(isTransient(new Error('disk full'))).toBe(false);
    expect(isTransient(Object.assign(new Error('constraint'), { errcode: 19 }))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });
});

describe('retryTransient', () => {
  it('tries again while failures are transient, then returns', async () => {
    let calls = 0;
    const result = await retryTransient(() => (++calls < 4 ? Promise.reject(coded('57P03')) : Promise.resolve('ok')), { budgetMs: 5_000, firstDelayMs: 1 });
    expect([result, calls]).toEqual(['ok', 4]);
  });

  it('throws a failure that is not transient at once', async () => {
    let calls = 0;
    const failing = (): Promise<never> => (++calls, Promise.reject(coded('23505')));
    await expect(retryTransient(failing, { budgetMs: 5_000 })).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(1);
  });

  it('gives up past the budget with StoreUnavailableError, the last failure as its cause', async () => {
    const started = Date.now();
    const err = await retryTransient(() => Promise.reject(coded('ECONNREFUSED')), { budgetMs: 300, firstDelayMs: 10, maxDelayMs: 50 }).catch((e: unknown) => e);
    const waited = Date.now() - started;
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    expect((err as StoreUnavailableError).waitedMs).toBeGreaterThanOrEqual(300);
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(waited).toBeLessThan(1_000);
  });
});
