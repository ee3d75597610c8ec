/* Fit a map to the regions on screen, at the size the map really has.
   The server sends the regions' bounding box in layout.meta.bbox; MapLibre's fitBounds
   uses the actual canvas size, which the server cannot know (laptop, projector, tablet). */
window.dash_clientside = window.dash_clientside || {};
(function () {
    const fitGraph = function (selector, figure) {
        const noUpdate = window.dash_clientside.no_update;
        const bbox = figure && figure.layout && figure.layout.meta && figure.layout.meta.bbox;
        if (!bbox) { return noUpdate; }
        const wanted = JSON.stringify(bbox);
        let tries = 0;
        const attempt = function () {
            const gd = document.querySelector(selector + ' .js-plotly-plot');
            const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
            // Drawn: the figure is this one, plotly has put its data on the map (a new map gets
            // its data, and the layout's centre and zoom, only after MapLibre's "load" and the
            // GeoJSON) and dcc.Graph is not resizing it (which also sets centre and zoom):
            // fitting before either would be undone.
            const drawn = sub && gd.layout.meta && JSON.stringify(gd.layout.meta.bbox) === wanted &&
                sub.traceHash && Object.keys(sub.traceHash).length > 0 && !gd.classList.contains('dash-graph--pending');
            if (!drawn) {
                if (tries++ < 400) { setTimeout(attempt, 25); }
                return;
            }
            sub.map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], {padding: 12, animate: false});
            gd.setAttribute("data-kantong-fit", wanted);  // lets tests know the view is settled
        };
        attempt();
        return noUpdate;
    };
    window.dash_clientside.kantong = Object.assign({}, window.dash_clientside.kantong, {
        fit: function (shown, figure) { return fitGraph('#peta', figure); },  // ids.PETA
        fitPresentasi: function (shown, figure) { return fitGraph('#presentasi-peta', figure); }  // ids.PRESENTASI_PETA
    });
})();
