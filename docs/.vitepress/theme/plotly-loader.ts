/**
 * Loads plotly.min.js (from plotly.js-dist-min, emitted by Vite as an asset) once per page view
 * by injecting a script tag, and hands back `window.Plotly`.
 */
import plotlyUrl from 'plotly.js-dist-min/plotly.min.js?url';

/** The few Plotly functions the site calls. */
export interface PlotlyApi {
  newPlot(
    el: HTMLElement,
    data: unknown[],
    layout: Record<string, unknown>,
    config: object,
  ): Promise<unknown>;
  relayout(el: HTMLElement, update: Record<string, unknown>): Promise<unknown>;
  purge(el: HTMLElement): void;
  Plots: { resize(el: HTMLElement): void };
}

let loading: Promise<PlotlyApi> | null = null;

export function loadPlotly(): Promise<PlotlyApi> {
  const existing = (window as unknown as { Plotly?: PlotlyApi }).Plotly;
  if (existing) return Promise.resolve(existing);
  loading ??= new Promise<PlotlyApi>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = plotlyUrl;
    script.async = true;
    script.dataset.normlab = 'plotly';
    script.onload = () => resolve((window as unknown as { Plotly: PlotlyApi }).Plotly);
    script.onerror = () => {
      loading = null;
      reject(new Error(`could not load ${plotlyUrl}`));
    };
    document.head.appendChild(script);
  });
  return loading;
}
