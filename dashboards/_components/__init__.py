"""Shared UI pieces (not pages): the page shell, query-string state, tables, figures, cards."""
