// The language server's way out, with engine/secrets.ts's text net on it: every message the
// server writes (responses, notifications, diagnostics, window/logMessage) goes through
// `redactDeep`, and so does what it writes to stderr. A feature added later cannot forget it.
// Transports as vscode-languageserver picks them from the command line (--stdio, --node-ipc,
// --socket=N, --pipe=NAME).

import {
  Connection,
  MessageReader,
  MessageWriter,
  ProposedFeatures,
  createConnection,
} from 'vscode-languageserver/node';
import {
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageWriter,
  createServerPipeTransport,
  createServerSocketTransport,
} from 'vscode-languageserver/node';
import type { Message } from 'vscode-languageserver/node';
import { redactDeep, redactText } from './engine';

export class RedactingWriter implements MessageWriter {
  constructor(private readonly inner: MessageWriter) {}
  get onError() {
    return this.inner.onError;
  }
  get onClose() {
    return this.inner.onClose;
  }
  write(msg: Message): Promise<void> {
    return this.inner.write(redactDeep(msg));
  }
  end(): void {
    this.inner.end();
  }
  dispose(): void {
    this.inner.dispose();
  }
}

/** Redacts what is written to stderr (the server's own traces, uncaught errors). */
export function redactStderr(): void {
  const write = process.stderr.write.bind(process.stderr) as (
    chunk: unknown,
    ...rest: unknown[]
  ) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(
      typeof chunk === 'string'
        ? redactText(chunk)
        : Buffer.isBuffer(chunk)
          ? redactText(chunk.toString('utf8'))
          : chunk,
      ...rest,
    )) as typeof process.stderr.write;
}

/** The connection for the transport the command line names, every outgoing message redacted. */
export function createRedactingConnection(argv = process.argv.slice(2)): Connection {
  const value = (flag: string) => {
    const i = argv.findIndex((a) => a === flag || a.startsWith(flag + '='));
    if (i < 0) return undefined;
    return argv[i].includes('=') ? argv[i].slice(flag.length + 1) : argv[i + 1];
  };
  if (argv.includes('--node-ipc'))
    return createConnection(
      ProposedFeatures.all,
      new IPCMessageReader(process),
      new RedactingWriter(new IPCMessageWriter(process)),
    );
  const port = value('--socket');
  if (port !== undefined) {
    const [reader, writer] = createServerSocketTransport(Number(port));
    return createConnection(ProposedFeatures.all, reader, new RedactingWriter(writer));
  }
  const pipe = value('--pipe');
  if (pipe !== undefined) {
    const [reader, writer] = createServerPipeTransport(pipe);
    return createConnection(ProposedFeatures.all, reader, new RedactingWriter(writer));
  }
  // stdio: stdout carries the protocol, so console output must not reach it.
  for (const m of ['log', 'info', 'debug', 'warn', 'error'] as const)
    console[m] = (...args: unknown[]) =>
      void process.stderr.write(args.map(String).join(' ') + '\n');
  // (A stream, as vscode-languageserver expects, so it still exits when stdin ends.)
  return createConnection(
    ProposedFeatures.all,
    process.stdin as unknown as MessageReader,
    new RedactingWriter(new StreamMessageWriter(process.stdout)),
  );
}
