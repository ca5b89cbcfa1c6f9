// The dashboard's charts are bar and scatter charts, and choropleth maps (/europe, the citizenship
// maps): plotly.js's core (scatter, hover, legend, annotations, mode bar) with the bar trace and
// the geo-based choropleth trace. Map geometry (topojson) is served by this site: see
// assets/topojson/README.md.
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/choropleth')]);

module.exports = Plotly;
