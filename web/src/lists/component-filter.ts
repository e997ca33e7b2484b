/** The components page's filter and grouping: pure. */

/** `GET /api/v1/components` entry (api/schemas.ts Component), the parts the page shows. */
export interface ComponentRow {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly image: string;
  readonly description?: string;
  readonly inputs: readonly { name: string; required: boolean; default?: string; description?: string; secret: boolean }[];
  readonly outputs: readonly { name: string; description?: string }[];
}

/** One component: its versions, newest first, and the newest entry's details. */
export interface ComponentGroup {
  readonly id: string;
  readonly versions: readonly string[];
  readonly latest: ComponentRow;
}

/** Orders `1.10.0` after `1.9.0`; non-numeric parts compare as text. */
export function compareVersionText(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    const c = !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return c;
  }
  return 0;
}

/** Entries grouped by `namespace/name`, sorted by that id. */
export function groupComponents(rows: readonly ComponentRow[]): ComponentGroup[] {
  const byId = new Map<string, ComponentRow[]>();
  for (const r of rows) {
    const id = `${r.namespace}/${r.name}`;
    byId.set(id, [...(byId.get(id) ?? []), r]);
  }
  return [...byId.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, list]) => {
      const sorted = [...list].sort((a, b) => compareVersionText(b.version, a.version));
      return { id, versions: sorted.map((r) => r.version), latest: sorted[0]! };
    });
}

/** Groups whose id, description, image or input/output names contain every word of `text` (any case). */
export function filterComponents(groups: readonly ComponentGroup[], text: string): ComponentGroup[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...groups];
  return groups.filter((g) => {
    const l = g.latest;
    const hay = [g.id, l.description ?? '', l.image, ...l.inputs.map((i) => i.name), ...l.outputs.map((o) => o.name)].join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}
