"""The endpoint's own tests (``tests/server``, ``tests/w3c``), run on each remote engine.

The functions are imported, not copied: the fixtures of this folder's ``conftest.py`` give
them apps on a remote store. Left out: what only the embedded store has (its worker pool,
its process timeouts) and the tests of the HTTP layer alone that build apps of their own
(body size and rate limits: no store involved).
"""

from __future__ import annotations

from ..server.test_clients import (
    test_rdflib_sparqlstore_ask_construct_and_triples,
    test_rdflib_sparqlstore_select,
    test_rdflib_update_store_is_refused,
    test_sparqlwrapper_ask,
    test_sparqlwrapper_construct,
    test_sparqlwrapper_select,
)
from ..server.test_examples import test_example_runs_on_the_seed_graph
from ..server.test_query_page import (
    test_browsers_get_the_editor,
    test_errors_show_on_the_page,
    test_example_link_loads_and_runs_it,
    test_page_links_data_iris_to_this_server,
    test_results_table_links_local_data_and_offers_downloads,
)
from ..server.test_safety import (
    test_from_never_connects,
    test_from_never_reads_files,
    test_results_at_the_cap_are_not_truncated,
    test_row_cap_in_csv_and_tsv,
    test_row_cap_in_xml,
    test_row_cap_is_announced_in_headers_and_json,
    test_row_cap_on_graphs,
    test_service_is_refused_without_connecting,
    test_the_word_service_elsewhere_is_harmless,
)
from ..server.test_sparql_protocol import (
    test_ask_in_json_and_xml,
    test_cors_and_vary,
    test_dataset_parameters,
    test_errors_in_english_and_as_json_on_request,
    test_format_parameter_overrides_accept,
    test_get_form_post_and_direct_post_agree,
    test_graphs_in_every_rdf_format,
    test_health,
    test_home_leads_to_the_query_page,
    test_invalid_graph_iri_is_400,
    test_json_results_parse_with_rdflib,
    test_no_acceptable_format_is_406,
    test_post_without_query_is_400,
    test_repeated_query_is_400,
    test_select_in_every_result_format,
    test_service_description_by_default_and_406_for_results_only,
    test_service_description_in_every_rdf_format,
    test_service_description_in_turtle,
    test_store_is_unchanged_after_refused_updates,
    test_syntax_error_is_400_with_the_parser_message,
    test_updates_are_refused,
)
from ..w3c.test_protocol_manifest import (
    test_dataset_parameters_override_the_query_dataset,
    test_protocol,
    test_query_from_clause_without_protocol_dataset,
)

__all__ = [
    "test_ask_in_json_and_xml",
    "test_browsers_get_the_editor",
    "test_cors_and_vary",
    "test_dataset_parameters",
    "test_dataset_parameters_override_the_query_dataset",
    "test_errors_in_english_and_as_json_on_request",
    "test_errors_show_on_the_page",
    "test_example_link_loads_and_runs_it",
    "test_example_runs_on_the_seed_graph",
    "test_format_parameter_overrides_accept",
    "test_from_never_connects",
    "test_from_never_reads_files",
    "test_get_form_post_and_direct_post_agree",
    "test_graphs_in_every_rdf_format",
    "test_health",
    "test_home_leads_to_the_query_page",
    "test_invalid_graph_iri_is_400",
    "test_json_results_parse_with_rdflib",
    "test_no_acceptable_format_is_406",
    "test_page_links_data_iris_to_this_server",
    "test_post_without_query_is_400",
    "test_protocol",
    "test_query_from_clause_without_protocol_dataset",
    "test_rdflib_sparqlstore_ask_construct_and_triples",
    "test_rdflib_sparqlstore_select",
    "test_rdflib_update_store_is_refused",
    "test_repeated_query_is_400",
    "test_results_at_the_cap_are_not_truncated",
    "test_results_table_links_local_data_and_offers_downloads",
    "test_row_cap_in_csv_and_tsv",
    "test_row_cap_in_xml",
    "test_row_cap_is_announced_in_headers_and_json",
    "test_row_cap_on_graphs",
    "test_select_in_every_result_format",
    "test_service_description_by_default_and_406_for_results_only",
    "test_service_description_in_every_rdf_format",
    "test_service_description_in_turtle",
    "test_service_is_refused_without_connecting",
    "test_sparqlwrapper_ask",
    "test_sparqlwrapper_construct",
    "test_sparqlwrapper_select",
    "test_store_is_unchanged_after_refused_updates",
    "test_syntax_error_is_400_with_the_parser_message",
    "test_the_word_service_elsewhere_is_harmless",
    "test_updates_are_refused",
]
