/** An error as the user reads it: the API's code and message, or the exception's. */
import { ApiError } from '../api.ts';

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = e instanceof ApiError ? `${e.status || 'network'} ${e.code}` : undefined;
  return (
    <div class="error-box" role="alert">
      {title ? <strong>{title}: </strong> : null}
      <span class="error-message">{e.message}</span>
      {code ? <span class="error-code"> ({code})</span> : null}
    </div>
  );
}
