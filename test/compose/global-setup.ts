/**
 * The compose tests' setup: the component images (the jobs run them on the
 * host's engine) and the production images (scripts/images.sh), each built
 * only when its inputs changed — the first time, debian:bookworm-slim by
 * debootstrap included, takes minutes.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/paths.ts';

export function setup(): void {
  execFileSync('bash', [join(repoRoot, 'scripts/build-images.sh')], { stdio: 'inherit' });
  execFileSync('bash', [join(repoRoot, 'scripts/images.sh'), 'build'], { stdio: 'inherit' });
}
