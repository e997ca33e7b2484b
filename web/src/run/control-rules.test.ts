import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../contracts/run-status.ts';
import { controlAvailability, type Steerer } from './control-rules.ts';

const run = (state: RunStatus['state'], paused = false): RunStatus => ({
  runId: 'a/b/c#1', number: 1, flowUri: 'a/b/c', flowVersion: 1, state, paused, startedAt: '2026-01-01T00:00:00Z', continuedAsNew: 0, stages: [],
});
const as = (...roles: string[]): Steerer => ({ user: 'u', roles, operator: roles.includes('operator') || roles.includes('admin') });
const enabled = (r: RunStatus, s: Steerer | null) =>
  Object.entries(controlAvailability(r, s)).filter(([, a]) => a.enabled).map(([k]) => k);

describe('run control availability', () => {
  it('offers pause and cancel while running, resume and cancel while paused, re-runs once ended', () => {
    const op = as('operator');
    expect(enabled(run('running'), op)).toEqual(['pause', 'cancel']);
    expect(enabled(run('waiting'), op)).toEqual(['pause', 'cancel']);
    expect(enabled(run('paused', true), op)).toEqual(['resume', 'cancel']);
    expect(enabled(run('failed'), op)).toEqual(['rerun-failed', 'rerun-full']);
    expect(enabled(run('succeeded'), as('admin'))).toEqual(['rerun-full']);
    expect(enabled(run('cancelled'), op)).toEqual(['rerun-full']);
  });

  it('says why a button is disabled: the state, or first the role', () => {
    const a = controlAvailability(run('succeeded'), as('operator'));
    expect(a.pause).toEqual({ enabled: false, reason: 'the run has ended' });
    expect(a['rerun-failed'].reason).toBe('only a failed run re-runs from its failed job (this one succeeded)');
    expect(controlAvailability(run('running'), as('operator')).resume.reason).toBe('the run is not paused');
    expect(controlAvailability(run('running'), as('operator'))['rerun-full'].reason).toBe('the run has not ended yet');
    const viewer = controlAvailability(run('failed'), as('viewer', 'release'));
    expect(Object.values(viewer).map((x) => x.reason)).toEqual(Array(5).fill('needs the operator role — you are viewer, release'));
    expect(controlAvailability(run('running'), null).cancel.reason).toBe('sign in as an operator to do this');
  });
});
