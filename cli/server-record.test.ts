import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandLine, readServerRecord, runsRecordedServer, stopRecordedServer, writeServerRecord } from './server-record.ts';

const dir = mkdtempSync(join(tmpdir(), 'coflow-record-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A real process standing in for a left-behind server: `sleep` with arguments of its own. */
function leftover(seconds: string): ChildProcess {
  const child = spawn('sleep', [seconds], { stdio: 'ignore' });
  children.push(child);
  return child;
}

describe('the Temporal server record', () => {
  it('recognises the recorded process by pid and command line, and stops it', async () => {
    const child = leftover('301');
    const signal = new Promise((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    const file = join(dir, 'temporal.pid');
    writeServerRecord(file, { pid: child.pid!, argv: ['/somewhere/else/sleep', '301'], startedAt: new Date().toISOString() });
    expect(commandLine(child.pid!)).toMatch(/sleep 301$/);
    expect(runsRecordedServer(readServerRecord(file)!)).toBe(true);
    expect(await stopRecordedServer(file)).toBe(child.pid);
    expect(await signal).toBe('SIGTERM');
    expect(existsSync(file)).toBe(false);
  });

  it('leaves alone a process whose pid was reused for another command, and forgets the record', async () => {
    const child = leftover('302');
    const file = join(dir, 'reused.pid');
    writeServerRecord(file, { pid: child.pid!, argv: ['temporal', 'server', 'start-dev', '--db-filename', '/data/temporal.db'], startedAt: '' });
    expect(await stopRecordedServer(file)).toBeUndefined();
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('ignores a record that is not one', async () => {
    const file = join(dir, 'garbage.pid');
    writeServerRecord(file, { pid: -1, argv: [], startedAt: '' });
    expect(runsRecordedServer(readServerRecord(file)!)).toBe(false);
    expect(await stopRecordedServer(join(dir, 'missing.pid'))).toBeUndefined();
  });
});
