#!/usr/bin/env bash
# Entry points for a fresh machine (see README.md):
#   ./build.sh test         restore, build and run every test project; ends with "N passed, N failed"
#   ./build.sh quickstart   train the sample app once and show where the run is
#   ./build.sh bench SUITE  run a benchmark suite (engine, tracking), printing BENCH lines
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# One intra-op thread keeps a busy 2-core CI machine from collapsing under OpenMP spinning.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

configuration="${CONFIGURATION:-Release}"

build() {
  dotnet build Runner.sln -c "$configuration" -v minimal -nologo
}

run_tests() {
  build
  local results
  results="$(mktemp -d)"
  local status=0
  for project in tests/*.Tests/*.csproj; do
    dotnet test "$project" -c "$configuration" --no-build -nologo \
      --logger "trx;LogFileName=$(basename "$project" .csproj).trx" --results-directory "$results" || status=$?
  done
  summarize "$results"
  rm -rf "$results"
  return $status
}

# Sums the outcomes of every TRX file into the one closing line CI reads.
summarize() {
  python3 - "$1" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
}

quickstart() {
  build
  local demo="artifacts/quickstart"
  mkdir -p "$demo"
  local app
  app="$(pwd)/tests/Lightning.TestApp/bin/$configuration/net10.0/Lightning.TestApp.dll"
  (cd "$demo" && TESTAPP_TRACKER=mlflow dotnet "$app" fit --trainer.max_epochs=3 --events events.jsonl)
  local store
  store="$(cd "$demo" && pwd)/mlruns"
  echo
  echo "The run is in the MLflow file store $store (experiment Lightning.TestApp):"
  echo "  params, metrics, checkpoints/ (last.ckpt and the best), config.yaml, plots/learning_curves.png."
  echo "Browse it with: MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri file://$store"
  echo "Resume it with: (cd $demo && TESTAPP_TRACKER=mlflow dotnet $app fit --trainer.max_epochs=5 --ckpt-path last)"
}

case "${1:-}" in
  test) run_tests ;;
  quickstart) quickstart ;;
  bench) build && dotnet run -c "$configuration" --no-build --project tests/Lightning.Benchmarks -- "${2:-engine}" ;;
  *) echo "usage: ./build.sh test|quickstart|bench [suite]" >&2; exit 2 ;;
esac
