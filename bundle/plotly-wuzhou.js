// The trace types layers/ draws (scatter comes with the core); the version is the one the Python plotly
// package pins (requirements.txt), so figures mean the same here as there.
var Plotly = require('plotly.js/lib/core');
var scattermap = require('plotly.js/lib/scattermap');

// Plotly re-sets the GeoJSON source of every point trace of a map on any change of its figure, and each re-set
// makes MapLibre parse and tile it again and redraw until it is loaded: a recolour of the areas also paid for the
// unchanged checkpoints, sites and names (docs/frontend.md). A point trace now sends its data again only when it
// differs from what that source holds.
var plotScattermap = scattermap.plot;
scattermap.plot = function (subplot, calcTrace) {
    var layer = plotScattermap(subplot, calcTrace);
    var held = {};                                   // layer kind -> the GeoJSON text its source holds
    var addSource = layer.addSource, setSourceData = layer.setSourceData;
    layer.addSource = function (kind, opts, cluster) {
        held[kind] = JSON.stringify(opts.geojson);
        return addSource.call(this, kind, opts, cluster);
    };
    layer.setSourceData = function (kind, opts) {
        var text = JSON.stringify(opts.geojson);
        if (held[kind] === text) { return; }
        held[kind] = text;
        return setSourceData.call(this, kind, opts);
    };
    return layer;
};

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/funnel'),
    require('plotly.js/lib/heatmap'),
    scattermap,
    require('plotly.js/lib/choroplethmap'),
]);

module.exports = Plotly;
