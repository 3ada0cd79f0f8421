/** Kept equal to package.json's version by test/version.test.ts. */
export const TOOL_NAME = 'audit-data';
export const TOOL_VERSION = '0.1.0';
