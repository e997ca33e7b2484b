/**
 * Lua hooks, `if:` and secrets end to end: a real worker, Temporal dev
 * server and dockerd. The secret must reach the container, be stored masked,
 * and be absent from the raw Temporal history (payloads are encrypted too).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../cli/api-client.ts';
import { parseCodecKeys } from '../worker/codec.ts';
import { startPlatform, type Platform } from '../worker/platform.ts';
import { allLogs, applyAndRun, job, repoRoot } from './support/harness.ts';

const SECRET = 'sup3r-s3cret-value-42';
/** A stored secret whose encodings all differ from it (space, slash, quote, backslash, non-ASCII; '+' and '/' in base64). */
const ODD = 'p@ss w/"rd\\ü~>?-42';
/** A value the job masks itself with `[COUT] ::mask::`. */
const RUNTIME = 'rt-Secr3t/+? "x"';

/** Every form of a value the job prints whole: it must never be stored. */
function wholeForms(value: string): string[] {
  const bytes = Buffer.from(value);
  const json = JSON.stringify(value).slice(1, -1);
  return [
    value,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    encodeURIComponent(value),
    encodeURIComponent(value).replaceAll('%20', '+'),
    json,
    json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  ];
}

/**
 * The job's script: `show LABEL VALUE URL FORM JSON` prints each encoded form
 * of VALUE into the log and as outputs (busybox has no URL or JSON encoder:
 * the test hands those forms in through the environment).
 */
const SHOW_FORMS = String.raw`show() {
  b64=$(printf %s "$2" | base64 -w0); hex=$(printf %s "$2" | od -An -tx1 | tr -d ' \n')
  echo "$1 plain $2"; echo "$1 b64 $b64"; echo "$1 b64url $(echo "$b64" | tr '+/' '-_' | tr -d '=')"
  echo "$1 hex $hex"; echo "$1 HEX $(echo "$hex" | tr a-f A-F)"
  for u in ab abc abcd; do echo "$1 basic Authorization: Basic $(printf %s "$u:$2" | base64 -w0)"; done
  echo "$1 url https://x/?t=$3&a=1"; echo "$1 form t=$4&a=1"; printf '%s json {"p":"%s"}\n' "$1" "$5"
  echo "[COUT] $1_B64 = $b64"; echo "[COUT] $1_HEX = $hex"; echo "[COUT] $1_JSON = $5"
  echo "[COUT] $1_BASIC = Basic $(printf %s "abcd:$2" | base64 -w0)"
}
show ODD "$ODD" "$ODD_URL" "$ODD_FORM" "$ODD_JSON"
RT='rt-Secr3t/+? "x"'
echo "[COUT] ::mask:: $RT"
show RT "$RT" "$RT_URL" "$RT_FORM" "$RT_JSON"`;

/** The environment entries carrying a value's URL, form and JSON-escaped forms (as YAML flow mappings). */
function envForms(label: string, value: string): string {
  const forms = { URL: encodeURIComponent(value), FORM: encodeURIComponent(value).replaceAll('%20', '+'), JSON: JSON.stringify(value).slice(1, -1) };
  return Object.entries(forms)
    .map(([k, v]) => `{ ${label}_${k}: ${JSON.stringify(v)} }`)
    .join(', ');
}

