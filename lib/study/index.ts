/**
 * The comparative study: declarative specs and profiles, the resumable and shardable grid runner,
 * the JSONL results store, claim metrics, aggregation across seeds and the claim scorecard.
 *
 * The folder's names for the library's own files and tests; what users get is chosen in
 * `lib/index.ts` (the lab entry point).
 *
 * @module
 */
export * from './aggregate';
export * from './claim-evidence';
export * from './claim-mechanism';
export * from './claims';
export * from './decision';
export * from './durable-write';
export * from './environment';
export * from './equivalence';
export * from './execute';
export * from './hash';
export * from './holm';
export * from './load-or-run';
export * from './merge';
export * from './metrics';
export * from './paired-test';
export * from './profiles';
export * from './record-check';
export * from './references';
export * from './repair';
export * from './results-schema';
export * from './revisions';
export * from './runner';
export * from './scorecard';
export * from './spec';
export * from './spec-file';
export * from './stats';
export * from './store';
export * from './summary';
export * from './survival';
export * from './tuning';
export * from './types';
export * from './verdict-sentence';
