/**
 * Manifests in a run's workspace for the WorkspaceExec tests of both runners:
 * a file, a folder of YAML files, and a kustomization (its `namePrefix` shows
 * that kustomize rendered it). `WRITE_MANIFESTS` is a shell script that writes
 * them under /workspace.
 */
export const WRITE_MANIFESTS = `set -e
mkdir -p /workspace/deploy/many /workspace/deploy/kust
printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: one }\\ndata: { tag: "\${{ environment.values.TAG }}" }\\n' > /workspace/deploy/one.yaml
printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: a }\\n' > /workspace/deploy/many/a.yaml
printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: b }\\n' > /workspace/deploy/many/b.yml
printf 'not: yaml of ours\\n' > /workspace/deploy/many/notes.txt
printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: base }\\n' > /workspace/deploy/kust/base.yaml
printf 'resources: [base.yaml]\\nnamePrefix: kz-\\n' > /workspace/deploy/kust/kustomization.yaml
`;

/** The file manifests and the object names each renders to. */
export const MANIFEST_CASES: readonly { readonly file: string; readonly names: readonly string[] }[] = [
  { file: 'deploy/one.yaml', names: ['one'] },
  { file: 'deploy/many', names: ['a', 'b'] },
  { file: 'deploy/kust', names: ['kz-base'] },
];
