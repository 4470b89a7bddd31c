#!/usr/bin/env bash
# Smoke test of the docker compose stack (make smoke; .ci/run after make test).
#
#  1. Installs what is missing: Debian's docker.io, and the Compose v2 CLI
#     plugin built from the Go module proxy; starts dockerd if none runs.
#  2. Builds the images and brings the stack up (make images up), under its
#     own project name, and waits until every service is healthy.
#  3. Checks that the example articles come out of the sink clustered, and
#     that cluster state is on news.cluster.> (read with the CLI's tail verb
#     as the read-only monitor identity).
#  4. Kills one NATS node, has the demo site publish a second edition, and
#     checks that every new article arrives exactly once and in bounded time,
#     that no service restarted (a restart fails the test) or was unready for
#     longer than a few seconds, and that the node catches up when it comes
#     back.
#  5. Kills the leading deduper replica, has the demo site publish a third
#     edition, and checks that the other replica takes over with the same
#     clusters: every new article arrives once, in the clusters there were.
#  6. Tears everything down.
#
# Where a Docker engine cannot be had or cannot run containers, it prints a
# loud SKIPPED banner and exits 0: only this test is skipped. The whole run is
# bounded to 15 minutes.
set -uo pipefail
cd "$(dirname "$0")/.."

# 800 s for the run, and up to 90 s more to tear down after a time-out: 15
# minutes at most in all.
BUDGET=${SMOKE_BUDGET:-800}
if [ -z "${WIREWATCH_SMOKE_INNER:-}" ]; then
	export WIREWATCH_SMOKE_INNER=1 WIREWATCH_SMOKE_START=$(date +%s)
	exec timeout -k 90 "$BUDGET" bash "$0" "$@"
fi

GO=${GO:-go}
COMPOSE_VERSION=${COMPOSE_VERSION:-v2.40.3}
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-wirewatch-smoke}
export DEMOFEED_PORT=${DEMOFEED_PORT:-18089}
# The issue's target: losing a NATS node stops no service for more than a
# few seconds. The second edition must be in the sink within EDITION_BOUND
# seconds of being posted with a node down (the fetcher polls the demo site
# every 5 to 15 s), and no service may be unready longer than UNREADY_BOUND.
EDITION_BOUND=${SMOKE_EDITION_BOUND:-60}
UNREADY_BOUND=${SMOKE_UNREADY_BOUND:-15}
COMPOSE=(docker compose -f deploy/docker-compose.yml)
WORK=$(mktemp -d)
DOCKERD_PID=""
STACK_UP=""
PASSED=0

log() { echo "smoke: $*"; }
remaining() { echo $((BUDGET - ($(date +%s) - WIREWATCH_SMOKE_START))); }

skip() {
	skipped "docker engine unavailable: $*"
}

skipped() {
	echo
	echo "################################################################################"
	echo "#  SKIPPED: $*"
	echo "#  The compose stack was NOT tested on this machine."
	echo "################################################################################"
	echo "smoke: 0 passed, 0 failed, 1 skipped"
	exit 0
}

fail() {
	echo "smoke: FAILED: $*" >&2
	if [ -n "$STACK_UP" ]; then
		"${COMPOSE[@]}" ps -a >&2 || true
		"${COMPOSE[@]}" logs --tail=40 >&2 || true
	fi
	echo "smoke: $PASSED passed, 1 failed"
	exit 1
}

pass() {
	PASSED=$((PASSED + 1))
	log "ok: $*"
}

PROBE_PID=""

