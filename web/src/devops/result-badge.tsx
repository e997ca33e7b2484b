/** A deployment's result as a coloured badge that names it; `rolled back` has a colour of its own. */
import { resultClass } from './records.ts';

export function ResultBadge({ result }: { result: string }) {
  return <span class={`badge ${resultClass(result)}`} data-result={result}>{result}</span>;
}
