// dist/plotly-wuzhou.min.js: one minified script defining window.Plotly. It does nothing when Plotly is
// already defined, so the page's early <script async> and Dash's own loader can both ask for it.
// dist/regenerator-runtime.min.js: the global regeneratorRuntime that Dash's scripts call, which pages load
// instead of Babel's whole polyfill; dist/grid-on-demand.min.js: AG Grid's stand-in until a page shows a grid
// (both: pages/page_scripts.py).
const esbuild = require('esbuild');
const inlineCss = require('esbuild-plugin-inline-css');

const common = {bundle: true, minify: true, format: 'iife', target: 'es2016', logLevel: 'warning'};

Promise.all([
    esbuild.build({
        ...common,
        entryPoints: ['plotly-wuzhou.js'],
        outfile: 'dist/plotly-wuzhou.min.js',
        globalName: 'Plotly',
        plugins: [inlineCss()],                       // maplibre-gl's stylesheet, injected by the script
        define: {global: 'window', 'define.amd': 'false'},
        banner: {js: 'if (!window.Plotly) {'},
        footer: {js: '}'},
    }),
    esbuild.build({
        ...common,
        entryPoints: ['regenerator-runtime/runtime.js'],
        outfile: 'dist/regenerator-runtime.min.js',
    }),
    esbuild.build({
        ...common,
        entryPoints: ['grid-on-demand.js'],
        outfile: 'dist/grid-on-demand.min.js',
    }),
]).catch(() => process.exit(1));
