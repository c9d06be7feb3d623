// Reading YAML text into origin-carrying nodes (node.ts). Parsing never throws: syntax problems
// come back as a list with positions, and whatever could be read is still returned.

import type * as YamlPackage from 'yaml';
import type { Alias, Document, LineCounter, Node as YamlNode, Scalar as YamlScalar } from 'yaml';
import { PlacedProblem, rangeOf } from '../problem';
import { rememberDocument } from '../secrets';
import { Origin, YNode, YPair, scalar } from './node';
import { YamlFlavor, resolvePlainScalar } from './resolve';
import { fastParseDocuments } from './fastParse';

let yamlPackage: typeof YamlPackage | undefined;
/**
 * The `yaml` package, loaded when a text first needs the general reader: a command whose files
 * the fast reader reads (most builds) does not pay for loading it.
 */
function yaml(): typeof YamlPackage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, above
  return (yamlPackage ??= require('yaml') as typeof YamlPackage);
}

let fastReader = true;
/** Turns the fast reader for plain block YAML (fastParse.ts) off or on; tests compare the two. */
export function useFastYamlReader(on: boolean): void {
  fastReader = on;
}

/** A YAML problem is always placed (step `yaml`); syntax errors, duplicate keys and limits are errors. */
export type YamlProblem = PlacedProblem;

export interface ParsedDocument {
  /** The document's root, or undefined for an empty document (`---` with nothing after it). */
  root: YNode | undefined;
  /** Origin of the whole document. */
  origin: Origin;
}

export interface ParsedFile {
  file: string;
  documents: ParsedDocument[];
  problems: YamlProblem[];
}

/** Offsets → 1-based line/column, with a shift for YAML embedded inside a block scalar of another file. */
export interface PositionMap {
  file: string;
  lineCounter: LineCounter;
  /** Added to every line (0 for a top-level file). */
  lineShift: number;
  /** Added to every column (the block scalar's indentation for embedded YAML). */
  colShift: number;
  /** The text being parsed. */
  text: string;
  /** Whose scalar typing rules apply (see resolve.ts). */
  flavor: YamlFlavor;
  /** Duplicate keys found while converting (the parser's own check is slower). */
  duplicates?: YamlProblem[];
}

function position(pm: PositionMap, offset: number): { line: number; col: number } {
  const p = pm.lineCounter.linePos(offset);
  return { line: p.line + pm.lineShift, col: p.col + pm.colShift };
}

export function originOf(
  pm: PositionMap,
  range: readonly [number, number, number] | null | undefined,
): Origin {
  const start = range ? range[0] : 0;
  const end = range ? range[1] : 0;
  const s = position(pm, start);
  const e = position(pm, end);
  return { file: pm.file, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
}

/**
 * Parses every document of a YAML text. `shift` places the text inside another file (YAML
 * embedded in a ConfigMap block scalar): lines and columns are offset so origins point at the
 * real file.
 */
export function parseYaml(
  text: string,
  file: string,
  shift?: { line: number; col: number },
  flavor: YamlFlavor = 'kustomize',
): ParsedFile {
  if (fastReader) {
    const fast = fastParseDocuments(text, file, flavor, shift?.line ?? 0, shift?.col ?? 0);
    if (fast !== undefined) {
      for (const d of fast) rememberDocument(d.root);
      return { file, documents: fast, problems: [] };
    }
  }
  const y = yaml();
  const lineCounter = new y.LineCounter();
  const problems: YamlProblem[] = [];
  const pm: PositionMap = {
    file,
    lineCounter,
    lineShift: shift?.line ?? 0,
    colShift: shift?.col ?? 0,
    text,
    flavor,
  };
  const documents: ParsedDocument[] = [];
  // Documents are composed and converted one at a time, so the yaml package's own trees of a
  // 10,000-document file are never all alive at once (collecting them made parsing such a file
  // spend most of its time in the garbage collector).
  // Lines are counted up front: positions are then known however far the parser has read.
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1))
    lineCounter.addNewLine(i + 1);
  const parser = new y.Parser();
  const composer = new y.Composer({
    uniqueKeys: false,
    keepSourceTokens: false,
    strict: true,
    schema: 'failsafe',
  });
  try {
    for (const doc of composer.compose(parser.parse(text)) as Iterable<Document.Parsed>)
      convertDocument(doc, pm, documents, problems);
  } catch (e) {
    problems.push({
      message: `YAML: ${(e as Error).message}`,
      span: {
        file,
        line: 1 + pm.lineShift,
        col: 1 + pm.colShift,
        endLine: 1 + pm.lineShift,
        endCol: 1 + pm.colShift,
      },
      severity: 'error',
      code: 'yaml-syntax',
      step: 'yaml',
    });
  }
  return { file, documents, problems };
}

