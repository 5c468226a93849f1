#!/usr/bin/env bash
# Load benchmark of the SIP runtime (docs/performance.md, "SIP runtime").
#
# N concurrent SIPp calls (tests/sip/scenarios/load.xml) against
# `callflow serve bench/flows/load.flow --sip`, each hearing a prompt for the
# whole call. SIPp runs on one core (taskset), the runtime on the other.
# Reports calls completed and failed, the runtime's RTP send-time deviation
# (scheduled slot vs actual send, measured in the runtime: p50/p99/p99.9/max,
# over the whole run from its shutdown statistics, and over the steady-state
# window alone, every call up, from the `stats` lines SIGUSR1 asks for), its
# CPU use and RSS per call, and the time the hypervisor took from the
# runtime's core (steal), which no scheduling inside the machine can hide.
#
#   bench/sip-load.sh [CALLS] [HOLD_SECONDS] [RATE]
#   bench/sip-load.sh 1000 40 100
#
# Environment: MEDIA_RT=0 turns the media thread's real-time priority off;
# RTP_SINK=qdisc (root) drops the RTP at the loopback queue instead of
# delivering it to SIPp, see below; STARVE_MS=N (root) takes the runtime's
# core from its call tasks for N ms, then rests a second, over and over,
# see below; CALLFLOW=PATH runs another build's binary, for A/B comparisons
# (the default is this tree's release build); SERVER_CPU, SIPP_CPU,
# SIP_PORT.
#
# Needs sipp (Debian sip-tester), espeak-ng and taskset; builds --release.
# Traffic stays on 127.0.0.1; the run is bounded by HOLD + ramp + 60 s.
set -euo pipefail
# CALLFLOW relative to where the script was started, not to the repository.
if [ -n "${CALLFLOW:-}" ]; then CALLFLOW=$(realpath -m -- "$CALLFLOW"); fi
cd "$(dirname "$0")/.."

calls=${1:-1000}
hold=${2:-30}
rate=${3:-100}
port=${SIP_PORT:-5080}
server_cpu=${SERVER_CPU:-0}
sipp_cpu=${SIPP_CPU:-1}
# The runtime asks for real-time priority for its media thread (as root it
# gets it); MEDIA_RT=0 measures without (media_realtime = false).
media_rt=true
if [ "${MEDIA_RT:-1}" = 0 ]; then media_rt=false; fi

for tool in sipp espeak-ng taskset; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done
# RTP_SINK=qdisc (root): run in a network namespace of its own where the
# RTP and RTCP sent to SIPp's media ports are dropped at the loopback
# device's queue, as a NIC would take them off the runtime's hands. On
# plain loopback (the default, RTP_SINK=peer) every packet also carries
# SIPp's receiving side through the kernel on the runtime's core: about
# 40 % of each send's cost (docs/performance.md, "SIP runtime, third
# round"). SIP itself still flows between the two.
rtp_sink=${RTP_SINK:-peer}
case "$rtp_sink" in
  peer | qdisc) ;;
  *) echo "bench: RTP_SINK is peer (the default) or qdisc, not '$rtp_sink'" >&2; exit 2 ;;
esac
media_port=6000
# STARVE_MS=N (root): during the steady state, a busy loop at SCHED_FIFO 5
# takes the runtime's core for N ms, then sleeps a second, again and again.
# The call tasks (normal priority) get no CPU meanwhile; the media thread
# (SCHED_FIFO 10) still does. It reproduces on demand what the host's
# slowdowns did in docs/performance.md's third round: call tasks starved
# for up to 250 ms.
starve_ms=${STARVE_MS:-0}
case "$starve_ms" in
  '' | *[!0-9]*) echo "bench: STARVE_MS is a number of milliseconds, not '$starve_ms'" >&2; exit 2 ;;
esac
if [ "$starve_ms" -gt 900 ]; then echo "bench: STARVE_MS is at most 900" >&2; exit 2; fi
if [ "$starve_ms" -gt 0 ]; then
  command -v chrt >/dev/null || { echo "bench: STARVE_MS needs chrt" >&2; exit 2; }
