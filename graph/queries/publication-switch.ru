# Switch the version a remote store serves, in ONE request (one transaction where the engine
# has them, as Oxigraph does): the graphs of the served version that the new one changes or
# drops are parked under their digest names, the new version's staged graphs are moved to
# their names, and the pointer graph is rewritten (current, previous, their graphs).
# Filled with the MOVE operations (move-graph.ru, each ending with ";") and the pointer's
# N-Triples.
$moves
DROP SILENT GRAPH <urn:cls-kg:publication> ;
INSERT DATA { GRAPH <urn:cls-kg:publication> {
$pointer
} }
