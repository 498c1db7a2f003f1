"""The server: the built site as linked data, and the read-only SPARQL endpoint.

- ``app``: the Starlette application (routes, static files, 303 negotiation, headers, limits);
- ``protocol``: the SPARQL 1.1 Protocol's query operation, decided on the parsed query;
- ``negotiation``: ``Accept`` and ``Accept-Language``;
- ``workers``: the supervised pool of query processes.
"""

from innoproc.serve.app import make_app, serve
from innoproc.serve.negotiation import negotiate

__all__ = ["make_app", "negotiate", "serve"]
