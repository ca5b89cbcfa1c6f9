"""What pages are built of: components, figures, chart tools, text summaries."""
