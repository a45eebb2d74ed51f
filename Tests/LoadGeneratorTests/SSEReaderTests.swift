import AsyncHTTPClient
import NIOCore
import Testing
@testable import LoadGenerator

struct SSEReaderTests {
    @Test func eventsSplitAnywhere() throws {
        let stream = "data: {\"a\":1}\n\n: comment\n\ndata: {\"b\":2}\r\n\r\ndata: [DONE]\n\n"
        let bytes = Array(stream.utf8)
        for cut in 0...bytes.count {
            var reader = SSEReader()
            let events = try reader.feed(bytes[..<cut]) + reader.feed(bytes[cut...])
            #expect(events == [#"{"a":1}"#, #"{"b":2}"#, "[DONE]"], "cut at \(cut)")
        }
    }

    @Test func anEndlessEventIsAnError() throws {
        var reader = SSEReader()
        let chunk = [UInt8](repeating: 0x61, count: 1 << 16)
        #expect(throws: BenchError.self) {
            for _ in 0..<(SSEReader.maxEventBytes / chunk.count + 2) { _ = try reader.feed(chunk) }
        }
    }
}

struct StaleConnectionTests {
    /// Only a connection closed before any response counts as stale (sent again); a server's
    /// error or a timeout is a failure of the request.
    @Test func onlyClosedConnectionsAreRetried() {
        #expect(RequestPlayer.isStaleConnection(HTTPClientError.remoteConnectionClosed))
        #expect(RequestPlayer.isStaleConnection(ChannelError.ioOnClosedChannel))
        #expect(!RequestPlayer.isStaleConnection(HTTPClientError.readTimeout))
        #expect(!RequestPlayer.isStaleConnection(BenchError.server("HTTP 500")))
        #expect(!RequestPlayer.isStaleConnection(CancellationError()))
    }
}
