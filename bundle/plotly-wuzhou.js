// The trace types layers/ draws (scatter comes with the core); the version is the one the Python plotly
// package pins (requirements.txt), so figures mean the same here as there.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/funnel'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scattermap'),
    require('plotly.js/lib/choroplethmap'),
]);

module.exports = Plotly;
