"""Callbacks: parse the inputs, ask the data layer and the figure builders, return."""


def register_all(app, store, plans) -> None:
    from callbacks import map_view, pages, priority, profile, search, view

    pages.register(app, store, plans)
    view.register(app, store)
    map_view.register(app, store)
    profile.register(app, store)
    search.register(app, store)
    priority.register(app, store, plans)
