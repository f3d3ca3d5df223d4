// The logger type every plug-in (driver, sink) is given by its host: pino's, so child loggers and levels work
// the same everywhere. Plug-ins never import the agent's global logger.
export type { Logger } from 'pino';
