// Registers every CLI command with main.ts (build is built in; the others live in their own files).
import './values';
import './diff';
import './promotionDiff';
import './check';
import './cluster';
import './template';
export {};
