// The one door to the network: the engine's chart fetching asks an HttpClient (injected, so
// tests point it at local servers and restricted mode passes none). Requests carry a timeout
// and a cancellation signal; redirects are the client's job (it reports the final URL).

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Milliseconds for the whole exchange (connect to last byte). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** PEM text of the CA(s) to trust for https (HelmRepository certSecretRef, a configured CA file). */
  ca?: string;
  /** Largest body accepted, in bytes. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Uint8Array;
  /** After redirects. */
  url: string;
}

export interface HttpClient {
  /** Resolves with any HTTP status; rejects on network failure, timeout or cancellation (message says which). */
  request(req: HttpRequest): Promise<HttpResponse>;
}

/** Runs at most `limit` tasks at once. */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
