/** A flow's YAML, read-only, with line numbers (a line is linkable as `#L12`). */

export function SourceView({ source }: { source: string }) {
  const lines = source.replace(/\n$/, '').split('\n');
  return (
    <pre class="source-view" aria-label="Flow source">
      {lines.map((line, i) => (
        <div key={i} id={`L${i + 1}`} class="source-line">
          <span class="line-no" aria-hidden="true">{i + 1}</span>
          <code>{line || ' '}</code>
        </div>
      ))}
    </pre>
  );
}
