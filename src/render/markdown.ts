import type { Report } from '../report/report.js';
import { renderJson } from './json.js';

/** Placeholder until the Markdown report lands (issue 5): the JSON in a fenced block. */
export function renderMarkdown(report: Report): string {
  return '```json\n' + renderJson(report) + '```\n';
}
