"""The W3C SPARQL 1.1 Protocol tests, transcribed from w3c/rdf-tests
``sparql/sparql11/protocol/manifest.ttl`` (34 entries): each request's method,
path, headers, body and expected status class.

Adaptations, for a public read-only endpoint that only knows its own graphs:
- ``DATA0`` stands for the manifest's ``http://kasei.us/2009/09/sparql/data/data0.rdf``,
  a graph the data-independent tests name but never read; the harness replaces
  it with one of the dataset's graphs.
- tests whose ``ut:graphData`` loads kasei.us graphs are replayed as they are:
  the endpoint must refuse the unknown graphs with 400;
- every update test must get a 4xx (403) and change nothing.
"""
KASEI = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2F"
DG = f"default-graph-uri={KASEI}data1.rdf&default-graph-uri={KASEI}data2.rdf"
NG = f"named-graph-uri={KASEI}data1.rdf&named-graph-uri={KASEI}data2.rdf"
ASK12 = ("ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type . "
         "<http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type . }")
ASKG = ("ASK { GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } "
        "GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }")
FORM = {"content-type": "application/x-www-form-urlencoded"}
DIRECT = {"content-type": "application/sparql-query"}
UPDATE = {"content-type": "application/sparql-update"}

# name: (kind, method, path, headers, body, body encoding, expected)
#   kind: "query" (data-independent), "graphdata" (needs kasei.us graphs), "update"
#   expected: "2xx", "4xx"
TESTS = {
    "query_post_form": ("query", "POST", "/sparql?default-graph-uri=DATA0", FORM, "query=ASK%20%7B%7D", "utf-8", "2xx"),
    "query_dataset_default_graphs_get": ("graphdata", "GET", "/sparql?query=" + ASK12.replace(" ", "%20") + "&" + DG, {}, None, None, "2xx"),
    "query_dataset_default_graphs_post": ("graphdata", "POST", "/sparql?" + DG, DIRECT, ASK12, "utf-8", "2xx"),
    "query_dataset_named_graphs_post": ("graphdata", "POST", "/sparql?" + NG, DIRECT, ASKG, "utf-8", "2xx"),
    "query_dataset_named_graphs_get": ("graphdata", "GET", "/sparql?query=" + ASKG.replace(" ", "%20") + "&" + NG, {}, None, None, "2xx"),
    "query_dataset_full": ("graphdata", "POST", f"/sparql?default-graph-uri={KASEI}data3.rdf&" + NG, DIRECT,
                           "ASK { <http://kasei.us/2009/09/sparql/data/data3.rdf> a ?type " + ASKG[5:], "utf-8", "2xx"),
    "query_multiple_dataset": ("graphdata", "POST", f"/sparql?named-graph-uri={KASEI}data1.rdf%26named-graph-uri%3D{KASEI}data2.rdf",
                               DIRECT, "ASK FROM <http://kasei.us/2009/09/sparql/data/data3.rdf> " + ASKG[4:], "utf-8", "2xx"),
    "query_get": ("query", "GET", "/sparql?query=ASK%20%7B%7D&default-graph-uri=DATA0", {}, None, None, "2xx"),
    "query_content_type_select": ("query", "POST", "/sparql?default-graph-uri=DATA0", DIRECT, "SELECT (1 AS ?value) {}", "utf-8", "2xx"),
    "query_content_type_ask": ("query", "POST", "/sparql?default-graph-uri=DATA0", DIRECT, "ASK {}", "utf-8", "2xx"),
    "query_content_type_describe": ("query", "POST", "/sparql?default-graph-uri=DATA0", DIRECT, "DESCRIBE <http://example.org/>", "utf-8", "2xx"),
    "query_content_type_construct": ("query", "POST", "/sparql?default-graph-uri=DATA0", DIRECT,
                                     "CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}", "utf-8", "2xx"),
    "update_dataset_default_graph": ("update", "POST", f"/sparql?using-graph-uri={KASEI}data1.rdf", UPDATE,
                                     "CLEAR ALL ; INSERT DATA { GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://xmlns.com/foaf/0.1/Document> } }", "utf-8", "2xx"),
    "update_dataset_default_graphs": ("update", "POST", f"/sparql?using-graph-uri={KASEI}data1.rdf&using-graph-uri={KASEI}data2.rdf", UPDATE,
                                      "DROP ALL ; INSERT DATA { GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { <http://kasei.us/2009/09/sparql/data/data1.rdf> a <http://xmlns.com/foaf/0.1/Document> } }", "utf-8", "2xx"),
    "update_dataset_named_graphs": ("update", "POST", f"/sparql?using-named-graph-uri={KASEI}data1.rdf&using-named-graph-uri={KASEI}data2.rdf", UPDATE,
                                    "DROP ALL ; INSERT DATA { GRAPH <http://kasei.us/2009/09/sparql/data/data2.rdf> { <http://kasei.us/2009/09/sparql/data/data2.rdf> a <http://xmlns.com/foaf/0.1/Document> } }", "utf-8", "2xx"),
    "update_dataset_full": ("update", "POST", f"/sparql?using-graph-uri={KASEI}data1.rdf&using-named-graph-uri={KASEI}data2.rdf", UPDATE,
                            "DROP ALL ; INSERT DATA { GRAPH <http://kasei.us/2009/09/sparql/data/data3.rdf> { <http://kasei.us/2009/09/sparql/data/data3.rdf> a <http://xmlns.com/foaf/0.1/Document> } }", "utf-8", "2xx"),
    "update_post_form": ("update", "POST", "/sparql", FORM, "update=CLEAR+ALL", "utf-8", "2xx"),
    "update_post_direct": ("update", "POST", "/sparql", UPDATE, "CLEAR ALL", "utf-8", "2xx"),
    "update_base_uri": ("update", "POST", "/sparql", UPDATE,
                        "CLEAR GRAPH <http://example.org/protocol-base-test/> ; INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }", "utf-8", "2xx"),
    "query_post_direct": ("query", "POST", "/sparql", DIRECT, "ASK {}", "utf-8", "2xx"),
    "bad_query_method": ("query", "PUT", "/sparql?query=ASK%20%7B%7D&default-graph-uri=DATA0", FORM, "", "utf-8", "4xx"),
    "bad_multiple_queries": ("query", "GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", {}, None, None, "4xx"),
    "bad_query_wrong_media_type": ("query", "POST", "/sparql", {"content-type": "text/plain"}, "ASK {}", "utf-8", "4xx"),
    "bad_query_missing_form_type": ("query", "POST", "/sparql", {}, "query=ASK%20%7B%7D", "utf-8", "4xx"),
    "bad_query_missing_direct_type": ("query", "POST", "/sparql", {}, "ASK {}", "utf-8", "4xx"),
    "bad_query_non_utf8": ("query", "POST", "/sparql", {"content-type": "application/sparql-query; charset=UTF-16"}, "ASK {}", "utf-16", "4xx"),
    "bad_query_syntax": ("query", "GET", "/sparql?query=ASK%20%7B", {}, None, None, "4xx"),
    "bad_update_get": ("update", "GET", "/sparql?update=CLEAR%20ALL", {}, None, None, "4xx"),
    "bad_multiple_updates": ("update", "POST", "/sparql", FORM, "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", "utf-8", "4xx"),
    "bad_update_wrong_media_type": ("update", "POST", "/sparql", {"content-type": "text/plain"}, "CLEAR NAMED", "utf-8", "4xx"),
    "bad_update_missing_form_type": ("update", "POST", "/sparql", {}, "update=CLEAR%20NAMED", "utf-8", "4xx"),
    "bad_update_non_utf8": ("update", "POST", "/sparql", {"content-type": "application/sparql-update; charset=UTF-16"}, "CLEAR NAMED", "utf-16", "4xx"),
    "bad_update_syntax": ("update", "POST", "/sparql", FORM, "update=CLEAR%20XYZ", "utf-8", "4xx"),
    "bad_update_dataset_conflict": ("update", "POST", "/sparql?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople", UPDATE,
                                    "PREFIX foaf: <http://xmlns.com/foaf/0.1/> WITH <http://example/addresses> DELETE { ?person foaf:givenName 'Bill' } INSERT { ?person foaf:givenName 'William' } WHERE { ?person foaf:givenName 'Bill' }", "utf-8", "4xx"),
}
