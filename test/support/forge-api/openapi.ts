/**
 * Checks requests against GitHub's published OpenAPI description (the npm
 * package `@octokit/openapi`): the method and path must name an operation,
 * the query parameters must be the operation's, and the JSON body must match
 * its request schema (Ajv, with OpenAPI 3.0's `nullable` and the formats).
 * Answers are the operation's own examples.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { schemaErrors } from './server.ts';

type Json = Record<string, unknown>;

export interface OpenApiOperation {
  readonly template: string;
  readonly method: string;
  readonly operationId: string;
  readonly node: Json;
}

export interface OpenApiDescription {
  /** The path prefix of the servers (`/api/v3` for GitHub Enterprise Server, `` for github.com). */
  readonly prefix: string;
  find(method: string, path: string): OpenApiOperation | undefined;
  /** Problems of a request to `operation`: unknown query parameters, values or a body off its schema. */
  check(operation: OpenApiOperation, query: URLSearchParams, body: unknown): string[];
  /** The operation's example answer for `status`, `$ref`s resolved. */
  example(operation: OpenApiOperation, status: string): unknown;
}

const require = createRequire(import.meta.url);
const loaded = new Map<string, OpenApiDescription>();

/** `api.github.com` or `ghes-3.19` (one of the files `@octokit/openapi` ships). */
export function githubDescription(name: 'api.github.com' | 'ghes-3.19'): OpenApiDescription {
  let description = loaded.get(name);
  if (description === undefined) {
    const file = require.resolve(`@octokit/openapi/generated/${name}.json`);
    description = describe(JSON.parse(readFileSync(file, 'utf8')) as Json);
    loaded.set(name, description);
  }
  return description;
}

function describe(spec: Json): OpenApiDescription {
  const servers = spec['servers'] as { url: string }[];
  const prefix = new URL(servers[0]!.url.replace('{protocol}', 'https').replace('{hostname}', 'example.com')).pathname.replace(/\/$/, '');
  const resolve = (node: unknown, depth = 0): unknown => {
    if (depth > 40 || node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((item) => resolve(item, depth + 1));
    const ref = (node as Json)['$ref'];
    if (typeof ref === 'string') {
      const target = ref.slice(2).split('/').reduce<unknown>((at, part) => (at as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
      return resolve(target, depth + 1);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, depth + 1)]));
  };
  const operations: (OpenApiOperation & { pattern: RegExp })[] = [];
  for (const [template, item] of Object.entries(spec['paths'] as Record<string, Json>)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const [method, node] of Object.entries(item)) {
      if (typeof node === 'object' && node !== null && 'operationId' in node) operations.push({ template, method: method.toUpperCase(), operationId: String((node as Json)['operationId']), node, pattern });
    }
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const queryAjv = new Ajv({ strict: false, allErrors: true, coerceTypes: true });
  addFormats.default(queryAjv);
  const validators = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: unknown, instance: Ajv): ValidateFunction => {
    let fn = validators.get(key);
    if (fn === undefined) {
      fn = instance.compile(resolve(schema) as Json);
      validators.set(key, fn);
    }
    return fn;
  };
  return {
    prefix,
    find(method, path) {
      const rest = path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
      if (rest === undefined) return undefined;
      return operations.find((op) => op.method === method && op.pattern.test(rest));
    },
    check(operation, query, body) {
      const problems: string[] = [];
      const parameters = ((resolve(operation.node['parameters']) ?? []) as Json[]).filter((p) => p['in'] === 'query');
      for (const [name, value] of query) {
        const parameter = parameters.find((p) => p['name'] === name);
        if (parameter === undefined) {
          problems.push(`${operation.operationId}: unknown query parameter ${name}`);
          continue;
        }
        const holder = { value };
        const fn = validator(`${operation.operationId}?${name}`, { type: 'object', properties: { value: parameter['schema'] } }, queryAjv);
        if (!fn(holder)) problems.push(`${operation.operationId}: query ${name}=${value}: ${schemaErrors(fn)}`);
      }
      const requestBody = resolve(operation.node['requestBody']) as Json | undefined;
      const schema = (requestBody?.['content'] as Json | undefined)?.['application/json'] as Json | undefined;
      if (body === undefined) {
        if (requestBody?.['required'] === true) problems.push(`${operation.operationId}: body required`);
      } else if (schema === undefined) {
        problems.push(`${operation.operationId}: takes no JSON body`);
      } else {
        const fn = validator(`${operation.operationId}:body`, schema['schema'], ajv);
        if (!fn(body)) problems.push(`${operation.operationId}: body: ${schemaErrors(fn)}`);
      }
      return problems;
    },
    example(operation, status) {
      const response = resolve((operation.node['responses'] as Json)[status]) as Json;
      const content = (response['content'] as Json)['application/json'] as Json;
      const examples = content['examples'] as Record<string, { value: unknown }>;
      return structuredClone(Object.values(examples)[0]!.value);
    },
  };
}
