import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { APP_NAMES, DEFAULT_OCPP_PORT, DEFAULT_PORTS } from '@lib/config';
import { APP_CONFIG_LOADERS } from './support/app-config-loaders';
import { loadAll, load } from 'js-yaml';

/**
 * Docker cannot run on this machine, so these tests read the Dockerfile, docker-compose.yml and
 * k8s/ and check they agree with the code: ports, probes, and variables the apps accept.
 */
const root = join(__dirname, '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

interface ComposeService {
  build?: { args?: Record<string, string> };
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

/** Compose's `${VAR:?message}` with a value and `${VAR:-default}` with its default, as `docker compose` would. */
const substitute = (value: string): string =>
  value.replace(/\$\{[A-Z_]+:\?[^}]*\}/g, 'a-real-secret-for-the-check-0123').replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

/** YAML merge keys (`<<: *anchor`), resolved as docker compose does; js-yaml 5 leaves them as keys. */
function resolveMerges(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(resolveMerges);
  if (node === null || typeof node !== 'object') return node;
  const { '<<': merge, ...own } = node as Record<string, unknown>;
  const bases = (Array.isArray(merge) ? merge : merge ? [merge] : []).map(resolveMerges) as Record<string, unknown>[];
  const resolved = Object.fromEntries(Object.entries(own).map(([k, v]) => [k, resolveMerges(v)]));
  return Object.assign({}, ...bases, resolved) as unknown;
}

describe('docker-compose.yml', () => {
  const compose = resolveMerges(load(read('docker-compose.yml'))) as { services: Record<string, ComposeService> };

  it.each(['mysql', 'redis', 'mosquitto'])('runs %s with a healthcheck and a persistent volume', (name) => {
    const service = compose.services[name];
    expect(service.healthcheck?.test.length).toBeGreaterThan(0);
    expect(service.volumes?.some((v) => /-data:/.test(v))).toBe(true);
  });

  it.each(APP_NAMES)('builds and configures %s so that its configuration loads', (app) => {
    const service = compose.services[app];
    expect(service.build?.args?.APP).toBe(app);
    const env = Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([k, v]) => [k, substitute(String(v))]),
    );
    expect(env.PORT).toBe(String(DEFAULT_PORTS[app]));
    const config = APP_CONFIG_LOADERS[app](env);
    expect(config.isProduction).toBe(true);
    expect(service.ports).toContain(`${DEFAULT_PORTS[app]}:${DEFAULT_PORTS[app]}`);
    expect(service.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${DEFAULT_PORTS[app]}/health/ready`);
    for (const dependency of ['mysql', 'redis', 'mosquitto']) {
      expect(service.depends_on?.[dependency]).toEqual({ condition: 'service_healthy' });
    }
    if (app === 'console') {
      // It proxies every app: each by its compose service name and port.
      for (const [variable, target] of Object.entries({
        SOLARHUB_API_URL: 'solarhub-api',
        GRIDPILOT_URL: 'gridpilot-optimizer',
        CSMS_URL: 'ocpp-csms',
        IOT_MOCK_URL: 'iot-mock',
        PLANT_URL: 'plant-simulator',
      } as const)) {
        expect(env[variable]).toBe(`http://${target}:${DEFAULT_PORTS[target]}`);
      }
    }
    for (const other of Object.keys(service.depends_on ?? {})) {
      expect(compose.services[other]?.healthcheck).toBeDefined();
    }
  });

  it("points iot-mock's EV chargers at the CSMS's OCPP port", () => {
    const env = compose.services['iot-mock'].environment ?? {};
    expect(env.CSMS_OCPP_URL).toBe(`ws://ocpp-csms:${DEFAULT_OCPP_PORT}`);
    expect(compose.services['ocpp-csms'].ports).toContain(`${DEFAULT_OCPP_PORT}:${DEFAULT_OCPP_PORT}`);
  });

  it('gives Mosquitto a queue that does not drop QoS 1 messages at the default 1,000', () => {
    const conf = read('deploy/mosquitto/mosquitto.conf');
    const limit = Number(/^max_queued_messages\s+(\d+)/m.exec(conf)?.[1]);
    expect(limit === 0 || limit >= 100_000).toBe(true);
    expect(conf).toMatch(/^persistence true/m);
  });

  it('runs Mosquitto without anonymous access, with the ACL and a password file made at start', () => {
    const conf = read('deploy/mosquitto/mosquitto.conf');
    expect(conf).toMatch(/^allow_anonymous false$/m);
    expect(conf).toMatch(/^acl_file \/mosquitto\/config\/acl$/m);
    expect(conf).toMatch(/^password_file \/mosquitto\/run\/passwd$/m);
    expect(read('deploy/mosquitto/entrypoint.sh')).toContain('mosquitto_passwd -b');
    const mosquitto = compose.services.mosquitto;
    expect(mosquitto.volumes).toEqual(
      expect.arrayContaining([
        './deploy/mosquitto/acl:/mosquitto/config/acl:ro',
        './deploy/mosquitto/entrypoint.sh:/mosquitto/config/entrypoint.sh:ro',
      ]),
    );
    expect(mosquitto.healthcheck?.test.join(' ')).toContain('-u ops');
  });

  it.each(APP_NAMES)('gives %s its own broker user in MQTT_URL', (app) => {
    const url = new URL(substitute(String(compose.services[app].environment?.MQTT_URL)));
    expect(url.username).toBe(app);
    expect(url.password).not.toBe('');
    const variable = `MQTT_PASSWORD_${app.toUpperCase().replace(/-/g, '_')}`;
    expect(compose.services.mosquitto.environment?.[variable]).toContain(`:?set ${variable}`);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('is multi-stage and runs the app chosen by APP from dist/apps/<app>/main.js', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^ARG APP=/m);
    expect(dockerfile).toContain('dist/apps/${APP}/main.js');
    expect(dockerfile).toMatch(/^USER node/m);
  });

  it('copies patches/ before npm ci, so the dependency patches are applied in the image', () => {
    const copyPatches = dockerfile.indexOf('COPY patches ./patches');
    expect(copyPatches).toBeGreaterThan(-1);
    expect(copyPatches).toBeLessThan(dockerfile.indexOf('RUN npm ci'));
    expect(JSON.parse(read('package.json')).scripts.postinstall).toBe('patch-package');
    for (const patch of readdirSync(join(root, 'patches'))) {
      const [, name, version] = /^(.+)\+(\d+\.\d+\.\d+)\.patch$/.exec(patch) ?? [];
      // A patch is written against one version: the dependency must be pinned to it.
      expect(JSON.parse(read('package.json')).dependencies[name]).toBe(version);
    }
  });

  it('exposes every default port', () => {
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)?.[1].split(/\s+/).map(Number);
    expect(exposed).toEqual(expect.arrayContaining([...Object.values(DEFAULT_PORTS), DEFAULT_OCPP_PORT]));
  });
});

