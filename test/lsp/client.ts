// A tiny LSP client for tests and the benchmark: spawns a server over stdio and speaks
// JSON-RPC with Content-Length framing, as an editor does.
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';

export interface Message {
  jsonrpc: '2.0';
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface ConfigurationItem {
  scopeUri?: string;
  section?: string;
}

export class TestClient {
  private proc: ChildProcess;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private waiting = new Map<number, (m: Message) => void>();
  readonly notifications: Message[] = [];
  private listeners: ((m: Message) => void)[] = [];
  /** Answers to server->client requests (workspace/configuration etc.). */
  settings: unknown = {};
  /** When set, answers each configuration item (a folder's own settings: `scopeUri`, `section`). */
  settingsFor: ((item: ConfigurationItem) => unknown) | undefined;

  constructor(command: string, args: string[], cwd: string) {
    this.proc = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr?.on('data', () => undefined);
  }

  /** The server process (its pid for /proc/<pid>/status, its exit). */
  get child(): ChildProcess {
    return this.proc;
  }

  static ours(projectRoot: string): TestClient {
    return new TestClient(
      process.execPath,
      [path.join(projectRoot, 'out/server/src/server.js'), '--stdio'],
      projectRoot,
    );
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const sep = this.buffer.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const header = this.buffer.subarray(0, sep).toString('ascii');
      const m = /Content-Length: (\d+)/i.exec(header);
      if (!m) throw new Error(`bad header ${header}`);
      const len = Number(m[1]);
      if (this.buffer.length < sep + 4 + len) return;
      const body = this.buffer.subarray(sep + 4, sep + 4 + len).toString('utf8');
      this.buffer = this.buffer.subarray(sep + 4 + len);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(m: Message): void {
    if (m.id !== undefined && m.method === undefined) {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      w?.(m);
      return;
    }
    if (m.id !== undefined && m.method) {
      // a request from the server
      let result: unknown = null;
      if (m.method === 'workspace/configuration')
        result = ((m.params as { items: ConfigurationItem[] }).items ?? []).map((item) =>
          offlineByDefault(item, this.settingsFor ? this.settingsFor(item) : this.settings),
        );
      this.write({ jsonrpc: '2.0', id: m.id, result });
      return;
    }
    this.notifications.push(m);
    for (const l of this.listeners) l(m);
  }

  private write(m: Message): void {
    const body = Buffer.from(JSON.stringify(m), 'utf8');
    this.proc.stdin?.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin?.write(body);
  }

  request<T = unknown>(method: string, params: unknown, timeoutMs = 30000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${method} timed out`)), timeoutMs);
      this.waiting.set(id, (m) => {
        clearTimeout(t);
        if (m.error)
          reject(Object.assign(new Error(`${method}: ${m.error.message}`), { code: m.error.code }));
        else resolve(m.result as T);
      });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** The next notification matching `pred` (including ones already received after `since`). */
  waitFor(pred: (m: Message) => boolean, timeoutMs = 20000, since = 0): Promise<Message> {
    const found = this.notifications.slice(since).find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('notification timed out')), timeoutMs);
      const l = (m: Message) => {
        if (pred(m)) {
          clearTimeout(t);
          this.listeners = this.listeners.filter((x) => x !== l);
          resolve(m);
        }
      };
      this.listeners.push(l);
    });
  }

  /**
   * The next diagnostics published for `uri` after notification `since`; with `version`, the next
   * ones computed for that document version (a workspace sweep may publish the previous version's
   * diagnostics in between, while the edit is still debounced).
   */
  diagnosticsFor(uri: string, since = 0, timeoutMs = 20000, version?: number): Promise<Message> {
    return this.waitFor(
      (m) => {
        const p = m.params as { uri: string; version?: number };
        return (
          m.method === 'textDocument/publishDiagnostics' &&
          p.uri === uri &&
          (version === undefined || p.version === version)
        );
      },
      timeoutMs,
      since,
    );
  }

  async initialize(
    rootDir: string,
    settings: unknown = {},
    initializationOptions: { trusted: boolean } = { trusted: true },
  ): Promise<unknown> {
    this.settings = settings;
    const r = await this.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(rootDir).toString(),
      workspaceFolders: [{ uri: pathToFileURL(rootDir).toString(), name: path.basename(rootDir) }],
      capabilities: {
        workspace: { configuration: true },
        textDocument: { completion: { completionItem: { snippetSupport: true } } },
      },
      initializationOptions,
    });
    this.notify('initialized', {});
    return r;
  }

  open(uri: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version, text },
    });
  }

  change(uri: string, text: string, version: number): void {
    this.notify('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  async shutdown(): Promise<void> {
    try {
      await this.request('shutdown', null, 5000);
      this.notify('exit', null);
    } catch {
      /* ignore */
    }
    setTimeout(() => this.proc.kill(), 500).unref();
  }
}

/**
 * The `fluxOverlays` section as the tests give it, with `charts.fetch: never` unless a test sets
 * it: the example's chart hosts exist nowhere, so no test looks them up by accident; tests of
 * fetching opt in with `charts: { fetch: 'auto' }` and a registry on 127.0.0.1.
 */
export function offlineByDefault(item: ConfigurationItem, answer: unknown): unknown {
  if (item.section !== undefined && item.section !== 'fluxOverlays') return answer;
  if (answer === null || answer === undefined) return { charts: { fetch: 'never' } };
  if (typeof answer !== 'object' || Array.isArray(answer)) return answer;
  const a = answer as Record<string, unknown>;
  if (a['charts.fetch'] !== undefined) return a;
  const charts = (a.charts ?? {}) as Record<string, unknown>;
  return { ...a, charts: { fetch: 'never', ...charts } };
}

export function uriOf(file: string): string {
  return pathToFileURL(file).toString();
}