teardown() {
	if [ -n "$PROBE_PID" ]; then
		kill "$PROBE_PID" 2>/dev/null || true
	fi
	if [ -n "$STACK_UP" ]; then
		timeout 120 "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
	fi
	if [ -n "$DOCKERD_PID" ]; then
		kill "$DOCKERD_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap teardown EXIT
trap 'echo "smoke: FAILED: over the ${BUDGET}s budget"; echo "smoke: $PASSED passed, 1 failed"; exit 124' TERM

# --- 1. Docker engine and Compose ---------------------------------------------

ensure_docker() {
	if command -v docker >/dev/null && command -v dockerd >/dev/null; then
		return
	fi
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		skip "docker is not installed and this user cannot apt-get install docker.io"
	fi
	log "installing docker.io"
	export DEBIAN_FRONTEND=noninteractive
	if ! timeout 300 apt-get update -qq >"$WORK/apt.log" 2>&1 ||
		! timeout 300 apt-get install -y -qq docker.io >>"$WORK/apt.log" 2>&1; then
		skip "apt-get install docker.io failed: $(tail -n 3 "$WORK/apt.log" | tr '\n' ' ')"
	fi
}

ensure_daemon() {
	if timeout 20 docker info >/dev/null 2>&1; then
		return
	fi
	if [ "$(id -u)" != 0 ]; then
		skip "no docker daemon answers, and only root may start one"
	fi
	log "starting dockerd"
	for driver in overlay2 vfs; do
		dockerd --storage-driver="$driver" >"$WORK/dockerd.log" 2>&1 &
		DOCKERD_PID=$!
		for _ in $(seq 30); do
			if docker info >/dev/null 2>&1; then
				log "dockerd runs (storage driver $driver)"
				return
			fi
			kill -0 "$DOCKERD_PID" 2>/dev/null || break
			sleep 1
		done
		kill "$DOCKERD_PID" 2>/dev/null
		wait "$DOCKERD_PID" 2>/dev/null
		DOCKERD_PID=""
	done
	skip "dockerd does not start: $(grep -iE 'level=(error|fatal)|failed' "$WORK/dockerd.log" | tail -n 3 | tr '\n' ' ')"
}

# Compose v2 is a CLI plugin; Debian's docker.io lacks it. Its module cannot
# be `go install`ed (its go.mod has exclude directives), so it is built from
# the downloaded module.
ensure_compose() {
	if docker compose version >/dev/null 2>&1; then
		return
	fi
	log "building the Compose $COMPOSE_VERSION plugin from the Go module proxy"
	local dir
	if ! dir=$(timeout 300 "$GO" mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" 2>"$WORK/compose.log" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || [ -z "$dir" ]; then
		skip "cannot download the compose module: $(tail -n 3 "$WORK/compose.log" | tr '\n' ' ')"
	fi
	local budget=$(($(remaining) - 480))
	[ "$budget" -gt 60 ] || skipped "time budget: installing docker left no time to build the compose plugin"
	mkdir -p /usr/local/lib/docker/cli-plugins
	(cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod timeout "$budget" "$GO" build -trimpath \
		-ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
		-o /usr/local/lib/docker/cli-plugins/docker-compose ./cmd) >>"$WORK/compose.log" 2>&1
	case $? in
	0) ;;
	124)
		rm -f /usr/local/lib/docker/cli-plugins/docker-compose
		skipped "time budget: building the compose plugin took over ${budget}s"
		;;
	*)
		rm -f /usr/local/lib/docker/cli-plugins/docker-compose
		skip "cannot build the compose plugin: $(tail -n 3 "$WORK/compose.log" | tr '\n' ' ')"
		;;
	esac
	docker compose version >/dev/null 2>&1 || skip "the compose plugin does not run"
}

# An engine can start and still be unable to run a container (no cgroups,
# no iptables, no overlay): try one before blaming the stack.
probe_engine() {
	local ctx="$WORK/probe"
	mkdir -p "$ctx"
	CGO_ENABLED=0 "$GO" build -o "$ctx/healthcheck" ./cmd/healthcheck || fail "building the probe"
	printf 'FROM scratch\nCOPY healthcheck /healthcheck\nENTRYPOINT ["/healthcheck"]\n' >"$ctx/Dockerfile"
	if ! DOCKER_BUILDKIT=0 timeout 120 docker build -q -t wirewatch-smoke-probe "$ctx" >"$WORK/probe.log" 2>&1; then
		skip "cannot build an image: $(tail -n 3 "$WORK/probe.log" | tr '\n' ' ')"
	fi
	local out
	out=$(timeout 60 docker run --rm wirewatch-smoke-probe --timeout 1s http://127.0.0.1:1/ 2>&1)
	docker image rm wirewatch-smoke-probe >/dev/null 2>&1
	case "$out" in
	*"connection refused"*) ;;
	*) skip "cannot run a container: $(echo "$out" | tail -n 3 | tr '\n' ' ')" ;;
	esac
}

ensure_docker
ensure_daemon
ensure_compose
probe_engine
log "docker $(docker version --format '{{.Server.Version}}'), $(docker compose version --short)"

# --- 2. The stack ---------------------------------------------------------------

