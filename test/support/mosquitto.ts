import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './infra';

/**
 * A Mosquitto of the test's own, on a free port, that the test may stop and start again (the
 * machine's shared broker must stay up for the others). With `persistence`, sessions, queued QoS 1
 * messages and retained messages survive a restart, as in production.
 */
export class OwnMosquitto {
  private process: ChildProcess | null = null;
  readonly url: string;

  private constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly persistence: boolean,
  ) {
    this.url = `mqtt://127.0.0.1:${port}`;
  }

  static async start(dir: string, options: { persistence?: boolean } = {}): Promise<OwnMosquitto> {
    const broker = new OwnMosquitto(dir, await freePort(), options.persistence ?? true);
    await broker.restart();
    return broker;
  }

  get dbFile(): string {
    return join(this.dir, 'mosquitto.db');
  }

  async restart(): Promise<void> {
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${this.port} 127.0.0.1`,
        'allow_anonymous true',
        `persistence ${this.persistence}`,
        `persistence_location ${this.dir}/`,
        'max_queued_messages 1000000',
        'max_inflight_messages 100',
        'log_dest none',
      ].join('\n'),
    );
    this.process = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`mosquitto did not start on ${this.port}`);
  }

  /** SIGTERM saves the persistence file; SIGKILL loses what was not saved yet. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
    this.process = null;
  }
}
