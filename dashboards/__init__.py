"""Dash pages and UI of the dashboard. Modules starting with "_" are shared and not pages."""
