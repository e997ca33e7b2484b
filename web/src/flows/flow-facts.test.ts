import { describe, expect, it } from 'vitest';
import type { TriggerSpec } from '../../../flow/model.ts';
import { inputFields, inputValues, maskedAddress, problemsByInput, schedulesOf, webhooksOf } from './flow-facts.ts';

const triggers: TriggerSpec[] = [
  { kind: 'github', events: ['push'], branches: ['main', 'release/*'], tags: [], paths: [], secret: 'gh-hook' },
  { kind: 'gitea', events: [], branches: [], tags: [], paths: [], secret: 'gt', report: { tokenSecret: 'gt-token', apiUrl: 'https://git.example/api/v1', perStage: true }, skipCi: false, forkSecrets: true },
  { kind: 'webhook', events: [], branches: [], tags: [], paths: [] },
  { kind: 'schedule', cron: '0 3 * * *', timezone: 'Europe/Paris' },
];

describe('flow facts', () => {
  it('gives each webhook trigger its hook URL (generic for `webhook`), secret and filters', () => {
    expect(webhooksOf('acme/shop/ci', triggers, 'https://ci.example')).toEqual([
      { kind: 'github', url: 'https://ci.example/hooks/github/acme/shop/ci', secret: 'gh-hook', filters: ['events: push', 'branches: main, release/*'], reporting: [] },
      {
        kind: 'gitea',
        url: 'https://ci.example/hooks/gitea/acme/shop/ci',
        secret: 'gt',
        filters: [],
        reporting: ['commit statuses as coflow/acme/shop/ci and per stage via https://git.example/api/v1; token from secret gt-token', 'runs even on [skip ci]', 'pull requests from forks get secrets'],
      },
      { kind: 'webhook', url: 'https://ci.example/hooks/generic/acme/shop/ci', filters: [], reporting: [] },
    ]);
    expect(schedulesOf(triggers)).toEqual([{ cron: '0 3 * * *', timezone: 'Europe/Paris' }]);
    expect(webhooksOf('a/b/c', undefined, 'x')).toEqual([]);
  });

  it('masks a receiver address holding a secret expression, whole', () => {
    expect(maskedAddress({ address: 'https://hooks.slack.com/services/${{ secrets.SLACK_PATH }}' })).toEqual({ text: '•••• (from secret SLACK_PATH)', masked: true });
    expect(maskedAddress({ address: 'ops@example.com' })).toEqual({ text: 'ops@example.com', masked: false });
  });

  it('builds the input form from the declared inputs and sends only filled fields', () => {
    const fields = inputFields({
      target: { required: true, options: ['staging', 'production'] },
      level: { required: false, default: 'info', description: 'log level' },
      note: { required: false },
    });
    expect(fields.map((f) => [f.name, f.required, f.initial, f.options])).toEqual([
      ['target', true, '', ['staging', 'production']], ['level', false, 'info', undefined], ['note', false, '', undefined],
    ]);
    expect(inputValues(fields, { target: '', level: 'debug', note: '' })).toEqual({ level: 'debug' });
    expect(inputValues(fields, { target: 'staging' })).toEqual({ target: 'staging', level: 'info' });
    expect(inputFields(undefined)).toEqual([]);
  });

  it('reads the 422 problems by input, joining two about the same one', () => {
    expect(problemsByInput({ problems: [{ input: 'a', message: 'x' }, { input: 'a', message: 'y' }, { input: 'b', message: 'z' }, { bad: 1 }] })).toEqual({ a: 'x; y', b: 'z' });
    expect(problemsByInput(undefined)).toEqual({});
  });
});
