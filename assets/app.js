/* Small client-side helpers of the dashboard (no outside requests). */
window.migdash = window.migdash || {};

/* Build the query string from control values; keep parameters the page does not control (lang). */
window.migdash.toSearch = function (names, defaults, values, search) {
  const params = new URLSearchParams(search || "");
  names.forEach(function (name, i) {
    let v = values[i];
    if (Array.isArray(v)) v = v.join(",");
    const d = Array.isArray(defaults[name]) ? defaults[name].join(",") : defaults[name];
    if (v === null || v === undefined || v === "" || v === "_all" || String(v) === String(d)) params.delete(name);
    else params.set(name, String(v));
  });
  const out = params.toString().replace(/%2C/g, ",");
  const next = out ? "?" + out : "";
  if (next === (search || "")) return window.dash_clientside.no_update;
  return next;
};

/* A page re-rendered from the URL replaces its controls: give focus back to the control the
   user was using, so keyboard users keep their place. */
(function () {
  let lastId = null;
  document.addEventListener("focusin", function (e) {
    const el = e.target.closest("[id]");
    if (el && el.id) lastId = el.id;
  });
  const observer = new MutationObserver(function () {
    if (!lastId || (document.activeElement && document.activeElement !== document.body)) return;
    const el = document.getElementById(lastId);
    if (!el) return;
    const focusable = el.matches("input,select,textarea,button,a,[tabindex]") ? el :
      el.querySelector("input,select,textarea,button,a,[tabindex]");
    if (focusable) focusable.focus({preventScroll: true});
  });
  document.addEventListener("DOMContentLoaded", function () {
    observer.observe(document.body, {childList: true, subtree: true});
  });
})();

/* Page title and <html lang> follow the page the server rendered. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.migdash = {
  meta: function (meta) {
    if (meta) {
      if (meta.title) document.title = meta.title;
      if (meta.lang) document.documentElement.lang = meta.lang;
    }
    return window.dash_clientside.no_update;
  }
};

/* Rows with wrapped text are measured when drawn; if the web font arrives later the text grows,
   so measure again once fonts are ready. */
if (document.fonts && document.fonts.ready) {
  document.fonts.ready.then(function () {
    document.querySelectorAll(".md-grid[id]").forEach(function (el) {
      if (window.dash_ag_grid && window.dash_ag_grid.getApiAsync) {
        window.dash_ag_grid.getApiAsync(el.id).then(function (api) { api.resetRowHeights(); });
      }
    });
  });
}

/* AG Grid cell renderers (dash-ag-grid looks them up here). A plain link renders at once, so
   rows with wrapped text get their height right on the first draw. */
window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {};
window.dashAgGridComponentFunctions.Link = function (props) {
  if (!props.data || !props.data.href) return props.value;
  return React.createElement("a", {href: props.data.href}, props.value);
};

/* Save a chart as PNG or SVG with its title, source and date in the picture (the page shows
   them as HTML around the chart, so they are added to a copy of the figure for the image). */
document.addEventListener("click", function (e) {
  const button = e.target.closest("[data-image-format]");
  if (!button || !window.Plotly) return;
  const holder = document.getElementById(button.dataset.graph);
  const gd = holder && (holder.classList.contains("js-plotly-plot") ? holder : holder.querySelector(".js-plotly-plot"));
  if (!gd) return;
  const format = button.dataset.imageFormat;
  const layout = JSON.parse(JSON.stringify(gd.layout));
  const margin = Object.assign({l: 10, r: 20, t: 10, b: 40}, layout.margin || {});
  margin.t += 60;
  margin.b += 50;
  layout.margin = margin;
  layout.title = {text: button.dataset.title, x: 0.01, xanchor: "left", y: 0.99, yanchor: "top", font: {size: 18}};
  layout.annotations = (layout.annotations || []).concat([{
    text: button.dataset.source, xref: "paper", yref: "paper", x: 0, y: 0, xanchor: "left", yanchor: "top",
    yshift: -(margin.b - 28), showarrow: false, font: {size: 11, color: "#565e68"}
  }]);
  const width = Math.max(gd.offsetWidth, 960);
  const height = gd.offsetHeight + 110;
  window.Plotly.toImage({data: gd.data, layout: layout}, {format: format, width: width, height: height})
    .then(function (url) {
      const a = document.createElement("a");
      a.href = url;
      a.download = (button.dataset.filename || "chart") + "." + format;
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
});