function convertDocument(
  doc: Document.Parsed,
  pm: PositionMap,
  documents: ParsedDocument[],
  problems: YamlProblem[],
): void {
  const file = pm.file;
  let stackOverflow = false;
  for (const err of doc.errors) {
    const s = position(pm, err.pos[0]);
    const e = position(pm, err.pos[1]);
    const duplicate = err.code === 'DUPLICATE_KEY';
    // The yaml package's composer recurses per nesting level and reports running out of stack
    // as an error (some hundreds of levels): one clear problem per document.
    if (/Maximum call stack size exceeded/.test(err.message)) {
      if (stackOverflow) continue;
      stackOverflow = true;
      problems.push({
        message:
          'YAML: nesting too deep: the parser ran out of stack here (maps and lists nested some hundreds of levels)',
        span: { file, line: s.line, col: s.col, endLine: e.line, endCol: e.col },
        severity: 'error',
        code: 'yaml-too-deep',
        step: 'yaml',
      });
      continue;
    }
    problems.push({
      message: duplicate
        ? `duplicate key: ${firstLine(err.message)}`
        : `YAML syntax error: ${firstLine(err.message)}`,
      span: { file, line: s.line, col: s.col, endLine: e.line, endCol: e.col },
      severity: 'error',
      code: duplicate ? 'yaml-duplicate-key' : 'yaml-syntax',
      step: 'yaml',
    });
  }
  const budget: AliasBudget = { nodes: 0, aliased: 0, aliasedChars: 0, aliasDepth: 0 };
  const root = doc.contents ? convert(doc.contents as YamlNode, pm, doc, budget, 0) : undefined;
  if (pm.duplicates) {
    for (const d of pm.duplicates) problems.push(d);
    pm.duplicates = undefined;
  }
  if (budget.exceeded) problems.push(budget.exceeded);
  if (budget.tooDeep) problems.push(budget.tooDeep);
  // Every Secret read, wherever from, is known to the output net (engine/secrets.ts).
  rememberDocument(root);
  documents.push({
    root:
      root && !(root.kind === 'scalar' && root.value === null && !doc.contents) ? root : undefined,
    origin: originOf(pm, doc.range),
  });
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- written, never read, on purpose
let flattenedNumbers = 0;
function flatten(s: string): void {
  // The count only keeps the conversion from being optimised away.
  if (Number(s)) flattenedNumbers++;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

/** Deeper nesting is refused (go-yaml stops at 10,000 levels; the yaml package's composer often overflows before). */
export const MAX_DEPTH = 1000;

/**
 * Alias expansion is bounded per document like go-yaml v3 does it (which kubectl uses for
 * kustomization files: "document contains excessive aliasing"): once more than 100 nodes came
 * from aliases in a document of more than 1,000 nodes, their share may not pass 99% up to
 * 400,000 nodes, falling to 10% at 4,000,000. A billion-laughs document stops after a few
 * thousand nodes; legitimate anchors (`<<: *defaults`) stay far below. The text aliases copy is
 * bounded too (1 MB plus ten times the document's own size), for a long string aliased often.
 */
interface AliasBudget {
  /** Nodes converted so far in this document, aliases' copies included. */
  nodes: number;
  /** Of which produced while expanding an alias. */
  aliased: number;
  /** Characters of scalars copied by aliases (a long string repeated by many aliases). */
  aliasedChars: number;
  /** Aliases being expanded around the current node. */
  aliasDepth: number;
  /** The problem, once the budget is spent: later aliases of the document become null. */
  exceeded?: YamlProblem;
  tooDeep?: YamlProblem;
}

const ALIAS_RATIO_LOW = 400_000;
const ALIAS_RATIO_HIGH = 4_000_000;

function allowedAliasShare(nodes: number): number {
  if (nodes <= ALIAS_RATIO_LOW) return 0.99;
  if (nodes >= ALIAS_RATIO_HIGH) return 0.1;
  return 0.99 - 0.89 * ((nodes - ALIAS_RATIO_LOW) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW));
}

function aliasBudgetSpent(b: AliasBudget, textLength: number): boolean {
  return (
    (b.aliased > 100 && b.nodes > 1000 && b.aliased / b.nodes > allowedAliasShare(b.nodes)) ||
    b.aliasedChars > 1_000_000 + 10 * textLength
  );
}

function problemAt(
  pm: PositionMap,
  range: readonly [number, number, number] | null | undefined,
  message: string,
  code: string,
): YamlProblem {
  const o = originOf(pm, range);
  return { message, span: rangeOf(o), severity: 'error', code, step: 'yaml' };
}

function convert(
  n: YamlNode | null | undefined,
  pm: PositionMap,
  doc: Document.Parsed,
  budget: AliasBudget,
  depth: number,
): YNode {
  if (n === null || n === undefined) return scalar(null);
  const y = yaml();
  if (depth > MAX_DEPTH) {
    budget.tooDeep ??= problemAt(
      pm,
      n.range,
      `YAML: nesting too deep (more than ${MAX_DEPTH} levels of maps and lists)`,
      'yaml-too-deep',
    );
    return scalar(null, originOf(pm, n.range));
  }
  budget.nodes++;
  if (budget.aliasDepth > 0) {
    budget.aliased++;
    // Inside an expansion that spent the budget: stop copying (the outermost alias reports it).
    if (budget.exceeded) return scalar(null);
    if (n.range && y.isScalar(n)) budget.aliasedChars += n.range[1] - n.range[0];
    if (aliasBudgetSpent(budget, pm.text.length)) {
      budget.exceeded = {
        message: '',
        span: { file: pm.file, line: 0, col: 0, endLine: 0, endCol: 0 },
        severity: 'error',
        code: 'yaml-alias-bomb',
        step: 'yaml',
      };
      return scalar(null);
    }
  }
  if (y.isAlias(n)) {
    if (budget.exceeded) return scalar(null, originOf(pm, n.range));
    const target = (n as Alias).resolve(doc);
    if (!target) return scalar(null, originOf(pm, n.range));
    // Aliases expand to a copy of what they point at (as Go's yaml decoder does).
    budget.aliasDepth++;
    const copy = convert(target as YamlNode, pm, doc, budget, depth + 1);
    budget.aliasDepth--;
    const spent = budget.exceeded as YamlProblem | undefined;
    if (spent && budget.aliasDepth === 0 && !spent.message) {
      budget.exceeded = problemAt(
        pm,
        n.range,
        `YAML: document contains excessive aliasing: alias *${(n as Alias).source} expands to too many copies (${budget.aliased.toLocaleString('en-US')} of ${budget.nodes.toLocaleString('en-US')} nodes so far came from aliases: an alias bomb?)`,
        'yaml-alias-bomb',
      );
      return scalar(null, originOf(pm, n.range));
    }
    return copy;
  }
  const origin = originOf(pm, n.range);
  if (y.isScalar(n)) {
    const sc = n as YamlScalar;
    // Everything is read as text (failsafe schema); plain scalars are then typed by our rules.
    if (
      sc.type === 'PLAIN' &&
      (sc.tag === undefined || sc.tag === null) &&
      typeof sc.value === 'string'
    ) {
      return scalar(resolvePlainScalar(sc.value, pm.flavor), origin);
    }
    if (sc.tag === 'tag:yaml.org,2002:int' || sc.tag === 'tag:yaml.org,2002:float')
      return scalar(resolvePlainScalar(String(sc.value)), origin);
    if (sc.tag === 'tag:yaml.org,2002:bool') return scalar(String(sc.value) === 'true', origin);
    if (sc.tag === 'tag:yaml.org,2002:null') return scalar(null, origin);
    let v = sc.value;
    if (v === null || v === undefined) return scalar(null, origin);
    // A block scalar that ends the input without a line break has no final newline to keep
    // (go-yaml reads it so; the yaml package would add one).
    if (
      (sc.type === 'BLOCK_LITERAL' || sc.type === 'BLOCK_FOLDED') &&
      typeof v === 'string' &&
      v.endsWith('\n') &&
      n.range &&
      pm.text.slice(n.range[0], n.range[2]).search(/\n\s*$/) < 0 &&
      pm.text.indexOf('\n', n.range[2]) < 0
    ) {
      v = v.slice(0, -1);
    }
    // The yaml package builds quoted and block scalars piece by piece (a double-quoted one a
    // character at a time): V8 keeps such a string as a chain of pieces, tens of bytes per
    // character, until something flattens it. Converting to a number flattens it in place, so a
    // file of long quoted strings no longer takes 25 times its size in memory.
    if (typeof v === 'string') {
      if (v.length > 16) flatten(v);
      return scalar(v, origin);
    }
    if (typeof v === 'boolean') return scalar(v, origin);
    if (typeof v === 'number') return scalar(v, origin);
    if (typeof v === 'bigint') return scalar(Number(v), origin);
    return scalar(String(v), origin);
  }
  if (y.isSeq(n)) {
    return {
      kind: 'seq',
      items: n.items.map((i) => convert(i as YamlNode, pm, doc, budget, depth + 1)),
      origin,
    };
  }
  if (y.isMap(n)) {
    const pairs: YPair[] = [];
    // Keys seen so far: duplicates are rare, so only they pay for a search of the pairs.
    const seen = new Set<string>();
    for (const p of n.items) {
      if (!y.isPair(p)) continue;
      const k = p.key as YamlNode | null;
      let key: string;
      let keyOrigin: Origin | undefined;
      if (k && y.isScalar(k)) {
        key = k.value === null || k.value === undefined ? '' : String(k.value);
        // Helm's reader types keys too and then turns them back into JSON strings: `yes:` -> "true".
        if (
          pm.flavor === 'helm' &&
          (k as YamlScalar).type === 'PLAIN' &&
          typeof k.value === 'string'
        ) {
          const typed = resolvePlainScalar(k.value, 'helm');
          key = typed === null ? 'null' : String(typed);
        }
        keyOrigin = originOf(pm, k.range);
      } else if (k && k.range) {
        key = String(k);
        keyOrigin = originOf(pm, k.range);
      } else {
        key = k === null ? '' : String(k);
      }
      // YAML merge keys (`<<: *base`) are expanded like go-yaml does: the merged map's keys
      // come first and explicit keys win.
      if (key === '<<' && p.value && (y.isAlias(p.value as YamlNode) || y.isMap(p.value))) {
        const merged = convert(p.value as YamlNode, pm, doc, budget, depth + 1);
        if (merged.kind === 'map') {
          for (const mp of merged.pairs) {
            if (seen.has(mp.key)) continue;
            seen.add(mp.key);
            pairs.push(mp);
          }
          continue;
        }
      }
      const value = convert(p.value as YamlNode, pm, doc, budget, depth + 1);
      const existing = seen.has(key) ? pairs.findIndex((x) => x.key === key) : -1;
      seen.add(key);
      if (existing >= 0) {
        pairs.splice(existing, 1);
        const o = keyOrigin ?? value.origin;
        if (o)
          (pm.duplicates ??= []).push({
            message: `duplicate key: Map keys must be unique ("${key}" appears more than once)`,
            span: rangeOf(o),
            severity: 'error',
            code: 'yaml-duplicate-key',
            step: 'yaml',
          });
      }
      pairs.push(keyOrigin ? { key, keyOrigin, value } : { key, value });
    }
    return { kind: 'map', pairs, origin };
  }
  return scalar(null, origin);
}
