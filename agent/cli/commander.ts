// commander, for every module of the CLI that needs it. It is CommonJS: `import ... from 'commander'` would have
// Node load its ESM wrapper and scan the CommonJS source for export names (cjs-module-lexer, a module of Node's
// own that nothing else loads) before running it; require() runs it directly, which is what start-up wants.
import Module, { createRequire } from 'node:module';
import type * as Commander from 'commander';

const require = createRequire(import.meta.url);

/**
 * commander requires node:child_process when it loads, for subcommands that are programs of their own, which this
 * CLI has none of; loading it brings net, dgram and their helpers with it (about 4 ms of every command's start-up
 * on a 2-core machine). So while commander loads it is given a stand-in that loads the real module on first use.
 */
function withChildProcessDeferred<T>(load: () => T): T {
  let childProcess: object | undefined;
  const deferred = new Proxy({}, { get: (_, key) => Reflect.get((childProcess ??= require('node:child_process') as object), key) });
  const prototype = Module.prototype as unknown as { require: (this: unknown, id: string) => unknown };
  const original = prototype.require;
  prototype.require = function (this: unknown, id: string) {
    return id === 'node:child_process' || id === 'child_process' ? deferred : original.call(this, id);
  };
  try {
    return load();
  } finally {
    prototype.require = original;
  }
}

const commander = withChildProcessDeferred(() => require('commander') as typeof Commander);

export const { Command, InvalidArgumentError, Option } = commander;
export type Command = Commander.Command;
export type Option = Commander.Option;
