/**
 * The custom LSP messages between the Flux Overlays client and language server are declared once,
 * in server/src/protocol.ts (it imports only the protocol package, so the client can use it as
 * is; esbuild bundles it into the extension). See ARCHITECTURE.md, "Custom LSP requests".
 */
export * from '../../server/src/protocol';
