/**
 * Connecting to Temporal at start-up.
 */
import { Connection } from '@temporalio/client';
import { connectionOptions, type TemporalSettings } from './temporal-config.ts';

/** Waits until the namespace answers: a server opens its port before it is ready. */
export async function waitForTemporal(settings: TemporalSettings, timeoutMs = 60_000): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  const { temporalAddress: address, namespace } = settings;
  for (;;) {
    try {
      const connection = await Connection.connect({ ...connectionOptions(settings), connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
      } catch (err) {
        await connection.close();
        throw err;
      }
      return connection;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} (namespace ${namespace}) is not reachable: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
