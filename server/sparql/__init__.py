"""The SPARQL 1.1 endpoint: protocol, query service, query processes and their lanes, the SSRF
policy, the service description, the query page, its examples and completions."""
