#!/usr/bin/env bash
# A build of ten million asserted triples, measured: generate the graph into FOLDER,
# build it with the fast engine under /usr/bin/time -v, print the build's peak memory
# per step and the whole process's peak per asserted triple.
#
#     benchmarks/tenmillion.sh FOLDER [ORGS]
#
# FOLDER gets graph/generated.ttl (about 1.4 GB), ontology/ (this repository's) and
# cache/ (the build: about 4 GB on disk).  ORGS defaults to 666,667 organisations,
# about 10.0 million asserted triples (generate.py writes ~15 per organisation).
#
# Expected (benchmarks/README.md, "Where a build's memory goes", extrapolated from
# 100k and 1M on a 2-core machine): peak ≈ 12 GB resident (≈ 1.2 KB per asserted
# triple), about half an hour; the generator alone holds its lines in memory
# (≈ 3.5 GB estimated, before the build starts).  Run it on a machine with 24 GB free and
# nothing else large running.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 FOLDER [ORGS]" >&2
  exit 2
fi
folder=$1
orgs=${2:-666667}
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v /usr/bin/time >/dev/null || { echo "$0: /usr/bin/time is missing (Debian package: time)" >&2; exit 3; }

mkdir -p "$folder/graph" "$folder/ontology" "$folder/cache"
cp "$repo"/ontology/*.ttl "$folder/ontology/"
if [[ ! -s "$folder/graph/generated.ttl" ]]; then
  echo "generating $orgs organisations into $folder/graph/generated.ttl"
  python "$repo/benchmarks/generate.py" --orgs "$orgs" -o "$folder/graph/generated.ttl"
fi

free -m | sed -n 1,2p
echo "building (sse-graph build --engine fast --force), measured by /usr/bin/time -v"
cd "$repo"
SSE_GRAPH_CACHE="$folder/cache" /usr/bin/time -v -o "$folder/time.txt" \
  python -m sse_graph build --engine fast --force --data "$folder" | tee "$folder/build.txt" | grep -E "asserted|built|peak"

asserted=$(grep -oE "asserted triples: [0-9]+" "$folder/build.txt" | grep -oE "[0-9]+")
peak_kb=$(grep "Maximum resident set size" "$folder/time.txt" | grep -oE "[0-9]+")
wall=$(grep "Elapsed (wall clock)" "$folder/time.txt" | awk '{print $NF}')
python - "$asserted" "$peak_kb" "$wall" <<'EOF'
import sys
asserted, peak_kb, wall = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
print(f"asserted triples {asserted:,}; whole process peak {peak_kb / 1024:,.0f} MB "
      f"= {peak_kb / 1024 * 1000 / asserted:.2f} KB per asserted triple (MB x 1000 / triples); wall {wall}")
EOF
