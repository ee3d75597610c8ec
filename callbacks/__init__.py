"""Callbacks: parse the inputs, ask the data layer and the figure builders, return."""


def register_all(
    app,
    store,
    plans,
    decks_dir,
    work_dir=None,
    accounts=None,
    audit=None,
    results=None,
    releases=None,
    comparisons=None,
):
    """The routing callback, then every page's callbacks as the page registry lists them.
    `work_dir` holds what the server's workers share (the map's cache). Returns the
    `pages.Services` the pages are built with."""
    import pages as registry
    from callbacks import map_view, pages

    services = registry.Services(
        app=app,
        store=store,
        plans=plans,
        decks=decks_dir,
        map_cache=map_view.pieces_cache(work_dir),
        accounts=accounts,
        audit=audit,
        results=results,
        releases=releases,
        comparisons=comparisons,
        work=work_dir,
    )
    pages.register(services)
    registry.register_callbacks(services)
    return services
