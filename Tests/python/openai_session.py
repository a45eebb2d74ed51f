#!/usr/bin/env python3
"""End-to-end session against a running augserve, using the official `openai`
Python package unchanged.

Usage: openai_session.py BASE_URL      (e.g. http://127.0.0.1:8000/v1)

Prints one `ok: ...` line per check; on the first failed check prints
`FAIL: ...` to stderr and exits with status 1.
"""

import http.client
import json
import select
import sys
import urllib.error
import urllib.parse
import urllib.request

import openai

CAPITAL_Q = "What is the capital of France?"
CAPITAL_A = "The capital of France is Paris."
COMPLETION_PROMPT = "The capital of France is"
POEM_Q = "Write a short poem about the sea."
ERROR_KEYS = ("message", "type", "param", "code")


class CheckFailed(Exception):
    pass


def ok(what):
    print(f"ok: {what}", flush=True)


def check(cond, what, detail=""):
    if not cond:
        raise CheckFailed(f"{what}" + (f" ({detail})" if detail else ""))


def check_eq(got, expected, what):
    if got != expected:
        raise CheckFailed(f"{what}: expected {expected!r}, got {got!r}")


def expect_error(what, exc_type, status, call, message_contains=None):
    """Runs `call`, which must raise `exc_type` with HTTP `status` and an
    OpenAI-shaped error body."""
    try:
        result = call()
    except exc_type as e:
        check_eq(e.status_code, status, f"{what}: status code")
        body = e.body
        check(isinstance(body, dict), f"{what}: error body is a dict", f"got {body!r}")
        missing = [k for k in ERROR_KEYS if k not in body]
        check(not missing, f"{what}: error body has keys {ERROR_KEYS}",
              f"missing {missing} in {body!r}")
        msg = body.get("message")
        check(isinstance(msg, str) and msg, f"{what}: error message is a non-empty string",
              f"got {msg!r}")
        if message_contains is not None:
            check(message_contains in msg,
                  f"{what}: error message mentions {message_contains!r}", f"got {msg!r}")
        ok(f"{what} -> {type(e).__name__} {e.status_code}: {msg}")
        return
    except openai.APIStatusError as e:
        raise CheckFailed(f"{what}: expected {exc_type.__name__} ({status}), got "
                          f"{type(e).__name__} {e.status_code}: {e.body!r}")
    raise CheckFailed(f"{what}: expected {exc_type.__name__}, but the call succeeded: "
                      f"{result!r}")


