/**
 * Figures: Plotly figure builders (pure: data in, figure JSON out), the theme, and the display
 * bridge (tslab notebooks, standalone HTML files).
 *
 * @module
 */
export * from './theme';
export * from './types';
