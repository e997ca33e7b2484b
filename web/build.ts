/**
 * The browser build of the web UI: esbuild bundles `web/src` (Preact, TSX)
 * into hashed ES modules, split so the editor loads only where it is used.
 * A build is keyed by the hash of its sources (and of the lock file), so a
 * stale build is never served: `ensureWebBuild` rebuilds whenever the key
 * changes, into a fresh folder, and switches to it only when it is complete.
 *
 * `node web/build.ts [OUT_DIR]` builds once (default: the cache folder) and
 * prints the folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const WEB_DIR = import.meta.dirname;
const ROOT = resolve(WEB_DIR, '..');
/** What a build reads besides `web/src`: the page template, this file, the locked versions, and the shared pure code. */
const INPUTS = ['web/index.html', 'web/build.ts', 'package-lock.json'];
const SOURCE_DIRS = ['web/src', 'flow', 'contracts'];

/** What `build.json` in a finished build says. */
export interface WebBuildInfo {
  readonly sourceHash: string;
  readonly builtAt: string;
  /** Bytes of the files the first page load fetches (page, entry script, its static imports, stylesheet). */
  readonly initialBytes: number;
  /** The same, gzipped as the API serves them. */
  readonly initialGzipBytes: number;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testdata' ? [] : filesUnder(p);
    return e.name.endsWith('.test.ts') ? [] : [p];
  });
}

/** The hash of everything a build reads; undefined when the sources are not there (an image with only the build). */
export function webSourceHash(): string | undefined {
  if (!existsSync(join(WEB_DIR, 'src'))) return undefined;
  const files = [...INPUTS.map((f) => join(ROOT, f)), ...SOURCE_DIRS.flatMap((d) => filesUnder(join(ROOT, d)))].filter((f) => existsSync(f)).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** Builds into `outDir` (replaced). */
export async function buildWebUi(outDir: string, sourceHash = webSourceHash() ?? 'unknown'): Promise<WebBuildInfo> {
  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { app: join(WEB_DIR, 'src/main.tsx'), style: join(WEB_DIR, 'src/styles.css') },
    outdir: join(outDir, 'assets'),
    bundle: true, splitting: true, format: 'esm', minify: true, sourcemap: false,
    target: ['chrome120', 'firefox120', 'safari17'],
    entryNames: '[name]-[hash]', chunkNames: 'chunk-[hash]', assetNames: '[name]-[hash]',
    jsx: 'automatic', jsxImportSource: 'preact',
    metafile: true, logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = (name: string) => {
    const found = outputs.find(([, o]) => o.entryPoint?.endsWith(name));
    if (!found) throw new Error(`web build: no output for ${name}`);
    return '/' + relative(outDir, resolve(ROOT, found[0]));
  };
  const script = entry('src/main.tsx');
  const style = outputs.find(([f]) => f.endsWith('.css'))?.[0];
  const html = readFileSync(join(WEB_DIR, 'index.html'), 'utf8')
    .replace('%SCRIPT%', script)
    .replace('%STYLE%', style ? '/' + relative(outDir, resolve(ROOT, style)) : '');
  writeFileSync(join(outDir, 'index.html'), html);
  // The first load: the page, the app's entry, its static imports and the stylesheet.
  const appOutput = outputs.find(([f]) => '/' + relative(outDir, resolve(ROOT, f)) === script)?.[1];
  const first = [script, ...(appOutput?.imports.filter((i) => i.kind === 'import-statement').map((i) => '/' + relative(outDir, resolve(ROOT, i.path))) ?? [])];
  const files = [...first, ...(style ? ['/' + relative(outDir, resolve(ROOT, style))] : [])].map((f) => readFileSync(join(outDir, f)));
  const initialBytes = files.reduce((n, b) => n + b.length, Buffer.byteLength(html));
  const initialGzipBytes = files.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, gzipSync(html, { level: 9 }).length);
  const info: WebBuildInfo = { sourceHash, builtAt: new Date().toISOString(), initialBytes, initialGzipBytes };
  writeFileSync(join(outDir, 'build.json'), JSON.stringify(info, null, 2) + '\n');
  return info;
}

/** A finished build's info, or undefined when the folder holds none. */
export function readWebBuild(dir: string): WebBuildInfo | undefined {
  try {
    if (!existsSync(join(dir, 'index.html'))) return undefined;
    return JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as WebBuildInfo;
  } catch {
    return undefined;
  }
}

/**
 * The folder of an up-to-date build under `cacheDir/web/<source hash>`:
 * reused when complete, else built into a temporary folder and renamed into
 * place (two processes building at once both end with a complete build).
 * Older builds beyond the last three are removed.
 */
export async function ensureWebBuild(cacheDir: string): Promise<string> {
  const hash = webSourceHash();
  if (hash === undefined) throw new Error(`the web UI's sources are not in ${WEB_DIR}: set COFLOW_WEB_DIR to a built UI`);
  const root = join(cacheDir, 'web');
  const dir = join(root, hash);
  if (readWebBuild(dir)?.sourceHash === hash) return dir;
  mkdirSync(root, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await buildWebUi(tmp, hash);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  const builds = readdirSync(root).map((n) => join(root, n)).filter((p) => p !== dir && !p.includes('.tmp-'));
  builds.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs).slice(2).forEach((p) => rmSync(p, { recursive: true, force: true }));
  return dir;
}

if (import.meta.main) {
  const out = process.argv[2];
  const t0 = performance.now();
  const cache = process.env.COFLOW_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(process.env.HOME ?? '/tmp', '.cache'), 'coflow');
  const dir = out ? (await buildWebUi(resolve(out)), resolve(out)) : await ensureWebBuild(cache);
  const info = readWebBuild(dir);
  console.log(`${dir} (first load ${info?.initialBytes ?? 0} bytes, ${info?.initialGzipBytes ?? 0} gzipped; ${Math.round(performance.now() - t0)} ms)`);
}
