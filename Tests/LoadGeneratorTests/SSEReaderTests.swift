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
