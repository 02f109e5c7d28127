/** StoragePage: not built yet. */
export default function StoragePage() {
  return (
    <section>
      <h1>Storage</h1>
      <p className="muted">This page is being built.</p>
    </section>
  );
}
