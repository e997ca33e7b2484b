/** How a webhook delivery ends: the `result` of the answer and of the `coflow_webhook_deliveries_total` metric. */

/** Results of a delivery that is answered 2xx (the answer's `result`). */
export const DELIVERY_ANSWERS = ['started', 'duplicate', 'filtered', 'ignored'] as const;

/** Every result of a delivery: the answered ones, and why one was refused or failed. */
export const DELIVERY_RESULTS = [...DELIVERY_ANSWERS, 'bad_signature', 'unknown_flow', 'no_trigger', 'bad_request', 'error'] as const;
export type DeliveryResult = (typeof DELIVERY_RESULTS)[number];
