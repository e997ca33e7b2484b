/**
 * The `approval:` block of a gate as the run's flow version wrote it: only
 * the flow says `forbidSelfApproval`, which the run status does not carry.
 * Undefined until loaded, and when the flow cannot be read (the panel then
 * judges from the status alone; the API decides anyway).
 */
import { useEffect, useState } from 'preact/hooks';
import type { RunStatus } from '../../../contracts/run-status.ts';
import type { ApprovalSpec, FlowSpec } from '../../../flow/model.ts';
import { api, query } from '../api.ts';

/** One fetch per flow version, shared by every panel of the page. */
const cache = new Map<string, Promise<FlowSpec | undefined>>();

function flowSpec(uri: string, version: number): Promise<FlowSpec | undefined> {
  const key = `${uri}@${version}`;
  let found = cache.get(key);
  if (!found) {
    found = api<{ spec: FlowSpec }>(`/flows/${uri}${query({ version })}`).then((f) => f.spec, () => undefined);
    cache.set(key, found);
  }
  return found;
}

export function useGateSpec(run: RunStatus, stage: string): ApprovalSpec | undefined {
  const [spec, setSpec] = useState<ApprovalSpec | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void flowSpec(run.flowUri, run.flowVersion).then((f) => {
      if (live) setSpec(f?.stages.find((s) => s.name === stage)?.approval);
    });
    return () => void (live = false);
  }, [run.flowUri, run.flowVersion, stage]);
  return spec;
}
