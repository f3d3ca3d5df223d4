// The store: raw jobs and their baskets in SQLite (see docs/store.md).
export { JobWriter, type JobWriterOptions } from './job-writer.js';
export { StoreError } from './errors.js';
export { Store, type JobEnd, type JobRecord, type SavedJob, type StoredBasket } from './store.js';
