"""The headers every answer of the site carries, whoever serves it: ``innoproc serve`` and the
rules the build writes for nginx and Apache (:mod:`innoproc.build.deploy`) read them here."""

from __future__ import annotations

HTML_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""The Content-Security-Policy of HTML: the site's own resources only."""
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"
"""The Content-Security-Policy of everything else: nothing at all."""
EXPOSED = "Link, Location, Vary, Content-Location, X-Results-Truncated"
"""The headers a cross-origin script may read."""
VARY = "Accept, Accept-Language"
"""What a negotiated answer depends on."""


def security(html: bool) -> dict[str, str]:
    """The headers every answer carries, in order: no type sniffing, reading from any origin,
    no framing, a referrer policy and a Content-Security-Policy (``html``: of a page)."""
    return {
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": EXPOSED,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Content-Security-Policy": HTML_POLICY if html else OTHER_POLICY,
    }
