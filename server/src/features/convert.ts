// The only place that converts between LSP types and the engine's plain data (rust-analyzer's
// to_proto/from_proto): URIs <-> absolute paths, 0-based LSP positions <-> 1-based origins.

import { fileURLToPath, pathToFileURL } from 'url';
import { CompletionItem, CompletionItemKind, Diagnostic, DiagnosticSeverity, InsertTextFormat, Location, MarkupKind, Range } from 'vscode-languageserver/node';
import type { Candidate } from '../engine/lsp-support/completion';
import type { FileDiagnostic } from '../engine/lsp-support/diagnostics';
import type { Origin } from '../engine/yaml/node';

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri).split('\\').join('/') : uri;
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).toString();
}

/** A 1-based origin as an LSP range. */
export function originToRange(o: Pick<Origin, 'line' | 'col' | 'endLine' | 'endCol'>): Range {
  const start = { line: Math.max(0, o.line - 1), character: Math.max(0, o.col - 1) };
  let end = { line: Math.max(0, o.endLine - 1), character: Math.max(0, o.endCol - 1) };
  if (end.line < start.line || (end.line === start.line && end.character <= start.character)) end = { line: start.line, character: start.character + 1 };
  return { start, end };
}

export function originToLocation(o: Origin): Location {
  return { uri: pathToUri(o.file), range: originToRange(o) };
}

export function fileLocation(file: string, o?: Origin): Location {
  return { uri: pathToUri(file), range: o ? originToRange(o) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}

const SEVERITY: Record<FileDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(d: FileDiagnostic): Diagnostic {
  const out: Diagnostic = { range: originToRange(d), severity: SEVERITY[d.severity], message: d.message, code: d.code, source: 'flux-overlays' };
  if (d.data) out.data = d.data;
  return out;
}

const KINDS: Record<Candidate['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  enum: CompletionItemKind.EnumMember,
  file: CompletionItemKind.File,
  folder: CompletionItemKind.Folder,
  reference: CompletionItemKind.Reference,
  module: CompletionItemKind.Module,
};

export function toCompletionItem(c: Candidate, line: number): CompletionItem {
  const item: CompletionItem = {
    label: c.label,
    kind: KINDS[c.kind],
    textEdit: { range: { start: { line, character: c.replaceStart }, end: { line, character: c.replaceEnd } }, newText: c.insertText },
    insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
  if (c.detail) item.detail = c.detail;
  if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
  if (c.sortText) item.sortText = c.sortText;
  return item;
}
