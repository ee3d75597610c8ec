/* Presentation mode: keys step through the province and the kab/kota (a clicker sends
   PageDown/PageUp), F toggles full screen. Stepping is client-side so that quick key
   presses are never lost to a round trip. The slides stop at the first and the last. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.kantong = Object.assign({}, window.dash_clientside.kantong, {
    // Counts clicks rather than reacting to each one: two quick key presses may reach the
    // callback as one change of n_clicks, and must still move two steps.
    langkah: function (maju, mundur, awal, ke, hitung, param) {
        const steps = (param && param.langkah) || 1;
        const last = hitung || {maju: 0, mundur: 0, awal: 0};
        const now = {maju: maju || 0, mundur: mundur || 0, awal: awal || 0};
        let next = 0;
        if (now.awal === last.awal) {
            next = (ke || 0) + (now.maju - last.maju) - (now.mundur - last.mundur);
            next = Math.min(Math.max(next, 0), steps - 1);  // → on the last slide stays there
        }
        return [next, now];
    },
    // [‹ disabled, › disabled]: nothing lies before the first slide or after the last.
    ujungPresentasi: function (ke, param) {
        const steps = (param && param.langkah) || 1;
        return [(ke || 0) <= 0, (ke || 0) >= steps - 1];
    }
});

(function () {
    const MAP = '#presentasi-peta';  // ids.PRESENTASI_PETA
    const fullScreen = function () {
        if (document.fullscreenElement) { document.exitFullscreen(); }
        else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
    };
    document.addEventListener('keydown', function (event) {
        if (!document.querySelector('.presentasi')) { return; }
        if (event.altKey || event.ctrlKey || event.metaKey) { return; }  // the browser's own shortcuts
        if (event.target.closest && event.target.closest('input, textarea, select, [contenteditable]')) { return; }
        // Space on a focused button or link presses that one, as everywhere else.
        if (event.key === ' ' && event.target.closest && event.target.closest('button, a')) { return; }
        const press = function (id) { const b = document.getElementById(id); if (b) { b.click(); } };
        if (['ArrowRight', 'PageDown', ' '].includes(event.key)) { press('presentasi-maju'); }  // ids.PRESENTASI_MAJU
        else if (['ArrowLeft', 'PageUp'].includes(event.key)) { press('presentasi-mundur'); }  // ids.PRESENTASI_MUNDUR
        else if (event.key === 'Home') { press('presentasi-awal'); }  // ids.PRESENTASI_AWAL
        else if (event.key === 'f' || event.key === 'F') { fullScreen(); }  // ids.PRESENTASI_LAYAR_PENUH
        else { return; }
        event.preventDefault();
    });
    document.addEventListener('click', function (event) {
        if (event.target.closest && event.target.closest('#presentasi-layar-penuh')) { fullScreen(); }  // ids.PRESENTASI_LAYAR_PENUH
    });
    // The full-screen button says whether full screen is on (a toggle, for screen readers).
    document.addEventListener('fullscreenchange', function () {
        const b = document.getElementById('presentasi-layar-penuh');  // ids.PRESENTASI_LAYAR_PENUH
        if (b) { b.setAttribute('aria-pressed', document.fullscreenElement ? 'true' : 'false'); }
    });

    // Fit the map again whenever its size changes (full screen, the window moved to the
    // projector, the title wrapping): MapLibre keeps its zoom on a resize, so a map fitted
    // on the laptop's window would stay small on a larger screen. The first fit of each
    // slide is peta.js's (fitPresentasi, which marks the graph with data-kantong-fit); this
    // one comes after it and after every change of size, once plotly has resized the map to
    // its box, and moves the map only if it does not show the slide's bounds fitted.
    const PADDING = 12;  // as peta.js
    let pending = null;
    const refit = function () {
        clearTimeout(pending);
        let tries = 0;
        const attempt = function () {
            const gd = document.querySelector(MAP + ' .js-plotly-plot');
            const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
            const bbox = gd && gd.layout && gd.layout.meta && gd.layout.meta.bbox;
            if (!sub || !bbox || gd.getAttribute('data-kantong-fit') !== JSON.stringify(bbox)) { return; }
            const map = sub.map;
            const box = gd.getBoundingClientRect();
            const canvas = map.getCanvas().getBoundingClientRect();
            // Wait while plotly is still resizing the map, and while a new map waits for
            // MapLibre's "load" and its GeoJSON: plotly then sets the view it had when it made
            // the map (its viewInitial is set just after), which may have been for another size.
            const resizing = Math.abs(box.width - canvas.width) >= 1 || Math.abs(box.height - canvas.height) >= 1;
            if (resizing || !sub.viewInitial) {
                if (tries++ < 800) { pending = setTimeout(attempt, 25); }
                return;
            }
            const bounds = [[bbox[0], bbox[1]], [bbox[2], bbox[3]]];
            const want = map.cameraForBounds(bounds, {padding: PADDING});
            if (!want) { return; }
            const scale = Math.pow(2, Math.abs(want.zoom - map.getZoom())) - 1;
            const shift = map.project(want.center).dist(map.project(map.getCenter()));
            if (scale * Math.max(canvas.width, canvas.height) >= 0.5 || shift >= 0.5) {
                map.fitBounds(bounds, {padding: PADDING, animate: false});
            }
            // Plotly sets the map's view from its layout again on every resize: the layout
            // must hold the view fitted at this size, not one fitted at an earlier size.
            const full = gd._fullLayout.map;
            const centre = map.getCenter();
            const view = {center: {lon: centre.lng, lat: centre.lat}, zoom: map.getZoom()};
            full.center = view.center;
            full.zoom = view.zoom;
            if (full._input) {
                full._input.center = Object.assign({}, view.center);
                full._input.zoom = view.zoom;
            }
        };
        pending = setTimeout(attempt, 25);
    };
    // The map's box changes with the screen, its canvas when plotly resizes the map inside it.
    const observer = new ResizeObserver(refit);
    let observed = [];
    // The map's box is made with the page (also on moving into presentation mode inside the
    // app) and its canvas with each new map, so look for them whenever the page changes.
    const watch = function (mutations) {
        if (mutations && mutations.some(function (m) { return m.type === 'attributes'; })) { refit(); }  // a first fit
        const box = document.querySelector(MAP);
        const canvas = box && box.querySelector('canvas.maplibregl-canvas');
        const now = [box, canvas].filter(Boolean);
        if (now.length === observed.length && now.every(function (e, i) { return e === observed[i]; })) { return; }
        observed.forEach(function (e) { if (!now.includes(e)) { observer.unobserve(e); } });
        now.forEach(function (e) { if (!observed.includes(e)) { observer.observe(e); } });
        observed = now;
    };
    new MutationObserver(watch).observe(document.documentElement,
        {childList: true, subtree: true, attributes: true, attributeFilter: ['data-kantong-fit']});
    watch();
})();
