"""Clients of other services: SPARQL stores (:mod:`.store`) and reconciliation against
Wikidata (:mod:`.reconcile`). Nothing here runs during a build from files."""
