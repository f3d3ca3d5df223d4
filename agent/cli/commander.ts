// commander, for every module of the CLI that needs it. It is CommonJS: `import ... from 'commander'` would have
// Node load its ESM wrapper and scan the CommonJS source for export names (cjs-module-lexer, a module of Node's
// own that nothing else loads) before running it; require() runs it directly, which is what start-up wants.
import { createRequire } from 'node:module';
import type * as Commander from 'commander';

const commander = createRequire(import.meta.url)('commander') as typeof Commander;

export const { Command, InvalidArgumentError, Option } = commander;
export type Command = Commander.Command;
export type Option = Commander.Option;
