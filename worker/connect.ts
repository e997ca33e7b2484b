/**
 * Connecting to Temporal at start-up.
 */
import { Connection } from '@temporalio/client';

/** Waits until the namespace answers: the dev server opens its port before it is ready. */
export async function waitForTemporal(address: string, namespace: string, timeoutMs = 60_000): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace });
      return connection;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} (namespace ${namespace}) is not reachable: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
