"""Reference data: France's official administrative divisions, for linking CLS territories.

The communes, EPCI, départements and régions come from the npm package
``@etalab/decoupage-administratif`` (derived from INSEE's Code officiel géographique). A
trimmed, compressed copy ships in ``data/`` so that the build works offline; ``update``
refreshes it, ``copy`` reads it, ``rdf`` turns it into RDF with the INSEE geographic
ontology (``igeo:``). See ``README.md`` in this folder.
"""
