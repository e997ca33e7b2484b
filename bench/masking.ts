/**
 * Benchmark: log lines masked per second by flow/secret-masking.ts (every
 * secret in its usual encodings, one precompiled RegExp) against the masker
 * it replaced (each plain value in turn, `split`/`join`), both in this run:
 * 20 secrets of 20 characters, 100-character lines, one line in 100 holding
 * a secret. Fresh strings each round (V8 caches some results per string).
 * Also: 20 secrets of which 5 are short (1–3 characters, whole words).
 *
 *   node bench/masking.ts
 */
import { randomBytes } from 'node:crypto';
import { secretMasker } from '../flow/secret-masking.ts';

const LINES = 20_000;
const ROUNDS = 7;

/** The masker before issue 14: plain values of 2 characters or more, longest first. */
function plainMasker(values: readonly string[]): (text: string) => string {
  const masked = [...new Set(values.filter((v) => v.length >= 2))].sort((a, b) => b.length - a.length);
  return (text) => masked.reduce((t, v) => t.split(v).join('***'), text);
}

function logLines(secrets: readonly string[], round: number): string[] {
  return Array.from({ length: LINES }, (_, i) => {
    const head = `2026-12-02T08:00:${String(i % 60).padStart(2, '0')}Z r${round} INFO step ${i} id=${i * 7} `;
    const tail = i % 100 === 0 ? ` token ${secrets[i % secrets.length]!}` : '';
    return (head + 'processing the request for user alice with payload '.repeat(2)).slice(0, 100 - tail.length) + tail;
  });
}

function linesPerSecond(mask: (text: string) => string, secrets: readonly string[]): number {
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const lines = logLines(secrets, round);
    const start = performance.now();
    for (const line of lines) mask(line);
    rates.push(LINES / ((performance.now() - start) / 1000));
  }
  // The first round warms the JIT.
  return rates.slice(1).sort((a, b) => a - b)[Math.floor((ROUNDS - 1) / 2)]!;
}

const long = Array.from({ length: 20 }, () => randomBytes(15).toString('base64'));
const mixed = [...long.slice(0, 15), 'id', 'on', 'a', 'xyz', 'k9'];
const fmt = (n: number): string => `${Math.round(n / 1000)}k lines/s`;
for (const [name, secrets] of [['20 secrets of 20 characters', long], ['15 of 20 characters + 5 of 1–3', mixed]] as const) {
  const before = linesPerSecond(plainMasker(secrets), secrets);
  const after = linesPerSecond(secretMasker(secrets), secrets);
  console.log(`${name}: before (plain values, split/join) ${fmt(before)}; after (all encodings, one RegExp) ${fmt(after)}; ratio ${(after / before).toFixed(2)}×`);
}
