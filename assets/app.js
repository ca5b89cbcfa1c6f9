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

/* Charts (dcc.Graph), as Dash draws them, with two changes. Called just before Dash starts.
   - Dash draws a chart only once plotly.js has loaded; until then it shows an empty "pending" box
     with no height, so everything below the chart would jump up when the live page replaces the
     prerendered one (which keeps the chart's height) and down again when the chart is drawn. Charts
     sit in a box holding their figure's height.
   - Charts are drawn one after another, each when it comes within a screen of the window (or the
     page is printed), as browsers do with images marked loading=lazy. Drawn all at once, in one
     long task, the charts of a long page held up the first one; and on a phone plotly.js is not even
     fetched for a page whose charts are all below its filters. Titles, summaries and table views
     are there all along. */
window.migdash.wrapCharts = function () {
  const dcc = window.dash_core_components;
  if (!dcc || !dcc.Graph || dcc.Graph.migdashSized) return;
  const Graph = dcc.Graph;
  function margin() { return Math.max(window.innerHeight, 400); }
  function near(el) {
    const box = el.getBoundingClientRect();
    return box.bottom >= -margin() && box.top <= window.innerHeight + margin();  // hidden boxes are 0,0: near
  }
  const drawing = new Map();  // chart box -> when its drawing began
  function busy() {
    drawing.forEach(function (since, el) {
      if (!el.isConnected || el.querySelector(".main-svg") || Date.now() - since > 2000) drawing.delete(el);
    });
    return drawing.size > 0;
  }
  function draw(el, show) {   // now if no other chart is being drawn, else once it has been
    el.setAttribute("data-chart-queued", "");
    if (!busy()) { drawing.set(el, Date.now()); show(); } else setTimeout(function () { draw(el, show); }, 30);
  }
  // Printing draws every chart not drawn yet, at once (React's flushSync: before the page is laid out
  // for print; a chart whose plotly.js is still loading may miss it).
  let printing = false;
  const waiting = new Set();   // how to show each chart not shown yet
  window.addEventListener("beforeprint", function () {
    printing = true;
    const all = function () { waiting.forEach(function (show) { show(); }); };
    if (window.ReactDOM && window.ReactDOM.flushSync) window.ReactDOM.flushSync(all); else all();
  });
  window.addEventListener("afterprint", function () { printing = false; });
  function SizedGraph(props) {
    const layout = props.figure && props.figure.layout;
    const height = layout && layout.height;
    const box = React.useRef(null);
    const lazy = Boolean(height && window.IntersectionObserver);
    const [shown, setShown] = React.useState(!lazy || printing);
    React.useLayoutEffect(function () {  // before the first paint: the first chart near is not delayed
      if (shown || !lazy) return undefined;
      const el = box.current;
      let done = false;
      function show() { if (!done) { done = true; waiting.delete(show); setShown(true); } }
      waiting.add(show);
      let observer = null;
      if (near(el)) draw(el, show);
      else {
        observer = new IntersectionObserver(function (entries) {
          if (entries.some(function (e) { return e.isIntersecting; })) { observer.disconnect(); draw(el, show); }
        }, {rootMargin: margin() + "px 0px"});
        observer.observe(el);
      }
      return function () { done = true; waiting.delete(show); if (observer) observer.disconnect(); };
    }, [shown, lazy]);   // lazy: the box comes and goes with the figure's height
    if (!height) return React.createElement(Graph, props);
    const inner = shown ? React.createElement(Graph, props) :
      React.createElement("div", {className: props.className, "data-chart-waiting": props.id || ""});
    return React.createElement("div", {ref: box, className: "chart-box", style: {minHeight: height + "px"}}, inner);
  }
  Object.getOwnPropertyNames(Graph).forEach(function (key) {  // defaultProps, propTypes, Dash's readiness
    if (["length", "name", "prototype", "arguments", "caller"].indexOf(key) < 0) SizedGraph[key] = Graph[key];
  });
  SizedGraph.migdashSized = true;
  // Dash looks a component up by name in its library's object when it draws it
  window.dash_core_components = Object.assign({}, dcc, {Graph: SizedGraph});
};

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

/* AG Grid is 1.3 MB of script that only the plan's measures table uses, and only on wide screens
   (phones get a list). The page carries the bundle's address instead of the bundle; this stand-in
   for dash_ag_grid.AgGrid loads it once the grid's place is visible, then draws the real grid with
   the same props. Until then it keeps the grid's box, so nothing moves. */
(function () {
  const source = document.getElementById("migdash-grid-bundle");
  if (window.dash_ag_grid || !source) return;
  const src = JSON.parse(source.textContent);
  let loading = null;
  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = function () { loading = null; reject(new Error("could not load " + src)); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }
  function LazyAgGrid(props) {
    const box = React.useRef(null);
    const [ready, setReady] = React.useState(false);
    React.useEffect(function () {
      if (ready) return undefined;
      const el = box.current;
      let done = false;
      let observer = null;
      function start() {
        if (done || !(el.offsetWidth || el.offsetHeight)) return;  // hidden (e.g. on a phone): wait
        done = true;
        if (observer) observer.disconnect();
        load().then(function () { setReady(true); });
      }
      if (window.ResizeObserver) {
        observer = new ResizeObserver(start);
        observer.observe(el);
      }
      start();
      return function () { done = true; if (observer) observer.disconnect(); };
    }, [ready]);
    const Grid = window.dash_ag_grid && window.dash_ag_grid.AgGrid;
    if (ready && Grid && Grid !== LazyAgGrid) return React.createElement(Grid, props);
    return React.createElement("div", {ref: box, className: props.className, style: props.style,
                                       "data-grid-placeholder": "", "aria-hidden": "true"});
  }
  window.dash_ag_grid = {AgGrid: LazyAgGrid};
})();

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
