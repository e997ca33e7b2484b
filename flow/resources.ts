import { InvalidQuantityError } from './errors.ts';

/** The resources a job may request (`resources:` keys). */
export const RESOURCE_NAMES = ['cpu', 'memory'] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

// Kubernetes quantity suffixes: decimal (k, M, G…) and binary (Ki, Mi, Gi…).
const DECIMAL: Readonly<Record<string, number>> = {
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
// Docker-style lower-case memory units (`512m`, `4g`) are binary, as `docker run -m` reads them.
const DOCKER: Readonly<Record<string, number>> = {
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};
const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)([A-Za-z]{0,2})$/;

/**
 * Reads a CPU quantity into millicores: `"1"` or `1` → 1000, `0.5` → 500, `"500m"` → 500.
 * Fractions below one millicore round up, as Kubernetes does.
 *
 * @throws InvalidQuantityError on anything else.
 */
export function parseCpu(input: string | number): number {
  const { amount, suffix } = split('cpu', input);
  if (suffix === 'm') return Math.ceil(amount);
  if (suffix !== '') throw new InvalidQuantityError('cpu', input, `unknown suffix "${suffix}"; use cores (1, 0.5) or millicores (500m)`);
  return Math.ceil(amount * 1000);
}

/**
 * Reads a memory quantity into bytes, with Kubernetes suffixes: `4G` → 4·10^9,
 * `4Gi` → 4·2^30, `512Mi`, `1024M`, `100k`, `1000` (bytes). Docker's lower-case
 * `512m`/`4g`/`1t` are read as Docker reads them (binary); Kubernetes' milli-bytes
 * make no sense for memory, so `m` is never milli here.
 *
 * @throws InvalidQuantityError on anything else.
 */
export function parseMemory(input: string | number): number {
  const { amount, suffix } = split('memory', input);
  let factor: number | undefined;
  if (suffix === '') factor = 1;
  else factor = BINARY[suffix] ?? DECIMAL[suffix] ?? DOCKER[suffix];
  if (factor === undefined) {
    throw new InvalidQuantityError('memory', input, `unknown suffix "${suffix}"; use bytes, k/M/G/T (decimal), Ki/Mi/Gi/Ti (binary) or Docker's m/g/t`);
  }
  const bytes = Math.ceil(amount * factor);
  if (!Number.isSafeInteger(bytes)) throw new InvalidQuantityError('memory', input, 'too large');
  return bytes;
}

function split(resource: ResourceName, input: string | number): { amount: number; suffix: string } {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new InvalidQuantityError(resource, input, 'must be a non-negative number');
    return { amount: input, suffix: '' };
  }
  const match = QUANTITY.exec(input.trim());
  if (match === null) throw new InvalidQuantityError(resource, input, 'expected a non-negative number with an optional unit suffix');
  return { amount: Number(match[1]), suffix: match[2] ?? '' };
}
