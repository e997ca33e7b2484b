/**
 * Child Node processes that open a store and claim at the same moment: what
 * several workers and API servers do to one database.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StoreConfig } from '../../store/open-store.ts';
import { repoRoot } from './paths.ts';

/** What one claimer did. */
export interface Claimed {
  readonly starts: number[];
  readonly claims: { key: string; number: number; fresh: boolean }[];
  readonly callbacks: string[];
  readonly applied: boolean[];
}

const href = (path: string): string => JSON.stringify(pathToFileURL(join(repoRoot, path)).href);

/** Opens the store once told to go, then claims run numbers, deliveries, a callback token and a flow version. */
const CLAIMER = `
import { openStore } from ${href('store/open-store.ts')};
import { parseFlow } from ${href('flow/index.ts')};
const [config, rounds] = [JSON.parse(process.argv[2]), Number(process.argv[3])];
const source = 'uri: team/app/build\\nstages:\\n  - { name: s, actions: [ { name: a, jobs: [ { name: j, endpoint: coflow/shell:1.0.0, script: "true" } ] } ] }\\n';
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const store = await openStore(config);
const result = { starts: [], claims: [], callbacks: [], applied: [] };
for (let i = 0; i < rounds; i++) {
  result.starts.push(await store.nextRunNumber('team/app/build'));
  result.claims.push({ key: 'delivery-1', ...(await store.claimRunNumber('team/app/build', 'delivery-1')) });
  const key = 'delivery-' + (2 + (i % 5));
  result.claims.push({ key, ...(await store.claimRunNumber('team/app/build', key)) });
  if (i < 5) result.callbacks.push((await store.claimCallback('token-1')).status);
  if (i < 3) result.applied.push((await store.applyFlow(parseFlow(source), source)).created);
}
await store.close();
process.stdout.write(JSON.stringify(result) + '\\n');
`;

/** Starts `count` claimer processes, lets them go at once, and collects what each did. */
export async function claimAtOnce(config: StoreConfig, count: number, rounds: number): Promise<Claimed[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coflow-claimers-'));
  try {
    const script = join(dir, 'claimer.mjs');
    writeFileSync(script, CLAIMER);
    const children = Array.from({ length: count }, () => spawn(process.execPath, [script, JSON.stringify(config), String(rounds)], { stdio: ['pipe', 'pipe', 'pipe'] }));
    const outputs = children.map((child) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      const done = new Promise<string>((resolve, reject) =>
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`claimer exited ${code}: ${err}`)))));
      return { ready, done };
    });
    await Promise.all(outputs.map((o) => o.ready));
    for (const child of children) child.stdin.end('go\n');
    const results = await Promise.all(outputs.map((o) => o.done));
    return results.map((text) => JSON.parse(text.split('\n').at(-2)!) as Claimed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
