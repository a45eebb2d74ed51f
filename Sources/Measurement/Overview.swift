// Measurement: what a run achieved, in the paper's terms (SPEC §7). A `RequestRecord` per request
// (arrival, first token, finish, calls, queueing, preemptions, recomputation, swapping); an
// `SLOConfig` (TTFT ≤ 1 s and normalized latency ≤ 10 × the single-iteration time) that judges
// each record; a `RunSummary` per run with goodput over the arrival window, attainment,
// completed/s and `SampleStatistics` (linear-interpolation `Percentile`s) of TTFT, normalized
// latency, queueing and end-to-end latency; and `ReportFormat` renderings as a Markdown table,
// CSV with SPEC's stable column names, and sorted-key JSON, plus `TimeSeries` and `SVGLineChart`
// for the comparison report's figures. Every number is formatted without locale, so the same
// inputs give byte-identical reports. Shared by the simulator and the live load generator.
