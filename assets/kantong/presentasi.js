/* Presentation mode: keys step through the province and the kab/kota (a clicker sends
   PageDown/PageUp), F toggles full screen. Stepping is client-side so that quick key
   presses are never lost to a round trip. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.kantong = Object.assign({}, window.dash_clientside.kantong, {
    langkah: function (maju, mundur, ke, param) {
        const steps = (param && param.langkah) || 1;
        const triggered = window.dash_clientside.callback_context.triggered_id;
        const delta = triggered === 'presentasi-mundur' ? -1 : 1;
        return (((ke || 0) + delta) % steps + steps) % steps;
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
        if (['ArrowRight', 'PageDown', ' '].includes(event.key)) { press('presentasi-maju'); }
        else if (['ArrowLeft', 'PageUp'].includes(event.key)) { press('presentasi-mundur'); }
        else if (event.key === 'Home') { window.dash_clientside.set_props('presentasi-ke', {data: 0}); }
        else if (event.key === 'f' || event.key === 'F') { fullScreen(); }
        else { return; }
        event.preventDefault();
    });
    document.addEventListener('click', function (event) {
        if (event.target.closest && event.target.closest('#presentasi-layar-penuh')) { fullScreen(); }
    });
})();
