"""Importers, one module per input format, each with `read(path, meta) -> (observations, problems)`."""
