"""The site's own address, for every absolute link (sitemap, robots.txt, canonical links, the
"View" link and citation of a download), and the Host names it answers to.

The Host header is the visitor's to write: built into links of cacheable answers it would let one
request poison a shared cache (`Host: evil.example` in the sitemap). So:

- MIGDASH_SITE_URL (e.g. https://migration.example.bg) is the base of every absolute link when
  set; the Host header is then never used for them.
- MIGDASH_TRUSTED_HOSTS (comma-separated host names, `*.example.bg` for sub-domains) are the only
  Host values answered; any other gets 400. Default: localhost, 127.0.0.1, ::1 and the site URL's
  host, so local use works unconfigured and a production server answers its own name only.
  Without MIGDASH_SITE_URL, links are built from the (trusted) Host header, as before.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def site_url() -> str:
    """The configured site URL without a trailing slash, or '' when not configured."""
    value = os.environ.get("MIGDASH_SITE_URL", "").strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return ""      # not an address: links fall back to the trusted Host (see trusted_hosts)
    return value


def trusted_hosts() -> list[str]:
    configured = [h.strip().lower() for h in os.environ.get("MIGDASH_TRUSTED_HOSTS", "").split(",") if h.strip()]
    if configured:
        return configured
    site_host = urlsplit(site_url()).hostname
    return [*LOCAL_HOSTS, *([site_host.lower()] if site_host else [])]


def host_name(host: str) -> str:
    """'Example.org:8050' -> 'example.org'; '[::1]:80' -> '::1'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_trusted(host: str, trusted: list[str] | None = None) -> bool:
    name = host_name(host)
    if not name:
        return False
    for pattern in trusted if trusted is not None else trusted_hosts():
        if pattern == "*" or name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


def base_url() -> str:
    """The site's address with a trailing slash: the configured one, or the request's (its Host is
    trusted: other hosts are refused before any view runs); '' outside a request without one."""
    configured = site_url()
    if configured:
        return configured + "/"
    try:
        from flask import request

        return request.host_url
    except RuntimeError:  # outside a request (tests, scripts)
        return ""


def feed_href(lang: str) -> str:
    """The address of the feed of data updates in a language (every page's head names it; /data links it)."""
    return "/data/feed.atom" + ("?lang=en" if lang == "en" else "")
