/**
 * Plain `docker` for the tests of single images: containers and networks made
 * here are removed by `removeAll`. Ports are published on 127.0.0.1 only.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function docker(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('docker', args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

export class Containers {
  readonly #containers: string[] = [];
  readonly #networks: string[] = [];

  async network(name: string): Promise<string> {
    await docker('network', 'create', name);
    this.#networks.push(name);
    return name;
  }

  /** `docker run -d …`; returns the container id. */
  async start(...args: string[]): Promise<string> {
    const id = await docker('run', '-d', ...args);
    this.#containers.push(id);
    return id;
  }

  /** `127.0.0.1:PORT` where the container's port is published. */
  async published(id: string, port: number): Promise<string> {
    const out = (await docker('port', id, `${port}/tcp`)).split('\n').find((l) => l.startsWith('127.0.0.1:'));
    if (out === undefined) throw new Error(`port ${port} of ${id} is not published on 127.0.0.1`);
    return out;
  }

  async health(id: string): Promise<string> {
    return docker('inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', id);
  }

  async waitHealthy(id: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.health(id)) !== 'healthy') {
      if (Date.now() > deadline) throw new Error(`container ${id} not healthy in ${timeoutMs / 1000} s:\n${await docker('logs', '--tail', '30', id).catch(String)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async removeAll(): Promise<void> {
    if (this.#containers.length > 0) await docker('rm', '-f', '-v', ...this.#containers.splice(0)).catch(() => '');
    for (const n of this.#networks.splice(0)) await docker('network', 'rm', n).catch(() => '');
  }
}
