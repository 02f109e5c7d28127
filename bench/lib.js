// Shared by the HTTP benchmarks: start a built app in its own process, then load one URL with
// wrk when it is installed (C, so the load generator takes little of a 2-core machine) or with
// autocannon otherwise, and return requests/s and latency percentiles.
const { spawn, spawnSync } = require('node:child_process');
const { Buffer } = require('node:buffer');
const { createHmac, randomUUID } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const autocannon = require('autocannon');

const ROOT = path.join(__dirname, '..');

/** The site key the benchmarked apps are started with (they check every request's token). */
const BENCH_JWT_SECRET = 'bench-jwt-secret-0123456789abcdef';

/**
 * A service token as solarhub-api signs it (HS256, issuer solarhub-api), for the benchmark's own
 * calls: the apps check it exactly as they check a real one.
 */
function benchToken(role = 'admin', secret = BENCH_JWT_SECRET) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const nowS = Math.floor(Date.now() / 1000);
  const claims = {
    type: 'access',
    kind: 'service',
    sub: `service:bench`,
    sid: randomUUID(),
    username: 'bench',
    roles: [role],
  };
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...claims, iss: 'solarhub-api', iat: nowS, exp: nowS + 6 * 3600 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** `{authorization: 'Bearer …'}` with a bench token of `role`. */
const benchAuth = (role = 'admin') => ({ authorization: `Bearer ${benchToken(role)}` });

async function waitLive(port, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`app on port ${port} did not start (run npm run build first)`);
}

/** Starts dist/apps/<app>/main.js; returns the child process once /health/ready answers 200. */
async function startApp(app, port, args = [], env = {}) {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist', 'apps', app, 'main.js'), ...args], {
    // The benches measure throughput (csms: 1,000 SetChargingProfile in a burst, from one address):
    // the write rate limit is off for them (RATE_LIMIT_WRITES_PER_MINUTE=0).
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET_KEY: BENCH_JWT_SECRET,
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitLive(port);
  return child;
}

const hasWrk = () => spawnSync('wrk', ['--version']).error === undefined;

function parseWrkMs(text, label) {
  const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(text);
  if (!m) return null;
  const value = Number(m[1]);
  return m[2] === 'us' ? value / 1000 : m[2] === 's' ? value * 1000 : value;
}

/** Loads `url` for `durationS` after a short warm-up; returns the figures. */
async function load({ url, headers = {}, connections = 64, durationS = 15 }) {
  if (hasWrk()) {
    const h = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    spawnSync('wrk', ['-t1', `-c${connections}`, '-d3s', ...h, url]);
    const out = spawnSync('wrk', [
      '-t1',
      `-c${connections}`,
      `-d${durationS}s`,
      '--latency',
      ...h,
      url,
    ]).stdout.toString();
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    return {
      tool: 'wrk',
      requestsPerSecond: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)),
      latencyMs: { p50: parseWrkMs(out, '50%'), p90: parseWrkMs(out, '90%'), p99: parseWrkMs(out, '99%') },
      failed: non2xx,
    };
  }
  const opts = { url, headers, connections };
  await autocannon({ ...opts, duration: 3 });
  const r = await autocannon({ ...opts, duration: durationS });
  return {
    tool: 'autocannon',
    requestsPerSecond: Math.round(r.requests.average),
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99 },
    failed: r.non2xx + r.errors + r.timeouts,
  };
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks of 10 ms
}

/** Resident memory of a process, MB. */
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/**
 * A Mosquitto of the bench's own on `port`, with the repository's deploy/mosquitto/mosquitto.conf
 * (its queue limits matter) except what a bench on loopback cannot use: no persistence, no log,
 * anonymous clients instead of the password file and ACL.
 */
async function startBroker(dir, port) {
  const conf = readFileSync(path.join(ROOT, 'deploy', 'mosquitto', 'mosquitto.conf'), 'utf8')
    .replace(/^listener .*$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence .*$/m, 'persistence false')
    .replace(/^persistence_location .*$/m, '')
    .replace(/^log_dest .*$/m, 'log_dest none')
    .replace(/^(password_file|acl_file) .*$/gm, '')
    .replace(/^allow_anonymous .*$/m, 'allow_anonymous true');
  writeFileSync(path.join(dir, 'mosquitto.conf'), conf);
  const broker = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const up = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) return { broker, url: `mqtt://127.0.0.1:${port}` };
    await new Promise((r) => setTimeout(r, 100));
  }
  broker.kill();
  throw new Error(`mosquitto did not start on port ${port}`);
}

module.exports = { startBroker, startApp, load, benchAuth, benchToken, BENCH_JWT_SECRET, cpuSeconds, rssMb };
