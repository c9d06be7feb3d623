/**
 * Mocha runner for the real-layout suite (test/editor/suite/real): the keos multi-root
 * workspace plus an app-per-folder layout, made by runTest.ts from ../shared/corpus.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runFiles } from '../index';

export function run(): Promise<void> {
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(__dirname, f))
    .sort();
  return runFiles(files);
}
