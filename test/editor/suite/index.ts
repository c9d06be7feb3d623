/**
 * Mocha runner loaded by VS Code's extension host (extensionTestsPath): runs every
 * *.test.js next to this file (and below it). Output goes to the extension host's console,
 * which the test host forwards.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { format } from 'util';

/**
 * Under code-server the extension host's console reaches the test host mixed with the
 * workbench's own log; the host sets FLUX_OVERLAYS_LOG_MARK and prints only marked lines.
 * (VS Code's extension host makes console.* read-only, so the reporter's output is marked.)
 */
function markReporterOutput(mocha: typeof Mocha): void {
  const mark = process.env.FLUX_OVERLAYS_LOG_MARK;
  if (!mark) {
    return;
  }
  const base = mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const original = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => original(mark + format(...args));
}

/** The suite's test files; `real/` (the corpus layouts) has its own run and workspace. */
export function testFiles(dir: string, recursive = true): string[] {
  return fs
    .readdirSync(dir, { recursive, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js') && !f.split(path.sep).includes('real'))
    .map((f) => path.join(dir, f))
    .sort();
}

/** VS Code calls run(testsRoot, callback): the files are this folder's. */
export function run(): Promise<void> {
  return runFiles(testFiles(__dirname));
}

export function runFiles(files: string[]): Promise<void> {
  markReporterOutput(Mocha);
  const grep = process.env.FLUX_OVERLAYS_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec', grep });
  for (const f of files) {
    mocha.addFile(f);
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) {
        reject(new Error(`${failures} editor test(s) failed`));
      } else {
        resolve();
      }
    });
  });
}
