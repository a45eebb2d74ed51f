#!/usr/bin/env python3
"""A small agent loop with one client-side tool, run with the official `openai` client.

The client runs `get_weather` itself: a response that ends with finish_reason "tool_calls" is
answered by re-sending the conversation with a `tool` message. On the server such a round trip
is an interception: the context stays in the engine as a paused session and the follow-up
resumes it. What this script checks depends on the server's policy (the second argument):

- augserve, infercept: each follow-up's usage.prompt_tokens_details.cached_tokens is at least
  90% of the context the previous response left (its prompt plus its completion);
- vllm: nothing is kept, so every follow-up re-prefills (cached_tokens == 0);
- vllm-apc: only the prefix cache helps (cached_tokens below the previous context).

And, whatever the policy: streaming the first request yields `delta.tool_calls` fragments that
reassemble into the same call (name and arguments) as the non-streaming response.

Usage: agent_loop.py BASE_URL POLICY
"""
import json
import sys

import openai

TOOLS = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather of a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "maxLength": 16}},
            "required": ["city"],
        },
    },
}]
QUESTION = "What is the weather in Oslo?"
MAX_ROUNDS = 4


class CheckFailed(Exception):
    pass


def check(cond, what, detail=""):
    if not cond:
        raise CheckFailed(f"{what}" + (f": {detail}" if detail else ""))


def get_weather(arguments):
    """The client-side tool: validates its arguments like a real one would."""
    city = json.loads(arguments).get("city")
    check(isinstance(city, str) and city, "get_weather: arguments carry a city", arguments)
    return f"{city}: snow, -3 degrees Celsius, wind 5 m/s."


def reassemble(stream):
    """Rebuilds tool calls from streamed deltas the way client code does: keyed by index,
    id/type/name from the first fragment, arguments appended."""
    calls = {}
    finish = None
    for chunk in stream:
        for choice in chunk.choices:
            if choice.finish_reason is not None:
                finish = choice.finish_reason
            for delta in choice.delta.tool_calls or []:
                call = calls.setdefault(delta.index, {"id": None, "name": None, "arguments": ""})
                if delta.id:
                    call["id"] = delta.id
                if delta.function is not None:
                    if delta.function.name:
                        call["name"] = delta.function.name
                    if delta.function.arguments:
                        call["arguments"] += delta.function.arguments
    return [calls[index] for index in sorted(calls)], finish


def run(base_url, policy):
    client = openai.OpenAI(base_url=base_url, api_key="unused", timeout=120, max_retries=0)
    model = list(client.models.list())[0].id
    args = dict(model=model, tools=TOOLS, temperature=0, max_tokens=48)

    # --- streaming and non-streaming give the same call ---------------------
    messages = [{"role": "user", "content": QUESTION}]
    first = client.chat.completions.create(messages=messages, tool_choice="required", **args)
    choice = first.choices[0]
    check(choice.finish_reason == "tool_calls", "first turn: finish_reason", repr(choice.finish_reason))
    calls = choice.message.tool_calls or []
    check(len(calls) == 1, "first turn: one tool call", repr(calls))
    call = calls[0]
    check(call.type == "function" and call.function.name == "get_weather", "first turn: the call", repr(call))
    check(call.id, "first turn: the call has an id")
    streamed, finish = reassemble(client.chat.completions.create(
        messages=messages, tool_choice="required", stream=True, **args))
    check(finish == "tool_calls", "stream: finish_reason", repr(finish))
    check(len(streamed) == 1, "stream: one reassembled call", repr(streamed))
    check(streamed[0]["name"] == call.function.name, "stream: name", f"{streamed[0]} vs {call}")
    check(json.loads(streamed[0]["arguments"]) == json.loads(call.function.arguments),
          "stream: arguments", f"{streamed[0]['arguments']!r} vs {call.function.arguments!r}")
    check(streamed[0]["id"], "stream: the call has an id")
    print(f"agent_loop[{policy}]: streamed deltas reassemble to {streamed[0]['name']}"
          f"({streamed[0]['arguments']}) = the non-streaming call")

    # --- the loop ------------------------------------------------------------
    # A named session (prompt_cache_key) pins the follow-ups to this conversation's context;
    # the streamed request above left an identical one that expires with its TTL.
    session = {"prompt_cache_key": f"agent-loop-{policy}"}
    response = client.chat.completions.create(
        messages=messages, tool_choice="required", extra_body=session, **args)
    followups = []
    answer = None
    for round_index in range(MAX_ROUNDS):
        choice = response.choices[0]
        if choice.finish_reason != "tool_calls":
            answer = choice.message.content
            break
        context = response.usage.prompt_tokens + response.usage.completion_tokens
        messages.append(choice.message.model_dump(exclude_none=True))
        for tool_call in choice.message.tool_calls:
            messages.append({"role": "tool", "tool_call_id": tool_call.id,
                             "content": get_weather(tool_call.function.arguments)})
        # The last round may not call again, so that the loop ends with an answer.
        choice_mode = "auto" if round_index + 1 < MAX_ROUNDS - 1 else "none"
        response = client.chat.completions.create(
            messages=messages, tool_choice=choice_mode, extra_body=session, **args)
        details = response.usage.prompt_tokens_details
        cached = details.cached_tokens if details is not None else 0
        followups.append((context, response.usage.prompt_tokens, cached))
        print(f"agent_loop[{policy}]: round {round_index + 1}: previous context {context} tokens, "
              f"follow-up prompt {response.usage.prompt_tokens}, cached {cached}")
    check(answer is not None or response.choices[0].finish_reason != "tool_calls",
          "the loop ends with an answer", repr(response.choices[0]))
    if answer is None:
        answer = response.choices[0].message.content
    check(followups, "at least one follow-up")
    print(f"agent_loop[{policy}]: answer after {len(followups)} tool round(s): {answer!r}")

    for context, prompt, cached in followups:
        check(prompt > context, "follow-up prompt extends the previous context", f"{prompt} vs {context}")
        if policy in ("augserve", "infercept"):
            check(cached >= 0.9 * context, f"{policy}: follow-up resumes the held context",
                  f"cached {cached} of {context}")
        elif policy == "vllm":
            check(cached == 0, "vllm: the follow-up re-prefills", f"cached {cached}")
        elif policy == "vllm-apc":
            check(cached < context, "vllm-apc: only whole cached blocks are reused", f"cached {cached} of {context}")
        else:
            raise CheckFailed(f"unknown policy {policy!r}")
    print(f"agent_loop[{policy}]: all checks passed")


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} BASE_URL POLICY", file=sys.stderr)
        return 2
    try:
        run(argv[1], argv[2])
    except CheckFailed as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    except openai.APIError as e:
        print(f"FAIL: unexpected {type(e).__name__}: {e} (body {getattr(e, 'body', None)!r})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
