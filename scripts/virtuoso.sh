#!/usr/bin/env bash
# Virtuoso Open Source 7 as the project's external store, on 127.0.0.1 only.
#   scripts/virtuoso.sh start DIR PORT      start it in DIR (HTTP on PORT, ISQL on PORT+1); waits until it answers
#   scripts/virtuoso.sh load DIR [FILE.nq]  bulk-load the built dataset (default: sse-graph's current build), graphs kept
#   scripts/virtuoso.sh stop DIR            stop it
# Then: SSE_GRAPH_STORE=http://127.0.0.1:PORT/sparql sse-graph members ConcertES
#       sse-graph serve --store http://127.0.0.1:PORT/sparql   (the public endpoint in front of it)
# Needs: apt-get install virtuoso-opensource.  The logic is sse_graph/virtuoso.py (the tests use it too).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec python3 -m sse_graph.virtuoso "$@"
