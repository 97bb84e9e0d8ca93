# Sourced by the launcher and the benchmarks: jit_options MODE prints the JVM options of a JIT mode for a gantry
# process: "tiered" (the JVM's default: C1 first, then C2 for what stays hot) or "c2" (C2 alone, methods
# interpreted until they are hot enough for it).
#
# Why c2: a control plane of thousands of nodes on a machine of two cores spends a quarter of its CPU compiling in
# its first minutes under load, and C1's profiled code and recompilations are most of that. With C2 alone it
# compiles a third as much and bound 20-40 % more pods per second in the scheduling benchmark
# (docs/BENCHMARKS.md, run Z). The price: a start about 0.4 s slower, and code that runs rarely (a small cluster
# at rest) stays interpreted longer.
jit_options() {
  case "$1" in
    tiered) echo "" ;;
    c2) echo "-XX:-TieredCompilation" ;;
    *)
      echo "gantry: a JIT mode is tiered or c2, not \"$1\"" >&2
      return 1
      ;;
  esac
}
