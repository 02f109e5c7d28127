/** StationPage: not built yet. */
export default function StationPage() {
  return (
    <section>
      <h1>Station</h1>
      <p className="muted">This page is being built.</p>
    </section>
  );
}
