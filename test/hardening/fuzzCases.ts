// Seeded mutations of real YAML for the fuzz suite (fuzz.test.ts): fast-check arbitraries of
// edits a user (or a broken generator) makes to a file, applied to its text. Pure data: the
// same seed gives the same cases, printed so that one case can be replayed.
import fc from 'fast-check';

export type Edit =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicateLine'; line: number }
  | { op: 'indent'; line: number; by: number }
  | { op: 'tab'; line: number }
  | { op: 'anchor'; line: number; alias: number; name: string }
  | { op: 'number'; line: number; text: string }
  | { op: 'truncate'; at: number };

export interface MutationCase {
  /** Index into the list of candidate files. */
  file: number;
  edits: Edit[];
}

/** YAML-significant fragments: what half-typed or broken lines are made of. */
const SNIPPETS = [
  ':',
  ': ',
  ' ',
  '\n',
  '- ',
  '  ',
  '|',
  '|-',
  '>',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  '${',
  '${VAR}',
  '#',
  '&',
  '*',
  '&a ',
  '*a',
  '<<: *a',
  '---\n',
  '...\n',
  '\t',
  'key: value',
  '- name: x\n',
  '!!str ',
  '!!binary ',
  '!',
  '%YAML 1.1\n',
  '? ',
  ',',
  '@',
  '`',
  '\r\n',
  '\r',
  'null',
  '~',
  'true',
  'yes',
  '0x1F',
  '0o17',
  '.inf',
  '-.nan',
];
/** Numbers at and past every limit. */
const NUMBERS = [
  '1e400',
  '-1e400',
  '99999999999999999999999999999',
  '0x' + 'f'.repeat(40),
  '9'.repeat(400),
  '1.7976931348623157e309',
  '-0',
  '0b' + '1'.repeat(80),
  '4294967296',
  '9007199254740993',
  '1_000_000',
  '+.inf',
  '.NaN',
  '0777777777777777777777',
];
/** Characters that are not ASCII, some not valid on their own. */
const UNICODE = [
  '\u00e9',
  '\u4e2d\u6587',
  '\u{1F680}',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\u0000',
  '\u0085',
  '\u2028',
  '\u2029',
  '\ud800',
  '\udfff',
  '\u0301',
  '\uffff',
];

// a fraction in [0, 1): fc.double favours tiny values, which would put every edit at the start
const frac = fc.integer({ min: 0, max: 9999 }).map((x) => x / 10000);

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: frac,
      text: fc.oneof(
        fc.constantFrom(...SNIPPETS),
        fc.constantFrom(...UNICODE),
        fc.string({ maxLength: 6 }),
        fc.string({ unit: 'binary', maxLength: 4 }),
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('delete' as const),
      at: frac,
      length: fc.integer({ min: 1, max: 12 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicateLine' as const), line: frac }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('indent' as const),
      line: frac,
      by: fc.integer({ min: -4, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tab' as const), line: frac }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('anchor' as const),
      line: frac,
      alias: frac,
      name: fc.constantFrom('a', 'x1', 'base'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('number' as const),
      line: frac,
      text: fc.constantFrom(...NUMBERS),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: frac }) },
) as fc.Arbitrary<Edit>;

/** Positions are fractions of the text (or of its lines), so one case fits any file. */
export function mutationArb(files: number): fc.Arbitrary<MutationCase> {
  return fc.record({
    file: fc.integer({ min: 0, max: files - 1 }),
    edits: fc.array(editArb, { minLength: 1, maxLength: 4 }),
  }) as fc.Arbitrary<MutationCase>;
}

const lineIndex = (lines: string[], f: number) =>
  Math.min(lines.length - 1, Math.floor(f * lines.length));

export function applyEdit(text: string, e: Edit): string {
  const lines = text.split('\n');
  const at = (f: number) => Math.floor(f * (text.length + 1));
  switch (e.op) {
    case 'insert':
      return text.slice(0, at(e.at)) + e.text + text.slice(at(e.at));
    case 'delete':
      return text.slice(0, at(e.at)) + text.slice(at(e.at) + e.length);
    case 'truncate':
      return text.slice(0, at(e.at));
    case 'duplicateLine': {
      // a duplicated `key: value` line is a duplicate key
      const i = lineIndex(lines, e.line);
      lines.splice(i, 0, lines[i]);
      return lines.join('\n');
    }
    case 'indent': {
      const i = lineIndex(lines, e.line);
      lines[i] =
        e.by >= 0
          ? ' '.repeat(e.by) + lines[i]
          : lines[i].replace(new RegExp(`^ {0,${-e.by}}`), '');
      return lines.join('\n');
    }
    case 'tab': {
      const i = lineIndex(lines, e.line);
      lines[i] = lines[i].replace(/^( +)/, (s) => '\t'.repeat(Math.max(1, s.length >> 1)));
      if (!lines[i].startsWith('\t')) lines[i] = '\t' + lines[i];
      return lines.join('\n');
    }
    case 'anchor': {
      // `key: &name value` on one line, `other: *name` replacing the value of another
      const i = lineIndex(lines, e.line);
      const j = lineIndex(lines, e.alias);
      lines[i] = lines[i].replace(/^(\s*(?:- )?[^:#\s][^:#]*:)( |$)/, `$1 &${e.name}$2`);
      lines[j] = lines[j].replace(/^(\s*(?:- )?[^:#\s][^:#]*:)\s.*$/, `$1 *${e.name}`);
      return lines.join('\n');
    }
    case 'number': {
      const i = lineIndex(lines, e.line);
      lines[i] = /:\s*\S/.test(lines[i])
        ? lines[i].replace(/:\s*\S.*$/, `: ${e.text}`)
        : lines[i] + `: ${e.text}`;
      return lines.join('\n');
    }
  }
}

export function applyCase(text: string, c: MutationCase): string {
  return c.edits.reduce(applyEdit, text);
}

/** One line per case, to replay it: `FLUX_OVERLAYS_FUZZ_SEED=<seed>` and the case index. */
export function describeCase(c: MutationCase, file: string): string {
  return `${file}: ${JSON.stringify(c.edits)}`;
}
