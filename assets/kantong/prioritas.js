/* New weights change only each nagari's score, rank and tier. The server sends those three
   values (a few tens of KB); they are written into the rows the grid already holds, which
   then re-sorts. The catalogue columns are sent once, when the table is first filled. The
   plan table's scores change the same way, in place: its targets (which may be edited and
   not yet sent) are never replaced by an answer computed from older rows. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.kantong = Object.assign({}, window.dash_clientside.kantong, {
    skor: function (data) {
        const noUpdate = window.dash_clientside.no_update;
        if (!data || !data.kode) { return noUpdate; }
        dash_ag_grid.getApiAsync("grid-peringkat").then(function (api) {  // ids.GRID_PERINGKAT
            const index = {};
            data.kode.forEach(function (k, i) { index[k] = i; });
            api.forEachNode(function (node) {
                const i = index[node.data.kode];
                if (i === undefined) { return; }
                node.data.skor = data.skor[i];
                node.data.peringkat = data.peringkat[i];
                node.data.jenjang_prioritas = data.jenjang[i];
            });
            api.refreshCells({columns: ["skor", "peringkat", "jenjang_prioritas"], force: true});
            api.onSortChanged();
            let plan = null;
            try { plan = dash_ag_grid.getApi("grid-target"); } catch (e) { return; }  // ids.GRID_TARGET
            plan.forEachNode(function (node) {
                const i = index[node.data.kode];
                if (i !== undefined) { node.data.skor = data.skor[i]; }
            });
            plan.refreshCells({columns: ["skor"], force: true});
        });
        return noUpdate;
    }
});

/* Tick the "Pilih" box of exactly the chosen nagari (after a rule, a map click or opening a
   plan). Writing the rows' data fires no edit event, so nothing loops back to the server. */
window.dash_clientside.kantong = Object.assign({}, window.dash_clientside.kantong, {
    pilih: function (chosen) {
        const noUpdate = window.dash_clientside.no_update;
        const set = new Set(chosen || []);
        dash_ag_grid.getApiAsync("grid-peringkat").then(function (api) {  // ids.GRID_PERINGKAT
            api.forEachNode(function (node) { node.data.pilih = set.has(node.data.kode); });
            api.refreshCells({columns: ["pilih"], force: true});
        });
        return noUpdate;
    }
});

/* The weight sliders, collected once into one {indicator: weight} store that every
   callback of the page reads, instead of each reading the sliders by position. */
window.dash_clientside.kantong = Object.assign({}, window.dash_clientside.kantong, {
    bobot: function (values) {
        const ids = window.dash_clientside.callback_context.inputs_list[0];
        const weights = {};
        ids.forEach(function (input, i) { weights[input.id.indikator] = Number(values[i] || 0); });
        return weights;
    }
});

/* The plan being worked on is kept as a draft in localStorage (a dcc.Store with
   storage_type "local", ids.RENCANA_DRAF, which stores JSON under its id). It is read here
   once, when the page opens, straight from localStorage: whenever the store component
   mounts, the page gets what was kept, and the store's later changes (this page's own
   writes) do not put a state on the page again. */
window.dash_clientside.kantong = Object.assign({}, window.dash_clientside.kantong, {
    drafAwal: function (_timestamp, already) {
        if (already) { return window.dash_clientside.no_update; }
        let kept = null;
        try { kept = JSON.parse(window.localStorage.getItem("rencana-draf")); } catch (e) { kept = null; }  // ids.RENCANA_DRAF
        return {draf: kept};
    }
});

/* Warn before leaving the page while the plan has unsaved changes: closing or reloading
   the tab (beforeunload), the app's own links (the navigation bar, "Metodologi"), which
   change the page without unloading it, and opening another plan over it. The draft stays
   in this browser either way; the warning says so. callbacks/priority.py marks unsaved
   work with data-rencana-berubah="1" (ids.RENCANA_DRAF_STATUS). */
(function () {
    const LEAVE = "Rencana ini memiliki perubahan yang belum disimpan. Draf tetap tersimpan di peramban ini " +
        "dan dipulihkan saat Anda kembali ke halaman Prioritas. Tinggalkan halaman ini?";
    const REPLACE = "Rencana ini memiliki perubahan yang belum disimpan. Membuka rencana lain membuang perubahan " +
        "itu. Lanjutkan?";
    function unsaved() { return document.querySelector('[data-rencana-berubah="1"]') !== null; }
    window.addEventListener("beforeunload", function (event) {
        if (!unsaved()) { return; }
        event.preventDefault();
        event.returnValue = "";  // older browsers show their own text only when this is set
    });
    // Capture phase: decided before the link's own handler moves the app to another page.
    document.addEventListener("click", function (event) {
        if (!unsaved() || !event.target.closest) { return; }
        let message = null;
        if (event.target.closest("#rencana-buka, #rencana-duplikat")) {  // ids.RENCANA_BUKA, ids.RENCANA_DUPLIKAT
            message = REPLACE;
        } else {
            const link = event.target.closest("a[href]");
            if (!link || link.target === "_blank" || link.hasAttribute("download")) { return; }
            const url = new URL(link.href, window.location.href);
            if (url.origin !== window.location.origin || url.pathname === window.location.pathname) { return; }
            message = LEAVE;
        }
        if (!window.confirm(message)) {
            event.preventDefault();
            event.stopImmediatePropagation();
        }
    }, true);
})();
