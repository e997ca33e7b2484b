/**
 * A pause before each timed run of a comparison. A history shard's task
 * reader is rate-limited by a token bucket (`history.transfer/timerProcessorMaxPollRPS`):
 * a run that starts after an idle second gets a burst the run right after it
 * does not. Settling before every timed run gives each variant the same start.
 */
export const SETTLE_MS = 1_500;

export function settle(ms = SETTLE_MS): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
