// The terminal report lets no escape sequence or control character from the data reach the screen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTerminal } from '../../src/render/terminal.js';
import { hostileReport } from './helpers.js';
import { tempFolder, CONTROL_CHARACTERS, COLOUR_CODES } from '../fixtures.js';

const folder = tempFolder();

test('no ESC or C1 control from the data, with or without colour', async () => {
  const { report } = await hostileReport(folder);
  const plain = renderTerminal(report, { color: false, width: 120 });
  assert.ok(!CONTROL_CHARACTERS.test(plain), 'no control characters without colour');
  const coloured = renderTerminal(report, { color: true, width: 120 });
  const ours = coloured.replace(COLOUR_CODES, '');
  assert.ok(!CONTROL_CHARACTERS.test(ours), 'only our own colour codes');
  assert.match(plain, /<script>alert\(1\)<\/script>/, 'the text itself is shown (a terminal runs no markup)');
  assert.match(plain, /=HYPERLINK\("x"\)/);
});
