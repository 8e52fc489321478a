$operation DATA { GRAPH <urn:cls-kg:publication> {
  <urn:cls-kg:publication> <urn:cls-kg:publication#switching> "true" .
} }
