/** Splits `text` on `sep` outside of `open`...`close` brackets (`a.[b.c].d`, `x in (a,b),y`). */
export function splitOutside(text: string, sep: string, open: string, close: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of text) {
    if (ch === open) depth++;
    if (ch === close) depth--;
    if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