budget=$(($(remaining) - 300))
[ "$budget" -gt 120 ] || skipped "time budget: installing docker and compose left no time to test the stack"
timeout "$budget" make images GO="$GO" >"$WORK/images.log" 2>&1
case $? in
0) ;;
124) skipped "time budget: building the images took over ${budget}s after the installs" ;;
*) tail -n 30 "$WORK/images.log"; fail "make images" ;;
esac
pass "images built FROM scratch"

STACK_UP=1
"${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1
timeout 360 make up GO="$GO" UP_TIMEOUT=240 >"$WORK/up.log" 2>&1 || { tail -n 30 "$WORK/up.log"; fail "make up: the stack did not become healthy"; }
pass "stack healthy: 3 NATS nodes, setup done, fetcher, 2 extractors, 2 dedupers, sink, demofeed"

MONITOR_PW=$(cat deploy/secrets/monitor.password)
MONITOR_URL="nats://monitor:$MONITOR_PW@nats-1:4222,nats://monitor:$MONITOR_PW@nats-2:4222,nats://monitor:$MONITOR_PW@nats-3:4222"

# sink_records copies the sink's files out of its volume and prints one line
# per record: "<article id> <cluster id> <relation>".
sink_records() {
	rm -rf "$WORK/out"
	"${COMPOSE[@]}" cp sink:/data/out "$WORK/out" >/dev/null 2>&1 || return 0
	# Field order is fixed by the event types; quotes inside strings are
	# escaped, so these keys cannot match inside an article's text.
	cat "$WORK"/out/*.jsonl 2>/dev/null |
		sed -n 's/^{"schema":"[^"]*","id":"\([^"]*\)".*"cluster":{"id":"\([^"]*\)","relation":"\([^"]*\)".*/\1 \2 \3/p'
}

# check_edition NAME WHEN checks the sink's records after the NAME edition
# (saved to $WORK/NAME.txt): $want records, each article once, all in the
# $clusters clusters the first edition made.
check_edition() {
	local f="$WORK/$1.txt" total unique grown
	sink_records >"$f"
	total=$(wc -l <"$f")
	unique=$(awk '{print $1}' "$f" | sort -u | wc -l)
	[ "$total" -eq "$want" ] && [ "$unique" -eq "$want" ] ||
		fail "$2: $total records, $unique distinct, want $want of each"
	grown=$(awk '{print $2}' "$f" | sort -u | wc -l)
	[ "$grown" -eq "$clusters" ] || fail "$2 the $1 edition made $grown clusters, want them in the $clusters there were"
}

# wait_records N waits until the sink holds at least N records.
wait_records() {
	local n=$1 deadline=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		[ "$(sink_records | wc -l)" -ge "$n" ] && return 0
		sleep 3
	done
	return 1
}

ARTICLES=$(find examples/articles -maxdepth 1 -type f \( -name '*.txt' -o -name '*.html' -o -name '*.htm' -o -name '*.gz' \) | wc -l)

# --- 3. Clustered output --------------------------------------------------------

first_start=$(date +%s)
wait_records "$ARTICLES" 180 || fail "the sink holds $(sink_records | wc -l) of $ARTICLES records after 3 minutes"
sink_records >"$WORK/first.txt"
log "timings: first edition in the sink $(($(date +%s) - first_start))s after the stack was healthy"
clusters=$(awk '{print $2}' "$WORK/first.txt" | sort -u | wc -l)
[ "$clusters" -ge 2 ] && [ "$clusters" -lt "$ARTICLES" ] ||
	fail "$ARTICLES articles in $clusters clusters: want the versions of one story grouped"
pass "$ARTICLES articles in the sink's volume, in $clusters clusters ($(awk '{print $3}' "$WORK/first.txt" | sort | uniq -c | xargs))"

# Every article changes its cluster's state once at least: read that many
# stored states back, as the read-only monitor identity.
timeout 60 "${COMPOSE[@]}" run --rm -T -e WIREWATCH_NATS_URL="$MONITOR_URL" wirewatch \
	tail 'news.cluster.>' --json --since 24h --count "$ARTICLES" >"$WORK/clusters.jsonl" 2>"$WORK/tail.log"
states=$(grep -c . "$WORK/clusters.jsonl")
ids=$(grep -o '^{[^}]*"id":"[^"]*"' "$WORK/clusters.jsonl" | sed 's/.*"id":"//; s/"$//' | sort -u | wc -l)
[ "$states" -ge "$ARTICLES" ] || fail "$states cluster states on news.cluster.>, want $ARTICLES: $(tail -n 3 "$WORK/tail.log")"
pass "$states cluster states on news.cluster.> for $ids clusters (read as the monitor identity)"

