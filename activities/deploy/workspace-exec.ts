/**
 * Reading a run's workspace outside its jobs (issue 13): a short-lived helper
 * container (docker runner: the workspace volume) or Pod (kubernetes runner:
 * the workspace claim) runs one command with the workspace mounted at
 * `/workspace`, and its output comes back. Deploy jobs read `file:`
 * manifests (and kustomizations) with it; lead time reads `git log` with it.
 * The interface is the foundation's; the engine part implements it per runner.
 */
export interface WorkspaceExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface WorkspaceExecOptions {
  /** The helper image; default: the worker's helper image (docs/deploy-jobs.md). */
  readonly image?: string;
  readonly timeoutMs?: number;
}

export interface WorkspaceExec {
  /** Runs `argv` (no shell unless argv asks for one) with the run's workspace at /workspace; throws when the workspace is gone. */
  exec(runId: string, flowUri: string, argv: readonly string[], options?: WorkspaceExecOptions): Promise<WorkspaceExecResult>;
}
