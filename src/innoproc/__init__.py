"""innoproc: build, validate and publish a linked-data knowledge graph of European
innovation procurement from ``ontology/``, ``data/``, ``shapes/``, ``queries/`` and
``catalogue/``. The build's stages are :mod:`innoproc.build`; the server is
:mod:`innoproc.serve`."""

__version__ = "0.1.0"
