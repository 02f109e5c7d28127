import { checkServices } from './services';

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
  }
}
