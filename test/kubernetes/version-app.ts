/**
 * The app of the deployment tests: test/images/version-app (a static Go
 * binary, standard library only) as four local images, v1 to v4, that serve
 * their version; v3's readiness probe fails (`READY=false`). Tagged
 * `<version>-<source hash>`, so a change to the source builds new images and an
 * unchanged one is built once per machine; imported into the test cluster.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '../../worker/config.ts';
import { repoRoot } from '../support/paths.ts';

export const VERSION_APP_REPOSITORY = 'coflow-test/version-app';
export const VERSIONS = ['v1', 'v2', 'v3', 'v4'] as const;
export type AppVersion = (typeof VERSIONS)[number];

/** What each version's image sets besides `VERSION`. */
const EXTRA_ENV: Partial<Record<AppVersion, string>> = { v3: 'READY=false' };

export interface VersionAppImages {
  /** The tag suffix every version shares: `<repository>:<version>-<build>`. */
  readonly build: string;
  readonly image: (version: AppVersion) => string;
  /** Seconds spent building (0 when the images were there). */
  readonly builtInSeconds: number;
}

function exists(tag: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Builds what is missing, imports the four images into the cluster, returns their names. */
export function versionAppImages(): VersionAppImages {
  const dir = join(repoRoot, 'test/images/version-app');
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'main.go']) hash.update(readFileSync(join(dir, f)));
  for (const v of VERSIONS) hash.update(`${v}:${EXTRA_ENV[v] ?? ''}\n`);
  const build = hash.digest('hex').slice(0, 12);
  const image = (version: AppVersion): string => `${VERSION_APP_REPOSITORY}:${version}-${build}`;
  const tags = VERSIONS.map(image);
  const started = Date.now();
  let built = false;
  if (!tags.every(exists)) {
    built = true;
    const out = mkdtempSync(join(tmpdir(), 'version-app-'));
    try {
      const env = { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOCACHE: join(cacheDir(process.env), 'k8s/go/build') };
      execFileSync('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', join(out, 'version-app'), '.'], { cwd: dir, env, stdio: 'inherit' });
      for (const v of VERSIONS) {
        const changes = ['ENTRYPOINT ["/version-app"]', `ENV VERSION=${v}`, ...(EXTRA_ENV[v] ? [`ENV ${EXTRA_ENV[v]}`] : [])];
        const flags = changes.map((c) => `-c '${c}'`).join(' ');
        execFileSync('sh', ['-c', `tar -C "$0" -c version-app | docker import ${flags} - "$1"`, out, image(v)], { stdio: 'ignore' });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  execFileSync('bash', [join(repoRoot, 'scripts/k8s/cluster.sh'), 'images', ...tags], { stdio: 'inherit' });
  return { build, image, builtInSeconds: built ? (Date.now() - started) / 1000 : 0 };
}
