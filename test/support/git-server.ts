/**
 * A Git server for the library tests: a bare repository (made from
 * test/fixtures/library-repo, on branches `main` and `release`) served by
 * `git daemon` from a container of the library's git image, which job
 * containers reach at its address on Docker's default bridge.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

export interface GitServer {
  /** `git://<address>/demo.git` */
  readonly url: string;
  /** Commit ids of the branches. */
  readonly commits: { readonly main: string; readonly release: string };
  stop(): void;
}

const SEED = `set -e
git config --global user.name coflow; git config --global user.email coflow@example.invalid
git init -q -b main /tmp/w && cp -r /seed/. /tmp/w && cd /tmp/w
git add . && git commit -qm "Add calc with its tests"
git checkout -qb release && echo "1.0" > VERSION && git add VERSION && git commit -qm "Release 1.0"
git checkout -q main && git clone -q --bare /tmp/w /srv/demo.git
exec git daemon --export-all --base-path=/srv --reuseaddr /srv`;

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

/** Starts the server and waits until it serves the repository. */
export async function startGitServer(image = 'coflow/git-clone:1.0.0'): Promise<GitServer> {
  const name = `coflow-test-git-${process.pid}`;
  execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  docker('run', '-d', '--name', name, '--label', 'coflow.test=library', '-v', `${join(repoRoot, 'test/fixtures/library-repo')}:/seed:ro`, '--entrypoint', 'sh', image, '-c', SEED);
  const stop = (): void => void execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  try {
    const ip = docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', name);
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const refs = docker('exec', name, 'git', 'ls-remote', 'git://127.0.0.1/demo.git');
        const commit = (branch: string): string => refs.split('\n').find((l) => l.endsWith(`refs/heads/${branch}`))?.split('\t')[0] ?? '';
        return { url: `git://${ip}/demo.git`, commits: { main: commit('main'), release: commit('release') }, stop };
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`the git server did not start: ${docker('logs', name)}`, { cause: err });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (err) {
    stop();
    throw err;
  }
}
