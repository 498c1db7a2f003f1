"""The server: the built site as linked data, and the read-only SPARQL endpoint.

- ``server``: uvicorn, with a deadline for every request head;
- ``app``: the Starlette application (routes, static files, 303 negotiation, headers);
- ``endpoint``: the SPARQL 1.1 Protocol over HTTP (parameters, bodies, service description);
- ``protocol``: the query operation in a worker, decided on the parsed query;
- ``lookup``: the lookups by IRI that the server answers itself, recognised by a parser;
- ``negotiation``: ``Accept`` and ``Accept-Language``;
- ``workers``: the supervised pool of query processes.
"""

from innoproc.serve.app import make_app
from innoproc.serve.negotiation import negotiate
from innoproc.serve.server import serve

__all__ = ["make_app", "negotiate", "serve"]
