// Real components for the chart-fetching tests, all on 127.0.0.1 and stopped by the tests:
// Debian's docker-registry (the CNCF distribution registry) with a temporary storage folder,
// optionally with htpasswd basic auth and TLS from a throwaway CA made with openssl; the
// reference helm to package, log in and push; a node HTTP server for `helm repo index` output
// with fault injection; a token server for the registry's `auth: token` (JWTs signed with a
// throwaway key). scripts/install-registry-test-deps.sh installs the Debian packages.
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { HELM } from './paths';

export const REGISTRY_BIN = '/usr/bin/docker-registry';
export const HTPASSWD_BIN = '/usr/bin/htpasswd';

export function registryAvailable(): string | false {
  if (!fs.existsSync(REGISTRY_BIN) || !fs.existsSync(HTPASSWD_BIN))
    return `docker-registry or htpasswd missing: run scripts/install-registry-test-deps.sh`;
  if (!fs.existsSync(HELM)) return `reference helm missing: run scripts/install-reference-tools.sh`;
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls until `check` resolves true; gives up after `tries` (a readiness wait, not a timing assert). */
async function until(check: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('service did not come up');
}

export interface Tls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A throwaway CA and a server certificate for 127.0.0.1, made with openssl. */
export function makeTls(dir: string): Tls {
  fs.mkdirSync(dir, { recursive: true });
  const f = (n: string) => path.join(dir, n);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=flux-overlays test CA',
  ]);
  run([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  run([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.crt'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
  ]);
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

export interface Registry {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** docker-registry's `auth: token` settings: where clients get tokens and how the registry checks them. */
export interface TokenAuth {
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate(s) whose keys may sign tokens. */
  rootCertBundle: string;
}

export async function startRegistry(
  dir: string,
  options: { htpasswd?: { user: string; password: string }; tls?: Tls; token?: TokenAuth } = {},
): Promise<Registry> {
  fs.mkdirSync(path.join(dir, 'storage'), { recursive: true });
  const port = await freePort();
  let auth = '';
  if (options.htpasswd) {
    execFileSync(
      HTPASSWD_BIN,
      ['-Bbc', path.join(dir, 'htpasswd'), options.htpasswd.user, options.htpasswd.password],
      { stdio: 'ignore' },
    );
    auth = `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${path.join(dir, 'htpasswd')}\n`;
  }
  if (options.token) {
    const t = options.token;
    auth = `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.rootCertBundle}\n`;
  }
  const tls = options.tls
    ? `  tls:\n    certificate: ${options.tls.certFile}\n    key: ${options.tls.keyFile}\n`
    : '';
  fs.writeFileSync(
    path.join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'storage')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${tls}${auth}`,
  );
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await until(
      () =>
        new Promise((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
          s.on('error', () => resolve(false));
        }),
    );
  } catch {
    child.kill();
    throw new Error(`docker-registry did not start: ${stderr.slice(0, 500)}`);
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The reference helm with its own config/cache/data folders (registry logins stay there). */
export function helm(home: string, args: string[]): string {
  return execFileSync(HELM, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_DATA_HOME: path.join(home, 'data'),
      HELM_REGISTRY_CONFIG: path.join(home, 'config', 'registry', 'config.json'),
    },
  });
}

/** As `helm`, without blocking this process (needed when a server helm talks to runs here). */
export function helmAsync(home: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      HELM,
      args,
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          HELM_CACHE_HOME: path.join(home, 'cache'),
          HELM_CONFIG_HOME: path.join(home, 'config'),
          HELM_DATA_HOME: path.join(home, 'data'),
          HELM_REGISTRY_CONFIG: path.join(home, 'config', 'registry', 'config.json'),
        },
      },
      (e, stdout, stderr) =>
        e
          ? reject(new Error(`helm ${args.join(' ')}: ${stderr || e.message}`))
          : resolve(stdout + stderr),
    );
  });
}

/** A token request as the token server saw it. */
export interface TokenRequest {
  /** `anonymous`, or the user name of a valid Basic header, or `rejected` for wrong credentials. */
  who: string;
  service: string;
  scope: string;
  /** The actions granted on the scope's repository. */
  granted: string[];
}

/**
 * A token server for docker-registry's `auth: token`, written for the tests: it issues JWTs
 * (RS256, the signing certificate in the `x5c` header) signed with a throwaway key whose
 * self-signed certificate is the registry's root bundle. Policy: a valid Basic user gets what
 * it asks for; anonymous clients get `pull` on repositories under `public/` and nothing else
 * (the registry then answers 401); wrong credentials get 401 from the token server itself.
 */
export async function startTokenServer(
  dir: string,
  users: Record<string, string>,
): Promise<{ auth: TokenAuth; requests: TokenRequest[]; stop(): Promise<void> }> {
  fs.mkdirSync(dir, { recursive: true });
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=flux-overlays test token issuer',
    ],
    { stdio: 'ignore' },
  );
  const key = crypto.createPrivateKey(fs.readFileSync(keyFile));
  const der = new crypto.X509Certificate(fs.readFileSync(certFile)).raw.toString('base64');
  const issuer = 'flux-overlays-test-issuer';
  const service = 'flux-overlays-test-registry';
  const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
  const requests: TokenRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const scope = url.searchParams.get('scope') ?? '';
    let who = 'anonymous';
    const authz = req.headers.authorization ?? '';
    if (authz.startsWith('Basic ')) {
      const [user, ...rest] = Buffer.from(authz.slice(6), 'base64').toString('utf8').split(':');
      who = users[user] !== undefined && users[user] === rest.join(':') ? user : 'rejected';
    }
    const m = /^repository:([^:]+):(.+)$/.exec(scope);
    const asked = m ? m[2].split(',') : [];
    const granted =
      who === 'anonymous'
        ? m && m[1].startsWith('public/')
          ? asked.filter((a) => a === 'pull')
          : []
        : who === 'rejected'
          ? []
          : asked;
    requests.push({ who, service: url.searchParams.get('service') ?? '', scope, granted });
    if (who === 'rejected')
      return void res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [der] };
    const claims = {
      iss: issuer,
      sub: who === 'anonymous' ? '' : who,
      aud: service,
      exp: now + 600,
      nbf: now - 60,
      iat: now,
      jti: crypto.randomUUID(),
      access: m ? [{ type: 'repository', name: m[1], actions: granted }] : [],
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const token = `${input}.${b64url(crypto.sign('sha256', Buffer.from(input), key))}`;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 600 }));
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    auth: { realm: `http://127.0.0.1:${port}/token`, service, issuer, rootCertBundle: certFile },
    requests,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** `helm package` into `out`; returns the .tgz path. */
export function packageChart(home: string, chartDir: string, out: string): string {
  fs.mkdirSync(out, { recursive: true });
  const line = helm(home, ['package', chartDir, '-d', out]);
  const m = /saved it to: (.+\.tgz)/.exec(line);
  if (!m) throw new Error(`helm package: ${line}`);
  return m[1].trim();
}

export type Fault = 'none' | 'truncate' | 'forbidden' | 'slow' | 'corrupt';

/** A static HTTP server over `root`; `fault(urlPath)` picks a misbehaviour per request. */
export async function serveFolder(
  root: string,
  fault: (p: string) => Fault = () => 'none',
): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const file = path.join(root, p);
    const f = fault(p);
    if (f === 'forbidden') return void res.writeHead(403).end('forbidden');
    if (f === 'slow') return; // never answers; the client's timeout must fire
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile())
      return void res.writeHead(404).end('not found');
    let data = fs.readFileSync(file);
    if (f === 'corrupt') data = Buffer.from(data.map((b, i) => (i > 20 ? b ^ 0x5a : b)));
    if (f === 'truncate') {
      res.writeHead(200, { 'content-length': String(data.length) });
      res.write(data.subarray(0, data.length >> 1));
      return void res.destroy();
    }
    res.writeHead(200, { 'content-length': String(data.length) }).end(data);
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
