import type { INestApplication } from '@nestjs/common';
import { AppName, loadBasicAppConfig } from '@lib/config';
import { createHttpApp } from '@lib/observability';
import { AppModule as GridpilotModule } from '../apps/gridpilot-optimizer/src/app.module';
import { http, listenOnFreePort } from './support/http';

const apps: [AppName, typeof GridpilotModule][] = [['gridpilot-optimizer', GridpilotModule]];

describe.each(apps)('%s boots as a Nest app', (name, Module) => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const config = loadBasicAppConfig(name, { LOG_LEVEL: 'silent' });
    app = await createHttpApp(Module.forRoot(config), { title: name, description: name });
    url = await listenOnFreePort(app);
  });
  afterAll(() => app.close());

  it('answers /health/live, /health/ready, /metrics and /docs', async () => {
    expect((await http(`${url}/health/live`)).body).toEqual({ status: 'ok' });
    expect((await http(`${url}/health/ready`)).status).toBe(200);
    expect((await http<string>(`${url}/metrics`)).body).toContain(`app="${name}"`);
    const spec = await http<{ info: { title: string } }>(`${url}/docs/openapi.json`);
    expect(spec.body.info.title).toBe(name);
  });

  it('answers unknown routes with a 404 {detail}', async () => {
    const res = await http(`${url}/no/such/route`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: expect.stringContaining('/no/such/route') });
  });
});
