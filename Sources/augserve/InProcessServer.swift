import APIServer
import ArgumentParser
import ServerAssembly
import ServiceLifecycle

/// A server started in this process for a benchmark: built, listening on a free loopback port,
/// its engine ready; `stop()` drains it as SIGTERM would.
struct InProcessServer {
    let stack: ServingStack
    let port: Int
    private let group: ServiceGroup
    private let serving: Task<Void, Error>

    var base: String { "http://127.0.0.1:\(port)" }

    static func start(_ settings: ServeSettings) async throws -> InProcessServer {
        let stack: ServingStack
        do { stack = try await ServingStack.build(settings) } catch { throw ValidationError(error.description) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = stack.application.serviceGroup(signals: [.sigint, .sigterm], onRunning: { continuation.yield($0) })
        let serving = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), await stack.engine.waitUntilReady() else {
            await group.triggerGracefulShutdown()
            throw ValidationError("the \(settings.policy) server did not start")
        }
        return InProcessServer(stack: stack, port: port, group: group, serving: serving)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await serving.value
    }
}
