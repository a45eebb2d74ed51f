import LoadGenerator
import Testing

struct BenchServerTests {
    @Test func oneUnlabelledServerTakesTheDefaultLabel() throws {
        let servers = try BenchServer.parseList("http://127.0.0.1:8000", defaultLabel: "server")
        #expect(servers == [BenchServer(label: "server", url: "http://127.0.0.1:8000")])
    }

    @Test func labelledServersKeepTheirOrderAndAnEqualsSignInTheURL() throws {
        let servers = try BenchServer.parseList("ours=http://127.0.0.1:8000, llama.cpp=http://127.0.0.1:8200/?a=b", defaultLabel: "x")
        #expect(servers.map(\.label) == ["ours", "llama.cpp"])
        #expect(servers.map(\.url) == ["http://127.0.0.1:8000", "http://127.0.0.1:8200/?a=b"])
    }

    @Test(arguments: [
        "", "ftp://host", "ours=", "=http://a", "http://", "a=http://x,a=http://y", "http://x,http://y",
        "a=http://x,,b=http://y", "bad label=http://x", "https:///path",
    ])
    func badListsAreRefusedWithAReason(text: String) {
        #expect(throws: BenchServer.Invalid.self) { try BenchServer.parseList(text, defaultLabel: "server") }
        do {
            _ = try BenchServer.parseList(text, defaultLabel: "server")
        } catch {
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func theOrderIsReversedAtEveryOtherRate() {
        let servers = [BenchServer(label: "a", url: "http://a"), BenchServer(label: "b", url: "http://b")]
        #expect(BenchServer.order(servers, round: 0).map(\.label) == ["a", "b"])
        #expect(BenchServer.order(servers, round: 1).map(\.label) == ["b", "a"])
        #expect(BenchServer.order(servers, round: 2).map(\.label) == ["a", "b"])
        // Over any two consecutive rates each server goes first once.
        let firsts = (0..<4).map { BenchServer.order(servers, round: $0)[0].label }
        #expect(firsts.filter { $0 == "a" }.count == 2)
    }
}

struct BenchTargetAssignmentTests {
    let two = [BenchServer(label: "a", url: "http://x"), BenchServer(label: "b", url: "http://x")]

    @Test func oneTargetIsTheBenchsAndLeavesTheServersAlone() throws {
        let (target, servers) = try BenchServer.assignTargets("generic", to: two)
        #expect(target == .generic)
        #expect(servers.allSatisfy { $0.target == nil })
    }

    @Test func oneTargetPerServerIsAssignedInOrder() throws {
        let (target, servers) = try BenchServer.assignTargets("augserve,generic", to: two)
        #expect(target == .augserve)
        #expect(servers.map(\.target) == [.augserve, .generic])
    }

    @Test(arguments: ["", "vllm", "augserve,generic,generic", "augserve,"])
    func badTargetListsAreRefused(text: String) {
        #expect(throws: BenchServer.Invalid.self) { try BenchServer.assignTargets(text, to: two) }
    }
}
