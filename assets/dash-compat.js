/* Patches of Dash's and plotly.js's browser internals, each with its reason; the Python ones are in
   dashboards/web/dash_compat.py, which names the dash and plotly versions they were written for
   (checked at start-up). Each is tested in tests/test_dash_compat.py.
   Load order: Dash loads assets alphabetically, so this file comes after app.js; both run before
   Dash's renderer starts (app.renderer loads them first) and before plotly.js is fetched (by
   dcc.Graph, when the first chart is drawn), which is all these patches need. */

/* plotly.js, once loaded. Right after drawing a chart, dcc.Graph asks plotly to fit it to its box
   (Plots.resize) twice: once itself, once from its resize observer. plotly then lays the whole
   chart out again even when the box has not changed: ~150 ms each on a phone, for every chart of
   the page. Only a box whose size differs from the chart's is refitted. */
(function () {
  let plotly;
  Object.defineProperty(window, "Plotly", {
    configurable: true, enumerable: true,
    get: function () { return plotly; },
    set: function (value) {
      plotly = value;
      if (!value || !value.Plots || value.Plots.migdashFits) return;
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

/* Dash's store, as Dash creates it, with one change. When Dash first draws the page, every
   component, once mounted, asks the store to forget the render counts kept for its part of the
   page (RESET_COMPONENT_STATE). There are none yet, but each request still changes the store, and
   every mounted component re-reads its props after each change: with n components that is n^2
   reads (~0.9 s of a phone's time for the plan's ~470). A request that would remove nothing is
   dropped; one that finds counts to remove (a part of the page a callback redrew) goes through. */
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
