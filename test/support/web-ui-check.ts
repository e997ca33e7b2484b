/**
 * What a browser gets first from a deployed coflow: the UI's page at `/` and
 * at a deep link, and the script and stylesheet it names. The production
 * topologies (compose, Kubernetes) check it through their published address.
 */
import { expect } from 'vitest';

export async function expectServesWebUi(baseUrl: string): Promise<void> {
  for (const path of ['/', '/runs/acme/shop/ci/1']) {
    const page = await fetch(`${baseUrl}${path}`);
    expect(page.status, path).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<div id="app">');
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js')), 'the page names its script').toBe(true);
    expect(assets.some((a) => a.endsWith('.css')), 'the page names its stylesheet').toBe(true);
    for (const asset of assets) {
      const res = await fetch(`${baseUrl}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
  }
}
