"""The linked-data pages' own tests (``tests/pages``), run on each remote engine.

The functions are imported, not copied: the fixtures of this folder's ``conftest.py`` give
them apps on a remote store (the dumps come from the build folder, as on a host that keeps
the build). Left out: the browser tests (Chromium; the pages are the same HTML), tests of
pure functions that touch no store, and the crawl's every-format check of every resource
(ten seconds; ``test_every_rdf_format_gives_the_same_graph`` checks the formats here).
"""

from __future__ import annotations

from ..pages.test_crawl import (
    crawled,
    test_crawler_reaches_every_contract_axis_and_action,
)
from ..pages.test_dumps import (
    test_conditional_requests_get_304,
    test_media_type_etag_last_modified,
)
from ..pages.test_landing import (
    test_dcat_ap_catalogue,
    test_descriptions_in_every_format,
    test_filters,
    test_landing_in_english,
    test_landing_page,
    test_void,
)
from ..pages.test_negotiation import (
    test_every_rdf_format_gives_the_same_graph,
    test_head_answers_like_get,
    test_html_answer_is_a_sound_page,
    test_matrix,
    test_negotiated_and_document_answers_are_the_same,
)
from ..pages.test_resources import (
    test_breadcrumb_territory_contract_axis_action,
    test_concept_scheme_lists_its_concepts,
    test_contract_outline,
    test_fixed_ontology_iris_whatever_the_base,
    test_french_by_default_english_on_request,
    test_invalid_iri_is_404,
    test_inverse_links,
    test_json_ld_cannot_close_its_script,
    test_link_to_the_sparql_page,
    test_local_base_serves_its_records,
    test_long_lists_are_paged,
    test_markup_in_labels_is_text,
    test_ontology_page_documents_terms_and_shapes,
    test_property_and_value_labels_not_iris,
    test_unknown_iri_is_404_in_the_negotiated_format,
    test_unknown_iri_nothing_acceptable_is_406,
    test_vocabulary_documents_in_every_format,
)

__all__ = [
    "crawled",
    "test_breadcrumb_territory_contract_axis_action",
    "test_concept_scheme_lists_its_concepts",
    "test_conditional_requests_get_304",
    "test_contract_outline",
    "test_crawler_reaches_every_contract_axis_and_action",
    "test_dcat_ap_catalogue",
    "test_descriptions_in_every_format",
    "test_every_rdf_format_gives_the_same_graph",
    "test_filters",
    "test_fixed_ontology_iris_whatever_the_base",
    "test_french_by_default_english_on_request",
    "test_head_answers_like_get",
    "test_html_answer_is_a_sound_page",
    "test_invalid_iri_is_404",
    "test_inverse_links",
    "test_json_ld_cannot_close_its_script",
    "test_landing_in_english",
    "test_landing_page",
    "test_link_to_the_sparql_page",
    "test_local_base_serves_its_records",
    "test_long_lists_are_paged",
    "test_markup_in_labels_is_text",
    "test_matrix",
    "test_media_type_etag_last_modified",
    "test_negotiated_and_document_answers_are_the_same",
    "test_ontology_page_documents_terms_and_shapes",
    "test_property_and_value_labels_not_iris",
    "test_unknown_iri_is_404_in_the_negotiated_format",
    "test_unknown_iri_nothing_acceptable_is_406",
    "test_vocabulary_documents_in_every_format",
    "test_void",
]
