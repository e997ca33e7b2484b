import { describe, expect, it } from 'vitest';
import { WorkerDetachedError } from '../activities/errors.ts';
import { formatSdkLogEntry } from './sdk-logger.ts';

describe('the SDK log line', () => {
  it('is one line: the error by name and message, no stack, no opaque token', () => {
    const error = new WorkerDetachedError('abc123');
    const line = formatSdkLogEntry({
      level: 'WARN',
      message: 'Activity failed',
      timestampNanos: 1_764_627_604_420_000_000n,
      meta: { sdkComponent: 'worker', taskToken: 'CiQw…', activityType: 'runJobAttempt', workflowId: 'demo/hello/ci#2', attempt: 1, error },
    });
    expect(line).toBe(`2025-12-01T22:20:04.420Z [WARN] Activity failed activityType=runJobAttempt workflowId=demo/hello/ci#2 attempt=1 error=WorkerDetachedError: ${error.message}`);
  });
});
