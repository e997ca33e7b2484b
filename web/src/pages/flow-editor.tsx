/** Placeholder: flow editor (being built). */
import type { PageProps } from '../routes.tsx';

export default function Page({ params }: PageProps) {
  return <section><h1>flow editor</h1><pre>{JSON.stringify(params)}</pre></section>;
}
