import { hostname } from 'node:os';
import { connectAsync } from 'mqtt';
import { checkServices, testServices } from './services';

/**
 * solarhub-api's default broker session (`solarhub-api-<hostname>` in the group `solarhub-api`)
 * outlives a run on the machine's Mosquitto. Tests give solarhub-api their own session
 * (`ingestEnv()`); one started without it would leave a session that takes a share of later
 * runs' telemetry, so a run starts by ending it.
 */
async function endDefaultIngestSession(): Promise<void> {
  const client = await connectAsync(testServices.mqttUrl, {
    clientId: `solarhub-api-${hostname()}`,
    clean: true,
    protocolVersion: 5,
    connectTimeout: 3000,
    reconnectPeriod: 0,
  }).catch(() => null);
  await client?.endAsync(true);
}

/**
 * E2e tests run against the machine's real MariaDB, Redis and Mosquitto. In CI a missing
 * service fails the run before any test starts; locally it is reported and the tests that need
 * it fail on their own.
 */
export default async function globalSetup(): Promise<void> {
  const down = await checkServices();
  if (down.length > 0) {
    const message = `services not answering: ${down.join(', ')} (run ../shared/services-up.sh)`;
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(message);
    return;
  }
  await endDefaultIngestSession();
}