# Every identity did its job with only its own rights: no node logged a
# permissions violation.
"${COMPOSE[@]}" logs --no-log-prefix nats-1 nats-2 nats-3 2>&1 | grep -i 'violation' >"$WORK/violations.txt"
[ ! -s "$WORK/violations.txt" ] || fail "permissions violations: $(head -n 5 "$WORK/violations.txt")"
pass "no permissions violation logged by the NATS nodes"

# --- 4. Lose a NATS node ------------------------------------------------------

SERVICES=(fetcher extractor deduper sink)

# restarts prints, per service container, its restart count and when it
# last started: any difference after the node loss is a restart.
restarts() {
	for c in $("${COMPOSE[@]}" ps -aq "${SERVICES[@]}"); do
		docker inspect --format '{{.Name}} restarts={{.RestartCount}} started={{.State.StartedAt}} {{.State.Status}}' "$c"
	done | sort
}

# probe_readiness asks every service's /readyz (with the healthcheck binary
# inside its container) about once a second, printing "<epoch> <name> ok|down".
probe_readiness() {
	local ids=$("${COMPOSE[@]}" ps -q "${SERVICES[@]}")
	while :; do
		for c in $ids; do
			local st=down
			timeout 5 docker exec "$c" /usr/local/bin/healthcheck --timeout 2s http://127.0.0.1:8080/readyz >/dev/null 2>&1 && st=ok
			echo "$(date +%s) $(docker inspect --format '{{.Name}}' "$c" | tr -d /) $st"
		done
		sleep 1
	done
}

# longest_unready reads probe_readiness output and prints, per container,
# the longest time it was seen not ready (from its first failed probe to the
# next good one, or to the end of the probing).
longest_unready() {
	awk '{ last = $1 }
		$3 == "down" && !($2 in since) { since[$2] = $1 }
		$3 == "ok" && ($2 in since) { d = $1 - since[$2]; if (d > worst[$2]) worst[$2] = d; delete since[$2] }
		{ seen[$2] = 1 }
		END {
			for (c in since) { d = last - since[c]; if (d > worst[c]) worst[c] = d }
			for (c in seen) printf "%s %d\n", c, worst[c] + 0
		}' "$1" | sort
}

restarts >"$WORK/restarts.before"
probe_readiness >"$WORK/readiness.log" 2>/dev/null &
PROBE_PID=$!
sleep 3 # a baseline: everything ready before the kill
"${COMPOSE[@]}" kill -s SIGKILL nats-2 >/dev/null 2>&1 || fail "killing nats-2"
killed_at=$(date +%s)
log "killed nats-2"
post_edition() {
	if command -v curl >/dev/null; then
		curl -fsS -X POST "http://127.0.0.1:$DEMOFEED_PORT/editions" >/dev/null
	else
		exec 3<>"/dev/tcp/127.0.0.1/$DEMOFEED_PORT" &&
			printf 'POST /editions HTTP/1.1\r\nHost: demofeed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' >&3 &&
			grep -q '200 OK' <&3
	fi
}
post_edition || fail "asking the demo site for a second edition"
posted_at=$(date +%s)

want=$((2 * ARTICLES))
wait_records "$want" "$EDITION_BOUND" ||
	fail "with nats-2 down the sink holds $(sink_records | wc -l) of $want records ${EDITION_BOUND}s after the second edition"
arrived=$(($(date +%s) - posted_at))
sleep 10 # anything delivered twice would show by now
kill "$PROBE_PID" 2>/dev/null
wait "$PROBE_PID" 2>/dev/null
check_edition second "with nats-2 down"
pass "with nats-2 down, the second edition's $ARTICLES articles arrived once each within ${arrived}s (bound ${EDITION_BOUND}s), in the existing clusters"

restarts >"$WORK/restarts.after"
if ! diff -u "$WORK/restarts.before" "$WORK/restarts.after" >"$WORK/restarts.diff"; then
	echo "smoke: a service restarted while nats-2 was down:" >&2
	grep '^[-+]/' "$WORK/restarts.diff" | sed 's/^/smoke:   /' >&2
	for c in $(grep '^+/' "$WORK/restarts.diff" | cut -d' ' -f1 | tr -d '+/'); do
		docker logs "$c" 2>&1 | grep -v '^{' | tail -n 3 | sed 's/^/smoke:   last words: /' >&2
		docker logs "$c" 2>&1 | grep '"level":"\(error\|fatal\)"' | tail -n 3 | sed 's/^/smoke:   /' >&2
	done
	fail "a service restarted after nats-2 was killed"
