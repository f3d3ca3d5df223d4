// The reference backend's defaults, apart from the schema that applies them (config.ts) so that the command
// line can show them in its help without loading the validation library.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = join(homedir(), '.posbridge-dev-backend');
/** Big enough for a full batch of 1,000 receipts with their raw jobs; past it a batch gets 413. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_BATCH = 1000;