def http_get(url):
    """(status, body text) of a plain GET; the HTTP client the `openai` package
    depends on has changed between releases, so this uses the standard library."""
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def check_keep_alive(base_url, path, payload, what):
    """HTTP/1.1 keep-alive as pooled clients (the `openai` package's httpx) rely on:
    after a complete response the server either keeps the connection open or says
    `Connection: close`. Closing it silently makes the client's next request on the
    pooled connection fail ("Server disconnected without sending a response")
    whenever the client reuses it before it has seen the close."""
    url = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        conn.request("POST", url.path.rstrip("/") + path, body=json.dumps(payload),
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        check_eq(resp.status, 200, f"{what}: status")
        says_close = "close" in (resp.getheader("Connection") or "").lower()
        closed = False
        if not says_close and conn.sock is not None:
            readable, _, _ = select.select([conn.sock], [], [], 1.0)
            closed = bool(readable) and conn.sock.recv(1) == b""
        check(says_close or not closed,
              f"{what}: server closed the HTTP/1.1 connection after the response "
              "without a 'Connection: close' header, so pooled clients that reuse it "
              "fail with 'Server disconnected without sending a response'")
        ok(f"{what}: connection " + ("marked 'Connection: close'" if says_close
                                     else "kept alive after the response"))
    finally:
        conn.close()


def run(base_url):
    client = openai.OpenAI(base_url=base_url, api_key="unused", timeout=60, max_retries=0)

    # --- models -----------------------------------------------------------
    models = list(client.models.list())
    check_eq(len(models), 1, "models.list() model count")
    model = models[0].id
    check(isinstance(model, str) and model, "model id is a non-empty string", repr(model))
    extra = models[0].model_extra or {}
    max_len = extra.get("max_model_len", getattr(models[0], "max_model_len", None))
    check(isinstance(max_len, int) and max_len > 0,
          "model has a positive integer max_model_len", f"got {max_len!r}")
    ok(f"models.list(): one model {model!r}, max_model_len={max_len}")

    # --- keep-alive after a generation ------------------------------------
    check_keep_alive(base_url, "/chat/completions",
                     {"model": model, "messages": [{"role": "user", "content": CAPITAL_Q}],
                      "temperature": 0, "max_tokens": 3},
                     "keep-alive after POST /v1/chat/completions")

    # --- non-streaming chat -----------------------------------------------
    chat_args = dict(
        model=model,
        messages=[{"role": "user", "content": CAPITAL_Q}],
        temperature=0,
        max_tokens=20,
    )
    resp = client.chat.completions.create(**chat_args)
    check_eq(len(resp.choices), 1, "chat: number of choices")
    choice = resp.choices[0]
    content = choice.message.content
    check_eq(content, CAPITAL_A, "chat: content")
    check_eq(choice.message.role, "assistant", "chat: message role")
    check_eq(choice.finish_reason, "stop", "chat: finish_reason")
    usage = resp.usage
    check(usage is not None, "chat: usage present")
    check(usage.prompt_tokens > 0, "chat: usage.prompt_tokens > 0", repr(usage))
    check(usage.completion_tokens > 0, "chat: usage.completion_tokens > 0", repr(usage))
    check_eq(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens,
             "chat: usage.total_tokens")
    details = usage.prompt_tokens_details
    check(details is not None, "chat: usage.prompt_tokens_details present", repr(usage))
    check(isinstance(details.cached_tokens, int),
          "chat: usage.prompt_tokens_details.cached_tokens is an int",
          repr(details.cached_tokens))
    ok(f"chat (temperature 0): {content!r}, finish_reason=stop, "
       f"usage prompt={usage.prompt_tokens} completion={usage.completion_tokens} "
       f"cached={details.cached_tokens}")

    # --- streaming chat ---------------------------------------------------
    stream = client.chat.completions.create(
        **chat_args, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    check(len(chunks) >= 2, "chat stream: at least two chunks", f"got {len(chunks)}")
    with_choices = [c for c in chunks if c.choices]
    check(with_choices, "chat stream: some chunk has choices")
    first = with_choices[0].choices[0]
    check_eq(first.delta.role, "assistant", "chat stream: first chunk delta.role")
    check(bool(first.delta.content), "chat stream: first chunk has non-empty content",
          f"got {first.delta.content!r}")
    streamed = "".join(c.choices[0].delta.content or "" for c in with_choices)
    check_eq(streamed, content, "chat stream: concatenated delta contents")
    finishes = [c.choices[0].finish_reason for c in with_choices
                if c.choices[0].finish_reason is not None]
    check_eq(finishes, ["stop"], "chat stream: finish_reasons")
    last = chunks[-1]
    check_eq(last.choices, [], "chat stream: last chunk choices")
    check(last.usage is not None, "chat stream: last chunk has usage")
    check_eq((last.usage.prompt_tokens, last.usage.completion_tokens),
             (usage.prompt_tokens, usage.completion_tokens),
             "chat stream: usage (prompt, completion) vs non-streaming")
    usage_chunks = [c for c in chunks if c.usage is not None]
    check_eq(len(usage_chunks), 1, "chat stream: number of chunks carrying usage")
    ids = {c.id for c in chunks}
    check_eq(len(ids), 1, "chat stream: number of distinct chunk ids")
    ok(f"chat stream: {len(chunks)} chunks, content matches, one 'stop', "
       f"final usage chunk {last.usage.prompt_tokens}/{last.usage.completion_tokens}")

    # --- non-streaming completion -----------------------------------------
    comp_args = dict(model=model, prompt=COMPLETION_PROMPT, max_tokens=5, temperature=0)
    comp = client.completions.create(**comp_args)
    check_eq(len(comp.choices), 1, "completion: number of choices")
    text = comp.choices[0].text
    check(isinstance(text, str) and text, "completion: text non-empty", repr(text))
    check_eq(comp.choices[0].finish_reason, "length", "completion: finish_reason")
    check(comp.usage is not None, "completion: usage present")
    check_eq(comp.usage.completion_tokens, 5, "completion: usage.completion_tokens")
    check(comp.usage.prompt_tokens > 0, "completion: usage.prompt_tokens > 0",
          repr(comp.usage))
    ok(f"completion (temperature 0, max_tokens 5): {text!r}, finish_reason=length")

    # --- streaming completion ---------------------------------------------
    cstream = client.completions.create(
        **comp_args, stream=True, stream_options={"include_usage": True})
    cchunks = list(cstream)
    ctext = "".join(c.choices[0].text for c in cchunks if c.choices)
    check_eq(ctext, text, "completion stream: concatenated text")
    cfin = [c.choices[0].finish_reason for c in cchunks
            if c.choices and c.choices[0].finish_reason is not None]
    check_eq(cfin, ["length"], "completion stream: finish_reasons")
    check(cchunks and cchunks[-1].usage is not None,
          "completion stream: last chunk has usage")
    check_eq(cchunks[-1].usage.completion_tokens, 5,
             "completion stream: usage.completion_tokens")
    ok(f"completion stream: {len(cchunks)} chunks, text matches")

    # --- stop strings -----------------------------------------------------
    sresp = client.chat.completions.create(**chat_args, stop=["Paris"])
    check_eq(sresp.choices[0].message.content, "The capital of France is ",
             "chat stop=['Paris']: content")
    check_eq(sresp.choices[0].finish_reason, "stop", "chat stop=['Paris']: finish_reason")
    ok("chat with stop=['Paris']: 'The capital of France is ', finish_reason=stop")

    # --- seeds ------------------------------------------------------------
    seed_args = dict(
        model=model,
        messages=[{"role": "user", "content": POEM_Q}],
        temperature=1.0,
        seed=7,
        max_tokens=24,
    )
    a = client.chat.completions.create(**seed_args).choices[0].message.content
    b = client.chat.completions.create(**seed_args).choices[0].message.content
    check(bool(a), "seeded chat: content non-empty", repr(a))
    check_eq(b, a, "seeded chat (temperature 1, seed 7): second answer vs first")
    ok(f"seeded chat (temperature 1, seed 7) reproducible: {a!r}")

    # --- errors -----------------------------------------------------------
    msgs = [{"role": "user", "content": CAPITAL_Q}]
    expect_error(
        "temperature=-1", openai.BadRequestError, 400,
        lambda: client.chat.completions.create(
            model=model, messages=msgs, temperature=-1, max_tokens=5),
        message_contains="temperature")
    expect_error(
        "model='no-such-model'", openai.NotFoundError, 404,
        lambda: client.chat.completions.create(
            model="no-such-model", messages=msgs, max_tokens=5))
    expect_error(
        "n=2", openai.BadRequestError, 400,
        lambda: client.chat.completions.create(
            model=model, messages=msgs, n=2, max_tokens=5))
    long_prompt = " ".join(["hello"] * 3000)
    expect_error(
        "~3000-word prompt with max_tokens 100", openai.BadRequestError, 400,
        lambda: client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": long_prompt}],
            max_tokens=100),
        message_contains="maximum context length")

    # --- health and metrics -----------------------------------------------
    root = base_url.rstrip("/")
    if root.endswith("/v1"):
        root = root[: -len("/v1")]
    status, _ = http_get(root + "/health")
    check_eq(status, 200, "GET /health status")
    ok("GET /health -> 200")
    status, text = http_get(root + "/metrics")
    check_eq(status, 200, "GET /metrics status")
    for name in ("vllm:num_requests_running", "vllm:kv_cache_usage_perc"):
        check(name in text, f"/metrics contains {name}")
    ok("GET /metrics -> 200, has vllm:num_requests_running and vllm:kv_cache_usage_perc")

def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} BASE_URL   (e.g. http://127.0.0.1:8000/v1)", file=sys.stderr)
        return 2
    try:
        run(argv[1])
    except CheckFailed as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    except openai.APIError as e:
        body = getattr(e, "body", None)
        print(f"FAIL: unexpected {type(e).__name__}: {e} (body {body!r})", file=sys.stderr)
        cause = e.__cause__ or e.__context__
        while cause is not None:
            print(f"  caused by {type(cause).__module__}.{type(cause).__name__}: {cause}",
                  file=sys.stderr)
            cause = cause.__cause__ or cause.__context__
        return 1
    print(f"openai_session: all checks passed (openai {openai.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
