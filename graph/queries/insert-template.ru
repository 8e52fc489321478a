INSERT { GRAPH $graph {
$triples
} } WHERE { }
