/* AG Grid on demand. A page without a grid is served without the AG Grid bundle (app.py
   leaves it out and gives its address as window.kantongAgGridSrc), so the map loads
   1.3 MB less script. Until then `dash_ag_grid` is this stand-in: its AgGrid loads the
   bundle the first time a grid renders (after moving to the priority page inside the app)
   and then draws the real grid with the same props; getApi/getApiAsync work as the
   bundle's; Dash waits for the bundle before a callback reads a grid's props. */
(function () {
    const src = window.kantongAgGridSrc;
    if (!src || window.dash_ag_grid || !window.React) { return; }
    const React = window.React;
    const stub = {};
    let real = null;  // the bundle's namespace once loaded
    let loading = null;

    const load = function () {
        if (!loading) {
            loading = new Promise(function (resolve, reject) {
                const script = document.createElement('script');
                script.src = src;
                script.async = true;
                script.onload = function () {
                    real = window.dash_ag_grid;
                    // The stand-in stays the namespace: Dash goes on finding the same AgGrid
                    // component, so a grid drawn before the load is not replaced (remounted).
                    Object.keys(real).forEach(function (name) {
                        if (name !== 'AgGrid') { stub[name] = real[name]; }
                    });
                    window.dash_ag_grid = stub;
                    resolve(real);
                };
                script.onerror = function () {
                    loading = null;
                    reject(new Error('AG Grid tidak dapat dimuat: ' + src));
                };
                document.head.appendChild(script);
            });
        }
        return loading;
    };

    const AgGrid = function (props) {
        const [Grid, setGrid] = React.useState(function () { return real ? real.AgGrid : null; });
        React.useEffect(function () {
            if (Grid) { return undefined; }
            let live = true;
            load().then(function (ns) {
                if (live) { setGrid(function () { return ns.AgGrid; }); }
            }).catch(function (err) { console.error(err); });
            return function () { live = false; };
        }, []);
        if (Grid) { return React.createElement(Grid, props); }
        // Holds the grid's place (and size) while the bundle loads.
        return React.createElement('div', {id: props.id, className: props.className, style: props.style});
    };
    AgGrid.dashRenderType = true;  // as the bundle's AgGrid: Dash then passes how it re-renders
    Object.defineProperty(AgGrid, 'dashPersistence', {get: function () { return real ? real.AgGrid.dashPersistence : undefined; }});
    Object.defineProperty(AgGrid, 'persistenceTransforms', {
        get: function () { return real ? real.AgGrid.persistenceTransforms : undefined; }
    });
    // Dash waits for this before it runs a callback that reads a grid's props.
    Object.defineProperty(AgGrid, '_dashprivate_isLazyComponentReady', {get: function () { return real ? true : load(); }});

    stub.AgGrid = AgGrid;
    stub.getApi = function (id) {
        if (real) { return real.getApi(id); }
        throw new Error('no grid found, or grid is not initialized yet, with id: ' + id);
    };
    stub.getApiAsync = function (id) { return load().then(function (ns) { return ns.getApiAsync(id); }); };
    window.dash_ag_grid = stub;
})();
