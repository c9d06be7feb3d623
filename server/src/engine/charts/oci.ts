// The OCI distribution protocol, as much as pulling a Helm chart needs: tags list (with Link
// pagination), manifest, blob (redirects followed by the client), the anonymous/basic bearer
// token flow a registry asks for in `WWW-Authenticate`, and plain Basic auth. `insecure` means
// plain HTTP, as Flux's `insecure: true` does.

import { CredentialLookup } from './credentials';
import { HttpClient, HttpResponse } from './http';
import { sha256 } from './store';

export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export interface OciRef {
  /** host[:port] */
  host: string;
  /** repository path inside the registry, e.g. `charts/podinfo` */
  repository: string;
}

/** `oci://host/a/b` -> { host, repository: 'a/b' }; undefined when not an oci:// URL. */
export function parseOciUrl(url: string): OciRef | undefined {
  const m = /^oci:\/\/([^/]+)\/(.+?)\/*$/.exec(url.trim());
  return m ? { host: m[1], repository: m[2] } : undefined;
}

export interface OciOptions {
  http: HttpClient;
  credentials?: CredentialLookup;
  insecure?: boolean;
  ca?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export class FetchError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

function parseChallenge(h: string): { scheme: string; params: Record<string, string> } {
  const m = /^(\w+)\s*(.*)$/.exec(h.trim());
  const params: Record<string, string> = {};
  if (!m) return { scheme: '', params };
  for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g)) params[p[1].toLowerCase()] = p[2];
  return { scheme: m[1].toLowerCase(), params };
}

/** One registry session: remembers the token per repository scope. */
export class OciSession {
  private readonly tokens = new Map<string, string>();
  constructor(
    private readonly ref: OciRef,
    private readonly o: OciOptions,
  ) {}

  private base(): string {
    return `${this.o.insecure ? 'http' : 'https'}://${this.ref.host}`;
  }

  private async get(path: string, accept?: string): Promise<HttpResponse> {
    const url = this.base() + path;
    const headers: Record<string, string> = {};
    if (accept) headers.accept = accept;
    const auth = this.tokens.get(this.ref.repository);
    if (auth) headers.authorization = auth;
    let res = await this.o.http.request({
      url,
      headers,
      timeoutMs: this.o.timeoutMs,
      signal: this.o.signal,
      ca: this.o.ca,
    });
    if (res.status === 401 && !auth) {
      const challenge = parseChallenge(res.headers['www-authenticate'] ?? '');
      const creds = this.o.credentials?.(this.ref.host);
      const basic = creds
        ? 'Basic ' + Buffer.from(`${creds.username}:${creds.password}`).toString('base64')
        : undefined;
      let value: string | undefined;
      if (challenge.scheme === 'bearer' && challenge.params.realm) {
        const q = new URLSearchParams();
        if (challenge.params.service) q.set('service', challenge.params.service);
        q.set('scope', challenge.params.scope ?? `repository:${this.ref.repository}:pull`);
        const tr = await this.o.http.request({
          url: `${challenge.params.realm}${challenge.params.realm.includes('?') ? '&' : '?'}${q}`,
          headers: basic ? { authorization: basic } : {},
          timeoutMs: this.o.timeoutMs,
          signal: this.o.signal,
          ca: this.o.ca,
        });
        if (tr.status !== 200)
          throw this.statusError(tr.status, `token endpoint ${challenge.params.realm}`);
        let token: string | undefined;
        try {
          const j = JSON.parse(Buffer.from(tr.body).toString('utf8')) as {
            token?: string;
            access_token?: string;
          };
          token = j.token ?? j.access_token;
        } catch {
          token = undefined;
        }
        if (!token)
          throw new FetchError(
            `registry ${this.ref.host}: the token endpoint answered without a token`,
          );
        value = `Bearer ${token}`;
      } else if (basic) {
        value = basic;
      }
      if (value) {
        this.tokens.set(this.ref.repository, value);
        res = await this.o.http.request({
          url,
          headers: { ...headers, authorization: value },
          timeoutMs: this.o.timeoutMs,
          signal: this.o.signal,
          ca: this.o.ca,
        });
      }
    }
    return res;
  }

  private statusError(status: number, what: string): FetchError {
    const host = this.ref.host;
    if (status === 401)
      return new FetchError(
        `${what}: unauthorized (401): no or wrong credentials for ${host} (helm registry login ${host}, or Docker's config.json; credential helpers are not run)`,
        401,
      );
    if (status === 403)
      return new FetchError(
        `${what}: forbidden (403): the credentials for ${host} may not pull ${this.ref.repository}`,
        403,
      );
    if (status === 404) return new FetchError(`${what}: not found (404)`, 404);
    return new FetchError(`${what}: HTTP ${status}`, status);
  }

  /** Every tag of the repository. */
  async tags(): Promise<string[]> {
    const out: string[] = [];
    let next: string | undefined = `/v2/${this.ref.repository}/tags/list?n=1000`;
    for (let page = 0; next && page < 50; page++) {
      const res = await this.get(next);
      if (res.status !== 200)
        throw this.statusError(res.status, `oci://${this.ref.host}/${this.ref.repository} tags`);
      const j = JSON.parse(Buffer.from(res.body).toString('utf8')) as { tags?: string[] | null };
      out.push(...(j.tags ?? []));
      const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers['link'] ?? '');
      next = link
        ? link[1].startsWith('/')
          ? link[1]
          : new URL(link[1]).pathname + new URL(link[1]).search
        : undefined;
    }
    return out;
  }

  /** The manifest for a tag or digest, and its digest. */
  async manifest(
    reference: string,
  ): Promise<{ digest: string; layers: { mediaType: string; digest: string; size?: number }[] }> {
    const res = await this.get(
      `/v2/${this.ref.repository}/manifests/${reference}`,
      MANIFEST_TYPES.join(', '),
    );
    if (res.status !== 200)
      throw this.statusError(
        res.status,
        `oci://${this.ref.host}/${this.ref.repository}:${reference}`,
      );
    const digest = sha256(res.body);
    if (reference.startsWith('sha256:') && reference !== digest)
      throw new FetchError(
        `oci://${this.ref.host}/${this.ref.repository}@${reference}: the manifest's digest is ${digest}`,
      );
    let j: { layers?: { mediaType: string; digest: string; size?: number }[] };
    try {
      j = JSON.parse(Buffer.from(res.body).toString('utf8'));
    } catch {
      throw new FetchError(
        `oci://${this.ref.host}/${this.ref.repository}:${reference}: the manifest is not JSON`,
      );
    }
    return { digest, layers: j.layers ?? [] };
  }

  /** A blob, verified against its digest. */
  async blob(digest: string, maxBytes: number): Promise<Uint8Array> {
    const res = await this.get(`/v2/${this.ref.repository}/blobs/${digest}`);
    if (res.status !== 200)
      throw this.statusError(
        res.status,
        `blob ${digest} of oci://${this.ref.host}/${this.ref.repository}`,
      );
    if (res.body.length > maxBytes)
      throw new FetchError(`blob ${digest} is larger than ${maxBytes} bytes`);
    const got = sha256(res.body);
    if (got !== digest)
      throw new FetchError(
        `blob of oci://${this.ref.host}/${this.ref.repository} does not match its digest (expected ${digest}, got ${got}); nothing cached`,
      );
    return res.body;
  }
}
