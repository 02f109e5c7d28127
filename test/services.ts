import { connect } from 'node:net';

/** Where the e2e suite finds the machine's real services; overridable for other machines. */
export const testServices = {
  mysqlUrl: process.env.TEST_DATABASE_URL ?? 'mysql://root:@127.0.0.1:3306/test',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  mqttUrl: process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
};

function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function checkServices(): Promise<string[]> {
  const entries = Object.entries(testServices);
  const results = await Promise.all(entries.map(([, url]) => answers(url)));
  return entries.filter((_, i) => !results[i]).map(([name, url]) => `${name} (${url})`);
}
