/** `secret set NAME` (value from --value or standard input), `secret list`, `secret delete NAME` (admin). */
import { UsageError } from '../errors.ts';
import { optionText, type Command } from './types.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export const secret: Command = {
  name: 'secret',
  synopsis: 'secret set NAME [--value V] | secret list | secret delete NAME',
  summary: 'manage stored secrets (admin); `set` reads the value from standard input unless --value is given',
  options: { value: { type: 'string' } },
  async run(ctx, [verb, name]) {
    switch (verb) {
      case 'list': {
        const r = await ctx.api.request<{ secrets: { name: string }[] }>('GET', '/api/v1/secrets');
        ctx.out(r.secrets, () => (r.secrets.length === 0 ? 'no secrets' : r.secrets.map((s) => s.name).join('\n')));
        return 0;
      }
      case 'set': {
        if (!name) throw new UsageError('secret set needs a NAME');
        const value = optionText(ctx.values, 'value') ?? (await readStdin());
        if (value === '') throw new UsageError('secret set: the value is empty (give --value or pipe it in)');
        await ctx.api.request('PUT', `/api/v1/secrets/${encodeURIComponent(name)}`, JSON.stringify({ value }), 'application/json');
        ctx.out({ name, stored: true }, () => `stored secret ${name}`);
        return 0;
      }
      case 'delete': {
        if (!name) throw new UsageError('secret delete needs a NAME');
        await ctx.api.request('DELETE', `/api/v1/secrets/${encodeURIComponent(name)}`);
        ctx.out({ name, deleted: true }, () => `deleted secret ${name}`);
        return 0;
      }
      default:
        throw new UsageError('secret needs set, list or delete');
    }
  },
};
