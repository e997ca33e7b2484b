/**
 * Zod schemas of `/api/v1`: they validate requests and generate the OpenAPI
 * document (`/api/v1/openapi.json`), so the two cannot drift apart.
 */
import { z } from '@hono/zod-openapi';
import { LOG_STREAMS } from '../contracts/logs.ts';
import { RUN_STATES } from '../contracts/run-status.ts';
import { TRIGGER_KINDS } from '../contracts/triggers.ts';
import { RUN_FILTER_STATES } from './run-list.ts';
import { DELIVERY_ANSWERS } from './webhooks/delivery-results.ts';

const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string(),
      details: z.unknown().nullable(),
    }),
  })
  .openapi('Error');

/** Error responses every route may give, by status. */
export const errorResponses = (...statuses: (400 | 401 | 403 | 404 | 409 | 415 | 422)[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { description: ERROR_TEXT[s], content: { 'application/json': { schema: ErrorBody } } }]),
  ) as Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorBody } } }>;

const ERROR_TEXT = {
  400: 'bad request (details.issues names the fields)',
  401: 'no bearer token or session, or an unknown, expired or signed-out one',
  403: 'the token\'s role may not do this (forbidden), or a session request failed the CSRF rules (csrf)',
  404: 'not found',
  409: 'conflict with the current state',
  415: 'the body is not declared as Content-Type: application/json',
  422: 'the flow is invalid (details.issues: path, line, column, message), or a query names an unknown thing or a bad date (details.field)',
} as const;

const segment = (name: string, example: string) =>
  z.string().regex(/^[A-Za-z0-9][\w.-]*$/).openapi({ param: { name, in: 'path' }, example });

export const FlowParams = z.object({
  ns: segment('ns', 'acme'),
  repo: segment('repo', 'shop'),
  name: segment('name', 'ci'),
});

export const RunParams = FlowParams.extend({
  number: z.coerce.number().int().min(1).openapi({ param: { name: 'number', in: 'path' }, example: 3 }),
});

export const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback).openapi({ example: fallback });

export const Cursor = z.string().min(1).max(4096).optional().openapi({ description: 'opaque cursor from `next` of the previous page' });

export const YamlBody = {
  content: { 'application/yaml': { schema: z.string().openapi({ description: 'a flow file (SPEC §2)' }) } },
  required: true,
} as const;

/** A located remark about a flow file (same shape as a validation issue). */
const FlowWarning = z
  .object({ path: z.string(), line: z.number().int(), column: z.number().int(), message: z.string() })
  .openapi('FlowWarning', { description: 'accepted, but worth a look (e.g. a duplicate action name ContainerOps allowed, numbered in paths)' });

export const AppliedFlow = z
  .object({
    uri: z.string(),
    warnings: z.array(FlowWarning),
    version: z.number().int(),
    created: z.boolean(),
    schedules: z.array(z.string()).openapi({ description: 'ids of the Temporal Schedules kept for the flow\'s schedule triggers' }),
  })
  .openapi('AppliedFlow');

/** A declared flow input (`inputs:` in the flow file; also in the stored spec's `inputs`). */
export const FlowInput = z
  .object({ description: z.string().optional(), default: z.string().optional(), required: z.boolean(), options: z.array(z.string()).optional() })
  .openapi('FlowInput');

export const FlowSummary = z
  .object({
    uri: z.string(), version: z.number().int(), title: z.string().nullable(), createdAt: z.string(),
    inputs: z.record(z.string(), FlowInput).openapi({ description: 'the inputs a manual run may give, by name ({} when none)' }),
  })
  .openapi('FlowSummary');

export const StoredFlow = z
  .object({
    uri: z.string(), version: z.number().int(), source: z.string(),
    spec: z.record(z.string(), z.unknown()).openapi({ description: 'the parsed flow (flow/model.ts FlowSpec); `spec.inputs` holds the declared inputs, absent when none' }),
    createdAt: z.string(),
  })
  .openapi('Flow');

export const FlowVersion = z.object({ version: z.number().int(), createdAt: z.string() }).openapi('FlowVersion');

export const Validation = z.object({ valid: z.literal(true), uri: z.string(), warnings: z.array(FlowWarning) }).openapi('Validation');

export const StartRunBody = z
  .object({
    comment: z.string().max(1000).optional().openapi({ description: 'why the run was started; expressions read it as `trigger.message`' }),
    inputs: z
      .record(z.string().max(100), z.union([z.string().max(10_000), z.number(), z.boolean()]))
      .optional()
      .openapi({
        description: 'values of the flow\'s `inputs` by name (numbers and booleans are read as text); the others take their defaults. ' +
          'An unknown name, a missing required input or a value outside an input\'s options answers 422 invalid_inputs (details.problems: input, message); nothing starts',
        example: { target: 'staging' },
      }),
    commit: z.string().max(64).optional().openapi({
      description: 'the commit (full SHA) to report statuses on, with `repo`: the connection (API, token, context) is the flow\'s trigger of that forge with `report:`; 400 invalid_report when it has none or a value is malformed',
      example: '0123456789abcdef0123456789abcdef01234567',
    }),
    repo: z.string().max(300).optional().openapi({ description: 'with `commit`: FORGE:OWNER/NAME, FORGE one of github, gitlab, gitea', example: 'gitea:acme/shop' }),
  })
  .optional()
  .openapi('StartRun');

export const StartedRun = z
  .object({ runId: z.string(), number: z.number().int(), flowUri: z.string(), flowVersion: z.number().int(), duplicate: z.boolean() })
  .openapi('StartedRun');

