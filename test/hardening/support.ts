// Shared by the hardening tests that run the real CLI in a child process.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const BIN = path.join(ROOT, 'bin', 'flux-overlays.js');

// Loaded into the child with --require: writes its peak RSS (KB) where FO_PEAK_RSS_FILE says.
const RSS_PRELOAD = `process.on('exit', () => { if (process.env.FO_PEAK_RSS_FILE) require('fs').writeFileSync(process.env.FO_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)); });\n`;

/** Writes the peak-RSS preload into `dir` and returns its path (for `node --require`). */
export function writeRssPreload(dir: string): string {
  const preload = path.join(dir, 'peak-rss.js');
  fs.writeFileSync(preload, RSS_PRELOAD);
  return preload;
}

/** The peak RSS the preload wrote to `rssFile`, as text ("unknown (killed)" when it wrote none). */
export function peakRss(rssFile: string): string {
  return fs.existsSync(rssFile)
    ? `${(Number(fs.readFileSync(rssFile, 'utf8')) / 1024).toFixed(0)} MB`
    : 'unknown (killed)';
}
