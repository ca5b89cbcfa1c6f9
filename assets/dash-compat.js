/* Patches of the browser internals of Dash, plotly.js and dash-ag-grid, each with its reason; the
   Python ones are in dashboards/web/dash_compat.py. Each is tested in tests/test_dash_compat.py or
   tests/test_page_loading.py (named at each patch). assets/app.js holds the product's own code.
   Written for the versions in WRITTEN_FOR below (dash_compat.WRITTEN_FOR names the same, checked at
   the server's start-up): each library's version is checked here when it arrives in the browser,
   silently when it is the one, with one console warning naming both versions when it is not.
   Load order: Dash loads assets alphabetically (app.js, then this file), both before its renderer
   and components (window.dash_stores and the AG Grid stand-in must be in place before the renderer
   starts) and before plotly.js (fetched by dcc.Graph when the first chart is drawn). The charts'
   wrapper needs dcc's bundle: the renderer script of dash_compat.py calls it just before Dash starts. */
window.migdash = window.migdash || {};

window.migdash.compat = (function () {
  const WRITTEN_FOR = {"dash": "4.4.1", "plotly.js": "4.1.1", "dash-ag-grid": "35.3.0"};
  const seen = {};
  // Dash's address of a component bundle names its package version: ….v4_4_1m1796642427.min.js
  function fromAddress(src) {
    const match = /\.v(\w+?)m\d+(\.\d+)?\.(min\.)?js/.exec(src || "");
    return match ? match[1].replace(/_/g, ".") : null;
  }
  function check(name, version) {
    if (name in seen) return seen[name] === WRITTEN_FOR[name];
    seen[name] = version || null;
    if (version === WRITTEN_FOR[name]) return true;
    console.warn("assets/dash-compat.js patches " + name + " " + WRITTEN_FOR[name] + "; this page has " +
                 name + " " + (version || "(unknown version)") + ". Check each patch (tests/test_dash_compat.py).");
    return false;
  }
  return {WRITTEN_FOR: WRITTEN_FOR, seen: seen, check: check, fromAddress: fromAddress};
})();

/* dash 4.4.1: charts (dcc.Graph), as Dash draws them, with two changes. Called just before Dash
   starts (the renderer script in dash_compat.py), once dcc's bundle has defined dcc.Graph. Dash looks
   a component up by name in its library's global object, so that entry is replaced by a wrapper.
   Tests: tests/test_page_loading.py (nothing moves; charts far below drawn when scrolled near).
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
  const renderer = document.querySelector("script[src*='/dash-renderer/']");
  window.migdash.compat.check("dash", window.migdash.compat.fromAddress(renderer && renderer.src));
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

/* plotly.js 4.1.1, once loaded (its bundle assigns window.Plotly). Right after drawing a chart,
   dcc.Graph asks plotly to fit it to its box (Plots.resize) twice: once itself, once from its
   resize observer. plotly then lays the whole chart out again even when the box has not changed:
   a long task each on a phone, for every chart of the page (docs/DEPLOY.md). Only a box whose
   size differs from the chart's is refitted. Test: tests/test_dash_compat.py. */
(function () {
  let plotly;
  Object.defineProperty(window, "Plotly", {
    configurable: true, enumerable: true,
    get: function () { return plotly; },
    set: function (value) {
      plotly = value;
      if (!value || !value.Plots || value.Plots.migdashFits) return;
      window.migdash.compat.check("plotly.js", value.version);
      const resize = value.Plots.resize;
      value.Plots.resize = function (gd) {
        const full = gd && gd._fullLayout;
        if (full && gd.clientWidth && Math.round(full.width) === Math.round(gd.clientWidth) &&
            Math.round(full.height) === Math.round(gd.clientHeight)) return Promise.resolve(gd);
        return resize.apply(this, arguments);
      };
      value.Plots.migdashFits = true;
    }
  });
})();

/* dash 4.4.1: Dash's store, as Dash creates it (its renderer pushes it onto window.dash_stores),
   with one change. When Dash first draws the page, every component, once mounted, asks the store to
   forget the render counts kept for its part of the page (RESET_COMPONENT_STATE). There are none
   yet, but each request still changes the store, and every mounted component re-reads its props
   after each change: with n components that is n^2 reads (most of a phone's blocking time on the
   plan page, with its hundreds of components; docs/DEPLOY.md). A request that would remove nothing
   is dropped; one that finds counts to remove (a part of the page a callback redrew) goes through.
   Test: tests/test_dash_compat.py. */
(function () {
  const stores = window.dash_stores = window.dash_stores || [];
  const push = stores.push;
  stores.push = function (store) {
    const dispatch = store.dispatch;
    store.dispatch = function (action) {
      const path = action && action.type === "RESET_COMPONENT_STATE" && action.payload && action.payload.itempath;
      if (path) {
        const prefix = path.join(",");   // Dash's key for a path, and its test for what to remove
        const hashes = store.getState().layoutHashes || {};
        if (!Object.keys(hashes).some(function (key) { return key.startsWith(prefix); })) return action;
      }
      return dispatch.apply(this, arguments);
    };
    return push.apply(this, arguments);
  };
})();

/* dash-ag-grid 35.3.0: AG Grid is a large script that only the plan's measures table uses, and
   only on wide screens (phones get a list). The page carries the bundle's address instead of the
   bundle; this stand-in for dash_ag_grid.AgGrid loads it once the grid's place is visible, then
   draws the real grid with the same props (the bundle then defines window.dash_ag_grid, where Dash
   looks the component up). Until then it keeps the grid's box, so nothing moves. The bundle's
   address is written into the page by dash_compat.scripts_after_paint. Test:
   tests/test_page_loading.py (grid loaded when shown). */
(function () {
  const source = document.getElementById("migdash-grid-bundle");
  if (window.dash_ag_grid || !source) return;
  const src = JSON.parse(source.textContent);
  window.migdash.compat.check("dash-ag-grid", window.migdash.compat.fromAddress(src));
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
