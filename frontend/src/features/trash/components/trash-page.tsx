export function TrashPage() {
  return <h1 className="text-lg font-semibold">Trash</h1>;
}
