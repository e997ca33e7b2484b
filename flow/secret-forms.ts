/**
 * The forms in which a secret value shows up in a log: as written, and in the
 * encodings a job commonly prints (base64 standard and URL-safe, padded or
 * not, also inside longer data such as `Basic base64(user:secret)`; hex;
 * URL and form encoding; JSON string escaping). Pure (no Buffer): the worker
 * and the API import it alike.
 *
 * The short-secret rule: a value of 1–3 characters is masked only as a whole
 * word; an encoded form is masked only when it is at least
 * MIN_ENCODED_LENGTH characters long, so short values do not eat unrelated text.
 */

/** A text to mask, anywhere or only as a whole word. */
export interface MaskForm {
  readonly text: string;
  readonly wholeWord: boolean;
}

/** Values this short (in characters) are masked only where they stand alone as a word. */
export const WHOLE_WORD_MAX_LENGTH = 3;
/** Encoded forms shorter than this are not masked: too likely to hit unrelated text. */
export const MIN_ENCODED_LENGTH = 6;

const utf8 = new TextEncoder();

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function urlSafe(b64: string): string {
  return b64.replaceAll('+', '-').replaceAll('/', '_');
}

/**
 * The base64 characters determined by the value's bytes alone when the value
 * starts at byte `offset` (0, 1 or 2) of a 3-byte group: the characters that
 * also carry bits of the neighbouring bytes are left out (they leak at most a
 * few bits of the value).
 */
function base64Core(bytes: Uint8Array, offset: number): string {
  const shifted = new Uint8Array(offset + bytes.length);
  shifted.set(bytes, offset);
  const first = Math.ceil((8 * offset) / 6);
  const end = Math.floor((8 * (offset + bytes.length)) / 6);
  return base64(shifted).slice(first, end);
}

function base64Forms(bytes: Uint8Array): string[] {
  const whole = base64(bytes);
  const standard = [whole, whole.replace(/=+$/, ''), ...[0, 1, 2].map((offset) => base64Core(bytes, offset))];
  return [...standard, ...standard.map(urlSafe)];
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** JSON string escaping, with non-ASCII characters as `\uXXXX` (as `ensure_ascii` encoders write). */
function jsonAscii(escaped: string): string {
  return escaped.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** URL encoding (`encodeURIComponent`) and form encoding (spaces as `+`); none for a value with a lone surrogate, which URLs cannot carry. */
function urlForms(value: string): string[] {
  let uri: string;
  try {
    uri = encodeURIComponent(value);
  } catch {
    return [];
  }
  return [uri, uri.replaceAll('%20', '+'), new URLSearchParams({ v: value }).toString().slice(2)];
}

/** Every encoded form of a value (duplicates and the value itself included). */
function encodedForms(value: string): string[] {
  const bytes = utf8.encode(value);
  const json = JSON.stringify(value).slice(1, -1);
  return [...base64Forms(bytes), hex(bytes), hex(bytes).toUpperCase(), ...urlForms(value), json, jsonAscii(json)];
}

/**
 * The forms to mask for one secret value, longest first: the value itself
 * (as a whole word when it is short) and each encoded form that differs
 * from it and is long enough.
 */
export function maskForms(value: string): MaskForm[] {
  if (value === '') return [];
  const forms = new Map<string, MaskForm>([[value, { text: value, wholeWord: value.length <= WHOLE_WORD_MAX_LENGTH }]]);
  for (const text of encodedForms(value)) {
    if (text.length >= MIN_ENCODED_LENGTH && !forms.has(text)) forms.set(text, { text, wholeWord: false });
  }
  return [...forms.values()].sort((a, b) => b.text.length - a.text.length);
}
