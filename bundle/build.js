// dist/plotly-wuzhou.min.js: one minified script defining window.Plotly. It does nothing when Plotly is
// already defined, so the page's early <script async> and Dash's own loader can both ask for it.
const esbuild = require('esbuild');
const inlineCss = require('esbuild-plugin-inline-css');

esbuild.build({
    entryPoints: ['plotly-wuzhou.js'],
    outfile: 'dist/plotly-wuzhou.min.js',
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    plugins: [inlineCss()],                       // maplibre-gl's stylesheet, injected by the script
    define: {global: 'window', 'define.amd': 'false'},
    banner: {js: 'if (!window.Plotly) {'},
    footer: {js: '}'},
    target: 'es2016',
    logLevel: 'warning',
}).catch(() => process.exit(1));
