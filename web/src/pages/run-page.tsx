/** Placeholder: run page (being built). */
import type { PageProps } from '../routes.tsx';

export default function Page({ params }: PageProps) {
  return <section><h1>run page</h1><pre>{JSON.stringify(params)}</pre></section>;
}
