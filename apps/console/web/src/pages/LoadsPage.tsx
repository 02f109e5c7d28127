/** LoadsPage: not built yet. */
export default function LoadsPage() {
  return (
    <section>
      <h1>Loads</h1>
      <p className="muted">This page is being built.</p>
    </section>
  );
}
