// A line diff (Myers' O(ND) algorithm) and unified-diff output with context, as diff -u prints.

export type Edit = { op: ' ' | '-' | '+'; line: string };

/** Shortest edit script turning `a` into `b`, as a list of kept/removed/added lines. */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  // Common prefix and suffix first: most diffs here touch a few lines of long files.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (
    suf < a.length - pre &&
    suf < b.length - pre &&
    a[a.length - 1 - suf] === b[b.length - 1 - suf]
  )
    suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const middle = myers(A, B);
  return [
    ...a.slice(0, pre).map((line) => ({ op: ' ' as const, line })),
    ...middle,
    ...a.slice(a.length - suf).map((line) => ({ op: ' ' as const, line })),
  ];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((line) => ({ op: '+', line }));
  if (m === 0) return a.map((line) => ({ op: '-', line }));
  const max = n + m;
  const off = max;
  let v: Int32Array = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[off + k - 1] < v[off + k + 1])
          ? v[off + k + 1]
          : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  trace.push(v);
  // Walk back through the saved frontiers.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0 && (x > 0 || y > 0); d--) {
    v = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: ' ', line: a[--x] });
      y--;
    }
    if (d === 0) break;
    if (x === prevX) edits.push({ op: '+', line: b[--y] });
    else edits.push({ op: '-', line: a[--x] });
  }
  while (x > 0 && y > 0) {
    edits.push({ op: ' ', line: a[--x] });
    y--;
  }
  return edits.reverse();
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A unified diff of two texts (`---`/`+++` headers, `@@` hunks, 3 lines of context); '' when equal. */
export function unifiedDiff(
  aText: string,
  bText: string,
  aName: string,
  bName: string,
  context = 3,
): string {
  if (aText === bText) return '';
  const a = splitLines(aText);
  const b = splitLines(bText);
  const edits = diffLines(a, b);
  if (!edits.some((e) => e.op !== ' ')) return '';
  const out = [`--- ${aName}`, `+++ ${bName}`];
  // Positions (in edits) of changed lines, grouped into hunks whose context overlaps.
  const changed = edits.map((e, i) => (e.op !== ' ' ? i : -1)).filter((i) => i >= 0);
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, changed[i] - context);
    let end = changed[i];
    while (i + 1 < changed.length && changed[i + 1] - end - 1 <= 2 * context) end = changed[++i];
    i++;
    end = Math.min(edits.length - 1, end + context);
    // Line numbers at `start`.
    let aLine = 1;
    let bLine = 1;
    for (let j = 0; j < start; j++) {
      if (edits[j].op !== '+') aLine++;
      if (edits[j].op !== '-') bLine++;
    }
    const hunk = edits.slice(start, end + 1);
    const aCount = hunk.filter((e) => e.op !== '+').length;
    const bCount = hunk.filter((e) => e.op !== '-').length;
    out.push(
      `@@ -${aCount === 0 ? aLine - 1 : aLine}${aCount === 1 ? '' : ',' + aCount} +${bCount === 0 ? bLine - 1 : bLine}${bCount === 1 ? '' : ',' + bCount} @@`,
    );
    for (const e of hunk) out.push(e.op + e.line);
  }
  return out.join('\n') + '\n';
}
