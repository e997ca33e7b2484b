import { describe, expect, it } from 'vitest';
import { SecretMasker, secretMasker } from './secret-masking.ts';

// Its base64 holds '+' and '/' (so the URL-safe form differs) and needs padding.
const SECRET = 's3cr3t>>>?~ü';
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const b64url = (s: string): string => Buffer.from(s).toString('base64url');
const mask = secretMasker([SECRET]);

describe('secretMasker: the value and its encodings', () => {
  it('masks the value as written', () => {
    expect(mask(`token is ${SECRET}!`)).toBe('token is ***!');
  });

  it('masks the whole base64 encoding, standard and URL-safe, padded and unpadded', () => {
    expect(b64(SECRET)).toMatch(/[+/].*=$/);
    expect(mask(`std ${b64(SECRET)} end`)).toBe('std *** end');
    expect(mask(`bare ${b64(SECRET).replace(/=+$/, '')} end`)).toBe('bare *** end');
    expect(b64url(SECRET)).not.toBe(b64(SECRET).replace(/=+$/, ''));
    expect(mask(`url ${b64url(SECRET)} end`)).toBe('url *** end');
    expect(mask(`urlpad ${b64url(SECRET)}== end`)).toMatch(/^urlpad \*\*\*=* end$/);
  });

  it.each(['ab:', 'abc:', 'abcd:'])('masks base64 Basic auth with the secret at byte offset %#, leaving only the characters shared with its neighbours', (prefix) => {
    const encoded = b64(`${prefix}${SECRET}`);
    const masked = mask(`Authorization: Basic ${encoded}`);
    const [before, after] = masked.slice('Authorization: Basic '.length).split('***') as [string, string];
    expect(masked).toContain('***');
    // What is left before is the user's part (plus at most the one character it shares with the secret) ...
    expect(before.length).toBeLessThanOrEqual(Math.ceil((prefix.length * 8) / 6));
    expect(encoded.startsWith(before)).toBe(true);
    // ... and after, at most the last character (it carries padding bits) and the padding.
    expect(after.replace(/=+$/, '').length).toBeLessThanOrEqual(1);
    // The same inside longer data, in URL-safe base64, with bytes after the secret.
    const urlMasked = mask(b64url(`${prefix}${SECRET}&more=data`));
    expect(urlMasked).toContain('***');
    expect(urlMasked.length).toBeLessThan(b64url(`${prefix}${SECRET}&more=data`).length - 8);
  });

  it('masks hex in lower and upper case', () => {
    const hex = Buffer.from(SECRET).toString('hex');
    expect(mask(`lower ${hex} upper ${hex.toUpperCase()}`)).toBe('lower *** upper ***');
  });

  it('masks URL encoding and form encoding (+ for spaces)', () => {
    const value = 'p@ss word/with&more=1';
    const m = secretMasker([value]);
    expect(m(`https://x/cb?token=${encodeURIComponent(value)}&a=1`)).toBe('https://x/cb?token=***&a=1');
    expect(m(`token=${encodeURIComponent(value).replaceAll('%20', '+')}&a=1`)).toBe('token=***&a=1');
    expect(m(new URLSearchParams({ token: value, a: '1' }).toString())).toBe('token=***&a=1');
  });

  it('masks JSON string escaping of a quote, a backslash, a newline and non-ASCII', () => {
    const value = 'pa"ss\\wörd\nnext';
    const m = secretMasker([value]);
    expect(m(JSON.stringify({ password: value }))).toBe('{"password":"***"}');
    const ascii = JSON.stringify({ password: value }).replace('ö', '\\u00f6');
    expect(m(ascii)).toBe('{"password":"***"}');
  });

  it('masks the union of overlapping values, so no part of either leaks', () => {
    const m = secretMasker(['abcdef', 'defghijk']);
    expect(m('xx abcdefghijk yy')).toBe('xx *** yy');
    expect(m('abcdefabcdef')).toBe('***');
    expect(m('defghijk then abcdef')).toBe('*** then ***');
  });

  it('steps over characters outside the BMP', () => {
    expect(mask(`🔑 ${SECRET} 🔑 ${b64(SECRET)}`)).toBe('🔑 *** 🔑 ***');
  });
});

describe('secretMasker: the short-secret rule', () => {
  const short = secretMasker(['id', 'on', 'a', 'xyz']);

  it('masks 1–3-character values only as whole words', () => {
    expect(short('validation of the action')).toBe('validation of the action');
    expect(short('user_id=7 token xyzzy')).toBe('user_id=7 token xyzzy');
    expect(short('xyz')).toBe('***');
    expect(short('key xyz, id=7 (on) a')).toBe('key ***, ***=7 (***) ***');
  });

  it('adds no encoded form shorter than six characters', () => {
    // hex of "id" and base64 of "xyz" would hit unrelated text.
    expect(short('sha 6964 eHl6 done')).toBe('sha 6964 eHl6 done');
    // base64 of a 4-character value, padded, is long enough.
    expect(secretMasker(['abcd'])(`Zm9v ${b64('abcd')}`)).toBe('Zm9v ***');
  });

  it('masks a text anywhere when it is one secret\'s short value and another\'s long form', () => {
    expect(secretMasker(['abc', 'xabcx'])('zabcz xabcx')).toBe('zabcz ***');
  });
});

describe('SecretMasker.add', () => {
  it('masks values added later in every later text, and ignores empty ones', () => {
    const masker = new SecretMasker(['first-secret']);
    expect(masker.mask('late-value first-secret')).toBe('late-value ***');
    masker.add('late-value', '');
    expect(masker.mask(`late-value first-secret ${b64('late-value')}`)).toBe('*** *** ***');
    expect(new SecretMasker([]).mask('')).toBe('');
  });

  it('masks many added values, overlapping ones across groups as one span, without recompiling everything each time', () => {
    const masker = new SecretMasker(['end-stored-secret-value-runtime']);
    const added = Array.from({ length: 1000 }, (_, i) => `runtime-token-${i}-end`);
    const started = performance.now();
    for (const value of added) {
      masker.add(value);
      masker.mask('a line between two ::mask:: lines');
    }
    // One RegExp over every value, recompiled on each addition, took over a minute here.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(masker.mask(`x ${added[3]!} ${added[999]!} ${b64(added[500]!)} y`)).toBe('x *** *** *** y');
    // Two values from different groups overlapping, and the stored one: one span.
    expect(masker.mask('runtime-token-7-end-stored-secret-value-runtime-token-999-end!')).toBe('***!');
    expect(masker.mask('runtime-token-1000-end')).toBe('runtime-token-1000-end');
  });
});
