// The store: raw jobs and their baskets in SQLite (see docs/store.md).
export { JobWriter, type JobWriterOptions } from './job-writer.js';
export { StoreError, isOutage, needsOperator, type StoreProblem } from './errors.js';
export {
  Store,
  type BasketQuery,
  type JobEnd,
  type JobRecord,
  type JournalEntry,
  type JournalledChunk,
  type JournalledSession,
  type SavedJob,
  type StoredBasket,
} from './store.js';
