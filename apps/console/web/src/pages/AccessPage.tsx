/** AccessPage: not built yet. */
export default function AccessPage() {
  return (
    <section>
      <h1>Access</h1>
      <p className="muted">This page is being built.</p>
    </section>
  );
}
