// yaml-syntax (and the parser's other problems: duplicate keys, nesting too deep): always
// reported, validation on or off. One syntax mistake, one diagnostic: the parser's first error in
// a document is the mistake, what follows it in that document is its echo (and so are schema
// errors on the half-parsed tree and the builds that read the file): the broken documents are
// returned so the other checks leave them alone.

import { ParsedFile } from '../../engine/yaml/parse';
import { FileDiagnostic, ParsedDocument } from './types';

export const SYNTAX = 'yaml-syntax';

export function yamlSyntax(
  parsed: ParsedFile,
  file: string,
): { diagnostics: FileDiagnostic[]; broken: Set<ParsedDocument> } {
  const out: FileDiagnostic[] = [];
  const broken = new Set<ParsedDocument>();
  for (const p of parsed.problems) {
    if (p.code === SYNTAX) {
      const doc = parsed.documents.find(
        (d) => p.span.line >= d.origin.line && p.span.line <= d.origin.endLine,
      );
      if (doc && broken.has(doc)) continue;
      if (doc) broken.add(doc);
      else if (out.some((d) => d.code === SYNTAX)) continue;
    }
    out.push({ ...p, span: { ...p.span, file } });
  }
  return { diagnostics: out, broken };
}
