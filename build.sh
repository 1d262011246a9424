#!/usr/bin/env bash
# Entry points for a fresh machine (see README.md):
#   ./build.sh test         restore, build and run every test project; ends with "N passed, N failed"
#   ./build.sh test unit    the fast tests only: no end-to-end project, no test that starts a process (Category=Process)
#   ./build.sh quickstart   pack, install the template and tool, scaffold artifacts/quickstart/Demo, dotnet build -t:Train
#   ./build.sh pack         pack every package into artifacts/packages with a fresh version
#   ./build.sh bench SUITE  run a benchmark suite (engine, tracking, tracking-system, sweeps, sweeps-tpe, gpu, startup, data, data-images, ddp), printing BENCH lines
#   ./build.sh summarize D  the closing "N passed, N failed" line for a folder of TRX files (what test prints)
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
  local scope="${1:-all}" projects=() filter=()
  case "$scope" in
    all) projects=(tests/*.Tests/*.csproj) ;;
    unit)
      for project in tests/*.Tests/*.csproj; do [[ "$project" == *EndToEnd* ]] || projects+=("$project"); done
      filter=(--filter "Category!=Process") ;;
    *) echo "usage: ./build.sh test [unit]" >&2; return 2 ;;
  esac
  build
  local results
  results="$(mktemp -d)"
  local status=0
  for project in "${projects[@]}"; do
    dotnet test "$project" -c "$configuration" --no-build -nologo "${filter[@]}" \
      --logger "trx;LogFileName=$(basename "$project" .csproj).trx" --results-directory "$results" || status=$?
  done
  summarize "$results" "${projects[@]}"
  rm -rf "$results"
  return $status
}

# Sums the outcomes of the TRX files of the given test projects (default: all) into the one closing line CI reads. A test project whose run was aborted (its
# test host crashed) or that left no TRX counts as one failure, so the line never says "0 failed" for a broken run.
summarize() {
  local folder="$1"
  shift
  (($#)) || set -- tests/*.Tests/*.csproj
  python3 - "$folder" "$@" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for project in sys.argv[2:]:
    name = os.path.splitext(os.path.basename(project))[0]
    path = os.path.join(sys.argv[1], name + ".trx")
    if not os.path.exists(path):
        failed += 1
        print(f"{name}: no test results (the run did not complete)", file=sys.stderr)
        continue
    summary = ET.parse(path).getroot().find("t:ResultSummary", ns)
    counters = summary.find("t:Counters", ns)
    passed += int(counters.get("passed", 0))
    broken = int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    # An aborted run (the test host crashed) is outcome "Failed" with no failed test counted.
    if summary.get("outcome") in ("Failed", "Aborted", "Error") and broken == 0:
        broken = 1
        print(f"{name}: the test run was aborted", file=sys.stderr)
    failed += broken
    skipped += int(counters.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
}

# Packs every package into artifacts/packages with a version no earlier pack used (NuGet never re-extracts a cached one).
pack() {
  local version="${LIGHTNING_VERSION:-0.1.0-local.$(date -u +%Y%m%d%H%M%S)}"
  rm -rf artifacts/packages
  for project in src/Lightning.Core src/Lightning.Hosting src/Lightning.Mlflow src/Lightning.Sweeps src/Lightning.Build src/Lightning.Cli src/Lightning.Vision templates/Lightning.Templates.csproj; do
    dotnet pack "$project" -c Release -o artifacts/packages -p:Version="$version" -nologo -v:q >&2
  done
  echo "$version"
}

quickstart() {
  local version feed demo packages
  echo "Packing every package into artifacts/packages (a few minutes on a small machine)..."
  version="$(pack)"
  feed="$(pwd)/artifacts/packages"
  demo="artifacts/quickstart"
  rm -rf "$demo" && mkdir -p "$demo"
  # The demo lives inside this repo: stop the repo's build props and central versions from applying to it.
  printf '<Project />\n' > artifacts/Directory.Build.props
  printf '<Project />\n' > artifacts/Directory.Build.targets
  printf '<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>\n' > artifacts/Directory.Packages.props
  # Each pack has a new version, and the hive keeps versions installed from files side by side (then warns of a
  # conflict on every dotnet new): remove those an earlier quickstart installed first.
  for _ in 1 2 3 4 5 6 7 8 9 10; do dotnet new uninstall Lightning.Templates >/dev/null 2>&1 || break; done
  dotnet new install "$feed/Lightning.Templates.$version.nupkg" --force
  # --package-source writes the project's own nuget.config (the user's NuGet config is left alone). A throwaway
  # project restored into an empty packages folder proves the source alone suffices, not whatever the NuGet cache
  # happens to hold (the HTTP cache stays, so nothing big is downloaded again). Only a plain restore runs there: a
  # tool restore would record that soon-deleted folder in the SDK's tool resolver cache and break `dotnet lightning`.
  packages="$(pwd)/$demo/nuget-packages"
  mkdir -p "$packages"
  echo "Restoring a throwaway project with an empty NuGet packages folder (proves the package source is enough)..."
  # Its own "created successfully" would read as a second project: only a failure of it is shown.
  (export NUGET_PACKAGES="$packages" && cd "$demo" && { out="$(dotnet new lightning -n Proof -o Proof --package-source "$feed" --no-restore 2>&1)" \
    || { echo "$out" >&2; exit 1; }; } && cd Proof && dotnet restore -nologo -v:q)
  rm -rf "$packages" "$demo/Proof"
  (cd "$demo" && dotnet new lightning -n Demo -o Demo --package-source "$feed" && cd Demo \
    && dotnet tool restore \
    && dotnet build -t:Train -p:MaxEpochs=5)
  local store
  store="$(cd "$demo/Demo" && pwd)/mlruns"
  echo
  echo "Trained artifacts/quickstart/Demo (Lightning $version). Its runs are in the MLflow file store $store:"
  echo "  params, metrics, checkpoints/, config.yaml, plots/learning_curves.png."
  echo "List them:  (cd $demo/Demo && dotnet tool restore && dotnet lightning runs list)"
  echo "Browse:     (cd $demo/Demo && dotnet lightning ui)   # or: MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri file://$store"
  echo "Resume:     (cd $demo/Demo && dotnet build -t:Train -p:MaxEpochs=8 -p:CkptPath=last)"
}

case "${1:-}" in
  test) run_tests "${2:-all}" ;;
  quickstart) quickstart ;;
  pack) pack ;;
  bench) build && dotnet run -c "$configuration" --no-build --project tests/Lightning.Benchmarks -- "${2:-engine}" ;;
  summarize) summarize "${2:?usage: ./build.sh summarize FOLDER_OF_TRX_FILES}" ;;
  *) echo "usage: ./build.sh test [unit]|quickstart|pack|bench [suite]|summarize folder" >&2; exit 2 ;;
esac
