#!/usr/bin/env bash
# End-to-end check that the official `openai` Python package (from PyPI) works
# unchanged against augserve.
#  - makes (or reuses) a virtual environment at .build/venv with `openai` in it
#  - starts the server ($AUGSERVE_BIN, default .build/debug/augserve) on a free port
#  - runs Tests/python/openai_session.py and Tests/python/agent_loop.py (a client-side tool
#    round trip) against it; then agent_loop.py under the infercept and vllm policies
#  - stops each server with SIGTERM and fails unless it exits with status 0
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${AUGSERVE_BIN:-.build/debug/augserve}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
VENV="$ROOT/.build/venv"
SESSION="$ROOT/Tests/python/openai_session.py"
READY_TIMEOUT=120
# 2048 tokens of SmolLM2-135M's f32 KV cache take 2048 * 46080 B = 90 MiB; the server
# refuses a --max-model-len larger than its KV pool holds (64MiB holds only 1456).
KV_CACHE_MEMORY="${AUGSERVE_KV_CACHE_MEMORY:-96MiB}"

say() { printf 'client-tests: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ -x "$BIN" ] || die "server binary not found: $BIN (build it with: swift build --product augserve)"

# --- Python environment --------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    say "creating virtual environment $VENV"
    python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
if "$PY" -c 'import openai' 2>/dev/null; then
    say "reusing openai $("$PY" -c 'import openai; print(openai.__version__)') from $VENV"
else
    say "installing openai into $VENV"
    "$PY" -m pip install --quiet --disable-pip-version-check openai
    say "installed openai $("$PY" -c 'import openai; print(openai.__version__)')"
fi

# --- server ----------------------------------------------------------------
WORK="$(mktemp -d)"
OUT="$WORK/stdout"
ERR="$WORK/stderr"
SERVER_PID=""
URL=""

cleanup() {
    local rc=$?
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        say "killing server (pid $SERVER_PID)"
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_stderr() {
    say "server stderr:"
    sed 's/^/  | /' "$ERR" >&2 || true
}

# start_server POLICY: starts the server under POLICY and waits for its `listening on` line.
start_server() {
    local policy="$1"
    : >"$OUT"
    : >"$ERR"
    say "starting $BIN serve --port 0 --policy $policy --kv-cache-memory $KV_CACHE_MEMORY --max-model-len 2048 --drain-timeout 5s"
    "$BIN" serve --port 0 --policy "$policy" --kv-cache-memory "$KV_CACHE_MEMORY" --max-model-len 2048 --drain-timeout 5s \
        >"$OUT" 2>"$ERR" </dev/null &
    SERVER_PID=$!
    URL=""
    local deadline=$((SECONDS + READY_TIMEOUT)) line status
    while :; do
        line="$(grep -m1 'listening on http://' "$OUT" 2>/dev/null || true)"
        if [ -n "$line" ]; then
            URL="$(printf '%s\n' "$line" | sed -E 's|.*listening on (http://[^ ]+).*|\1|')"
            break
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            status=0
            wait "$SERVER_PID" || status=$?
            SERVER_PID=""
            show_stderr
            die "server exited with status $status before it was ready"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            show_stderr
            die "server not ready after ${READY_TIMEOUT}s"
        fi
        sleep 0.2
    done
    say "server ($policy) ready at $URL (pid $SERVER_PID)"
}

# stop_server: SIGTERM, and the server must drain and exit 0 within 30 s.
stop_server() {
    say "sending SIGTERM to server (pid $SERVER_PID)"
    kill -TERM "$SERVER_PID"
    local deadline=$((SECONDS + 30)) status=0
    while kill -0 "$SERVER_PID" 2>/dev/null && [ "$(ps -o stat= -p "$SERVER_PID" 2>/dev/null | cut -c1)" != Z ]; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            show_stderr
            die "server still running 30s after SIGTERM"
        fi
        sleep 0.2
    done
    wait "$SERVER_PID" || status=$?
    SERVER_PID=""
    if [ "$status" -ne 0 ]; then
        show_stderr
        die "server exited with status $status after SIGTERM (expected 0)"
    fi
    say "server exited with status 0"
}

# run_script SCRIPT ARGS...: runs a client script against the server, showing its stderr on failure.
run_script() {
    local script="$1"
    shift
    say "running $script against $URL/v1 $*"
    if ! "$PY" "$ROOT/Tests/python/$script" "$URL/v1" "$@"; then
        show_stderr
        die "$script failed"
    fi
}

# --- sessions ----------------------------------------------------------------
# The default policy gets the whole client session and the agent loop; the agent loop also runs
# under infercept (sessions held by min-waste) and vllm (nothing held: every follow-up re-prefills).
start_server augserve
run_script "$(basename "$SESSION")"
run_script agent_loop.py augserve
stop_server
for policy in infercept vllm; do
    start_server "$policy"
    run_script agent_loop.py "$policy"
    stop_server
done
say "all client tests passed"
