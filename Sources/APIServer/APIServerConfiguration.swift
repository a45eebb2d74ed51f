import ServingCore

/// How the HTTP server runs. Validated once, by `APIApplication.init`.
public struct APIServerConfiguration: Sendable, Equatable {
    /// Address to listen on (loopback by default).
    public var host = "127.0.0.1"
    /// Port to listen on; 0 picks a free one (printed at start).
    public var port = 8000
    /// When set, every request but `/health`, `/metrics` and `/version` needs `Authorization: Bearer <key>`.
    public var apiKey: String?
    /// Largest request body accepted (413 beyond).
    public var maxBodyByteCount = 8 << 20
    /// On SIGINT / SIGTERM, how long in-flight requests may take to finish before they are aborted.
    public var drainTimeout: Duration = .seconds(30)
    /// The scheduling policy, for `/version` and `vllm:cache_config_info`.
    public var policyName = "augserve"
    /// The SLO the `augserve:slo_requests_total` counts use (TTFT, and time per output token).
    public var ttftObjective: Duration = .seconds(1)
    public var tpotObjective: Duration = .milliseconds(100)

    public init() {}

    public func validate() throws(ConfigurationError) {
        try ConfigurationError.require(!host.isEmpty, "host", host, "must not be empty")
        try ConfigurationError.require((0...65_535).contains(port), "port", port, "must be in 0...65535")
        if let apiKey { try ConfigurationError.require(!apiKey.isEmpty, "api-key", "", "must not be empty") }
        try ConfigurationError.require(
            maxBodyByteCount >= 1024 && maxBodyByteCount <= 1 << 30, "max-body-bytes", maxBodyByteCount, "must be in 1024...1073741824")
        try ConfigurationError.require(drainTimeout >= .zero, "drain-timeout", drainTimeout, "must be ≥ 0")
        try ConfigurationError.require(ttftObjective > .zero, "slo-ttft", ttftObjective, "must be > 0")
        try ConfigurationError.require(tpotObjective > .zero, "slo-tpot", tpotObjective, "must be > 0")
    }
}

/// The server's version, reported by `GET /version`.
public enum AugServeVersion {
    public static let string = "0.2.0"
}
