// The broker's users and what each may publish and subscribe: the one source of truth for the
// Mosquitto acl_file (rendered by scripts/broker-acl.js into deploy/mosquitto/acl) and for the
// embedded aedes broker of `npm start` (scripts/platform.js). Plain CommonJS so that both the
// TypeScript code (through broker-acl.d.ts) and the launcher can load it without a build.
//
// Derived from what the apps do (topics from libs/contracts/src/topics.ts):
//   iot-mock            publishes device data, retained device status (and clears it), its own
//                       retained service status and last will, commands sent through its REST API
//                       and the devices' command acks; subscribes commands and acks.
//   plant-simulator     publishes retained plant readings (default PLANT_TOPIC_PREFIX).
//   gridpilot-optimizer publishes device commands and the site charging limit (bus, MQTT mode);
//                       subscribes device data and command acks.
//   ocpp-csms           subscribes the site charging limit (Nest MQTT transport, event pattern);
//                       publishes each station's retained status and its meter values.
//                       gridpilot-optimizer reads those (EV load); so does the console.
//   solarhub-api        subscribes device data (a shared subscription per replica group), device
//                       and service statuses (retained; a service's last will takes its devices
//                       offline) and publishes the revoked sessions (retained); every app reads them.
//   console             an operator dashboard: reads what it shows, never writes.
//   ops                 administration: everything, including $SYS.
'use strict';

const { createHash, randomBytes, timingSafeEqual } = require('node:crypto');

const SITE_LIMIT = 'v1.site.charging-limit.set';
/** solarhub-api's list of revoked sessions (libs/auth), read by every app that checks tokens. */
const REVOKED_SESSIONS = 'v1.auth.revoked-sessions';
/** ocpp-csms's station status (retained) and meter values: energy/stations/+/status and …/meter. */
const STATIONS = 'energy/stations/#';

/** @type {Record<string, { publish: string[]; subscribe: string[] }>} */
const BROKER_ACL = {
  'iot-mock': {
    publish: [
      'energy/devices/+/data',
      'energy/devices/+/status',
      'energy/devices/+/commands',
      'energy/devices/+/commands/ack',
      'energy/services/iot-mock/status',
    ],
    subscribe: ['energy/devices/+/commands', 'energy/devices/+/commands/ack', REVOKED_SESSIONS],
  },
  'plant-simulator': {
    publish: ['energy/plants/+/reading'],
    subscribe: [REVOKED_SESSIONS],
  },
  'gridpilot-optimizer': {
    publish: ['energy/devices/+/commands', SITE_LIMIT],
    subscribe: ['energy/devices/+/data', 'energy/devices/+/commands/ack', STATIONS, REVOKED_SESSIONS],
  },
  'ocpp-csms': {
    publish: [STATIONS],
    subscribe: [SITE_LIMIT, REVOKED_SESSIONS],
  },
  'solarhub-api': {
    publish: [REVOKED_SESSIONS],
    subscribe: ['energy/devices/+/data', 'energy/devices/+/status', 'energy/services/+/status', REVOKED_SESSIONS],
  },
  console: {
    publish: [],
    subscribe: [
      'energy/devices/+/data',
      'energy/devices/+/status',
      'energy/devices/+/commands',
      'energy/devices/+/commands/ack',
      SITE_LIMIT,
      'energy/services/+/status',
      'energy/plants/+/reading',
      STATIONS,
      REVOKED_SESSIONS,
    ],
  },
  ops: {
    publish: ['#'],
    subscribe: ['#', '$SYS/#'],
  },
};

const APP_BROKER_USERS = ['iot-mock', 'plant-simulator', 'gridpilot-optimizer', 'ocpp-csms', 'solarhub-api'];

/** `$share/<group>/<filter>` subscribes `<filter>`: the ACL is checked on the filter. */
function withoutShare(filter) {
  const match = /^\$share\/[^/]+\/(.+)$/.exec(filter);
  return match ? match[1] : filter;
}

