// Scale (issue 14): the generated repository of 2,000 components x 3 overlays
// (bench/generate.ts, in a temporary folder, one component in 100 with problems): check and
// the language server finish (a generous hang timeout, no wall-clock assert: speed is in
// bench/scale.ts) and answer correctly; time and peak RSS are printed. Then a 10,000-edit
// soak on an open document with requests in between must not grow the server's memory
// without bound: RSS after the soak against RSS after the warm-up, with a generous margin.
// FLUX_OVERLAYS_SCALE_COMPONENTS / FLUX_OVERLAYS_SCALE_EDITS change the sizes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateRepository } from '../../bench/generate';
import { mb } from '../../bench/measure';
import { measureCheck, measureServer } from '../../bench/scaleSession';

const N = Number(process.env.FLUX_OVERLAYS_SCALE_COMPONENTS ?? 2000);
const EDITS = Number(process.env.FLUX_OVERLAYS_SCALE_EDITS ?? 10000);
/** Not a speed target: long enough for a loaded machine, short enough to catch a hang. */
const HANG_MS = 10 * 60_000;

describe('scale: 2,000 components x 3 overlays', () => {
  let repo = '';
  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-scale-'));
    generateRepository(repo, N, { problems: true });
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  it(
    'check finishes and reports exactly the planted problems',
    { timeout: HANG_MS + 60_000 },
    async () => {
      const r = await measureCheck(repo, HANG_MS);
      console.log(
        `# check of ${N * 6} files: ${(r.ms / 1000).toFixed(2)} s, peak RSS ${mb(r.peakMb)}`,
      );
      assert.equal(r.timedOut, false, `check did not finish in ${HANG_MS} ms`);
      assert.equal(r.status, 1, r.stderr);
      const out = JSON.parse(r.stdout) as {
        files: number;
        errors: number;
        warnings: number;
        diagnostics: { file: string; line: number; code: string }[];
      };
      // one component in 100 (i % 100 === 7): a sourceRef typo in base, a missing resource in
      // staging (reported on its entry), a values key typo in production
      const bad = Math.floor((N - 8) / 100) + (N > 7 ? 1 : 0);
      assert.equal(out.files, N * 6);
      const count = (code: string) => out.diagnostics.filter((d) => d.code === code).length;
      assert.equal(count('reference-typo'), bad);
      assert.equal(count('values-key-typo'), bad);
      assert.equal(count('missing-file'), bad);
      assert.ok(
        out.diagnostics.every(
          (d) =>
            /^components\/app\d+\/(base|staging|production)\/[a-z]+\.yaml$/.test(d.file) &&
            d.line >= 1,
        ),
        JSON.stringify(out.diagnostics.slice(0, 3)),
      );
    },
  );

  it(
    'the server indexes it, and 10,000 edits do not grow its memory without bound',
    { timeout: HANG_MS + 60_000 },
    async () => {
      const s = await measureServer(repo, EDITS, 10, HANG_MS);
      console.log(
        `# server first index: ${(s.indexMs / 1000).toFixed(2)} s, RSS ${mb(s.afterIndex?.rssMb)} (peak ${mb(s.afterIndex?.peakMb)})`,
      );
      console.log(
        `# server soak: ${s.edits} edits, ${s.requests} requests in ${(s.soakMs / 1000).toFixed(1)} s; RSS after warm-up ${mb(s.afterWarmup?.rssMb)}, after the soak ${mb(s.afterSoak?.rssMb)} (peak ${mb(s.afterSoak?.peakMb)}); by tenths: ${s.samples.map((x) => x.toFixed(0)).join(' ')} MB`,
      );
      assert.equal(s.requests, Math.floor(EDITS / 10));
      // the index still answers from every overlay after the soak
      assert.match(s.hoverAfterSoak, /production/);
      if (!s.afterWarmup || !s.afterSoak) {
        console.log('# /proc/<pid>/status not readable here: memory growth not measured');
        return;
      }
      // Keeping each version of the ~6 KB document and its parse would add hundreds of MB over
      // the soak and keep climbing. RSS swings with the garbage collector (100 MB and more between
      // two tenths on a loaded machine), and bounded caches (parses, charts, remembered secrets)
      // fill up in the first half and then stay: a leak is a floor that keeps rising. So the floor
      // of the last three tenths (and the end) is compared with the floor of the three before.
      const valid = (xs: number[]) => xs.filter((x) => !Number.isNaN(x));
      const margin = Math.max(100, s.afterWarmup.rssMb * 0.5);
      const floor = Math.min(s.afterSoak.rssMb, ...valid(s.samples.slice(-3)));
      const before = Math.min(...valid(s.samples.slice(-6, -3)));
      assert.ok(
        floor < before + margin,
        `RSS kept growing: the floor was ${mb(before)} in tenths 5-7 and ${mb(floor)} at the end of ${EDITS} edits (margin ${mb(margin)})`,
      );
      // and a bound in absolute terms: not more than twice the warm-up RSS plus 100 MB
      assert.ok(
        floor < s.afterWarmup.rssMb * 2 + 100,
        `RSS grew from ${mb(s.afterWarmup.rssMb)} after the warm-up to at least ${mb(floor)} at the end of ${EDITS} edits`,
      );
    },
  );
});
