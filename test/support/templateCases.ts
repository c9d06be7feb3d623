// The template case table (test/fixtures/template/cases.yaml) and how a case becomes chart files,
// shared by the expected-text generator (real helm) and the unit test (our engine).
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from './paths';

export interface TemplateCase {
  name: string;
  template: string;
  defines?: string;
  error?: boolean;
}

export const CASES_DIR = path.join(PROJECT_ROOT, 'test', 'fixtures', 'template');

export function loadCases(): TemplateCase[] {
  return parse(fs.readFileSync(path.join(CASES_DIR, 'cases.yaml'), 'utf8')) as TemplateCase[];
}

export function caseId(i: number): string {
  return `c${String(i).padStart(3, '0')}`;
}

/** The chart's template files for case `i`: helpers holding `case.<id>`, and (not for errors) a file rendering it as JSON. */
export function caseFiles(c: TemplateCase, i: number): Record<string, string> {
  const id = caseId(i);
  const files: Record<string, string> = {};
  if (c.defines) files[`templates/_${id}_defs.tpl`] = c.defines;
  if (c.error) files[`templates/${id}.yaml`] = c.template;
  else {
    files[`templates/_${id}.tpl`] = `{{ define "case.${id}" }}${c.template}{{ end }}`;
    files[`templates/${id}.yaml`] = `case: {{ include "case.${id}" . | toJson }}\n`;
  }
  return files;
}
