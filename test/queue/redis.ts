/**
 * A private redis-server for a test file: a free loopback port, a temporary folder, never the
 * machine's default instance. `redisServerPath()` is null when redis-server is missing, and the
 * tests then skip with that reason (.ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { tempDir } from '../helpers.js';

export const REDIS_MISSING = 'redis-server is not installed (apt-get install redis-server; .ci/run does it)';

/** The redis-server binary, or null. */
export function redisServerPath(): string | null {
  for (const candidate of [process.env.REDIS_SERVER, '/usr/bin/redis-server', 'redis-server']) {
    if (candidate === undefined) continue;
    if (spawnSync(candidate, ['--version'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  readonly dir: string;
  /** redis://[:password@]127.0.0.1:port */
  readonly url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port and folder (the append-only file brings the data back). */
  restart(): Promise<void>;
}

/** Starts redis-server (append-only file on, as the restart test wants) and waits until it accepts connections. */
export async function startRedis(options: { password?: string } = {}): Promise<RedisServer> {
  const binary = redisServerPath();
  if (binary === null) throw new Error(REDIS_MISSING);
  const port = await freePort();
  const dir = tempDir();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--daemonize', 'no', '--loglevel', 'warning'];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  let child = await launch(binary, args, port);
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    port,
    dir,
    url: `redis://${auth}127.0.0.1:${port}`,
    stop,
    restart: async () => {
      await stop();
      child = await launch(binary, args, port);
    },
  };
}

/** Spawns redis-server and resolves once its port accepts a connection. */
async function launch(binary: string, args: readonly string[], port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${log}`)), 10_000);
    const poll = setInterval(() => {
      // `--loglevel warning` hides "Ready to accept connections": wait until the port accepts a connection.
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        clearInterval(poll);
        clearTimeout(timer);
        ready();
      });
      socket.once('error', () => socket.destroy());
    }, 50);
    child.stdout!.on('data', (d: Buffer) => void (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => void (log += d.toString()));
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      fail(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
  return child;
}
