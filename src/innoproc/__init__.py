"""innoproc: build, validate and publish a linked-data knowledge graph of European
innovation procurement from ``ontology/``, ``data/``, ``shapes/`` and ``queries/``."""

__version__ = "0.1.0"