interface K8sObject {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec: {
    template?: { spec: { containers: K8sContainer[] } };
    selector?: Record<string, unknown>;
    ports?: { name: string; port: number; targetPort: string | number }[];
  };
}

interface K8sContainer {
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}

interface JobContainer {
  name: string;
  image: string;
  command: string[];
  env: { name: string; value?: string }[];
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
}

describe('k8s/', () => {
  const objects = readdirSync(join(root, 'k8s'))
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => loadAll(read(join('k8s', f))) as K8sObject[]);
  const named = (kind: string, name: string): K8sObject | undefined =>
    objects.find((o) => o.kind === kind && o.metadata.name === name);
  const configMap = objects.find((o) => o.kind === 'ConfigMap');
  const secret = objects.find((o) => o.kind === 'Secret');

  it('has one ConfigMap and one Secret whose variables the apps accept', () => {
    expect(configMap).toBeDefined();
    expect(secret).toBeDefined();
    expect(Object.values(secret?.stringData ?? {}).every((v) => v === '')).toBe(true);
  });

  it.each(APP_NAMES)('deploys %s with its port, probes on the health endpoints and resources', (app) => {
    const deployment = named('Deployment', app) ?? named('StatefulSet', app);
    const service = named('Service', app);
    const container = deployment?.spec.template?.spec.containers[0];
    if (!container || !service) throw new Error(`k8s/${app}.yaml lacks a Deployment or a Service`);
    const env = Object.fromEntries(container.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    expect(env.APP).toBe(app);
    expect(env.PORT).toBe(String(DEFAULT_PORTS[app]));
    const http = container.ports.find((p) => p.name === 'http');
    expect(http?.containerPort).toBe(DEFAULT_PORTS[app]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.resources.requests).toHaveProperty('memory');
    expect(container.resources.limits).toHaveProperty('memory');
    expect(container.envFrom).toEqual([
      { configMapRef: { name: configMap?.metadata.name } },
      { secretRef: { name: secret?.metadata.name } },
    ]);
    expect(service.spec.ports).toContainEqual({ name: 'http', port: DEFAULT_PORTS[app], targetPort: 'http' });
    // With the secret filled in, the ConfigMap and the Deployment's env make a valid production config.
    const filled = Object.fromEntries(
      Object.keys(secret?.stringData ?? {}).map((k) => [k, 'a-real-secret-for-the-check-0123']),
    );
    filled.DATABASE_URL = 'mysql://app:secret@mysql:3306/energy';
    // MQTT_URL comes from the energy-site-mqtt Secret (valueFrom), filled in the same way.
    const own = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
    filled.MQTT_URL = `mqtt://${app}:a-real-secret@mosquitto:1883`;
    expect(APP_CONFIG_LOADERS[app]({ ...configMap?.data, ...filled, ...own }).http.port).toBe(DEFAULT_PORTS[app]);
  });

  it('routes / of the Ingress to the console Service', () => {
    const ingress = objects.find((o) => o.kind === 'Ingress') as unknown as {
      spec: { rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[] };
    };
    expect(ingress.spec.rules[0].http.paths).toContainEqual(
      expect.objectContaining({ path: '/', backend: { service: { name: 'console', port: { name: 'http' } } } }),
    );
  });

  it("keeps each solarhub-api replica's broker session across restarts (a StatefulSet, the pod name as client id)", () => {
    const set = named('StatefulSet', 'solarhub-api');
    const container = set?.spec.template?.spec.containers[0];
    expect(container?.env.find((e) => e.name === 'INGEST_CLIENT_ID')?.valueFrom).toEqual({
      fieldRef: { fieldPath: 'metadata.name' },
    });
  });

  it("points iot-mock's EV chargers at the ocpp-csms Service's OCPP port", () => {
    expect(configMap?.data?.CSMS_OCPP_URL).toBe(`ws://ocpp-csms:${DEFAULT_OCPP_PORT}`);
    expect(named('Service', 'ocpp-csms')?.spec.ports).toContainEqual({
      name: 'ocpp',
      port: DEFAULT_OCPP_PORT,
      targetPort: 'ocpp',
    });
  });

  it.each(['mosquitto.conf', 'acl', 'entrypoint.sh'])('ships the same Mosquitto %s as deploy/mosquitto/', (file) => {
    expect(read(`k8s/mosquitto/${file}`)).toBe(read(`deploy/mosquitto/${file}`));
  });

  it.each(APP_NAMES)("takes %s's MQTT_URL (its own broker user) from the energy-site-mqtt Secret", (app) => {
    const workload = named('Deployment', app) ?? named('StatefulSet', app);
    const container = workload?.spec.template?.spec.containers[0] as unknown as {
      env: { name: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
    };
    const key = `MQTT_URL_${app.toUpperCase().replace(/-/g, '_')}`;
    expect(container.env.find((e) => e.name === 'MQTT_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'energy-site-mqtt',
      key,
    });
    const mqttSecret = named('Secret', 'energy-site-mqtt');
    expect(mqttSecret?.stringData).toHaveProperty(key, '');
    expect(mqttSecret?.stringData).toHaveProperty(`MQTT_PASSWORD_${app.toUpperCase().replace(/-/g, '_')}`, '');
  });

  describe('the migrations Job (k8s/migrate-job.yaml)', () => {
    const DATABASE_APPS = ['solarhub-api', 'gridpilot-optimizer', 'iot-mock', 'ocpp-csms'] as const;
    const job = objects.find((o) => o.kind === 'Job') as unknown as
      | {
          metadata: { name: string };
          spec: {
            template: {
              spec: { restartPolicy: string; initContainers?: JobContainer[]; containers: JobContainer[] };
            };
          };
        }
      | undefined;
    const containers = [
      ...(job?.spec.template.spec.initContainers ?? []),
      ...(job?.spec.template.spec.containers ?? []),
    ];

    it('is listed by kustomization.yaml and never restarts a finished migration in place', () => {
      expect((load(read('k8s/kustomization.yaml')) as { resources: string[] }).resources).toContain('migrate-job.yaml');
      expect(job?.spec.template.spec.restartPolicy).toBe('Never');
    });

    it.each(DATABASE_APPS)(
      "runs %s's migrate command, the one its main.ts answers, with the release's image",
      (app) => {
        const container = containers.find((c) => c.name === app);
        if (!container) throw new Error(`the Job has no container for ${app}`);
        expect(container.command).toEqual(['node', `dist/apps/${app}/main.js`, 'migrate']);
        // The Dockerfile runs the same file; the app's main.ts has the command.
        expect(read('Dockerfile')).toContain('dist/apps/${APP}/main.js');
        expect(read(`apps/${app}/src/main.ts`)).toContain("process.argv[2] === 'migrate'");
        const deployment = named('Deployment', app) ?? named('StatefulSet', app);
        expect(container.image).toBe((deployment?.spec.template?.spec.containers[0] as { image?: string }).image);
        // Same ConfigMap and Secret as the servers: the same DATABASE_URL and DB_CREATE_DATABASES.
        expect(container.envFrom).toEqual([
          { configMapRef: { name: configMap?.metadata.name } },
          { secretRef: { name: secret?.metadata.name } },
        ]);
        const own = Object.fromEntries(
          container.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]),
        );
        expect(own.APP).toBe(app);
        const filled = Object.fromEntries(
          Object.keys(secret?.stringData ?? {}).map((k) => [k, 'a-real-secret-for-the-check-0123']),
        );
        filled.DATABASE_URL = 'mysql://app:secret@mysql:3306/energy';
        // Its MQTT_URL comes from the energy-site-mqtt Secret, as the server's does.
        const mqtt = container.env.find((e) => e.name === 'MQTT_URL') as { valueFrom?: { secretKeyRef?: unknown } };
        expect(mqtt?.valueFrom?.secretKeyRef).toEqual({
          name: 'energy-site-mqtt',
          key: `MQTT_URL_${app.toUpperCase().replace(/-/g, '_')}`,
        });
        filled.MQTT_URL = `mqtt://${app}:a-real-secret@mosquitto:1883`;
        const config = APP_CONFIG_LOADERS[app]({ ...configMap?.data, ...filled, ...own });
        expect(config.migrateOnStart).toBe(true);
      },
    );

    it('migrates the four apps one after the other (init containers, then the last)', () => {
      expect(containers.map((c) => c.name).sort()).toEqual([...DATABASE_APPS].sort());
      expect(job?.spec.template.spec.containers).toHaveLength(1);
    });

    it.each(DATABASE_APPS)('runs the %s servers with DB_MIGRATE=false, leaving the migrations to the Job', (app) => {
      const deployment = named('Deployment', app) ?? named('StatefulSet', app);
      const env = deployment?.spec.template?.spec.containers[0].env ?? [];
      expect(env.find((e) => e.name === 'DB_MIGRATE')?.value).toBe('false');
      const filled = Object.fromEntries(
        Object.keys(secret?.stringData ?? {}).map((k) => [k, 'a-real-secret-for-the-check-0123']),
      );
      filled.DATABASE_URL = 'mysql://app:secret@mysql:3306/energy';
      filled.MQTT_URL = `mqtt://${app}:a-real-secret@mosquitto:1883`;
      const own = Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
      expect(APP_CONFIG_LOADERS[app]({ ...configMap?.data, ...filled, ...own }).migrateOnStart).toBe(false);
    });
  });

  it('refuses to start in production with the Secret left empty', () => {
    expect(() => APP_CONFIG_LOADERS['plant-simulator']({ ...configMap?.data, ...secret?.stringData })).toThrow(
      /PLANT_TOKEN/,
    );
  });
});
