import EngineRuntime
import Hummingbird
import Logging
import ServiceLifecycle
import Tools
import UnixSignals
import ServingCore

/// The HTTP application: routes, error envelope, optional API key, and its lifecycle with the
/// engine (start, graceful drain on SIGINT / SIGTERM, stop).
public struct APIApplication: Sendable {
    public let engine: EngineService
    public let model: ServedModel
    public let metrics: ServerMetrics
    public let configuration: APIServerConfiguration
    /// Server-side tools (from `--config`).
    public let tools: ToolRegistry
    let cache = GenerationCache()
    let logger: Logger

    public init(
        engine: EngineService, model: ServedModel, metrics: ServerMetrics, configuration: APIServerConfiguration,
        tools: ToolRegistry = .empty, logger: Logger = Logger(label: "augserve")
    ) throws(ConfigurationError) {
        try configuration.validate()
        self.engine = engine
        self.model = model
        self.metrics = metrics
        self.configuration = configuration
        self.tools = tools
        self.logger = logger
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        // Per-route request counts and durations through swift-metrics (Hummingbird's own names,
        // `hb_requests`, `hb_request_duration`…); `augserve serve` bootstraps swift-metrics with this
        // server's Prometheus registry, so they appear in `/metrics` too.
        router.add(middleware: MetricsMiddleware())
        if let key = configuration.apiKey { router.add(middleware: APIKeyMiddleware(key: Array(key.utf8))) }
        let generation = GenerationRoutes(engine: engine, model: model, configuration: configuration, registry: tools, cache: cache)
        let info = InfoRoutes(engine: engine, model: model, metrics: metrics, configuration: configuration, generation: generation)
        router.post("/v1/chat/completions", use: generation.chat)
        router.post("/v1/completions", use: generation.completion)
        router.get("/v1/models", use: info.models)
        router.get("/health", use: info.health)
        router.get("/metrics", use: info.metricsText)
        router.get("/version", use: info.version)
        router.post("/tokenize", use: info.tokenize)
        router.post("/detokenize", use: info.detokenize)
        return router
    }

    /// The Hummingbird application; `onRunning` receives the bound port (useful with port 0).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol & Service {
        Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "augserve"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGINT / SIGTERM (or `group.triggerGracefulShutdown()`): then refuses new
    /// requests, lets in-flight ones finish for up to `drainTimeout`, aborts the rest and returns.
    public func serviceGroup(signals: [UnixSignal] = [.sigterm, .sigint], onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> ServiceGroup {
        let lifecycle = EngineLifecycle(engine: engine, tools: tools, drainTimeout: configuration.drainTimeout, logger: logger)
        var group = ServiceGroupConfiguration(
            services: [
                // Shut down in reverse order: the engine drains first (new requests get 503 while
                // in-flight ones finish), then the HTTP server closes its listener and connections.
                .init(service: application(onRunning: onRunning)),
                .init(service: lifecycle),
            ],
            gracefulShutdownSignals: signals, logger: logger)
        group.maximumGracefulShutdownDuration = configuration.drainTimeout + .seconds(10)
        return ServiceGroup(configuration: group)
    }
}

/// Starts the engine, waits for shutdown, drains and stops it.
struct EngineLifecycle: Service {
    let engine: EngineService
    let tools: ToolRegistry
    let drainTimeout: Duration
    let logger: Logger

    func run() async throws {
        engine.start()
        try? await gracefulShutdown()
        engine.beginDrain()
        let inFlight = engine.liveRequestCount
        if inFlight > 0 { logger.info("draining \(inFlight) in-flight requests (up to \(drainTimeout))") }
        if !(await engine.waitUntilIdle(timeout: drainTimeout)) {
            logger.warning("drain timeout: aborting \(engine.liveRequestCount) requests")
        }
        await engine.stop()
        await tools.shutdown()  // MCP servers' child processes are stopped and reaped
    }
}
