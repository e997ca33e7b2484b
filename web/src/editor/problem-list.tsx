/** The validator's problems under the editor, each a button that jumps to its line:column. */
import type { Problem } from './validation.ts';

export function ProblemList({ problems, onJump }: { problems: readonly Problem[]; onJump: (p: Problem) => void }) {
  if (problems.length === 0) return null;
  return (
    <ul class="problem-list" aria-label="problems">
      {problems.map((p, i) => (
        <li key={i} class={`problem ${p.severity}`}>
          <button type="button" class="link" onClick={() => onJump(p)}>
            <span class="where">{p.line}:{p.column}</span> <span class="severity">{p.severity}</span> {p.path ? <code>{p.path}</code> : null} {p.message}
          </button>
        </li>
      ))}
    </ul>
  );
}
