/**
 * Which built web UI an API process serves: `COFLOW_WEB_DIR` as is (images
 * build it once at image time), else an up-to-date build of `web/` in the
 * cache, rebuilt first when the sources changed (about a second), so a stale
 * build is never served. Without either, the UI says it is not built.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureWebBuild, webSourceHash } from '../web/build.ts';
import { ConfigError } from './errors.ts';

export async function resolveWebRoot(config: { readonly webDir?: string; readonly cacheDir: string }, log: (line: string) => void): Promise<string | undefined> {
  if (config.webDir !== undefined) {
    if (!existsSync(join(config.webDir, 'index.html'))) throw new ConfigError(`COFLOW_WEB_DIR ${config.webDir} holds no built web UI (no index.html): build it with "node web/build.ts ${config.webDir}"`);
    return config.webDir;
  }
  if (webSourceHash() === undefined) {
    log('coflow: no web UI to serve (no web/ sources and no COFLOW_WEB_DIR); the API works without it');
    return undefined;
  }
  return ensureWebBuild(config.cacheDir);
}
