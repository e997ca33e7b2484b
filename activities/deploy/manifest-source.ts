/**
 * Reading a `file:` manifest template from the run's workspace through the
 * helper (WorkspaceExec): a YAML file, a folder of `.yaml`/`.yml` files
 * (sorted by name, not recursive), or a folder with a kustomization
 * (`kubectl kustomize`).
 */
import { posix } from 'node:path';
import { ManifestError } from './manifest-objects.ts';
import type { WorkspaceExec } from './workspace-exec.ts';

/** Exit code of the script below for "no such path" / "no YAML in the folder". */
const MISSING = 3;

const SCRIPT = `p="/workspace/$1"
if [ -f "$p" ]; then exec cat "$p"; fi
if [ ! -d "$p" ]; then echo "no file or folder $1 in the run's workspace" >&2; exit ${MISSING}; fi
for k in kustomization.yaml kustomization.yml Kustomization; do
  if [ -f "$p/$k" ]; then exec kubectl kustomize "$p"; fi
done
files=$(find "$p" -maxdepth 1 -type f \\( -name '*.yaml' -o -name '*.yml' \\) | sort)
if [ -z "$files" ]; then echo "folder $1 of the run's workspace has no .yaml or .yml file" >&2; exit ${MISSING}; fi
for f in $files; do echo '---'; cat "$f"; echo; done`;

/** A workspace path that stays inside the workspace, or ManifestError. */
export function workspacePath(path: string): string {
  const normal = posix.normalize(path).replace(/^\.\/+/, '');
  if (path === '' || posix.isAbsolute(path) || normal === '..' || normal.startsWith('../')) {
    throw new ManifestError(`manifest file ${path}: must be a path inside the run's workspace (relative, no ..)`);
  }
  return normal;
}

/** The template text of `file`; ManifestError when it is missing or kustomize refuses it. */
export async function readWorkspaceManifest(exec: WorkspaceExec, runId: string, flowUri: string, file: string, options: { image?: string; timeoutMs?: number } = {}): Promise<string> {
  const path = workspacePath(file);
  const result = await exec.exec(runId, flowUri, ['sh', '-c', SCRIPT, 'sh', path], options);
  if (result.exitCode === 0) return result.stdout;
  const said = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
  if (result.exitCode === MISSING) throw new ManifestError(said);
  throw new ManifestError(`manifest file ${path}: reading it failed (exit ${result.exitCode}): ${said}`);
}