/**
 * Whether the ACL pattern covers a topic or a subscription filter, level by level: `+` in the
 * pattern covers any one level (a `+` in the filter included), `#` covers the rest; a `#` or `+`
 * in the filter is covered only by a wildcard of the pattern. `$`-topics are matched only by
 * patterns that start with the same `$` level (MQTT-4.7.2-1).
 */
function patternCovers(pattern, topic) {
  const p = pattern.split('/');
  const t = topic.split('/');
  if (t[0].startsWith('$') && p[0] !== t[0]) return false;
  for (let i = 0; i < p.length; i += 1) {
    if (p[i] === '#') return true;
    if (i >= t.length) return false;
    if (p[i] === '+') {
      if (t[i] === '#') return false;
      continue;
    }
    if (p[i] !== t[i]) return false;
  }
  return p.length === t.length;
}

/** May `user` publish on `topic` (no wildcards) or subscribe `filter`? Unknown users may nothing. */
function isAllowed(user, action, topicOrFilter, acl = BROKER_ACL) {
  const rights = user ? acl[user] : undefined;
  if (!rights) return false;
  const target = action === 'subscribe' ? withoutShare(topicOrFilter) : topicOrFilter;
  if (action === 'publish' && /[+#]/.test(target)) return false;
  return rights[action].some((pattern) => patternCovers(pattern, target));
}

/** Mosquitto's acl_file: `topic write` for publish, `topic read` for subscribe, `readwrite` for both. */
function renderMosquittoAcl(acl = BROKER_ACL) {
  const lines = [
    '# Rendered by `node scripts/broker-acl.js` from libs/messaging/src/broker-acl.js: do not edit.',
    '# No `user`-less lines: an anonymous client (allow_anonymous false anyway) may nothing.',
  ];
  for (const [user, rights] of Object.entries(acl)) {
    lines.push('', `user ${user}`);
    const patterns = [...new Set([...rights.publish, ...rights.subscribe])];
    for (const pattern of patterns) {
      const w = rights.publish.includes(pattern);
      const r = rights.subscribe.includes(pattern);
      lines.push(`topic ${w && r ? 'readwrite' : w ? 'write' : 'read'} ${pattern}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A password per broker user, fresh for each start of the embedded broker. */
function generateBrokerPasswords(acl = BROKER_ACL) {
  return Object.fromEntries(Object.keys(acl).map((user) => [user, randomBytes(18).toString('base64url')]));
}

const digest = (value) => createHash('sha256').update(value).digest();

/**
 * aedes handlers enforcing the same ACL: a client logs in with its user's password; a forbidden
 * publish (a last will included) is dropped and the client disconnected, as aedes does for any
 * refused publish on MQTT 3.1.1; a forbidden subscription is refused (return code 128).
 */
function aedesAclHandlers(passwords, acl = BROKER_ACL) {
  const expected = new Map(Object.entries(passwords).map(([user, password]) => [user, digest(password)]));
  const userOf = (client) => (client && client.brokerUser) || null;
  return {
    authenticate(client, username, password, callback) {
      const want = username ? expected.get(username) : undefined;
      const ok = Boolean(want && password && acl[username] && timingSafeEqual(want, digest(password)));
      if (!ok) {
        const error = new Error('Not authorized');
        error.returnCode = 5;
        callback(error, false);
        return;
      }
      client.brokerUser = username;
      callback(null, true);
    },
    authorizePublish(client, packet, callback) {
      if (isAllowed(userOf(client), 'publish', packet.topic, acl)) callback(null);
      else callback(new Error(`publish to ${packet.topic} not authorized`));
    },
    authorizeSubscribe(client, subscription, callback) {
      callback(null, isAllowed(userOf(client), 'subscribe', subscription.topic, acl) ? subscription : null);
    },
  };
}

module.exports = {
  BROKER_ACL,
  APP_BROKER_USERS,
  SITE_LIMIT,
  patternCovers,
  isAllowed,
  renderMosquittoAcl,
  generateBrokerPasswords,
  aedesAclHandlers,
};
