"""Callbacks: parse the inputs, ask the data layer and the figure builders, return."""


def register_all(app, store) -> None:
    from callbacks import map_view, profile, search, view

    view.register(app, store)
    map_view.register(app, store)
    profile.register(app, store)
    search.register(app, store)
