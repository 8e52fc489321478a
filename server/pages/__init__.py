"""Linked-data pages for people: resource pages and their sections, the landing page, maps,
charts, search, the ontology documentation and the page cache."""
