import Testing
import Tokenization

/// Stop strings end the stream before their first occurrence, wherever chunk boundaries fall.
@Suite struct StopStringFilterTests {
    static func run(_ chunks: [String], stops: [String]) -> (text: String, stopped: Bool) {
        var filter = StopStringFilter(stops: stops)
        var text = ""
        for chunk in chunks {
            text += filter.feed(chunk)
            if filter.stopped { break }
        }
        text += filter.finish()
        return (text, filter.stopped)
    }

    @Test func stopInsideOneChunk() {
        let result = Self.run(["The answer is 42.\nUser: next"], stops: ["\nUser:"])
        #expect(result.text == "The answer is 42." && result.stopped)
    }

    @Test func stopSplitAcrossChunksIsHeldBackThenDropped() {
        var filter = StopStringFilter(stops: ["###"])
        #expect(filter.feed("Hello #") == "Hello ")
        #expect(filter.feed("#") == "")
        #expect(filter.feed("# tail") == "")
        #expect(filter.stopped)
        #expect(filter.finish() == "")
    }

    @Test func heldBackTextIsReleasedWhenItCannotStartAStop() {
        var filter = StopStringFilter(stops: ["END"])
        #expect(filter.feed("the EN") == "the ")
        #expect(filter.feed("D") == "")
        #expect(filter.stopped)
        var other = StopStringFilter(stops: ["END"])
        #expect(other.feed("the EN") == "the ")
        #expect(other.feed("ding") == "ENding")
        #expect(!other.stopped)
    }

    @Test func earliestOfSeveralStopsWins() {
        let result = Self.run(["a", "bcSTOPdefHALT"], stops: ["HALT", "STOP"])
        #expect(result.text == "abc")
    }

    @Test func unfinishedPrefixIsEmittedAtTheEnd() {
        let result = Self.run(["value: <", "/"], stops: ["</end>"])
        #expect(result.text == "value: </" && !result.stopped)
    }

    @Test func noStopsPassesEverythingThroughAndEmptyStopsAreIgnored() {
        #expect(Self.run(["x", "y", "z"], stops: []).text == "xyz")
        #expect(Self.run(["x", "y"], stops: [""]).text == "xy")
        #expect(Self.run(["naïve ", "café"], stops: ["é"]).text == "naïve caf")
    }
}
