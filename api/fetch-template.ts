/** Fetching a job's `kubectl:` Pod template from a URL, for the API's apply and for the CLI. */

/** The largest body accepted, and how long to wait for it. */
export interface FetchTemplateOptions {
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
}

/** GETs a Pod template over HTTP(S): a non-2xx answer, a body past `maxBytes` (1 MiB) or a wait past `timeoutMs` (10 s) is an error. */
export async function fetchPodTemplate(url: string, options: FetchTemplateOptions = {}): Promise<string> {
  const { maxBytes = 1024 * 1024, timeoutMs = 10_000 } = options;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/yaml, text/yaml, text/plain, */*' } });
  } catch (err) {
    const cause = (err as Error).cause as Error | undefined;
    throw new Error(`cannot fetch: ${cause?.message ?? (err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new Error(`cannot fetch: HTTP ${res.status} ${res.statusText}`.trimEnd());
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new Error(`the manifest is ${declared} bytes, more than the ${maxBytes} accepted`);
  }
  const body = await res.arrayBuffer();
  if (body.byteLength > maxBytes) throw new Error(`the manifest is ${body.byteLength} bytes, more than the ${maxBytes} accepted`);
  return new TextDecoder().decode(body);
}
