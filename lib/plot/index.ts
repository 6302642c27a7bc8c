/**
 * Figures: Plotly figure builders (pure: data in, figure JSON out), the theme, the display bridge
 * (tslab notebooks, standalone HTML files) and the live training display.
 *
 * The folder's names for the library's own files and tests; what users get is chosen in
 * `lib/index.ts` (the lab entry point).
 *
 * @module
 */
export * from './axis-range';
export * from './bars';
export * from './curves';
export * from './display';
export * from './fit-width';
export * from './heatmaps';
export * from './histograms';
export * from './html';
export * from './html-table';
export * from './images';
export * from './live';
export * from './norm-axes';
export * from './running-stats';
export * from './sensitivity';
export * from './table';
export * from './tensor-values';
export * from './theme';
export * from './types';
export * from './values';
