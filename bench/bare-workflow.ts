/** The baseline of the overhead benchmark: N no-op activities in sequence, nothing else. */
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1m' });

export async function bareSequence(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await noop();
}
