"""Callbacks: parse the inputs, ask the data layer and the figure builders, return."""


def register_all(app, store, plans, decks_dir) -> None:
    from callbacks import exports, map_view, pages, presentation, priority, profile, rakor, search, view

    pages.register(app, store, plans)
    view.register(app, store)
    map_view.register(app, store)
    profile.register(app, store)
    search.register(app, store)
    priority.register(app, store, plans)
    exports.register(app, store)
    rakor.register(app, store, plans, decks_dir)
    presentation.register(app, store, plans)
