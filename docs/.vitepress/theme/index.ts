/** normlab's theme: VitePress' default theme plus the components the pages use. */
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import NormPlayground from './components/NormPlayground.vue';
import NotebookHtml from './components/NotebookHtml.vue';
import NotebookSource from './components/NotebookSource.vue';
import PlotlyChart from './components/PlotlyChart.vue';
import ScorecardTable from './components/ScorecardTable.vue';
import './custom.css';

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('PlotlyChart', PlotlyChart);
    app.component('NotebookHtml', NotebookHtml);
    app.component('NotebookSource', NotebookSource);
    app.component('NormPlayground', NormPlayground);
    app.component('ScorecardTable', ScorecardTable);
  },
};

export default theme;
