# Sourced by the launcher and the benchmarks: heap_options SIZE prints the JVM options that give a gantry process a
# fixed heap of SIZE (e.g. 6g), committed and touched once at start, on transparent huge pages where the kernel
# offers them (madvise or always).
#
# Why: a JVM that grows its heap while it works pays a page fault and a page clear for every new page, inside its
# busiest threads. A control plane of thousands of nodes grows to gigabytes, and on virtual machines whose host
# takes freed memory back (free page reporting) each of those first touches also waits for the host. A sized,
# pre-touched heap pays all of that once, before the first request. The price is the memory, held from the start.
heap_options() {
  local size=$1
  if ! [[ "$size" =~ ^[1-9][0-9]*[kKmMgG]$ ]]; then
    echo "gantry: a heap size is a number and a unit (k, m or g), e.g. 6g, not \"$size\"" >&2
    return 1
  fi
  echo "-Xms$size -Xmx$size -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages"
}
