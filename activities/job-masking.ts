/**
 * A job attempt's masking: the values of its secrets (and its registry
 * password) from the start, plus every value the job itself adds with a
 * `[COUT] ::mask:: VALUE` line, for the rest of the attempt: later log
 * lines, outputs and `post` hook lines. The `::mask::` line is stored as
 * `[COUT] ::mask:: ***`. A re-attached attempt is handed the container's log
 * from its start again (the store ignores the lines it has), so the values
 * added by earlier lines are added again before the first new line.
 */
import { MASKED_MASK_LINE, parseCoutLine } from '../contracts/cout.ts';
import { SecretMasker } from '../flow/secret-masking.ts';

export class JobMasking {
  readonly #masker: SecretMasker;

  constructor(values: readonly string[]) {
    this.#masker = new SecretMasker(values);
  }

  /** One line of the container's log as it is stored; a `::mask::` line adds its value first. */
  readonly line = (text: string): string => {
    const cout = parseCoutLine(text);
    if (cout?.kind !== 'mask') return this.#masker.mask(text);
    this.#masker.add(cout.value);
    return MASKED_MASK_LINE;
  };

  /** Any other text of the attempt (an output, a hook's line), masked with every value known so far. */
  readonly text = (text: string): string => this.#masker.mask(text);
}
