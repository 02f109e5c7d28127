/** OptimizerPage: not built yet. */
export default function OptimizerPage() {
  return (
    <section>
      <h1>Optimizer</h1>
      <p className="muted">This page is being built.</p>
    </section>
  );
}
