// Cursor-marker helper: `|` in inline YAML marks the cursor; returns the text without it and the
// 0-based position.
export function cursor(src: string): { text: string; line: number; character: number } {
  const i = src.indexOf('|');
  if (i < 0) throw new Error('no | marker');
  const before = src.slice(0, i);
  const line = before.split('\n').length - 1;
  const character = i - (before.lastIndexOf('\n') + 1);
  return { text: before + src.slice(i + 1), line, character };
}
