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
            const drawn = sub && gd.layout.meta && JSON.stringify(gd.layout.meta.bbox) === wanted;
            if (!drawn) {
                if (tries++ < 200) { setTimeout(attempt, 50); }
                return;
            }
            sub.map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], {padding: 12, animate: false});
            gd.setAttribute("data-kantong-fit", wanted);  // lets tests know the view is settled
        };
        attempt();
        return noUpdate;
    };
    window.dash_clientside.kantong = Object.assign({}, window.dash_clientside.kantong, {
        fit: function (shown, figure) { return fitGraph('#peta', figure); },
        fitPresentasi: function (shown, figure) { return fitGraph('#presentasi-peta', figure); }
    });
})();
