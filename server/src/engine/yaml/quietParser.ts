// The yaml package's Parser without its debugging hook: Parser.next reads
// `process.env.LOG_TOKENS` once per lexical token, and a read of process.env is a call into
// the C++ environment (getenv under a lock), a third of the time of parsing a small file
// (12,000 files of a 2,000-component repository: about 1 s of the language server's first
// index). QuietParser.next is the package's own next() (yaml 2.9.1, ISC licence, Eemeli Aro)
// without that line. It replaces the package's only for the exact version of next() it was
// copied from (a fingerprint of its source): another version of the package keeps its own.

import { CST, Parser } from 'yaml';

type Token = CST.Token;

/** The members of Parser that next() uses (private in its typings). */
interface ParserInternals {
  source: string;
  type: string;
  offset: number;
  indent: number;
  atNewLine: boolean;
  atScalar: boolean;
  onNewLine?: (offset: number) => void;
  step(): Generator<Token, void>;
  pop(error?: Token): Generator<Token, void>;
}

export class QuietParser extends Parser {
  override *next(source: string): Generator<Token, void> {
    const p = this as unknown as ParserInternals;
    p.source = source;
    if (p.atScalar) {
      p.atScalar = false;
      yield* p.step();
      p.offset += source.length;
      return;
    }
    const type = CST.tokenType(source);
    if (!type) {
      const message = `Not a YAML token: ${source}`;
      yield* p.pop({ type: 'error', offset: p.offset, message, source });
      p.offset += source.length;
    } else if (type === 'scalar') {
      p.atNewLine = false;
      p.atScalar = true;
      p.type = 'scalar';
    } else {
      p.type = type;
      yield* p.step();
      switch (type) {
        case 'newline':
          p.atNewLine = true;
          p.indent = 0;
          if (p.onNewLine) p.onNewLine(p.offset + source.length);
          break;
        case 'space':
          if (p.atNewLine && source[0] === ' ') p.indent += source.length;
          break;
        case 'explicit-key-ind':
        case 'map-value-ind':
        case 'seq-item-ind':
          if (p.atNewLine) p.indent += source.length;
          break;
        case 'doc-mode':
        case 'flow-error-end':
          return;
        default:
          p.atNewLine = false;
      }
      p.offset += source.length;
    }
  }
}

/** FNV-1a of a text: the fingerprint of the upstream next() QuietParser was copied from. */
export function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${s.length}:${h.toString(16)}`;
}

/** Parser.prototype.next of yaml 2.9.1. */
export const KNOWN_NEXT = '1726:25b4c8fa';

/** True when the installed package's next() is the one QuietParser copies. */
export const quietParserApplies = fingerprint(Parser.prototype.next.toString()) === KNOWN_NEXT;

/** A new parser: QuietParser where it applies, else the package's own. */
export function newParser(): Parser {
  return quietParserApplies ? new QuietParser() : new Parser();
}