describe('hooks, conditions and secrets', () => {
  let platform: Platform;
  let api: ApiClient;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'coflow-data-'));
    platform = await startPlatform({
      dataDir,
      temporalAddress: inject('temporalAddress'),
      namespace: 'default',
      taskQueue: `coflow-hooks-${process.pid}-${Date.now()}`,
      apiHost: '127.0.0.1',
      apiPort: 0,
      dockerSocket: '/var/run/docker.sock',
      componentsDir: join(repoRoot, 'components'),
      bundle: { codePath: inject('workflowBundlePath') },
      heartbeatEveryMs: 1_000,
      resolveSecret: (name) => Promise.resolve({ API_TOKEN: SECRET, ODD_TOKEN: ODD }[name]),
      codecKeys: parseCodecKeys(`test:${randomBytes(32).toString('base64')}`),
    });
    api = new ApiClient(platform.apiUrl);
  });
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('pre rewrites an input, post fails the job, if: skips', async () => {
    const run = await applyAndRun(
      api,
      `
uri: test/hooks/prepost
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: greet
            endpoint: coflow/shell:1.0.0
            inputs: { who: world }
            pre: inputs.who = string.upper(inputs.who) .. "-" .. job.name
            script: 'echo "$CO_DATA"; echo "[COUT] COVERAGE = 42"'
            outputs: [COVERAGE]
            allowFailure: true
            post: |
              log("coverage is", outputs.COVERAGE)
              if tonumber(outputs.COVERAGE) < 80 then error("coverage below 80") end
          - name: never
            if: "jobs.greet.result == 'succeeded'"
            endpoint: coflow/shell:1.0.0
            script: "true"
`,
    );
    const greet = job(run, 's.a.greet');
    expect(greet.state).toBe('failed');
    expect(greet.error).toMatch(/post hook: hook:2: coverage below 80/);
    expect(job(run, 's.a.never').state).toBe('skipped');
    const lines = (await allLogs(api, run.runId, 's.a.greet')).map((l) => l.text);
    expect(lines).toContain('who=WORLD-greet');
    expect(lines).toContain('[post] coverage is 42');
  });

  it('delivers a secret to the container, stores it masked, keeps it out of the Temporal history', async () => {
    const run = await applyAndRun(
      api,
      `
uri: test/hooks/secret
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: leak
            endpoint: coflow/shell:1.0.0
            environments: [ { TOKEN: "\${{ secrets.API_TOKEN }}" } ]
            script: 'echo "token is $TOKEN"; echo "[COUT] T = $TOKEN"'
`,
    );
    expect(run.state).toBe('succeeded');
    expect(job(run, 's.a.leak').outputs).toEqual({ T: '***' });
    const lines = (await allLogs(api, run.runId)).map((l) => l.text);
    expect(lines).toContain('token is ***');
    expect(lines.join('\n')).not.toContain(SECRET);
    const history = execFileSync(inject('temporalBin'), ['workflow', 'show', '--workflow-id', run.runId, '--output', 'json', '--address', inject('temporalAddress')], {
      encoding: 'utf8',
    });
    expect(history).not.toContain(SECRET);
    expect(history).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(history).toContain('YmluYXJ5L2VuY3J5cHRlZA'); // "binary/encrypted": payloads are encrypted
  });

  it('masks a stored secret and a `::mask::` value in each usual encoding, in the log and in the outputs', async () => {
    const script = SHOW_FORMS.split('\n').map((l) => `              ${l}`).join('\n');
    const run = await applyAndRun(
      api,
      `
uri: test/hooks/encodings
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: enc
            endpoint: coflow/shell:1.0.0
            environments: [ { ODD: "\${{ secrets.ODD_TOKEN }}" }, ${envForms('ODD', ODD)}, ${envForms('RT', RUNTIME)} ]
            script: |
${script}
`,
    );
    const enc = job(run, 's.a.enc');
    expect(enc.state).toBe('succeeded');
    const lines = (await allLogs(api, run.runId, 's.a.enc')).map((l) => l.text);
    expect(lines).toContain('[COUT] ::mask:: ***');
    const labelled = lines.filter((l) => /^(ODD|RT) /.test(l));
    expect(labelled).toHaveLength(2 * 11);
    for (const line of labelled) expect(line).toMatch(/^(ODD|RT) [a-zA-Z0-9]+ .*\*\*\*/);
    // Inside `Basic base64(user:value)` at byte offsets 0, 1 and 2: at most the user's part and one character on each side are left.
    for (const line of labelled.filter((l) => l.includes('Basic'))) expect(line).toMatch(/Basic [A-Za-z0-9+/]{0,7}\*\*\*[A-Za-z0-9+/]?=*$/);
    expect(Object.keys(enc.outputs).sort()).toEqual(['ODD_B64', 'ODD_BASIC', 'ODD_HEX', 'ODD_JSON', 'RT_B64', 'RT_BASIC', 'RT_HEX', 'RT_JSON']);
    for (const value of Object.values(enc.outputs)) expect(value).toContain('***');
    const stored = [...lines, ...Object.values(enc.outputs)].join('\n');
    for (const form of [...wholeForms(ODD), ...wholeForms(RUNTIME)]) expect(stored).not.toContain(form);
  });
});
