// Measurement: what a run achieved, in the paper's terms (SPEC §7). Per-request records, the SLO
// (TTFT ≤ 1 s and normalized latency ≤ 10 × the single-iteration time), goodput over the arrival
// window, attainment, percentiles, and reports as a Markdown table, CSV with stable column names,
// deterministic JSON, and SVG line charts. Shared by the simulator and the live load generator so
// their numbers can be compared by tools.
