// The only place that converts between LSP types and the engine's plain data (rust-analyzer's
// to_proto/from_proto): URIs <-> absolute paths, 0-based LSP positions <-> 1-based origins.

import { fileURLToPath, pathToFileURL } from 'url';
import {
  CompletionItem,
  CompletionItemKind,
  Diagnostic,
  DiagnosticSeverity,
  InsertTextFormat,
  Location,
  MarkupKind,
  Range,
} from 'vscode-languageserver/node';
import type { Candidate, FileDiagnostic } from '../ide';
import type { Origin, Problem } from '../engine';
import type { Problem as ProtocolProblem } from '../protocol';

/**
 * Why a request's URI cannot be served (not a `file:` URI of this machine), or undefined.
 * `fileURLToPath` throws on `file://host/...`; handlers must never see such a URI.
 */
export function uriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return `URI must be a string (got ${typeof uri})`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `invalid URI '${uri}'`;
  }
  if (url.protocol !== 'file:') return `unsupported URI '${uri}': only file: URIs are served`;
  if (url.hostname !== '' && url.hostname !== 'localhost')
    return `unsupported URI '${uri}': file URIs naming a host (${url.hostname}) are not served, only files of this machine`;
  try {
    fileURLToPath(url);
  } catch (e) {
    return `unsupported URI '${uri}': ${(e as Error).message}`;
  }
  return undefined;
}

interface Position {
  line: number;
  character: number;
}

function isPosition(p: unknown): p is Position {
  return typeof p === 'object' && p !== null && 'line' in p && 'character' in p;
}

/**
 * Checks the URIs and positions of a request before a handler sees them: URIs as uriProblem
 * says; positions must be integers >= 0 (else the answer is an error naming the field), and a
 * position past the end of its document is clamped to it (a line past the end to the last
 * line's end, a character past the end of its line to that end, as LSP says), in place.
 */
export function checkRequestParams(
  params: unknown,
  textOf: (uri: string) => string | undefined,
): string | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as Record<string, unknown>;
  const td = p.textDocument as Record<string, unknown> | undefined;
  const uris: [string, unknown][] = [];
  if (td !== undefined)
    uris.push(['textDocument.uri', typeof td === 'object' && td !== null ? td.uri : undefined]);
  if (p.uri !== undefined) uris.push(['uri', p.uri]);
  for (const [field, uri] of uris) {
    const bad = uriProblem(uri);
    if (bad) return `${field}: ${bad}`;
  }
  const positions: [string, Position][] = [];
  const range = p.range as Record<string, unknown> | undefined;
  for (const [field, v] of [
    ['position', p.position],
    ['range.start', range?.start],
    ['range.end', range?.end],
  ] as const) {
    if (v === undefined) continue;
    if (!isPosition(v)) return `${field} must be { line, character }`;
    for (const k of ['line', 'character'] as const) {
      if (!Number.isInteger(v[k]) || v[k] < 0)
        return `${field}.${k} must be an integer >= 0 (got ${JSON.stringify(v[k])})`;
    }
    positions.push([field, v]);
  }
  if (positions.length && td && typeof td.uri === 'string') {
    const text = textOf(td.uri);
    if (text !== undefined) {
      const lines = text.split('\n');
      for (const [, v] of positions) {
        if (v.line >= lines.length) {
          v.line = lines.length - 1;
          v.character = lines[v.line].length;
        } else if (v.character > lines[v.line].length) v.character = lines[v.line].length;
      }
    }
  }
  return undefined;
}

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
  if (end.line < start.line || (end.line === start.line && end.character <= start.character))
    end = { line: start.line, character: start.character + 1 };
  return { start, end };
}

export function originToLocation(o: Origin): Location {
  return { uri: pathToUri(o.file), range: originToRange(o) };
}

export function fileLocation(file: string, o?: Origin): Location {
  return {
    uri: pathToUri(file),
    range: o
      ? originToRange(o)
      : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
}

const SEVERITY: Record<Problem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(d: FileDiagnostic): Diagnostic {
  const out: Diagnostic = {
    range: originToRange(d.span),
    severity: SEVERITY[d.severity],
    message: d.message,
    code: d.code,
    source: 'flux-overlays',
  };
  if (d.data) out.data = d.data;
  return out;
}

/**
 * An engine problem as a custom request's problem: a one-character range at its line and
 * column (previews list problems; they underline nothing), hints read as info.
 */
export function toProblem(p: Problem): ProtocolProblem {
  const out: ProtocolProblem = {
    message: p.message,
    severity: p.severity === 'hint' ? 'info' : p.severity,
  };
  if (p.step) out.step = p.step;
  if (p.span)
    out.location = originToLocation({
      file: p.span.file,
      line: p.span.line,
      col: p.span.col,
      endLine: p.span.line,
      endCol: p.span.col + 1,
    });
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
    textEdit: {
      range: { start: { line, character: c.replaceStart }, end: { line, character: c.replaceEnd } },
      newText: c.insertText,
    },
    insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
  if (c.detail) item.detail = c.detail;
  if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
  if (c.sortText) item.sortText = c.sortText;
  return item;
}
