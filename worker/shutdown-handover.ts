/**
 * A job attempt that a stopping worker hands over (the runner leaves its
 * container or Pod running and throws WorkerDetachedError, so that the retried
 * attempt re-attaches) is retried like any failed attempt, but it is no
 * failure: it leaves the worker as a BENIGN ApplicationFailure, which the SDK
 * logs at DEBUG instead of warning with a stack trace on every graceful stop.
 */
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { WorkerDetachedError } from '../activities/errors.ts';

export const shutdownHandoverInterceptor: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        if (!(err instanceof WorkerDetachedError)) throw err;
        throw ApplicationFailure.create({ message: err.message, type: err.name, category: ApplicationFailureCategory.BENIGN });
      }
    },
  },
});
