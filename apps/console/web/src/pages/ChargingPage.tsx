/** ChargingPage: not built yet. */
export default function ChargingPage() {
  return (
    <section>
      <h1>Charging</h1>
      <p className="muted">This page is being built.</p>
    </section>
  );
}
