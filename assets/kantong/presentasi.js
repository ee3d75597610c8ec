/* Presentation mode: keys step through the province and the kab/kota (a clicker sends
   PageDown/PageUp), F toggles full screen. Stepping is client-side so that quick key
   presses are never lost to a round trip. */
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
            next = ((next % steps) + steps) % steps;
        }
        return [next, now];
    }
});

(function () {
    const fullScreen = function () {
        if (document.fullscreenElement) { document.exitFullscreen(); }
        else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
    };
    document.addEventListener('keydown', function (event) {
        if (!document.querySelector('.presentasi')) { return; }
        if (event.target.closest && event.target.closest('input, textarea, select, [contenteditable]')) { return; }
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
})();
