# Sourced by the launcher and the benchmarks: base_options prints the JVM options every gantry process gets.
#
# -XX:+ExitOnOutOfMemoryError: a process whose heap ran out stops at once, with exit code 3, for its supervisor to
# start it again. Without it, the thread that met the error dies and the rest runs on: a control plane whose store
# writer died answered reads and let every write wait forever.
base_options() {
  echo "-XX:+ExitOnOutOfMemoryError"
}
