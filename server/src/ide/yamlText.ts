// Where a cursor is in YAML text, read from indentation alone, so it works on the half-typed
// lines an editor has while completing (the parser's tree has no node there yet). Positions
// are 0-based (line, character) like the editor's; the engine's origins are 1-based.

export type PathSeg = string | number;

export interface CursorContext {
  /** Keys and list indexes leading to the map or list the cursor is in. */
  path: PathSeg[];
  /** The key of the line, when the cursor is on its value (`key: |`). */
  key?: string;
  /** True when the cursor is after `key:` (completing a value), false when typing a key. */
  inValue: boolean;
  /** What is typed of the current token before the cursor. */
  prefix: string;
  /** Character where the current token starts. */
  tokenStart: number;
  /** True when the current token follows a `- ` (a list item). */
  listItem: boolean;
  /** First and last line (inclusive) of the YAML document holding the cursor. */
  docStart: number;
  docEnd: number;
  /** Index of that document in the file (0-based, counting `---` separators). */
  docIndex: number;
}

interface Entry {
  col: number;
  kind: 'dash' | 'key';
  key?: string;
  /** Text after `key:` on the line. */
  rest?: string;
}

const KEY_RE = /^((?:"[^"]*"|'[^']*'|[^\s#'"{}[\],][^:#]*?))\s*:(?:\s|$)/;

function unquote(k: string): string {
  return (k.startsWith('"') && k.endsWith('"')) || (k.startsWith("'") && k.endsWith("'"))
    ? k.slice(1, -1)
    : k;
}

/** The dashes and the key that start a line, with their columns. */
export function lineEntries(line: string): Entry[] {
  const out: Entry[] = [];
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  for (;;) {
    if (line[i] === '-' && (i + 1 === line.length || line[i + 1] === ' ')) {
      out.push({ col: i, kind: 'dash' });
      i++;
      while (i < line.length && line[i] === ' ') i++;
      continue;
    }
    break;
  }
  const m = KEY_RE.exec(line.slice(i));
  if (m)
    out.push({
      col: i,
      kind: 'key',
      key: unquote(m[1].trim()),
      rest: line.slice(i + m[0].length).trim(),
    });
  return out;
}

function isSkippable(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#');
}

export function isDocSeparator(line: string): boolean {
  return /^---(\s|$)/.test(line) || /^\.\.\.(\s|$)/.test(line);
}

/** Document bounds around `line`. */
export function documentAt(
  lines: string[],
  line: number,
): { start: number; end: number; index: number } {
  let start = 0;
  let index = 0;
  for (let i = 0; i <= Math.min(line, lines.length - 1); i++) {
    if (isDocSeparator(lines[i]) && lines[i].startsWith('---')) {
      if (i === line) break;
      start = i + 1;
      if (i > 0 || hasContentBefore(lines, i)) index++;
      else index = 0;
    }
  }
  let end = lines.length - 1;
  for (let i = line + 1; i < lines.length; i++) {
    if (isDocSeparator(lines[i])) {
      end = i - 1;
      break;
    }
  }
  return { start, end, index };
}

function hasContentBefore(lines: string[], i: number): boolean {
  for (let k = 0; k < i; k++) if (!isSkippable(lines[k])) return true;
  return false;
}

/** Parent path of the token at column `col` of line `line`, walking up by indentation. */
function parentPath(
  lines: string[],
  line: number,
  col: number,
  docStart: number,
  ownDashes: number[],
): PathSeg[] {
  const path: PathSeg[] = [];
  let ci = col;
  let seqCol = -1;
  let seqIdx = 0;
  if (ownDashes.length) {
    seqCol = Math.max(...ownDashes);
    ci = seqCol;
  }
  for (let i = line - 1; i >= docStart; i--) {
    const l = lines[i];
    if (isSkippable(l)) continue;
    const entries = lineEntries(l);
    if (entries.length === 0) continue;
    const first = entries[0];
    let keyMayEqual = false;
    if (seqCol >= 0) {
      if (first.col > seqCol) continue;
      if (first.col === seqCol && first.kind === 'dash') {
        seqIdx++;
        continue;
      }
      path.unshift(seqIdx);
      ci = seqCol;
      seqCol = -1;
      keyMayEqual = true;
    }
    let parent: Entry | undefined;
    let at = -1;
    for (let k = entries.length - 1; k >= 0; k--) {
      const e = entries[k];
      if (e.col < ci || (keyMayEqual && e.kind === 'key' && e.col === ci)) {
        parent = e;
        at = k;
        break;
      }
    }
    if (!parent) continue;
    if (parent.kind === 'key') {
      path.unshift(parent.key as string);
      ci = parent.col;
      if (at > 0) {
        seqCol = entries[at - 1].col;
        seqIdx = 0;
        ci = seqCol;
      }
    } else {
      seqCol = parent.col;
      seqIdx = 0;
      ci = seqCol;
    }
    if (ci === 0 && seqCol < 0) break;
  }
  if (seqCol >= 0) path.unshift(seqIdx);
  return path;
}

/** Reads the cursor's place in the document: path, key, whether a key or a value is typed. */
export function cursorContext(text: string, line: number, character: number): CursorContext {
  const lines = text.split(/\r?\n/);
  const cur = lines[line] ?? '';
  const doc = documentAt(lines, line);
  const before = cur.slice(0, character);
  const entries = lineEntries(before.length < cur.length ? cur : before);
  const dashes = entries.filter((e) => e.kind === 'dash' && e.col < character).map((e) => e.col);
  const keyEntry = entries.find((e) => e.kind === 'key');
  const base = { docStart: doc.start, docEnd: doc.end, docIndex: doc.index };
  if (keyEntry && keyEntry.col <= character) {
    const colon = cur.indexOf(':', keyEntry.col + (keyEntry.key?.length ?? 0));
    if (colon >= 0 && character > colon) {
      const path = parentPath(lines, line, keyEntry.col, doc.start, dashes);
      let start = colon + 1;
      while (start < character && cur[start] === ' ') start++;
      return {
        ...base,
        path,
        key: keyEntry.key,
        inValue: true,
        prefix: cur.slice(start, character),
        tokenStart: start,
        listItem: false,
      };
    }
  }
  // Typing a key (or a bare list item value).
  let start = 0;
  while (start < before.length && before[start] === ' ') start++;
  let listItem = false;
  while (before[start] === '-' && (start + 1 === before.length || before[start + 1] === ' ')) {
    listItem = true;
    start++;
    while (start < before.length && before[start] === ' ') start++;
  }
  const ownDashes = dashes.filter((c) => c < start);
  if (start >= before.length && before.trim() === '' && !listItem) start = character;
  const path = parentPath(lines, line, start, doc.start, ownDashes);
  return {
    ...base,
    path,
    inValue: false,
    prefix: before.slice(start),
    tokenStart: start,
    listItem,
  };
}

/** The full path of the key written on `line` (parents plus the key itself), for hover. */
export function keyPathAt(
  text: string,
  line: number,
  character: number,
):
  | {
      path: PathSeg[];
      key: string;
      keyStart: number;
      keyEnd: number;
      onValue: boolean;
      docIndex: number;
    }
  | undefined {
  const lines = text.split(/\r?\n/);
  const cur = lines[line];
  if (cur === undefined) return undefined;
  const entries = lineEntries(cur);
  const keyEntry = entries.find((e) => e.kind === 'key');
  if (!keyEntry || keyEntry.key === undefined) return undefined;
  const doc = documentAt(lines, line);
  const dashes = entries.filter((e) => e.kind === 'dash').map((e) => e.col);
  const path = parentPath(lines, line, keyEntry.col, doc.start, dashes);
  const keyEnd = cur.indexOf(':', keyEntry.col);
  return {
    path: [...path, keyEntry.key],
    key: keyEntry.key,
    keyStart: keyEntry.col,
    keyEnd,
    onValue: character > keyEnd,
    docIndex: doc.index,
  };
}

/** The word (path-like token) under the cursor. */
export function tokenAt(
  line: string,
  character: number,
): { text: string; start: number; end: number } | undefined {
  const isWord = (ch: string | undefined) => ch !== undefined && /[^\s:"',{}[\]#]/.test(ch);
  let s = character;
  while (s > 0 && isWord(line[s - 1])) s--;
  let e = character;
  while (e < line.length && isWord(line[e])) e++;
  if (e <= s) return undefined;
  return { text: line.slice(s, e), start: s, end: e };
}
