/** Output formats. Adding one is adding a renderer file and a line here. */
import type { Report } from '../report/report.js';
import { renderJson } from './json.js';
import { renderTerminal } from './terminal.js';

export const FORMATS = ['table', 'json', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  width?: number;
}

export async function render(report: Report, format: Format, options: RenderOptions): Promise<string> {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'table':
      return renderTerminal(report, options);
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown(report);
    case 'html':
      return (await import('./html.js')).renderHtml(report);
  }
}