fi
pass "no service restarted while nats-2 was down ($(wc -l <"$WORK/restarts.after") containers)"

longest_unready "$WORK/readiness.log" >"$WORK/unready.txt"
[ "$(wc -l <"$WORK/unready.txt")" -ge "${#SERVICES[@]}" ] || fail "readiness probes did not run: $(head -c 300 "$WORK/readiness.log")"
worst=$(sort -k2 -n "$WORK/unready.txt" | tail -n 1)
summary=$(tr '\n' ',' <"$WORK/unready.txt" | sed 's/,$//; s/,/, /g')
[ "${worst##* }" -le "$UNREADY_BOUND" ] ||
	fail "a service was unready for over ${UNREADY_BOUND}s after nats-2 was killed (seconds per container: $summary)"
probes=$(awk '{ n[$2]++; if (!first) first = $1; last = $1 } END { for (c in n) if (!min || n[c] < min) min = n[c]; printf "%d probes each, one every %.1fs", min, (last - first) / (min > 1 ? min - 1 : 1) }' "$WORK/readiness.log")
pass "longest unready time per service after the kill: $summary (bound ${UNREADY_BOUND}s; $probes)"
log "timings: second edition in ${arrived}s after posting ($((posted_at - killed_at))s after the kill)"

"${COMPOSE[@]}" start nats-2 >/dev/null 2>&1 || fail "starting nats-2"
deadline=$(($(date +%s) + 120))
until [ "$(docker inspect --format '{{.State.Health.Status}}' "$("${COMPOSE[@]}" ps -q nats-2)")" = healthy ]; do
	[ "$(date +%s)" -lt "$deadline" ] || fail "nats-2 did not catch up within 2 minutes"
	sleep 3
done
[ "$(sink_records | wc -l)" -eq "$want" ] || fail "records changed after nats-2 came back"
pass "nats-2 rejoined and caught up; still $want records"

# --- 5. Lose the deduper leader --------------------------------------------------

# The leader is the replica that logged "leading" last. Killed, it cannot
# give its lease up: the other replica, which followed its decisions, takes
# over once the lease expires (15 s) and must carry on with the same
# clusters.
leader=""
latest=""
for c in $("${COMPOSE[@]}" ps -q deduper); do
	at=$(docker logs "$c" 2>&1 | grep '"msg":"leading"' | tail -n 1 | sed -n 's/.*"ts":"\{0,1\}\([^",]*\).*/\1/p')
	if [ -n "$at" ] && { [ -z "$latest" ] || [[ "$at" > "$latest" ]]; }; then
		leader=$c latest=$at
	fi
done
[ -n "$leader" ] || fail "no deduper replica logged that it leads"
standby=$("${COMPOSE[@]}" ps -q deduper | grep -v "^$leader" | head -n 1)
[ -n "$standby" ] || fail "only one deduper replica runs"
docker kill -s SIGKILL "$leader" >/dev/null 2>&1 || fail "killing the leading deduper"
log "killed the leading deduper $(docker inspect --format '{{.Name}}' "$leader" | tr -d /)"
post_edition || fail "asking the demo site for a third edition"
posted_at=$(date +%s)
want=$((3 * ARTICLES))
takeover_bound=$((EDITION_BOUND + 45)) # the lease's TTL, and AckWait for what the leader held
wait_records "$want" "$takeover_bound" ||
	fail "with the deduper leader killed the sink holds $(sink_records | wc -l) of $want records ${takeover_bound}s after the third edition"
arrived=$(($(date +%s) - posted_at))
sleep 10
check_edition third "after the deduper takeover"
who="the standby deduper took over"
docker logs "$standby" 2>&1 | grep -q '"msg":"leading"' || who="the killed deduper came back and led again"
pass "$who: the third edition's $ARTICLES articles arrived once each within ${arrived}s, in the existing clusters"
docker start "$leader" >/dev/null 2>&1 || fail "restarting the killed deduper"

echo "smoke: $PASSED passed, 0 failed"
