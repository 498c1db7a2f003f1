"""The build: from the project's content folders to a published site, in five stages.

====  ============  =================================================================
 1    load          :mod:`.load`: ontology, data, shapes and catalogue into a corpus
 2    validate      :mod:`.validate`: the corpus against ``shapes/`` (pySHACL)
 3    gather        :mod:`.gather`: the whole graph indexed once; the questions answered
 4    write         :mod:`.render` (HTML pages) and :mod:`.dump` (RDF files)
 5    catalogue     :mod:`.catalogue` (DCAT-AP) and :mod:`.void` (VoID)
====  ============  =================================================================

:mod:`.pipeline` runs them in order and swaps the new site in; :mod:`.parallel` spreads a
stage's work over the cores.
"""
