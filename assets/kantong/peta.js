/* Fit a map to the regions on screen, at the size the map really has.
   The server sends the regions' bounding box in layout.meta.bbox; MapLibre's fitBounds
   uses the actual canvas size, which the server cannot know (laptop, projector, tablet). */
window.dash_clientside = window.dash_clientside || {};
(function () {
    const PADDING = 12;  // px around the regions
    const MAPS = ['#peta', '#presentasi-peta'];  // ids.PETA, ids.PRESENTASI_PETA

    const bounds = function (bbox) { return [[bbox[0], bbox[1]], [bbox[2], bbox[3]]]; };

    // The graph in a box, its map and the regions its layout shows, once plotly has made the map.
    const graphIn = function (box) {
        const gd = box && box.querySelector('.js-plotly-plot');
        const full = gd && gd._fullLayout && gd._fullLayout.map;
        const map = full && full._subplot && full._subplot.map;
        const bbox = map && gd.layout && gd.layout.meta && gd.layout.meta.bbox;
        return bbox ? {gd: gd, full: full, map: map, bbox: bbox, key: JSON.stringify(bbox)} : null;
    };

    // Plotly has put the data on the map (after MapLibre's "load" and the GeoJSON).
    const drawn = function (g) {
        const hash = g.full._subplot.traceHash;
        return !!hash && Object.keys(hash).length > 0;
    };

    // Whether the map shows bbox fitted to its canvas: the same picture within half a pixel
    // as fitBounds would give.
    const isFitted = function (map, bbox) {
        const want = map.cameraForBounds(bounds(bbox), {padding: PADDING});
        if (!want) { return false; }
        const canvas = map.getCanvas();
        const size = Math.max(canvas.clientWidth, canvas.clientHeight);
        const scale = Math.pow(2, Math.abs(want.zoom - map.getZoom())) - 1;
        const shift = map.project(want.center).dist(map.project(map.getCenter()));
        return scale * size < 0.5 && shift < 0.5;
    };

    // Fit the map's view to its regions and write it into plotly's layout as plotly's own
    // fitbounds does: plotly sets the layout's view again after MapLibre's "load", on every
    // update and on every resize, and would undo a view that is only MapLibre's.
    const fitView = function (g) {
        const want = g.map.cameraForBounds(bounds(g.bbox), {padding: PADDING});
        if (!want) { return null; }
        const view = {center: {lon: want.center.lng, lat: want.center.lat}, zoom: want.zoom};
        g.full.center = view.center;
        g.full.zoom = view.zoom;
        if (g.full._input) {
            g.full._input.center = Object.assign({}, view.center);
            g.full._input.zoom = view.zoom;
        }
        if (!isFitted(g.map, g.bbox)) { g.map.jumpTo({center: want.center, zoom: want.zoom}); }
        return view;
    };
    const holds = function (full, view) {
        return full.zoom === view.zoom && full.center.lon === view.center.lon && full.center.lat === view.center.lat;
    };

    // New regions are fitted as soon as plotly has made the map for them, before it draws
    // them: MapLibre then draws and tiles them once, fitted, instead of at the server's guess
    // and again after a fitBounds. plotly makes the map inside its graph's box and MapLibre's
    // "load" comes a task later, so a mutation observer (a microtask) sees the map before
    // anything is drawn on it; the Dash callback below comes later (once plotly.js has
    // loaded and drawn). Regions fitted so, per map: map -> {key, newMap}.
    const early = new WeakMap();
    if (window.MutationObserver) {
        new MutationObserver(function () {
            for (const selector of MAPS) {
                const g = graphIn(document.querySelector(selector));
                const done = g && early.get(g.map);
                if (g && !(done && done.key === g.key) && fitView(g)) {
                    early.set(g.map, {key: g.key, newMap: !drawn(g)});
                }
            }
        }).observe(document.documentElement, {childList: true, subtree: true});
    }

    const calls = {};  // selector -> number of fits asked for
    const fitGraph = function (selector, figure) {
        const noUpdate = window.dash_clientside.no_update;
        const bbox = figure && figure.layout && figure.layout.meta && figure.layout.meta.bbox;
        if (!bbox) { return noUpdate; }
        const wanted = JSON.stringify(bbox);
        // Tried until the map has drawn this figure; a newer figure for the map takes over.
        const call = calls[selector] = (calls[selector] || 0) + 1;
        const started = Date.now();
        const again = function () {
            if (calls[selector] === call && Date.now() - started < 60000) { setTimeout(attempt, 25); }
        };
        let view = null;  // the fitted view written into the layout for this figure
        const settle = function () {
            const g = graphIn(document.querySelector(selector));
            // The map has taken this figure (plotly keeps the figure's data array as it is).
            const taken = g && g.key === wanted && (g.gd.data === figure.data || Date.now() - started > 3000);
            if (!taken) { again(); return; }
            const entry = early.get(g.map);
            if (!view) {
                // The figure's own view is the server's guess: plotly has just set it again (an
                // update of the map), so the fitted one goes back before the map is redrawn.
                view = fitView(g);
                if (!entry || entry.key !== wanted) { early.set(g.map, {key: wanted, newMap: false}); }
            }
            // Drawn: plotly has put the data on the map (after MapLibre's "load" and the GeoJSON).
            // dcc.Graph then resizes a new map, and it redraws an updated one: a fit waits for
            // that, unless the map was made for these regions (nothing else was drawn on it)
            // and its layout holds the fitted view.
            const fresh = entry && entry.key === wanted && entry.newMap;
            const busy = g.gd.classList.contains('dash-graph--pending');
            if (!drawn(g) || (busy && !(fresh && view && holds(g.full, view)))) { again(); return; }
            if (!isFitted(g.map, g.bbox)) {
                g.map.fitBounds(bounds(g.bbox), {padding: PADDING, animate: false});
            }
            if (entry) { entry.newMap = false; }
            g.gd.setAttribute("data-kantong-fit", wanted);  // lets tests know the view is settled
        };
        const attempt = function () {
            try { settle(); } catch (err) { console.error(err); again(); }  // eslint-disable-line no-console
        };
        attempt();
        return noUpdate;
    };
    window.dash_clientside.kantong = Object.assign({}, window.dash_clientside.kantong, {
        fit: function (shown, figure) { return fitGraph('#peta', figure); },  // ids.PETA
        fitPresentasi: function (shown, figure) { return fitGraph('#presentasi-peta', figure); }  // ids.PRESENTASI_PETA
    });
})();
