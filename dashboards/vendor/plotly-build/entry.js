// Every chart of the dashboard is a bar or scatter chart: plotly.js's core (which has scatter,
// hover, legend, annotations and the mode bar) and its bar trace are all it needs.
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar')]);

module.exports = Plotly;
