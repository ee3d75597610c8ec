"""Kantong's core shared by the app and the exports: data access, view state, figures."""
