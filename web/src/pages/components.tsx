/** Placeholder: components (being built). */
import type { PageProps } from '../routes.tsx';

export default function Page({ params }: PageProps) {
  return <section><h1>components</h1><pre>{JSON.stringify(params)}</pre></section>;
}
