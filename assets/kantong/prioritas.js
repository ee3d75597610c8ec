/* New weights change only each nagari's score, rank and tier. The server sends those three
   values (a few tens of KB); they are written into the rows the grid already holds, which
   then re-sorts. The catalogue columns are sent once, when the table is first filled. */
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