const RunSummary = z
  .object({
    runId: z.string(),
    flowUri: z.string(),
    number: z.number().int(),
    status: z.string().openapi({ description: 'open: running, waiting (at an approval gate), paused; ended: succeeded, failed, cancelled; or the Temporal status when a run ended abnormally (terminated, timed_out)' }),
    trigger: z.string().nullable(),
    branch: z.string().nullable(),
    actor: z.string().nullable(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
  })
  .openapi('RunSummary');

export const RunList = z.object({ runs: z.array(RunSummary), next: z.string().nullable() }).openapi('RunList');

export const RunQuery = z.object({
  flow: z.string().optional().openapi({ description: 'flow uri', example: 'acme/shop/ci' }),
  status: z.enum(RUN_FILTER_STATES).optional().openapi({ description: 'running, waiting (at an approval gate), paused, succeeded, failed, cancelled' }),
  trigger: z.enum(TRIGGER_KINDS).optional(),
  branch: z.string().max(255).optional(),
  since: z.iso.datetime({ offset: true }).optional().openapi({ description: 'runs started at or after (ISO 8601)' }),
  until: z.iso.datetime({ offset: true }).optional().openapi({ description: 'runs started before (ISO 8601)' }),
  limit: Limit(500, 50),
  cursor: Cursor,
});

/** The runs list's query (`GET /api/v1/runs`; its SSE follow takes the same, without `cursor`). */
export const RunListQuery = RunQuery.extend({
  flow: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/).optional().openapi({ example: 'acme/shop/ci' }),
  branch: z.string().regex(/^[^'"\\\s]{1,255}$/).optional().openapi({ example: 'main' }),
});

/** The stage/action/job tree (`workflows/status.ts`). */
export const RunStatus = z
  .looseObject({
    runId: z.string(),
    number: z.number().int(),
    flowUri: z.string(),
    flowVersion: z.number().int(),
    state: z.enum(RUN_STATES),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    error: z.string().optional(),
    warnings: z.array(z.string()).optional().openapi({ description: 'about the run itself: a commit status the forge refused (e.g. "gitea commit status not set: 401 token is required"); absent when none' }),
    inputs: z.record(z.string(), z.string()).optional().openapi({ description: 'the flow inputs\' values the run started with (defaults filled in; a re-run keeps them)' }),
    secretsWithheld: z.string().optional().openapi({ description: 'why the run\'s jobs may not read secrets (a pull request from a fork): jobs that ask for one fail with it' }),
    stages: z.array(z.looseObject({ name: z.string(), type: z.string(), state: z.enum(RUN_STATES), actions: z.array(z.looseObject({})) })),
  })
  .openapi('RunStatus');

const LogLine = z
  .object({
    seq: z.number().int(),
    jobPath: z.string(),
    attempt: z.number().int(),
    ts: z.number().int().openapi({ description: 'milliseconds since the epoch' }),
    stream: z.enum(LOG_STREAMS),
    text: z.string(),
  })
  .openapi('LogLine');

export const LogPage = z
  .object({ lines: z.array(LogLine), next: z.number().int().openapi({ description: 'pass as `after` for the next page' }) })
  .openapi('LogPage');

export const LogQuery = z.object({
  job: z.string().optional().openapi({ description: 'job path stage.action.job' }),
  after: z.coerce.number().int().min(0).default(0),
  limit: Limit(10_000, 1000),
});

export const Component = z
  .object({
    namespace: z.string(),
    name: z.string(),
    version: z.string(),
    image: z.string(),
    description: z.string().optional(),
    inputs: z.array(z.object({ name: z.string(), required: z.boolean(), default: z.string().optional(), description: z.string().optional(), secret: z.boolean() })),
    outputs: z.array(z.object({ name: z.string(), description: z.string().optional() })),
    resources: z.object({ cpuMillis: z.number().optional(), memoryBytes: z.number().optional() }).openapi({ description: 'requests for a job that gives none' }),
    timeoutMs: z.number().optional().openapi({ description: 'attempt timeout for a job that gives none' }),
    retries: z.object({ max: z.number(), backoffMs: z.number(), maxBackoffMs: z.number() }).optional(),
  })
  .openapi('Component');

export const HookResult = z
  .object({
    result: z.enum(DELIVERY_ANSWERS),
    reason: z.string().optional(),
    runId: z.string().optional(),
    number: z.number().int().optional(),
    event: z.string().optional(),
    trigger: z.record(z.string(), z.unknown()).optional().openapi({ description: 'the normalised trigger context the run got (without the raw payload)' }),
  })
  .openapi('HookResult');

export const SignIn = z.object({ token: z.string().min(1).openapi({ description: 'a bearer token of COFLOW_TOKENS / COFLOW_TOKENS_FILE' }) }).openapi('SignIn');

export const SessionInfo = z
  .object({
    user: z.string().openapi({ example: 'alice' }),
    roles: z.array(z.string()).openapi({ example: ['operator'] }),
    authEnabled: z.boolean().openapi({ description: 'false: no token is configured and everyone acts as the anonymous admin' }),
    csrf: z.string().openapi({ description: 'send as the X-Coflow-CSRF header with every request that changes something' }),
    expiresAt: z.string().nullable().openapi({ description: 'when the session ends (ISO 8601); null for a bearer token or with authentication off' }),
  })
  .openapi('Session');

export const UserSignOut = z
  .object({
    user: z.string(),
    revokedBefore: z.string().openapi({ description: 'sessions of the user signed in before this moment (ISO 8601) are refused by every API server' }),
  })
  .openapi('UserSignOut');
