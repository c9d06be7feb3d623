// HttpClient (engine/charts/http.ts) on Node's http/https modules: Node's fetch cannot be given
// a CA without a dispatcher from a package Node does not expose, and the CLI and the server must
// trust a configured CA file. Redirects (up to 5, Authorization dropped when the host changes,
// as registries redirect blobs to storage), a timeout for the whole exchange, cancellation, a
// body size limit.

import * as http from 'http';
import * as https from 'https';
import { HttpClient, HttpRequest, HttpResponse } from '../engine/charts/http';

export class NodeHttpClient implements HttpClient {
  constructor(private readonly defaults: { ca?: string } = {}) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const deadline = Date.now() + req.timeoutMs;
    let url = req.url;
    let headers = { 'user-agent': 'flux-overlays', ...(req.headers ?? {}) };
    for (let hop = 0; hop < 6; hop++) {
      const res = await this.once({
        ...req,
        url,
        headers,
        timeoutMs: Math.max(1, deadline - Date.now()),
      });
      if (res.status >= 300 && res.status < 400 && res.headers.location) {
        const next = new URL(res.headers.location, url);
        if (next.host !== new URL(url).host) {
          const { authorization: _drop, ...rest } = headers as Record<string, string>;
          void _drop;
          headers = rest as typeof headers;
        }
        url = next.toString();
        continue;
      }
      return res;
    }
    throw new Error(`${req.url}: too many redirects`);
  }

  private once(req: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      let u: URL;
      try {
        u = new URL(req.url);
      } catch {
        return reject(new Error(`not a URL: ${req.url}`));
      }
      const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : undefined;
      if (!lib) return reject(new Error(`unsupported scheme ${u.protocol} in ${req.url}`));
      const ca = req.ca ?? this.defaults.ca;
      const options: https.RequestOptions = {
        method: req.method ?? 'GET',
        headers: req.headers,
        signal: req.signal,
      };
      if (ca && lib === https) options.ca = ca;
      const r = lib.request(u, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (req.maxBytes !== undefined && size > req.maxBytes) {
            // Settle first, then drop the connection without an error: destroying with one
            // once the answer has begun was thrown uncaught (an oversized chart crashed the CLI).
            clearTimeout(timer);
            reject(
              new Error(
                `${req.url}: larger than the limit of ${req.maxBytes} bytes; not read further`,
              ),
            );
            res.destroy();
            r.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const hs: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) hs[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          if (!res.complete)
            return reject(
              new Error(`${req.url}: the connection closed before the whole answer arrived`),
            );
          resolve({
            status: res.statusCode ?? 0,
            headers: hs,
            body: new Uint8Array(Buffer.concat(chunks)),
            url: req.url,
          });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        res.on('aborted', () => {
          clearTimeout(timer);
          reject(new Error(`${req.url}: the connection closed before the whole answer arrived`));
        });
      });
      const timer = setTimeout(
        () =>
          r.destroy(
            new Error(
              `${u.host}: no answer within ${Math.round(req.timeoutMs / 100) / 10} s (timeout)`,
            ),
          ),
        req.timeoutMs,
      );
      r.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const code = e.code;
        if (code === 'ECONNREFUSED')
          reject(new Error(`${u.host}: connection refused (is the server up?)`));
        else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
          reject(new Error(`${u.hostname}: host not found (no network or DNS?)`));
        else if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH')
          reject(new Error(`${u.host}: network unreachable`));
        else if (code === 'ECONNRESET' || /socket hang up/.test(e.message))
          reject(new Error(`${u.host}: the connection closed before the whole answer arrived`));
        else if (e.name === 'AbortError') reject(new Error(`${u.host}: cancelled`));
        else reject(new Error(`${u.host}: ${e.message}`));
      });
      r.end();
    });
  }
}