fi
if [ "$rtp_sink" = qdisc ] && [ -z "${CALLFLOW_BENCH_NETNS:-}" ]; then
  command -v unshare >/dev/null && command -v tc >/dev/null || { echo "bench: RTP_SINK=qdisc needs unshare and tc" >&2; exit 2; }
  [ -n "${CALLFLOW:-}" ] || cargo build --release --quiet
  # From the repository's root (we cd'ed there): $0 may be relative to elsewhere.
  exec unshare --net env CALLFLOW_BENCH_NETNS=1 "$PWD/bench/sip-load.sh" "$@"
fi
if [ -n "${CALLFLOW_BENCH_NETNS:-}" ]; then
  ip link set lo up
  # Everything goes through class 1:20 except UDP to the media ports
  # (RTP 6000, RTCP 6001), which meet a queue of length 0.
  tc qdisc add dev lo root handle 1: htb default 20
  tc class add dev lo parent 1: classid 1:10 htb rate 1kbit quantum 1500
  tc class add dev lo parent 1: classid 1:20 htb rate 10gbit quantum 200000
  tc qdisc add dev lo parent 1:10 handle 10: pfifo limit 0
  tc filter add dev lo parent 1: protocol ip u32 match ip protocol 17 0xff match ip dport "$media_port" 0xfffe flowid 1:10
elif [ -z "${CALLFLOW:-}" ]; then
  cargo build --release --quiet
fi
bin=${CALLFLOW:-target/release/callflow}
[ -x "$bin" ] || { echo "bench: no callflow binary at $bin" >&2; exit 2; }

work=$(mktemp -d)
starver=
trap 'kill "$server" $starver 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cat > "$work/callflow.toml" <<TOML
max_calls = $((calls + 100))
max_call_duration = "10m"
call_log = "$work/calls.jsonl"
prompt_cache_dir = "$work/prompts"
media_realtime = $media_rt
TOML

taskset -c "$server_cpu" "$bin" serve bench/flows/load.flow --sip "127.0.0.1:$port" \
  --rtp-ports 20000-29999 --config "$work/callflow.toml" 2>"$work/server.err" &
server=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/server.err" 2>/dev/null && break
  sleep 0.1
done
grep -q "listening on" "$work/server.err" || { cat "$work/server.err" >&2; exit 1; }

hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
steal_ticks() { awk -v cpu="cpu$server_cpu" '$1 == cpu {print $9}' /proc/stat; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
# Memory freed after the start-up (prompt rendering) goes back first.
sleep 2
base_rss=$(rss_kb)

ramp=$(( (calls + rate - 1) / rate ))
taskset -c "$sipp_cpu" sipp "127.0.0.1:$port" -sf tests/sip/scenarios/load.xml \
  -i 127.0.0.1 -mi 127.0.0.1 -mp "$media_port" -m "$calls" -l "$calls" -r "$rate" -d "$((hold * 1000))" \
  -max_socket 4096 -timeout "$((hold + ramp + 60))" -timeout_error -nostdin \
  -trace_stat -stf "$work/sipp.csv" -trace_err -error_file "$work/sipp.err" \
  >"$work/sipp.out" 2>&1 &
sipp_pid=$!

# Steady state: every call is up (after the ramp) and none has ended yet
# (the first ends HOLD seconds after it started).
sleep $((ramp + 2))
window=$(( hold - ramp - 3 > 2 ? hold - ramp - 3 : 2 ))
if [ "$starve_ms" -gt 0 ]; then
  # The loop bounds itself by the clock: a timer process would need the
  # very core the loop holds.
  (
    while :; do
      taskset -c "$server_cpu" chrt -f 5 bash -c \
        'end=$(( ${EPOCHREALTIME/./} + '"$starve_ms"'000 )); while (( ${EPOCHREALTIME/./} < end )); do :; done'
      sleep 1
    done
  ) &
  starver=$!
fi
# SIGUSR1 makes the runtime write a `stats` line for the time since the
# last one: one now opens the steady-state window, one at its end closes it.
# A build from before SIGUSR1 was handled (CALLFLOW=old) would die of it.
window_stats=false
if "$bin" serve --help 2>/dev/null | grep -q SIGUSR1; then window_stats=true; kill -USR1 "$server"; fi
t0=$(cpu_ticks); s0=$(date +%s.%N); st0=$(steal_ticks)
peak_rss=$(rss_kb)
for _ in $(seq "$window"); do
  sleep 1
  rss=$(rss_kb); [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
done
t1=$(cpu_ticks); s1=$(date +%s.%N); st1=$(steal_ticks)
if $window_stats; then kill -USR1 "$server"; fi
if [ -n "$starver" ]; then
  kill "$starver" 2>/dev/null || true
  wait "$starver" 2>/dev/null || true
  starver=
fi
up=$(grep -c '"event":"start"' "$work/calls.jsonl" || true)
ended_in_window=$(grep -c '"event":"end"' "$work/calls.jsonl" || true)

sipp_status=0
wait "$sipp_pid" || sipp_status=$?
kill -TERM "$server"
wait "$server" || true

stats=$(grep '"event":"stats"' "$work/calls.jsonl" | grep -v '"over":"interval"' | tail -1)
# The second interval line: the steady-state window.
steady=$(grep '"over":"interval"' "$work/calls.jsonl" | sed -n 2p)
completed=$(grep '"event":"end"' "$work/calls.jsonl" | grep -c '"reason":"caller_bye"' || true)
ended=$(grep -c '"event":"end"' "$work/calls.jsonl" || true)
started=$(grep -c '"event":"start"' "$work/calls.jsonl" || true)
failed_sipp=$(grep -o 'Failed call *| *[0-9]* *| *[0-9]*' "$work/sipp.out" | tail -1 | awk -F'|' '{print $3+0}')
ok_sipp=$(grep -o 'Successful call *| *[0-9]* *| *[0-9]*' "$work/sipp.out" | tail -1 | awk -F'|' '{print $3+0}')
steal_pct=$(awk -v a="$st0" -v b="$st1" -v s="$s0" -v e="$s1" -v hz="$hz" 'BEGIN {printf "%.1f", (b - a) / hz / (e - s) * 100}')
cpu_pct=$(awk -v a="$t0" -v b="$t1" -v s="$s0" -v e="$s1" -v hz="$hz" 'BEGIN {printf "%.1f", (b - a) / hz / (e - s) * 100}')

echo "machine:    $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
echo "command:    MEDIA_RT=${MEDIA_RT:-1} RTP_SINK=$rtp_sink STARVE_MS=$starve_ms${CALLFLOW:+ CALLFLOW=$CALLFLOW} bench/sip-load.sh $calls $hold $rate (server on cpu $server_cpu, sipp on cpu $sipp_cpu)"
echo "load:       $(cut -d' ' -f1-3 /proc/loadavg) (load average at the end; other programs share the cores)"
echo "sipp:       successful $ok_sipp, failed $failed_sipp (exit $sipp_status)"
echo "runtime:    started $started, ended $ended, caller hung up $completed; up at once in the window: $up (ended meanwhile: $ended_in_window)"
echo "media:      $(grep -o 'media clock.*' "$work/server.err" | sed 's/media clock *//')"
if [ "$rtp_sink" = qdisc ]; then
  echo "rtp sink:   dropped at the loopback queue in a namespace of its own: $(tc -s qdisc show dev lo parent 1:10 | grep -o 'dropped [0-9]*') packets"
else
  echo "rtp sink:   SIPp's media socket on loopback (its receiving side runs on the runtime's core)"
fi
echo "cpu:        ${cpu_pct}% of one core over ${window}s of steady state ($up calls)"
echo "steal:      ${steal_pct}% of cpu $server_cpu taken by the hypervisor over the same window"
per_call=$(( (peak_rss - base_rss) / (up > 0 ? up : 1) ))
# With few calls the base (start-up memory not yet given back) can exceed
# the peak: the calls' share is then below what this can measure.
if [ "$per_call" -lt 0 ]; then per_call="too little to tell from the base"; else per_call="$per_call KB per call"; fi
echo "rss:        base $((base_rss / 1024)) MB, peak $((peak_rss / 1024)) MB, $per_call"
echo "pacing:     $stats"
if $window_stats; then
  echo "steady:     ${steady:-no stats line for the window}"
fi
# The hypervisor's share of the core decides the tail (docs/performance.md,
# "SIP runtime, third round"): say so next to the figures it spoils.
if awk -v s="$steal_pct" 'BEGIN {exit !(s >= 1.0)}'; then
  echo "warning:    the hypervisor took ${steal_pct}% of the runtime's core; at 1 % or more the p99 measures"
  echo "            the host's stalls more than the runtime: repeat at a quieter time"
fi
if [ "$sipp_status" -ne 0 ]; then
  echo "sipp errors (first lines):" >&2
  head -5 "$work/sipp.err" >&2 || true
fi
