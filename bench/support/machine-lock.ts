/**
 * The machine-wide test lock (/work/bin/test-lock's flock file) held for one
 * timed part of a long benchmark, so no test suite runs beside the timings
 * while the hours-long rest of it (starting thousands of runs) holds nothing.
 * COFLOW_BENCH_LOCK names the file; unset: timings run unlocked.
 */
import { spawn } from 'node:child_process';

/** Runs `timed` holding the lock `file` (flock); without a file, runs it as is. */
export async function withMachineLock<T>(file: string | undefined, timed: () => Promise<T>): Promise<T> {
  if (file === undefined || file === '') return timed();
  // flock runs `cat` once it holds the lock; closing cat's stdin ends it and frees the lock.
  const holder = spawn('flock', [file, 'sh', '-c', 'echo held; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((held, failed) => {
    holder.stdout.once('data', () => held());
    holder.once('exit', (code) => failed(new Error(`flock ${file} exited (${String(code)}) before it held the lock`)));
  });
  try {
    return await timed();
  } finally {
    holder.stdin.end();
  }
}
