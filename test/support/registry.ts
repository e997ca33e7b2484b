/**
 * A real image registry on loopback for the pull tests: the Distribution
 * registry that `scripts/registry.sh build` caches, started on a free
 * 127.0.0.1 port with filesystem storage, optionally behind htpasswd (bcrypt,
 * made by Debian's `htpasswd -B`). dockerd talks plain HTTP to 127.0.0.0/8.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import { freePort } from './ports.ts';

export interface TestRegistry {
  /** `127.0.0.1:PORT`: the image reference's host and the secret's. */
  readonly host: string;
  stop(): Promise<void>;
}

/** The registry binary, or the reason the tests cannot have one (printed with the skip). */
export function registryBinary(): { bin?: string; missing?: string } {
  try {
    return { bin: execFileSync('bash', [join(repoRoot, 'scripts/registry.sh'), 'bin'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() };
  } catch {
    return { missing: 'the Distribution registry is not built (scripts/setup.sh for the tests builds it: scripts/registry.sh build)' };
  }
}

/** Starts a registry; with `user`, only that user with that password may pull or push. */
export async function startRegistry(bin: string, user?: { name: string; password: string }): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const lines = ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, 'http:', `  addr: ${host}`];
  if (user !== undefined) {
    execFileSync('htpasswd', ['-Bbc', join(dir, 'htpasswd'), user.name, user.password], { stdio: 'ignore' });
    lines.push('auth:', '  htpasswd:', '    realm: coflow-test', `    path: ${join(dir, 'htpasswd')}`);
  }
  writeFileSync(join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn(bin, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answered = await fetch(`http://${host}/v2/`).then((r) => r.status, () => 0);
    // 200 open, 401 behind auth: either way it serves.
    if (answered === 200 || answered === 401) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the registry did not start on ${host}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds an image of its own (one fresh layer over coflow/busybox:1 holding
 * `/stamp`), pushes it as `ref`, and removes it locally: a pull must download that layer.
 */
export function pushFreshImage(ref: string, login?: { host: string; name: string; password: string }): string {
  const stamp = randomUUID();
  execFileSync('docker', ['build', '-q', '-t', ref, '-'], { input: `FROM coflow/busybox:1\nRUN echo ${stamp} > /stamp\n`, stdio: ['pipe', 'ignore', 'pipe'] });
  // A throwaway Docker config: the login stays out of the machine's ~/.docker.
  const config = mkdtempSync(join(tmpdir(), 'coflow-docker-config-'));
  try {
    if (login !== undefined) {
      execFileSync('docker', ['--config', config, 'login', '-u', login.name, '--password-stdin', login.host], { input: login.password, stdio: ['pipe', 'ignore', 'pipe'] });
    }
    execFileSync('docker', ['--config', config, 'push', '-q', ref], { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
  removeImage(ref);
  return stamp;
}

/** Removes a local image by reference (its layers with it, when nothing else uses them). */
export function removeImage(ref: string): void {
  execFileSync('docker', ['image', 'rm', '-f', ref], { stdio: 'ignore' });
}
