"""Open data: the DCAT-AP/VoID catalogue, the dumps, the downloads page and the
tabular files of each version."""
