/**
 * Reading a JSON request body that the route checks itself (optional bodies,
 * bodies read raw first): not JSON is 400 `bad_json`, a body that does not
 * fit the schema is 400 with every issue. Never a 500.
 */
import type { z } from '@hono/zod-openapi';
import { ApiError, type ApiErrorCode } from './errors.ts';

/** `text` parsed and checked; an empty body stands for `{}`. `code` names the error of a body that does not fit. */
export function parseJsonBody<T extends z.ZodType>(text: string, schema: T, what: string, code: ApiErrorCode = 'invalid_request'): z.infer<T> {
  let doc: unknown = {};
  if (text.trim() !== '') {
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ApiError('bad_json', `the body must be JSON ${what}: ${(err as Error).message}`);
    }
  }
  const parsed = schema.safeParse(doc);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ApiError(code, issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; '), { issues });
  }
  return parsed.data;
}
