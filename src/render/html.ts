import type { Report } from '../report/report.js';
import { renderJson } from './json.js';

/** Placeholder until the HTML report lands (issue 5). */
export function renderHtml(report: Report): string {
  const escaped = renderJson(report).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!doctype html><meta charset="utf-8"><title>audit-data report</title><pre>${escaped}</pre>\n`;
}
