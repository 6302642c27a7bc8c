/**
 * The comparative study: declarative specs and profiles, the resumable and shardable grid runner,
 * the JSONL results store, claim metrics, aggregation across seeds and the claim scorecard.
 *
 * The folder's names for the library's own files and tests; what users get is chosen in
 * `lib/index.ts` (the lab entry point).
 *
 * @module
 */
export * from './claims/aggregate';
export * from './claims/claims';
export * from './claims/decision';
export * from './claims/evidence';
export * from './claims/mechanism';
export * from './claims/references';
export * from './claims/revisions';
export * from './claims/scorecard';
export * from './claims/summary';
export * from './claims/verdict-sentence';
export * from './run/environment';
export * from './run/execute';
export * from './run/load-or-run';
export * from './run/metrics';
export * from './run/runner';
export * from './spec/file';
export * from './spec/hash';
export * from './spec/index';
export * from './spec/profiles';
export * from './spec/records';
export * from './spec/tuning';
export * from './store/durable-write';
export * from './store/merge';
export * from './store/record-check';
export * from './store/repair';
export * from './store/results';
export * from './store/results-schema';
