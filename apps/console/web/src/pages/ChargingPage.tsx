import { Card } from '../components/ui';
import { SiteLimitCard } from '../components/SiteLimitCard';
import { StationTable } from '../components/StationTable';
import { TransactionsTable } from '../components/TransactionsTable';

/**
 * The charging page: every station (virtualised, filtered, live kW and session energy), the site
 * charging limit with each session's fair share, and the sessions history with CSV export.
 */
export default function ChargingPage() {
  return (
    <div className="page">
      <h1>Charging</h1>
      <div className="grid">
        <Card title="Stations" wide>
          <StationTable />
        </Card>
        <Card title="Site charging limit" wide>
          <SiteLimitCard />
        </Card>
        <Card title="Sessions history" wide>
          <TransactionsTable />
        </Card>
      </div>
    </div>
  );
}
