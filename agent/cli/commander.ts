// commander, for every module of the CLI that needs it. The CLI's bundle holds it (rolldown.config.js), so that it
// is compiled from the bundle's code cache with the rest of the CLI (code-cache.ts); the commands outside the bundle
// load the package.
export { Command, InvalidArgumentError, Option } from 'commander';
