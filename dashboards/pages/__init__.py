"""The pages (Dash Pages folder): one module per address, each of one shape (see tests/test_page_shape.py)."""
