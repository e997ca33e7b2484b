/**
 * A component's catalog entry (`component.yaml`, SPEC §1): read and checked
 * once when the catalog loads, into a complete, typed {@link ComponentEntry}.
 * An unknown field, a bad duration or quantity, a default for a secret input
 * are definition errors: nothing in the file is accepted and then ignored.
 */
import { z } from 'zod';
import { parseDuration } from '../flow/duration.ts';
import type { Millis, Resources, RetryPolicy } from '../flow/model.ts';
import { DEFAULT_BACKOFF_MS, DEFAULT_MAX_BACKOFF_MS } from '../flow/parse-job.ts';
import { parseCpu, parseMemory } from '../flow/resources.ts';

export interface ComponentInput {
  readonly name: string;
  readonly required: boolean;
  /** Given to a job that leaves the input out. */
  readonly default?: string;
  readonly description?: string;
  /** The value must come from a stored secret (`${{ secrets.NAME }}`), never as text in the flow. */
  readonly secret: boolean;
}

export interface ComponentOutput {
  readonly name: string;
  readonly description?: string;
}

export interface ComponentEntry {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly image: string;
  readonly description?: string;
  readonly inputs: readonly ComponentInput[];
  readonly outputs: readonly ComponentOutput[];
  /** Requests for a job that gives none of its own. */
  readonly resources: Resources;
  /** Attempt timeout for a job that gives none. */
  readonly timeoutMs?: Millis;
  /** Retries for a job that gives none. */
  readonly retries?: RetryPolicy;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const name = z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'letters, digits, ".", "_" and "-"');
const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});
const quantity = (parse: (v: string | number) => number) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    try {
      return parse(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

const InputSchema = z
  .object({ required: z.boolean().default(false), default: scalar.optional(), description: z.string().optional(), secret: z.boolean().default(false) })
  .strict()
  .nullable()
  .transform((v) => v ?? { required: false, secret: false })
  .refine((v) => !(v.required && v.default !== undefined), 'a required input has no default')
  .refine((v) => !(v.secret && v.default !== undefined), 'a secret input has no default: its value comes from a stored secret');

const OutputSchema = z.union([name.transform((n) => ({ name: n })), z.object({ name, description: z.string().optional() }).strict()]);

const RetriesSchema = z.union([
  z.number().int().min(0).transform((max): RetryPolicy => ({ max, backoffMs: DEFAULT_BACKOFF_MS, maxBackoffMs: DEFAULT_MAX_BACKOFF_MS })),
  z
    .object({ max: z.number().int().min(0), backoff: duration.optional(), maxBackoff: duration.optional() })
    .strict()
    .transform((r): RetryPolicy => {
      const backoffMs = r.backoff ?? DEFAULT_BACKOFF_MS;
      return { max: r.max, backoffMs, maxBackoffMs: r.maxBackoff ?? Math.max(DEFAULT_MAX_BACKOFF_MS, backoffMs) };
    }),
]);

/** The schema of `component.yaml`. */
export const ComponentDefinition = z
  .object({
    name,
    namespace: name,
    version: scalar.pipe(z.string().regex(/^\d+\.\d+\.\d+([+-][\w.+-]*)?$/, 'a semantic version such as 1.0.0')),
    image: z.string().min(1),
    description: z.string().optional(),
    inputs: z.record(name, InputSchema).nullable().default({}),
    outputs: z.array(OutputSchema).nullable().default([]),
    resources: z.object({ cpu: quantity(parseCpu).optional(), memory: quantity(parseMemory).optional() }).strict().optional(),
    timeout: duration.optional(),
    retries: RetriesSchema.optional(),
  })
  .strict();

/** Turns a parsed `component.yaml` document into an entry; throws a message naming every problem. */
export function readComponentDefinition(doc: unknown): ComponentEntry {
  const r = ComponentDefinition.safeParse(doc ?? {});
  if (!r.success) {
    throw new Error(r.error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; '));
  }
  const d = r.data;
  const resources: Resources = {
    ...(d.resources?.cpu ? { cpuMillis: d.resources.cpu } : {}),
    ...(d.resources?.memory ? { memoryBytes: d.resources.memory } : {}),
  };
  return {
    namespace: d.namespace,
    name: d.name,
    version: d.version,
    image: d.image,
    ...(d.description === undefined ? {} : { description: d.description }),
    inputs: Object.entries(d.inputs ?? {}).map(([n, i]) => ({ name: n, ...i })),
    outputs: d.outputs ?? [],
    resources,
    ...(d.timeout === undefined ? {} : { timeoutMs: d.timeout }),
    ...(d.retries === undefined ? {} : { retries: d.retries }),
  };
}
