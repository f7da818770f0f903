// One pipeline: its stages left to right with the latest execution flowing through them.
export default function PipelinePage({ name }: { name: string }) {
  return <h1>{name}</h1>;
}
