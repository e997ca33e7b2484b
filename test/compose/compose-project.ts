/**
 * A Compose project of the tests: the top-level docker-compose.yml (plus
 * overrides) under a fresh project name, driven by the Compose tool the
 * machine has (scripts/compose.sh: Compose v2, else Debian's docker-compose
 * 1.29.2). Every address the tests use is published on 127.0.0.1.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../support/paths.ts';

const run = promisify(execFile);

/** The Compose command line `scripts/compose.sh which` picks: `docker compose`, the setup's Compose v2 build, or Debian's `docker-compose`. */
export function composeCommand(): readonly string[] {
  const r = spawnSync('bash', [join(repoRoot, 'scripts/compose.sh'), 'which'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr.trim() || 'no Compose tool (scripts/compose.sh which)');
  return r.stdout.trim().split('\n');
}

/** The version in package.json: the tag of the coflow and proxy images. */
export const coflowVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The group owning the Docker socket: the workers join it (they run as an unprivileged user). */
export const dockerSocketGid = (): string => String(statSync('/var/run/docker.sock').gid);

/** A fresh, valid project name (lower case, digits, dashes). */
export const projectName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export class ComposeProject {
  readonly #command = composeCommand();
  readonly name: string;
  readonly files: readonly string[];
  readonly env: Readonly<Record<string, string>>;

  constructor(name: string, files: readonly string[], env: Readonly<Record<string, string>>) {
    this.name = name;
    this.files = files;
    this.env = env;
  }

  /** Runs the Compose tool on this project; rejects with its output on a non-zero exit. */
  async compose(args: readonly string[], timeoutMs = 300_000): Promise<string> {
    const [bin, ...pre] = this.#command;
    const full = [...pre, '-p', this.name, ...this.files.flatMap((f) => ['-f', f]), ...args];
    try {
      const { stdout } = await run(bin!, full, { cwd: repoRoot, env: { ...process.env, ...this.env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
      return stdout;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${this.#command.join(' ')} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }

  /** Starts the services (all when none are named) and waits for the dependencies' conditions. */
  up(services: readonly string[] = []): Promise<string> {
    return this.compose(['up', '-d', ...services], 600_000);
  }

  /** Removes the containers, the network and the volumes. */
  down(): Promise<string> {
    return this.compose(['down', '-v', '--remove-orphans', '-t', '20']);
  }

  /** `127.0.0.1:PORT`: where a service's container port is published. */
  async published(service: string, port: number): Promise<string> {
    const out = (await this.compose(['port', service, String(port)])).trim();
    if (!/^127\.0\.0\.1:\d+$/.test(out)) throw new Error(`${service}:${port} is not published on 127.0.0.1 (got "${out}")`);
    return out;
  }

  async containerId(service: string): Promise<string> {
    const id = (await this.compose(['ps', '-q', service])).trim();
    if (id === '') throw new Error(`service ${service} has no container`);
    return id;
  }

  /** The Docker health status of a service's container (`healthy`, `starting`, `unhealthy`, or `none`). */
  async health(service: string): Promise<string> {
    const { stdout } = await run('docker', ['inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', await this.containerId(service)]);
    return stdout.trim();
  }

  /** Waits until every named service's container is healthy. */
  async waitHealthy(services: readonly string[], timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(services.map(async (s) => [s, await this.health(s)] as const));
      if (states.every(([, h]) => h === 'healthy')) return;
      if (Date.now() > deadline) throw new Error(`not healthy in ${timeoutMs / 1000} s: ${states.map(([s, h]) => `${s} ${h}`).join(', ')}\n${await this.logs()}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  /** The last lines of the services' logs (for failure messages). */
  async logs(services: readonly string[] = [], tail = 40): Promise<string> {
    return this.compose(['logs', '--no-color', '--tail', String(tail), ...services]).catch((err: Error) => err.message);
  }
}
