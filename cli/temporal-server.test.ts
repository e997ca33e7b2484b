import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DevServerStartError, PortInUseError } from './errors.ts';
import { pickInternalPort } from './temporal-ui-proxy.ts';
import { startDevServer } from './temporal-server.ts';

describe('startDevServer with its UI port taken', () => {
  it("names the variable of the printed UI port, and for coflow dev's internal one says how to get another", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const held = (holder.address() as AddressInfo).port;
    const base = { bin: '/nonexistent/temporal', dbFile: '/nonexistent/db', port: await pickInternalPort([held]), uiPort: held };
    try {
      // Refused before anything is started: the binary does not even exist.
      const printed = await startDevServer(base).catch((e: unknown) => e);
      expect(printed).toBeInstanceOf(PortInUseError);
      expect((printed as Error).message).toContain('set COFLOW_TEMPORAL_UI_PORT to a free port');
      const internal = await startDevServer({ ...base, uiInternal: true }).catch((e: unknown) => e);
      expect(internal).toBeInstanceOf(DevServerStartError);
      expect((internal as Error).message).toBe(`port ${held} (the Temporal UI's internal port, behind COFLOW_TEMPORAL_UI_PORT) is already in use by another program: start coflow dev again, it picks a free one`);
    } finally {
      holder.close();
    }
  });
});
