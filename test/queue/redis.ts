/**
 * A private redis-server for a test file: a free loopback port, a temporary folder, never the
 * machine's default instance. `redisServerPath()` is null when redis-server is missing, and the
 * tests then skip with that reason (.ci/run installs it).
 *
 * `startRedis({ tls: true })` serves TLS only (rediss://) with a throwaway CA and server
 * certificate made by the openssl command in the server's folder; `tlsSkipReason()` says why such
 * a test cannot run here (no redis-server, no openssl), or false.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';

export const REDIS_MISSING = 'redis-server is not installed (apt-get install redis-server; .ci/run does it)';
export const OPENSSL_MISSING = 'the openssl command is not installed (apt-get install openssl), so no test certificate can be made';

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

/** The openssl binary, or null. */
export function opensslPath(): string | null {
  for (const candidate of [process.env.OPENSSL, '/usr/bin/openssl', 'openssl']) {
    if (candidate === undefined) continue;
    if (spawnSync(candidate, ['version'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return null;
}

/** Why `startRedis({ tls: true })` cannot run here, or false. */
export function tlsSkipReason(): string | false {
  if (redisServerPath() === null) return REDIS_MISSING;
  if (opensslPath() === null) return OPENSSL_MISSING;
  return false;
}

export interface RedisServer {
  readonly port: number;
  readonly dir: string;
  /** redis://[:password@]127.0.0.1:port, or rediss://... for a TLS server */
  readonly url: string;
  /** A TLS server's CA certificate (PEM), for NODE_EXTRA_CA_CERTS; undefined without TLS. */
  readonly caFile?: string;
  /** Stops it (SIGTERM: Redis saves first; SIGKILL: at once). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Stops it with `signal` (SIGKILL: no shutdown save), waits `downMs`, and starts it again on the
   * same port and folder (the append-only file brings the data back).
   */
  restart(signal?: NodeJS.Signals, downMs?: number): Promise<void>;
}

/**
 * Starts redis-server (append-only file on, as the restart test wants) and waits until it
 * accepts connections. With `tls: true` it listens with TLS only (`--port 0 --tls-port P`),
 * clients need no certificate, and `caFile` is the CA that signed its certificate (for 127.0.0.1
 * and localhost).
 */
export async function startRedis(options: { password?: string; tls?: boolean } = {}): Promise<RedisServer> {
  const binary = redisServerPath();
  if (binary === null) throw new Error(REDIS_MISSING);
  const port = await freePort();
  const dir = tempDir();
  const args = ['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--daemonize', 'no', '--loglevel', 'warning'];
  let caFile: string | undefined;
  if (options.tls === true) {
    const files = makeCertificates(dir);
    caFile = files.ca;
    args.unshift('--port', '0', '--tls-port', String(port), '--tls-cert-file', files.cert, '--tls-key-file', files.key, '--tls-ca-cert-file', files.ca, '--tls-auth-clients', 'no');
  } else {
    args.unshift('--port', String(port));
  }
  if (options.password !== undefined) args.push('--requirepass', options.password);
  let child = await launch(binary, args, port);
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill(signal);
    });
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    port,
    dir,
    url: `${options.tls === true ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    ...(caFile !== undefined ? { caFile } : {}),
    stop: (signal) => stop(signal),
    restart: async (signal = 'SIGTERM', downMs = 0) => {
      await stop(signal);
      await new Promise((r) => setTimeout(r, downMs));
      child = await launch(binary, args, port);
    },
  };
}

/**
 * A throwaway CA (ca.pem) and a server certificate it signed (server.pem, server.key) for
 * 127.0.0.1 and localhost, valid 2 days, in `dir`. EC keys: made in milliseconds.
 */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const openssl = opensslPath();
  if (openssl === null) throw new Error(OPENSSL_MISSING);
  const run = (args: string[]) => {
    const result = spawnSync(openssl, args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${result.stderr}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  writeFileSync(join(dir, 'ca.cnf'), ['[req]', 'distinguished_name = dn', '[dn]', '[ca]', 'basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash', ''].join('\n'));
  writeFileSync(join(dir, 'server.cnf'), ['basicConstraints = CA:FALSE', 'keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = serverAuth', 'subjectAltName = IP:127.0.0.1, DNS:localhost', ''].join('\n'));
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=tfexp test CA', '-config', 'ca.cnf', '-extensions', 'ca']);
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1', '-config', 'ca.cnf']);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '1', '-out', 'server.pem', '-days', '2', '-extfile', 'server.cnf']);
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
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
