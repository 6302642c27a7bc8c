/**
 * The study's report stage: figures built from study results, the live study display and the
 * standalone HTML report. It sits above `lib/study/` (it reads results and verdicts) and uses the
 * pure figure builders of `lib/plot/`.
 *
 * The folder's names for the library's own files and tests; what users get is chosen in
 * `lib/index.ts` (the lab entry point).
 *
 * @module
 */
export * from './batch-size-figure';
export * from './html-report';
export * from './live-study';
export * from './mechanism-figures';
export * from './mechanism-tables';
export * from './metric-figures';
export * from './scorecard-table-figure';
export * from './study-figures';
export * from './study-source';
export * from './study-tables';
