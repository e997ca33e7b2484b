/** Placeholder: flows list (being built). */
import type { PageProps } from '../routes.tsx';

export default function Page({ params }: PageProps) {
  return <section><h1>flows list</h1><pre>{JSON.stringify(params)}</pre></section>;
}
